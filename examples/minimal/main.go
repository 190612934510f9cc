// Command minimal is the smallest embedding of Folio: posts and comments
// kept in memory and served with net/http.
package main

import (
	"context"
	"html/template"
	"log"
	"net/http"
	"strconv"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/blogcomments"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/comments/commentshttp"
	"github.com/folioblog/folio/storage/memstore"
)

var page = template.Must(template.New("").Parse(`<!doctype html><title>Folio</title>
{{range .Posts}}<h2><a href="{{call $.URL .}}">{{.Title}}</a></h2>{{.Summary}}{{end}}
{{with .Post}}<h1>{{.Title}}</h1>{{.HTML}}<h3>Comments</h3>
{{range $.Comments}}<p id="comment-{{.ID}}"><b>{{.Author.Name}}</b>: {{.HTML}}</p>{{end}}
<form method="post" action="/comments"><input type="hidden" name="comment_post_ID" value="{{.ID}}">
<input type="hidden" name="folio_token" value="{{$.Token}}">
<input name="author" placeholder="Name"> <input name="email" placeholder="Email">
<textarea name="comment"></textarea><button>Post Comment</button></form>{{end}}`))

func main() {
	h, err := newHandler(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	log.Print("Folio on http://127.0.0.1:8080/")
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", h))
}

func newHandler(ctx context.Context) (http.Handler, error) {
	store := memstore.New()
	b, err := blog.New(store)
	if err != nil {
		return nil, err
	}
	svc, err := comments.NewService(store, blogcomments.Threads(b))
	if err != nil {
		return nil, err
	}
	for _, title := range []string{"Hello, world", "Photos from the hills"} {
		src := "![Hills at dawn](https://example.com/hills.jpg \"(Photo: Folio)\")\n\nWritten in *Markdown*."
		if _, err := b.CreatePost(ctx, &blog.Post{Title: title, Source: src, Status: blog.StatusPublished}); err != nil {
			return nil, err
		}
	}

	type data struct {
		Posts    []*blog.Post
		Post     *blog.Post
		Comments []*comments.Comment
		Token    string
		URL      func(*blog.Post) string
	}
	mux := http.NewServeMux()
	mux.Handle("POST /comments", commentshttp.NewHandler(svc, commentshttp.WithRedirect(func(r *http.Request, c *comments.Comment) string {
		id, _ := strconv.ParseInt(c.Thread, 10, 64)
		p, err := b.PublicPost(r.Context(), id)
		if err != nil {
			return "/"
		}
		return b.PostPath(p)
	})))
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		d := data{URL: b.PostPath}
		if r.URL.Path == "/" {
			list, err := b.List(r.Context(), blog.ListOptions{})
			if err != nil {
				http.Error(w, "unavailable", http.StatusServiceUnavailable)
				return
			}
			d.Posts = list.Posts
		} else if p, redirect, err := b.Resolve(r.Context(), r.URL.Path); err != nil {
			http.NotFound(w, r)
			return
		} else if redirect != "" {
			http.Redirect(w, r, redirect, http.StatusMovedPermanently)
			return
		} else {
			thread := strconv.FormatInt(p.ID, 10)
			d.Post, d.Token = p, svc.NewToken(thread)
			d.Comments, _, _ = svc.List(r.Context(), comments.CommentQuery{Thread: thread, Statuses: []comments.Status{comments.StatusApproved}})
		}
		if err := page.Execute(w, d); err != nil {
			log.Print(err)
		}
	})
	return mux, nil
}
