package bloghttp

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/comments/commentshttp"
)

// newCommentForm returns the handler of POST /comments: handleCommentForm,
// refusing cross-origin browser posts first.
func (s *Server) newCommentForm() http.Handler {
	return s.crossOriginCheck(http.HandlerFunc(s.handleCommentForm))
}

// handleCommentForm takes a comment sent with the form of a post page:
// it reads the form with commentshttp, names the moderator or the host's
// signed-in reader as the author, submits the comment to the service and
// sends the visitor back to the post with "#comment-ID" (303), or shows
// the post page again with the form and the reason under the one status
// table, statusOf, when the comment is refused.
func (s *Server) handleCommentForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub, state, err := commentshttp.ReadForm(w, r, commentshttp.DefaultMaxFormBytes)
	if err != nil {
		s.refuseComment(w, r, state, err)
		return
	}
	sub.IP = s.clientIP(r)
	m, moderator := s.auth.Authorize(r)
	switch {
	case moderator:
		sub.Author = comments.Author{Name: m.Name, Email: m.Email, UserID: "moderator:" + m.Name, Verified: true}
		sub.Trusted = true
		state.LoggedIn = true
	default:
		if a, ok := s.reader(r); ok {
			sub.Author = a
			state.LoggedIn = true
		}
	}
	if state.LoggedIn {
		state.Author, state.Email, state.URL = "", "", ""
	}
	// A browser carries login cookies on forged cross-site posts: only a
	// bearer header, which no browser sends on its own, spares the token.
	if sub.Trusted && !m.ViaHeader {
		if err := s.comments.VerifyToken(ctx, sub.Token, strings.TrimSpace(sub.Thread), sub.IP); err != nil {
			s.refuseComment(w, r, state, err)
			return
		}
	}
	voucher := commenterVoucher{s}
	if !state.LoggedIn {
		sub.Vouched = voucher.Vouches(r, sub.Author)
	}

	c, err := s.comments.Submit(ctx, sub)
	if err != nil {
		s.refuseComment(w, r, state, err)
		return
	}
	if !state.LoggedIn {
		commentshttp.SetRemember(w, r, c.Author, state.Remember)
		voucher.Remember(w, r, c, state.Remember)
	}
	w.Header().Set("Location", s.commentRedirect(r, c)+"#comment-"+strconv.FormatInt(c.ID, 10))
	w.WriteHeader(http.StatusSeeOther)
}

// refuseComment shows the post page again with the refused form, under
// the status statusOf gives err.
func (s *Server) refuseComment(w http.ResponseWriter, r *http.Request, state commentshttp.FormState, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "bloghttp: comment submission failed", "thread", state.Thread, "err", err)
	}
	commentshttp.Refuse(w, s.comments, &state, status, err)
	s.renderCommentForm(w, r, status, state)
}

// crossOriginCheck refuses, with the 403 page, unsafe requests a browser
// makes from another origin.
func (s *Server) crossOriginCheck(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.crossOrigin.Check(r); err != nil {
			s.fail(w, r, fmt.Errorf("bloghttp: %w: %w", errForbidden, err))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// commentRedirect is where a taken comment sends its author: the page of
// the post holding it when approved, or the post page that shows it to
// its author alone while it awaits moderation (a comment held as spam
// looks the same). The caller adds "#comment-ID".
func (s *Server) commentRedirect(r *http.Request, c *comments.Comment) string {
	ctx := r.Context()
	id, err := strconv.ParseInt(c.Thread, 10, 64)
	if err != nil {
		return s.Path("/")
	}
	p, err := s.blog.PublicPost(ctx, id)
	if err != nil {
		s.log.ErrorContext(ctx, "bloghttp: the post of a new comment is gone", "comment", c.ID, "err", err)
		return s.Path("/")
	}
	if c.Status != comments.StatusApproved {
		return s.unapprovedURL(p, c)
	}
	page, err := s.comments.PageOfComment(ctx, c, s.commentsPage)
	if err != nil {
		page = 1
	}
	return s.commentPageURL(p, page)
}

// renderCommentForm shows the post page again with a refused form.
func (s *Server) renderCommentForm(w http.ResponseWriter, r *http.Request, status int, f commentshttp.FormState) {
	id, err := strconv.ParseInt(f.Thread, 10, 64)
	if err != nil || id <= 0 {
		s.errorPage(w, r, status)
		return
	}
	p, err := s.blog.PublicPost(r.Context(), id)
	if err != nil {
		s.errorPage(w, r, status)
		return
	}
	s.servePost(w, r, p, &f, status)
}

// handleCommentPermalink serves GET /comments/{id}: a redirect to the
// page of the post holding the comment, with #comment-ID. Visitors only
// reach approved comments (others are 404); a moderator reaches every
// status: a comment not approved leads them to the post page that shows
// it awaiting moderation.
func (s *Server) handleCommentPermalink(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return
	}
	c, err := s.comments.Get(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, moderator := s.auth.Authorize(r)
	if c.Status != comments.StatusApproved && !moderator {
		s.notFound(w, r)
		return
	}
	pid, err := strconv.ParseInt(c.Thread, 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	p, err := s.blog.PublicPost(ctx, pid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var target string
	if c.Status == comments.StatusApproved {
		_, page, err := s.comments.PageOf(ctx, c.ID, s.commentsPage)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		target = s.commentPageURL(p, page)
	} else {
		target = s.unapprovedURL(p, c)
		w.Header().Set("Cache-Control", "private, no-store")
	}
	http.Redirect(w, r, target+"#comment-"+strconv.FormatInt(c.ID, 10), http.StatusFound)
}
