package bloghttp_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/bloghttp"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/comments/commentshttp"
)

func TestPost_page(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	older := s.post("Older post", day(1, 1), nil)
	p := s.post("Congress opens", day(1, 2), func(p *blog.Post) {
		p.Source = "Delegates gathered.\n\n![Delegates arrive](/img/a.jpg \"(Photo: KCNA)\")\n\nThe end."
		p.Tags = []blog.Term{{Name: "Politics"}}
		p.Categories = []blog.Term{{Name: "World News", Slug: "world"}}
	})
	newer := s.post("Newer post", day(1, 5), nil)
	c1 := s.comment(p, 0, "Bob Smith", "First!", comments.StatusApproved)
	c2 := s.comment(p, c1.ID, "Cy", "A reply", comments.StatusApproved)
	c3 := s.comment(p, c2.ID, "Di", "A reply to the reply", comments.StatusApproved)
	held := s.comment(p, 0, "Eve", "Held back", comments.StatusPending)

	w := s.get("/2013/01/02/congress-opens/")
	require.Equal(t, http.StatusOK, w.Code)
	body := w.Body.String()

	checks := []struct{ name, want string }{
		{"title", `<h1 class="entry-title">Congress opens</h1>`},
		{"date", `<time class="entry-date" datetime="2013-01-02T10:00:00Z">January 2, 2013</time>`},
		{"author", `<span class="author vcard"><a class="url fn n" href="/author/ann-author/">Ann Author</a></span>`},
		{"figure", `<figure><img src="/img/a.jpg" alt="Delegates arrive" loading="lazy"><figcaption>(Photo: KCNA)</figcaption></figure>`},
		{"tag", `<a href="/tag/politics/" rel="tag">Politics</a>`},
		{"category", `<a href="/category/world/" rel="category tag">World News</a>`},
		{"previous", `<a href="/2013/01/01/older-post/" rel="prev">`},
		{"next", `<a href="/2013/01/05/newer-post/" rel="next">`},
		{"canonical", `<link rel="canonical" href="http://example.com/2013/01/02/congress-opens/">`},
		{"og:title", `<meta property="og:title" content="Congress opens">`},
		{"og:type", `<meta property="og:type" content="article">`},
		{"og:url", `<meta property="og:url" content="http://example.com/2013/01/02/congress-opens/">`},
		{"og:image", `<meta property="og:image" content="http://example.com/img/a.jpg">`},
		{"description", `<meta name="description" content="Delegates gathered.`},
		{"viewport", `<meta name="viewport" content="width=device-width, initial-scale=1">`},
		{"lang", `<html lang="en">`},
		{"rss", `<link rel="alternate" type="application/rss+xml" title="Notes » Feed" href="/feed/">`},
		{"atom", `href="/feed/atom/"`},
		{"json feed", `href="/feed.json"`},
		{"archives list", `<li><a href="/2013/01/">January 2013</a> (3)</li>`},
		{"archives dropdown", `<select name="archive" data-folio-archive-dropdown>`},
		{"calendar of the post's month", `<caption>January 2013</caption>`},
		{"calendar links the day", `<a href="/2013/01/02/">2</a>`},
		{"archive script", `<script src="/static/archive.js?v=`},
		{"comment count", `3 thoughts on “Congress opens”`},
		{"like button", `<form method="post" action="/likes/` + strconv.FormatInt(p.ID, 10) + `">`},
		{"reply link", `href="/2013/01/02/congress-opens/?replytocom=` + strconv.FormatInt(c1.ID, 10) + `#respond"`},
		{"leave a reply", `Leave a Reply`},
		{"form action", `<form action="/comments" method="post"`},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) { assert.Contains(t, body, c.want) })
	}
	_, _ = older, newer

	t.Run("comments nest", func(t *testing.T) {
		// c3 inside c2's children inside c1's.
		re := regexp.MustCompile(`(?s)<li id="comment-` + itoa(c1.ID) + `".*<ol class="children">.*<li id="comment-` +
			itoa(c2.ID) + `".*<ol class="children">.*<li id="comment-` + itoa(c3.ID) + `"`)
		assert.Regexp(t, re, body)
		assert.Contains(t, body, `class="comment depth-3"`)
		assert.NotContains(t, body, `id="comment-`+itoa(held.ID)+`"`, "a held comment is not shown to visitors")
	})
	t.Run("form fields", func(t *testing.T) {
		for _, name := range []string{"author", "email", "url", "comment", "comment_post_ID", "comment_parent", comments.TokenField, comments.HoneypotField, commentshttp.RememberField} {
			assert.Contains(t, body, `name="`+name+`"`, name)
		}
		assert.Contains(t, body, `name="comment_post_ID" value="`+itoa(p.ID)+`"`)
		assert.Contains(t, body, `name="comment_parent" id="comment_parent" value="0"`)
		assert.Regexp(t, `class="comment-form-trap" aria-hidden="true"><label[^>]*>Leave this field empty</label> <input[^>]*name="comment_website"[^>]*tabindex="-1" autocomplete="off"`, body)
		assert.NotContains(t, body, "style=", "no inline style (CSP)")
		assert.NotRegexp(t, `<script>`, body, "no inline script (CSP)")
	})
	t.Run("the remember cookie fills the form and makes the page private", func(t *testing.T) {
		ck := rememberCookie(t, s, p)
		w := s.do(pageReq{target: "/2013/01/02/congress-opens/", cookies: []*http.Cookie{ck}})
		require.Equal(t, http.StatusOK, w.Code)
		assert.Contains(t, w.Body.String(), `value="Remembered Rita"`)
		assert.Contains(t, w.Body.String(), `name="remember" type="checkbox" value="yes" checked`)
		assert.Equal(t, "private, no-store", w.Header().Get("Cache-Control"))
		assert.Equal(t, "bypass", w.Header().Get("X-Folio-Cache"))
	})
	t.Run("plain view is cacheable", func(t *testing.T) {
		assert.Contains(t, []string{"miss", "hit"}, w.Header().Get("X-Folio-Cache"))
		first := s.get("/2013/01/02/congress-opens/")
		again := s.get("/2013/01/02/congress-opens/")
		assert.Equal(t, "hit", again.Header().Get("X-Folio-Cache"), "the second of two views is served from the cache")
		assert.Equal(t, first.Body.String(), again.Body.String())
	})
	t.Run("reply to", func(t *testing.T) {
		w := s.get("/2013/01/02/congress-opens/?replytocom=" + itoa(c2.ID))
		require.Equal(t, http.StatusOK, w.Code)
		assert.Contains(t, w.Body.String(), `name="comment_parent" id="comment_parent" value="`+itoa(c2.ID)+`"`)
		assert.Contains(t, w.Body.String(), "Reply to <bdi>Cy</bdi>")
		w = s.get("/2013/01/02/congress-opens/?replytocom=" + itoa(held.ID))
		assert.Contains(t, w.Body.String(), `name="comment_parent" id="comment_parent" value="0"`, "no reply to a held comment")
	})
	t.Run("moderator", func(t *testing.T) {
		w := s.do(pageReq{target: "/2013/01/02/congress-opens/", header: http.Header{"Authorization": {"Bearer " + pageModToken}}})
		require.Equal(t, http.StatusOK, w.Code)
		assert.Contains(t, w.Body.String(), "Logged in as Editor.")
		assert.NotContains(t, w.Body.String(), `name="author"`)
		assert.NotContains(t, w.Body.String(), `name="email"`)
		assert.Equal(t, "bypass", w.Header().Get("X-Folio-Cache"))
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// rememberCookie posts a comment asking to be remembered and returns the
// cookie the form handler set.
func rememberCookie(t testing.TB, s *pageSite, p *blog.Post) *http.Cookie {
	t.Helper()
	page := s.get(s.srv.PostPath(p)).Body.String()
	w := s.do(pageReq{method: http.MethodPost, target: "/comments", form: commentForm(p, formToken(t, page), "Remembered Rita", "Hello there", func(v map[string][]string) {
		v[commentshttp.RememberField] = []string{"yes"}
	})})
	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
	for _, c := range w.Result().Cookies() {
		if c.Name == commentshttp.RememberCookie {
			return c
		}
	}
	t.Fatal("no remember cookie")
	return nil
}

func TestPost_neighboursAtTheEnds(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	first := s.post("First", day(1, 1), nil)
	// Same time as first: the higher ID is newer in the listing.
	twin := s.post("Twin", day(1, 1), nil)
	far := s.post("Far future", day(1, 1).AddDate(0, 0, 400).Add(-400*24*time.Hour+30*24*time.Hour), nil)
	s.post("A page", day(1, 3), func(p *blog.Post) { p.Kind = blog.KindPage })

	tests := []struct {
		p          *blog.Post
		prev, next *blog.Post
	}{
		{first, nil, twin},
		{twin, first, far},
		{far, twin, nil},
	}
	for _, tt := range tests {
		t.Run(tt.p.Title, func(t *testing.T) {
			body := s.get(s.srv.PostPath(tt.p)).Body.String()
			prev := regexp.MustCompile(`<a href="([^"]+)" rel="prev">`).FindStringSubmatch(body)
			next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(body)
			if tt.prev == nil {
				assert.Nil(t, prev)
			} else if assert.NotNil(t, prev) {
				assert.Equal(t, s.srv.PostPath(tt.prev), prev[1])
			}
			if tt.next == nil {
				assert.Nil(t, next)
			} else if assert.NotNil(t, next) {
				assert.Equal(t, s.srv.PostPath(tt.next), next[1])
			}
		})
	}
}

func TestPost_permalinks(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	p := s.post("Old title", day(1, 2), nil)
	p.Slug = "new-title"
	p, err := s.blog.UpdatePost(t.Context(), p)
	require.NoError(t, err)
	page := s.post("About", day(1, 3), func(p *blog.Post) { p.Kind = blog.KindPage })
	s.post("Secret", day(1, 4), func(p *blog.Post) { p.Status = blog.StatusDraft })
	require.NoError(t, s.store.PutRedirect(t.Context(), "/archives/123", p.ID))

	tests := []struct {
		name     string
		target   string
		status   int
		location string
	}{
		{"canonical", "/2013/01/02/new-title/", http.StatusOK, ""},
		{"old slug", "/2013/01/02/old-title/", http.StatusMovedPermanently, "/2013/01/02/new-title/"},
		{"no trailing slash, query kept", "/2013/01/02/new-title?cpage=2", http.StatusMovedPermanently, "/2013/01/02/new-title/?cpage=2"},
		{"imported old path", "/archives/123", http.StatusMovedPermanently, "/2013/01/02/new-title/"},
		{"page", s.srv.PostPath(page), http.StatusOK, ""},
		{"draft", "/2013/01/04/secret/", http.StatusNotFound, ""},
		{"wrong date", "/2013/01/03/new-title/", http.StatusNotFound, ""},
		{"nothing", "/no/such/thing/", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := s.get(tt.target)
			assert.Equal(t, tt.status, w.Code)
			assert.Equal(t, tt.location, w.Header().Get("Location"))
		})
	}
	t.Run("404 page", func(t *testing.T) {
		w := s.get("/no/such/thing/")
		assert.Contains(t, w.Body.String(), "can’t be found")
		assert.Contains(t, w.Body.String(), `name="s"`, "a search box")
		assert.Contains(t, w.Body.String(), `<meta name="robots" content="noindex">`)
	})
}

func TestPost_closedComments(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	p := s.post("Closed", day(1, 2), func(p *blog.Post) { p.CommentStatus = blog.CommentsClosed })
	c := s.comment(p, 0, "Bob", "Old comment", comments.StatusApproved)
	body := s.get(s.srv.PostPath(p)).Body.String()
	assert.Contains(t, body, "Comments are closed.")
	assert.NotContains(t, body, `id="commentform"`)
	assert.NotContains(t, body, "comment-reply-link")
	assert.Contains(t, body, `id="comment-`+itoa(c.ID)+`"`, "old comments still show")
}

func TestPost_commentPages(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{opts: []bloghttp.Option{bloghttp.WithCommentsPerPage(2)}})
	p := s.post("Busy", day(1, 2), nil)
	var ids []int64
	for i := range 5 {
		ids = append(ids, s.comment(p, 0, "Reader "+itoa(int64(i)), "Comment "+itoa(int64(i)), comments.StatusApproved).ID)
	}
	tests := []struct {
		target string
		want   []int64
	}{
		{"", ids[:2]},
		{"?cpage=2", ids[2:4]},
		{"?cpage=3", ids[4:]},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			body := s.get(s.srv.PostPath(p) + tt.target).Body.String()
			var got []int64
			for _, m := range regexp.MustCompile(`<li id="comment-(\d+)"`).FindAllStringSubmatch(body, -1) {
				id, _ := strconv.ParseInt(m[1], 10, 64)
				got = append(got, id)
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, 2, strings.Count(body, `<a class="page-numbers" href="/2013/01/02/busy/`), "links to the two other pages")
		})
	}
}

func TestPost_gravatar(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{opts: []bloghttp.Option{bloghttp.WithGravatar()}})
	p := s.post("Faces", day(1, 2), nil)
	s.comment(p, 0, "Bob Smith", "Hi", comments.StatusApproved)
	body := s.get(s.srv.PostPath(p)).Body.String()
	// sha256 of "bob.smith@example.org"
	assert.Regexp(t, `<img class="avatar" src="https://www.gravatar.com/avatar/[0-9a-f]{64}\?s=64&amp;d=identicon"`, body)

	d := newPageSite(t, pageSiteConfig{})
	p = d.post("Faces", day(1, 2), nil)
	d.comment(p, 0, "Bob Smith", "Hi", comments.StatusApproved)
	body = d.get(d.srv.PostPath(p)).Body.String()
	assert.Regexp(t, `<span class="avatar avatar-[0-7]" aria-hidden="true">BS</span>`, body)
	assert.NotContains(t, body, "gravatar.com")
}

func TestPost_commentAuthorLinks(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	p := s.post("Links", day(1, 2), nil)
	good := s.comment(p, 0, "Linked", "Hi", comments.StatusApproved)
	good.Author.URL = "https://example.org/me"
	require.NoError(t, s.store.UpdateComment(t.Context(), good))
	bad := s.comment(p, 0, `<b>Evil</b>`, "Hi", comments.StatusApproved)
	bad.Author.URL = "javascript:alert(1)"
	require.NoError(t, s.store.UpdateComment(t.Context(), bad))
	body := s.get(s.srv.PostPath(p)).Body.String()
	assert.Contains(t, body, `<a href="https://example.org/me" rel="external nofollow ugc noopener" class="url"><bdi>Linked</bdi></a>`)
	assert.NotContains(t, body, "javascript:")
	assert.Contains(t, body, `<b class="fn"><bdi>&lt;b&gt;Evil&lt;/b&gt;</bdi></b>`)
	assert.False(t, strings.Contains(body, "<b>Evil</b>"))
}

// TestPost_ogImage checks that og:image is the image a post stored when it
// was saved ([blog.Post].Image), made absolute against the site's base,
// and that a page view does not look for one in the HTML.
func TestPost_ogImage(t *testing.T) {
	tests := []struct {
		name  string
		image string // as stored
		want  string // the og:image, "" for none
	}{
		{"absolute", "https://cdn.example.com/pear.jpg", "https://cdn.example.com/pear.jpg"},
		{"site-relative", "/media/pear.jpg?w=1&h=2", "http://example.com/media/pear.jpg?w=1&amp;h=2"},
		{"relative to the blog", "media/pear.jpg", "http://example.com/blog/media/pear.jpg"},
		{"script scheme", "javascript:alert(1)", ""},
		{"none stored, though the HTML has one", "", ""},
	}
	s := newPageSite(t, pageSiteConfig{base: "http://example.com/blog/"})
	ctx := context.Background()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := s.post(fmt.Sprintf("Picture %d", i), day(1, i+1), func(p *blog.Post) {
				p.Source = "![In the body](/img/body.jpg)"
			})
			stored, err := s.store.GetPost(ctx, p.ID)
			require.NoError(t, err)
			require.Equal(t, "/img/body.jpg", stored.Image, "the Blog derives the image when it saves the post")
			stored.Image = tt.image
			require.NoError(t, s.store.UpdatePost(ctx, stored))

			w := s.get(fmt.Sprintf("/blog/2013/01/%02d/picture-%d/", i+1, i))
			require.Equal(t, http.StatusOK, w.Code)
			if tt.want == "" {
				assert.NotContains(t, w.Body.String(), `property="og:image"`)
				return
			}
			assert.Contains(t, w.Body.String(), `<meta property="og:image" content="`+tt.want+`">`)
		})
	}
}

// TestPost_replyForm checks the reply form of each page of comments: the
// pager links, the comment replied to, and the cancel link back to the
// same page.
func TestPost_replyForm(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{opts: []bloghttp.Option{bloghttp.WithCommentsPerPage(2)}})
	p := s.post("Threaded", day(1, 2), nil)
	var ids []int64
	for i := range 3 {
		ids = append(ids, s.comment(p, 0, "Ann "+itoa(int64(i)), "Comment "+itoa(int64(i)), comments.StatusApproved).ID)
	}
	held := s.comment(p, 0, "Held", "Held back", comments.StatusPending)
	post := "/2013/01/02/threaded/"
	tests := []struct {
		name, query string
		parent      int64
		want        []string // in the page
	}{
		{"plain", "", 0, []string{
			`Leave a Reply`,
			`<a class="page-numbers" href="` + post + `?cpage=2">2</a>`,
		}},
		{"reply on page 1", "?replytocom=" + itoa(ids[0]), ids[0], []string{
			`Reply to <bdi>Ann 0</bdi>`,
			`href="` + post + `#respond">Cancel reply</a>`,
		}},
		{"reply on page 2", "?replytocom=" + itoa(ids[2]) + "&cpage=2", ids[2], []string{
			`Reply to <bdi>Ann 2</bdi>`,
			`href="` + post + `?cpage=2#respond">Cancel reply</a>`,
		}},
		{"no reply to a held comment", "?replytocom=" + itoa(held.ID), 0, []string{`Leave a Reply`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := s.get(post + tt.query)
			require.Equal(t, http.StatusOK, w.Code)
			body := w.Body.String()
			assert.Contains(t, body, `name="comment_parent" id="comment_parent" value="`+itoa(tt.parent)+`"`)
			for _, want := range tt.want {
				assert.Contains(t, body, want)
			}
		})
	}
}
