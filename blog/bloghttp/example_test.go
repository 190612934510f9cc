package bloghttp_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/blogcomments"
	"github.com/folioblog/folio/blog/bloghttp"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
)

// A host mounts the blog under /blog/ on its own mux, beside its own pages.
func ExampleNew() {
	store := memstore.New()
	b, err := blog.New(store)
	if err != nil {
		panic(err)
	}
	cs, err := comments.NewService(store, blogcomments.Threads(b), // comments only on visible posts
		comments.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		panic(err)
	}
	_, err = b.CreatePost(context.Background(), &blog.Post{
		Title:       "Hello, world",
		Source:      "The first post.",
		Status:      blog.StatusPublished,
		PublishedAt: time.Date(2013, 1, 2, 10, 0, 0, 0, time.UTC),
	})
	if err != nil {
		panic(err)
	}
	srv, err := bloghttp.New(b, cs, bloghttp.Site{Title: "Notes", BaseURL: "https://example.com/blog/"},
		bloghttp.WithSecret([]byte("a secret of at least thirty-two bytes!")),
		bloghttp.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		panic(err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "the host's home") })
	mux.Handle("/blog/", srv)

	for _, path := range []string{"/", "/blog/", "/blog/2013/01/02/hello-world/", "/blog/2013/01/02/hello-world"} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		fmt.Println(path, w.Code, w.Header().Get("Location"), strings.Contains(w.Body.String(), "<h1 class=\"entry-title\">Hello, world</h1>"))
	}
	// Output:
	// / 200  false
	// /blog/ 200  false
	// /blog/2013/01/02/hello-world/ 200  true
	// /blog/2013/01/02/hello-world 301 /blog/2013/01/02/hello-world/ false
}
