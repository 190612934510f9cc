package bloghttp

import (
	"context"
	"errors"
	"net/http"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments/commentshttp"
)

// ErrUnavailable marks a failure of the store that retrying later may cure
// (a lost database connection): such errors answer 503 with Retry-After.
// It is [blog.ErrUnavailable], which stores wrap; the comments' own
// [github.com/folioblog/folio/comments.ErrUnavailable] answers alike.
var ErrUnavailable = blog.ErrUnavailable

// errUnauthorized: a moderation request without a moderator's authority.
var errUnauthorized = errors.New("bloghttp: not authorised")

// errForbidden: a moderator's form without a valid anti-forgery token.
var errForbidden = errors.New("bloghttp: forbidden")

// errBadRequest: a request whose parameters make no sense.
var errBadRequest = errors.New("bloghttp: bad request")

// statusOf is the one table from errors to HTTP statuses: the blog's and
// this package's errors first, then the comments' errors by
// [commentshttp.StatusOf], so that a comment is answered here as the
// comment form handler of commentshttp answers it (a refused comment 422,
// a flood 429, a duplicate 409, a closed thread or a bad form token 403).
// Anything neither knows is an internal error: logged, never shown.
func statusOf(err error) int {
	var bve *blog.ValidationError
	switch {
	case errors.Is(err, blog.ErrNotFound):
		return http.StatusNotFound
	case errors.As(err, &bve), errors.Is(err, errBadRequest):
		return http.StatusBadRequest
	case errors.Is(err, blog.ErrConflict), errors.Is(err, blog.ErrSlugTaken):
		return http.StatusConflict
	case errors.Is(err, errForbidden):
		return http.StatusForbidden
	case errors.Is(err, errUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, ErrUnavailable):
		return http.StatusServiceUnavailable
	}
	status, _, _ := commentshttp.StatusOf(err)
	return status
}

// fail answers r with the page for err's status. Internal errors are
// logged with the request; the visitor sees only the status.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return // the visitor left; nobody to answer
	}
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "bloghttp: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", commentshttp.UnavailableRetryAfter)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="folio"`)
	}
	s.errorPage(w, r, status)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusNotFound)
}
