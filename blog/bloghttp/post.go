package bloghttp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/bloghttp/internal/pagecache"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/comments/commentshttp"
)

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
	return s.PostPath(p) + "?unapproved=" + id + "&moderation-hash=" + s.unapprovedHash(c.ID)
}

// commentPageURL is the href of page n of p's comments.
func (s *Server) commentPageURL(p *blog.Post, n int) string {
	if n <= 1 {
		return s.PostPath(p)
	}
	return s.PostPath(p) + "?cpage=" + strconv.Itoa(n)
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
// A ?cpage= that is not a page of p's comments is 404. A page that shows
// the visitor something of their own (their comment awaiting moderation,
// their remembered or refused form, their login) is never cached.
func (s *Server) servePost(w http.ResponseWriter, r *http.Request, p *blog.Post, form *commentshttp.FormState, status int) {
	page, personal, err := s.postPage(r, p, form)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if personal {
		w.Header().Set("Cache-Control", "private, no-store")
		w.Header().Set("X-Folio-Cache", "bypass")
	}
	pagecache.Depends(w, pagecache.Lists) // the sidebar and the previous/next links
	dependsOnPost(w, p)
	s.renderView(w, r, "post.html", s.postView(r, page, status))
}

// postPage builds the view model of post.html for p: the page of comments
// r asks for, the reply form (form, when not nil, is a refused one to show
// again), likes and the neighbouring posts. personal reports whether the
// page shows the visitor something of their own. A ?cpage= that is not a
// page of p's comments is an error wrapping [blog.ErrNotFound].
func (s *Server) postPage(r *http.Request, p *blog.Post, form *commentshttp.FormState) (page *PostPage, personal bool, err error) {
	ctx := r.Context()
	thread, pending, personal, err := s.loadComments(r, p)
	if err != nil {
		return nil, false, err
	}
	page = &PostPage{Post: p, Thread: thread}
	page.Comments = s.commentTree(p, thread, pending, p.CommentStatus == blog.CommentsOpen)
	page.CommentPages = s.commentPageLinks(p, thread)
	if p.CommentStatus == blog.CommentsOpen {
		var formPersonal bool
		page.Form, formPersonal = s.replyForm(r, p, thread.Page, form)
		personal = personal || formPersonal
	}
	if s.blog.LikesEnabled() {
		n, err := s.blog.LikeCounts(ctx, p.ID)
		if err != nil {
			return nil, false, err
		}
		page.LikesOn, page.Likes = true, n[p.ID]
		page.LikeAction = s.Path("/likes/" + threadKey(p))
		if page.Liked, err = s.likedByVisitor(r, p); err != nil {
			return nil, false, err
		}
		if page.Liked {
			page.Others = max(page.Likes-1, 0)
		}
		personal = personal || page.Liked
	}
	if p.Kind == blog.KindPost {
		if page.Prev, page.Next, err = s.blog.Adjacent(ctx, p); err != nil {
			return nil, false, err
		}
	}
	return page, personal, nil
}

// loadComments reads the page of p's comments that r asks for with
// ?cpage=, and the visitor's own comment awaiting moderation when r
// carries its ?unapproved= ID and a valid moderation-hash (WordPress's
// way), else nil. personal reports whether r asked for such a comment. A
// ?cpage= that is not a page of p's comments is an error wrapping
// [blog.ErrNotFound].
func (s *Server) loadComments(r *http.Request, p *blog.Post) (thread comments.ThreadPage, pending *comments.Comment, personal bool, err error) {
	ctx := r.Context()
	q := r.URL.Query()
	key := threadKey(p)
	cpage, ok := parsePageNumber(q.Get("cpage"))
	if !ok {
		return thread, nil, false, fmt.Errorf("bloghttp: comment page %q: %w", q.Get("cpage"), blog.ErrNotFound)
	}
	thread, err = s.comments.Thread(ctx, key, cpage, s.commentsPage)
	if err != nil {
		return thread, nil, false, err
	}
	if cpage > max(thread.Pages, 1) {
		return thread, nil, false, fmt.Errorf("bloghttp: comment page %d of %d: %w", cpage, thread.Pages, blog.ErrNotFound)
	}
	id, err := strconv.ParseInt(q.Get("unapproved"), 10, 64)
	if err != nil || id <= 0 {
		return thread, nil, false, nil
	}
	if !hmac.Equal([]byte(q.Get("moderation-hash")), []byte(s.unapprovedHash(id))) {
		return thread, nil, true, nil
	}
	c, err := s.comments.Get(ctx, id)
	switch {
	case err == nil && c.Thread == key && (c.Status == comments.StatusPending || c.Status == comments.StatusSpam):
		return thread, c, true, nil
	case err != nil && !errors.Is(err, comments.ErrNotFound):
		return thread, nil, true, err
	}
	return thread, nil, true, nil
}

// commentPageLinks returns the links to the pages of p's comments, or nil
// when they fit on one.
func (s *Server) commentPageLinks(p *blog.Post, thread comments.ThreadPage) []PageLink {
	if thread.Pages <= 1 {
		return nil
	}
	links := make([]PageLink, 0, thread.Pages)
	for n := 1; n <= thread.Pages; n++ {
		links = append(links, PageLink{Number: n, URL: s.commentPageURL(p, n), Current: n == thread.Page})
	}
	return links
}

// replyForm returns the "Leave a Reply" form of p, shown on page cpage of
// its comments: form again when it is not nil (a refused comment), else a
// new one filled from the visitor's remembered details and ?replytocom=.
// personal reports whether the form shows the visitor's own details.
func (s *Server) replyForm(r *http.Request, p *blog.Post, cpage int, form *commentshttp.FormState) (f *CommentForm, personal bool) {
	ctx := r.Context()
	key := threadKey(p)
	f = &CommentForm{
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
		if id, err := strconv.ParseInt(r.URL.Query().Get("replytocom"), 10, 64); err == nil && id > 0 {
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
	return f, personal
}

// postView returns the view of post.html showing page, answered with
// status: the post's title, description, canonical URL and image for the
// head, and its month for the calendar.
func (s *Server) postView(r *http.Request, page *PostPage, status int) *View {
	p := page.Post
	v := s.newView(r, status, page)
	v.Title = p.Title
	v.Description = p.Description
	v.Canonical = s.URL(s.blog.PostPath(p))
	v.OGType = "article"
	v.OGImage = s.imageURL(p.Image)
	if p.Kind == blog.KindPost && !p.PublishedAt.IsZero() {
		t := p.PublishedAt.In(s.blog.Location())
		v.calYear, v.calMonth = t.Year(), t.Month()
	}
	return v
}

// commentTree turns a page of a thread into the nodes post.html draws,
// with pending (the visitor's own comment awaiting moderation, or nil)
// placed under its parent when the parent is on the page, else last.
func (s *Server) commentTree(p *blog.Post, tp comments.ThreadPage, pending *comments.Comment, open bool) []*CommentNode {
	link := func(c *comments.Comment) string {
		return s.commentPageURL(p, tp.Page) + "#comment-" + strconv.FormatInt(c.ID, 10)
	}
	byID := map[int64]*CommentNode{}
	var conv func(ns []*comments.Node) []*CommentNode
	conv = func(ns []*comments.Node) []*CommentNode {
		out := make([]*CommentNode, 0, len(ns))
		for _, n := range ns {
			cn := &CommentNode{Comment: n.Comment, Depth: n.Depth, Link: link(n.Comment)}
			if open {
				u := s.PostPath(p) + "?replytocom=" + strconv.FormatInt(n.Comment.ID, 10)
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
		cn := &CommentNode{Comment: pending, Depth: 1, Pending: true, Link: s.unapprovedURL(p, pending) + "#comment-" + strconv.FormatInt(pending.ID, 10)}
		if parent := byID[pending.ParentID]; parent != nil && pending.ParentID != 0 {
			cn.Depth = parent.Depth + 1
			parent.Children = append(parent.Children, cn)
		} else {
			roots = append(roots, cn)
		}
	}
	return roots
}

// imageURL returns the absolute URL of an image whose src is as a post
// stores it ([blog.Post].Image: absolute, or relative to the site), for
// og:image; "" for none and for any scheme but http and https.
func (s *Server) imageURL(src string) string {
	if src == "" {
		return ""
	}
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
