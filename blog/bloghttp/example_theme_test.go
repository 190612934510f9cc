package bloghttp_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing/fstest"
	"time"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/blogcomments"
	"github.com/folioblog/folio/blog/bloghttp"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
)

// A theme replaces the default templates it names: here post.html alone,
// which draws the post from .Page, a *bloghttp.PostPage, and keeps the
// default layout around it. Templates it leaves out (layout.html,
// list.html, …) stay the default ones.
func ExampleWithTheme() {
	theme := fstest.MapFS{
		"post.html": {Data: []byte(`{{define "content"}}
<article>
<h1>{{.Page.Post.Title}}</h1>
<p>{{date .Page.Post.PublishedAt}}, {{plural .Page.Thread.Total "comment" "comments"}}, image {{.OGImage}}</p>
{{- with .Page.Prev}}
<a rel="prev" href="{{postURL .}}">{{.Title}}</a>
{{- end}}
</article>
{{end}}
{{define "sidebar"}}{{""}}{{end}}`)},
	}

	store := memstore.New()
	b, err := blog.New(store)
	if err != nil {
		panic(err)
	}
	cs, err := comments.NewService(store, blogcomments.Threads(b),
		comments.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		panic(err)
	}
	for i, source := range []string{"The first post.", "Pears today.\n\n![A pear](/media/pear.jpg)"} {
		_, err := b.CreatePost(context.Background(), &blog.Post{
			Title:       fmt.Sprintf("Post %d", i+1),
			Source:      source,
			Status:      blog.StatusPublished,
			PublishedAt: time.Date(2013, 1, 2+i, 10, 0, 0, 0, time.UTC),
		})
		if err != nil {
			panic(err)
		}
	}
	srv, err := bloghttp.New(b, cs, bloghttp.Site{Title: "Notes", BaseURL: "https://example.com/blog/"},
		bloghttp.WithTheme(theme),
		bloghttp.WithSecret([]byte("a secret of at least thirty-two bytes!")),
		bloghttp.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		panic(err)
	}

	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/blog/2013/01/03/post-2/", nil))
	_, main, _ := strings.Cut(w.Body.String(), `<main id="main" class="site-main">`)
	main, _, _ = strings.Cut(main, `</main>`)
	fmt.Println(w.Code)
	fmt.Println(strings.TrimSpace(main))
	// Output:
	// 200
	// <article>
	// <h1>Post 2</h1>
	// <p>January 3, 2013, 0 comments, image https://example.com/media/pear.jpg</p>
	// <a rel="prev" href="/blog/2013/01/02/post-1/">Post 1</a>
	// </article>
}
