package bloghttp

import (
	"context"
	"errors"
	"net/http"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

// ErrUnavailable marks a failure of the store that retrying later may cure
// (a lost database connection): such errors answer 503 with Retry-After.
// It is [blog.ErrUnavailable], which stores wrap; errors with a
// Temporary() bool method that returns true are treated alike.
var ErrUnavailable = blog.ErrUnavailable

// errUnauthorized: a moderation request without a moderator's authority.
var errUnauthorized = errors.New("bloghttp: not authorised")

// errForbidden: a moderator's form without a valid anti-forgery token.
var errForbidden = errors.New("bloghttp: forbidden")

// errBadRequest: a request whose parameters make no sense.
var errBadRequest = errors.New("bloghttp: bad request")

// statusOf is the one table from errors to HTTP statuses. Anything it does
// not know is an internal error: logged, never shown.
func statusOf(err error) int {
	var bve *blog.ValidationError
	var cve *comments.ValidationError
	var temp interface{ Temporary() bool }
	switch {
	case errors.Is(err, blog.ErrNotFound), errors.Is(err, comments.ErrNotFound):
		return http.StatusNotFound
	case errors.As(err, &bve), errors.As(err, &cve), errors.Is(err, errBadRequest):
		return http.StatusBadRequest
	case errors.Is(err, blog.ErrConflict), errors.Is(err, blog.ErrSlugTaken), errors.Is(err, comments.ErrDuplicate):
		return http.StatusConflict
	case errors.Is(err, comments.ErrFlood):
		return http.StatusTooManyRequests
	case errors.Is(err, comments.ErrClosed), errors.Is(err, comments.ErrBadToken), errors.Is(err, errForbidden):
		return http.StatusForbidden
	case errors.Is(err, errUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, ErrUnavailable), errors.As(err, &temp) && temp.Temporary(),
		errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
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
		w.Header().Set("Retry-After", "5")
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="folio"`)
	}
	s.errorPage(w, r, status)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusNotFound)
}
