package bloghttp

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/bloghttp/internal/pagecache"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/comments/commentshttp"
)

// postPage is .Page of post.html.
type postPage struct {
	Post       *blog.Post
	Prev       *blog.Post // the next older visible post, or nil
	Next       *blog.Post // the next newer visible post, or nil
	LikesOn    bool       // the store keeps likes: show the button
	Likes      int
	LikeAction string // where the like button posts

	Thread       comments.ThreadPage
	Comments     []*commentNode // the page's comments as a tree
	CommentPages []pageLink     // links to the pages of comments, when more than one
	Form         *formView      // nil when comments are closed
}

// commentNode is a comment as the post page draws it.
type commentNode struct {
	Comment  *comments.Comment
	Depth    int
	Children []*commentNode
	Pending  bool   // the visitor's own comment, awaiting moderation
	Link     string // the href of the comment on its page
	ReplyURL string // "" when no reply can be made
}

// pageLink is a link to one page of comments.
type pageLink struct {
	Number  int
	URL     string
	Current bool
}

// formView is the "Leave a Reply" form.
type formView struct {
	State      commentshttp.FormState
	LoggedInAs string // the moderator's name: no name, email or website fields
	ReplyTo    string // the name of the comment's author replied to
	CancelURL  string

	TokenField, HoneypotField, RememberField string
}

// threadKey is the comment thread key of a post: its ID in decimal.
func threadKey(p *blog.Post) string { return strconv.FormatInt(p.ID, 10) }

// unapprovedHash is the hash that lets the author of comment id see it
// while it awaits moderation: hex of HMAC-SHA256(secret,
// "unapproved:ID"), cut to 128 bits.
func (s *Server) unapprovedHash(id int64) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("unapproved:" + strconv.FormatInt(id, 10)))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// unapprovedURL is the post page that shows comment c to its author while
// it awaits moderation, without the fragment.
func (s *Server) unapprovedURL(p *blog.Post, c *comments.Comment) string {
	id := strconv.FormatInt(c.ID, 10)
	return s.PostURL(p) + "?unapproved=" + id + "&moderation-hash=" + s.unapprovedHash(c.ID)
}

// commentPageURL is the href of page n of p's comments.
func (s *Server) commentPageURL(p *blog.Post, n int) string {
	if n <= 1 {
		return s.PostURL(p)
	}
	return s.PostURL(p) + "?cpage=" + strconv.Itoa(n)
}

// parsePageNumber reads a page number from a query parameter: 1 when
// empty, else plain decimal digits (no sign, no leading zero) from 1 to
// the int range. Anything else is not a page.
func parsePageNumber(v string) (int, bool) {
	if v == "" {
		return 1, true
	}
	if v[0] < '1' || v[0] > '9' || strings.TrimLeft(v, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// servePost answers r with the page of post p. form is nil for a plain
// view, or the state of a refused comment form to show again with status.
// A ?cpage= that is not a page of p's comments is 404.
func (s *Server) servePost(w http.ResponseWriter, r *http.Request, p *blog.Post, form *commentshttp.FormState, status int) {
	ctx := r.Context()
	q := r.URL.Query()
	key := threadKey(p)
	personal := false

	cpage, ok := parsePageNumber(q.Get("cpage"))
	if !ok {
		s.notFound(w, r)
		return
	}
	thread, err := s.comments.Thread(ctx, key, cpage, s.commentsPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if cpage > max(thread.Pages, 1) {
		s.notFound(w, r)
		return
	}
	page := &postPage{Post: p, Thread: thread}

	// The visitor's own comment awaiting moderation, WordPress's way.
	var pending *comments.Comment
	if id, err := strconv.ParseInt(q.Get("unapproved"), 10, 64); err == nil && id > 0 {
		personal = true
		h := q.Get("moderation-hash")
		if hmac.Equal([]byte(h), []byte(s.unapprovedHash(id))) {
			c, err := s.comments.Get(ctx, id)
			switch {
			case err == nil && c.Thread == key && (c.Status == comments.StatusPending || c.Status == comments.StatusSpam):
				pending = c
			case err != nil && !errors.Is(err, comments.ErrNotFound):
				s.fail(w, r, err)
				return
			}
		}
	}
	page.Comments = s.commentTree(p, thread, pending, p.CommentStatus == blog.CommentsOpen)
	if thread.Pages > 1 {
		for n := 1; n <= thread.Pages; n++ {
			page.CommentPages = append(page.CommentPages, pageLink{Number: n, URL: s.commentPageURL(p, n), Current: n == thread.Page})
		}
	}

	if p.CommentStatus == blog.CommentsOpen {
		f := &formView{
			CancelURL:     "",
			TokenField:    comments.TokenField,
			HoneypotField: comments.HoneypotField,
			RememberField: commentshttp.RememberField,
		}
		if form != nil {
			f.State = *form
			personal = true
		} else {
			f.State = commentshttp.FormState{Thread: key}
			if a, ok := commentshttp.Remembered(r); ok {
				f.State.Author, f.State.Email, f.State.URL, f.State.Remember = a.Name, a.Email, a.URL, true
				personal = true
			}
			if id, err := strconv.ParseInt(q.Get("replytocom"), 10, 64); err == nil && id > 0 {
				if c, err := s.comments.Get(ctx, id); err == nil && c.Thread == key && c.Status == comments.StatusApproved {
					f.State.ParentID = id
				}
			}
		}
		f.State.Thread = key
		f.State.Action = s.Path("/comments")
		if f.State.Token == "" {
			f.State.Token = s.comments.NewToken(key)
		}
		if f.State.ParentID != 0 {
			if c, err := s.comments.Get(ctx, f.State.ParentID); err == nil && c.Thread == key && c.Status == comments.StatusApproved {
				f.ReplyTo = c.Author.Name
				f.CancelURL = s.commentPageURL(p, cpage) + "#respond"
			}
		}
		if m, ok := s.auth.Authorize(r); ok {
			f.LoggedInAs = m.Name
			f.State.LoggedIn = true
			personal = true
		} else if a, ok := s.reader(r); ok {
			f.LoggedInAs = a.Name
			f.State.LoggedIn = true
			personal = true
		}
		page.Form = f
	}

	if s.likes != nil {
		n, err := s.likes.CountLikes(ctx, []int64{p.ID})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		page.LikesOn, page.Likes = true, n[p.ID]
		page.LikeAction = s.Path("/likes/" + key)
	}

	if p.Kind == blog.KindPost {
		if page.Prev, page.Next, err = s.neighbours(ctx, p); err != nil {
			s.fail(w, r, err)
			return
		}
	}

	v := s.newView(r, status, page)
	v.Title = p.Title
	v.Description = p.Description
	v.Canonical = s.URL(s.blog.URL(p))
	v.OGType = "article"
	v.OGImage = s.firstImage(p)
	if p.Kind == blog.KindPost && !p.PublishedAt.IsZero() {
		t := p.PublishedAt.In(s.blog.Location())
		v.calYear, v.calMonth = t.Year(), t.Month()
	}
	if personal {
		w.Header().Set("Cache-Control", "private, no-store")
		w.Header().Set("X-Folio-Cache", "bypass")
	}
	pagecache.Depends(w, pagecache.Lists) // the sidebar and the previous/next links
	dependsOnPost(w, p)
	s.renderView(w, r, "post.html", v)
}

// commentTree turns a page of a thread into the nodes post.html draws,
// with pending (the visitor's own comment awaiting moderation, or nil)
// placed under its parent when the parent is on the page, else last.
func (s *Server) commentTree(p *blog.Post, tp comments.ThreadPage, pending *comments.Comment, open bool) []*commentNode {
	link := func(c *comments.Comment) string {
		return s.commentPageURL(p, tp.Page) + "#comment-" + strconv.FormatInt(c.ID, 10)
	}
	byID := map[int64]*commentNode{}
	var conv func(ns []*comments.Node) []*commentNode
	conv = func(ns []*comments.Node) []*commentNode {
		out := make([]*commentNode, 0, len(ns))
		for _, n := range ns {
			cn := &commentNode{Comment: n.Comment, Depth: n.Depth, Link: link(n.Comment)}
			if open {
				u := s.PostURL(p) + "?replytocom=" + strconv.FormatInt(n.Comment.ID, 10)
				if tp.Page > 1 {
					u += "&cpage=" + strconv.Itoa(tp.Page)
				}
				cn.ReplyURL = u + "#respond"
			}
			cn.Children = conv(n.Children)
			byID[n.Comment.ID] = cn
			out = append(out, cn)
		}
		return out
	}
	roots := conv(tp.Nodes)
	if pending != nil {
		cn := &commentNode{Comment: pending, Depth: 1, Pending: true, Link: s.unapprovedURL(p, pending) + "#comment-" + strconv.FormatInt(pending.ID, 10)}
		if parent := byID[pending.ParentID]; parent != nil && pending.ParentID != 0 {
			cn.Depth = parent.Depth + 1
			parent.Children = append(parent.Children, cn)
		} else {
			roots = append(roots, cn)
		}
	}
	return roots
}

// neighbours returns the visible posts just older (prev) and just newer
// (next) than p in the listing order (PublishedAt, then ID, newest first).
// The older one is the first post of the listing continued after p's
// cursor. The newer one is the last post, in that order, of the posts
// published in a window from p's time onwards: a week, then a year, then
// without end, so a post among many newer ones does not read them all.
func (s *Server) neighbours(ctx context.Context, p *blog.Post) (prev, next *blog.Post, err error) {
	if p.PublishedAt.IsZero() {
		return nil, nil, nil
	}
	older, err := s.blog.List(ctx, blog.ListOptions{After: blog.CursorOf(p).String(), Limit: 1})
	if err != nil {
		return nil, nil, err
	}
	if len(older.Posts) > 0 {
		prev = older.Posts[0]
	}
	self := blog.CursorOf(p)
	for _, span := range []time.Duration{7 * 24 * time.Hour, 366 * 24 * time.Hour, 0} {
		o := blog.ListOptions{From: p.PublishedAt, Limit: blog.MaxLimit}
		if span > 0 {
			o.Before = p.PublishedAt.Add(span)
		}
		for {
			page, err := s.blog.List(ctx, o)
			if err != nil {
				return nil, nil, err
			}
			for _, q := range page.Posts {
				if q.ID != p.ID && !self.Follows(q.PublishedAt, q.ID) {
					next = q // the last newer one seen is the nearest
				}
			}
			if page.Next == "" {
				break
			}
			o.After = page.Next
		}
		if next != nil {
			break
		}
	}
	return prev, next, nil
}

var imgSrc = regexp.MustCompile(`<img\s[^>]*?src="([^"]+)"`)

// firstImage returns the absolute URL of the first image of p's body, for
// og:image, or "".
func (s *Server) firstImage(p *blog.Post) string {
	m := imgSrc.FindStringSubmatch(string(p.HTML))
	if m == nil {
		return ""
	}
	src := html.UnescapeString(m[1])
	u, err := url.Parse(src)
	if err != nil {
		return ""
	}
	switch {
	case u.Scheme == "http" || u.Scheme == "https":
		return u.String()
	case u.Scheme == "" && u.Host == "" && strings.HasPrefix(u.Path, "/"):
		return s.base.Scheme + "://" + s.base.Host + u.String()
	case u.Scheme == "" && u.Host == "":
		return s.base.ResolveReference(u).String()
	}
	return ""
}
