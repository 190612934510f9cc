package commentshttp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/comments/commentshttp"
	"github.com/folioblog/folio/storage/memstore"
)

func ExampleNewHandler() {
	// The host's pages that take comments.
	threads := comments.ThreadPolicyFunc(func(_ context.Context, key string) (comments.ThreadInfo, error) {
		if key != "hello-world" {
			return comments.ThreadInfo{}, comments.ErrNotFound
		}
		return comments.ThreadInfo{Open: true}, nil
	})
	svc, err := comments.NewService(memstore.New(), threads, comments.WithRules(), comments.WithTokenAge(0, time.Hour))
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /comments", commentshttp.NewHandler(svc,
		commentshttp.WithRedirect(func(r *http.Request, c *comments.Comment) string {
			return "/posts/" + url.PathEscape(c.Thread) + "/"
		}),
	))

	send := func(thread string) {
		form := url.Values{
			"author":            {"Ann"},
			"email":             {"ann@example.com"},
			"comment":           {"First!"},
			"comment_post_ID":   {thread},
			comments.TokenField: {svc.NewToken(thread)},
		}
		r := httptest.NewRequest("POST", "/comments", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		fmt.Println(w.Code, w.Header().Get("Location"))
	}
	send("hello-world")
	send("no-such-page")
	// Output:
	// 303 /posts/hello-world/#comment-1
	// 404
}
