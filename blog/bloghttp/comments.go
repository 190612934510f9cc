package bloghttp

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/comments/commentshttp"
)

// newCommentForm returns the handler of POST /comments: commentshttp's
// form handler, refusing cross-origin browser posts, naming the
// moderator as the author of their comments, sending the visitor back to
// the post and showing the post page again with the form when a comment
// is refused.
func (s *Server) newCommentForm() http.Handler {
	h := commentshttp.NewHandler(s.comments,
		commentshttp.WithRedirect(s.commentRedirect),
		commentshttp.WithIdentity(func(r *http.Request) (comments.Author, bool, bool) {
			if m, ok := s.auth.Authorize(r); ok {
				return comments.Author{Name: m.Name, Email: m.Email, UserID: "moderator:" + m.Name, Verified: true}, true, true
			}
			if a, ok := s.reader(r); ok {
				return a, false, true
			}
			return comments.Author{}, false, false
		}),
		commentshttp.WithTokenExempt(func(r *http.Request) bool {
			m, ok := s.auth.Authorize(r)
			return ok && m.ViaHeader
		}),
		commentshttp.WithFormRenderer(s.renderCommentForm),
		commentshttp.WithClientIP(s.clientIP),
		commentshttp.WithVoucher(commenterVoucher{s}),
		commentshttp.WithLogger(s.log),
	)
	return s.crossOriginCheck(h)
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
// looks the same). The form handler adds "#comment-ID".
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
	_, page, err := s.comments.PageOf(ctx, c.ID, s.commentsPage)
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
