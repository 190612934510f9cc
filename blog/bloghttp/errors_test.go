package bloghttp_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/bloghttp"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/comments/commentshttp"
)

// TestStatusOf_commentsAgree: the server answers every comment error with
// the status the comment form handler of commentshttp gives it, so a
// comment is refused alike whichever serves it.
func TestStatusOf_commentsAgree(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
	}{
		{"validation", fmt.Errorf("edit: %w", &comments.ValidationError{Fields: []comments.FieldError{{Field: comments.FieldComment}}})},
		{"bad token", fmt.Errorf("submit: %w", comments.ErrBadToken)},
		{"too new a token", &comments.TokenError{Problem: comments.TokenTooNew}},
		{"closed", comments.ErrClosed},
		{"no such comment", fmt.Errorf("get: %w", comments.ErrNotFound)},
		{"duplicate", comments.ErrDuplicate},
		{"flood", &comments.FloodError{RetryAfter: time.Second}},
		{"form too large", commentshttp.ErrTooLarge},
		{"unreadable form", commentshttp.ErrBadForm},
		{"store down", fmt.Errorf("list: %w", comments.ErrUnavailable)},
		{"deadline", context.DeadlineExceeded},
		{"unknown", errors.New("disk on fire")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want, _, _ := commentshttp.StatusOf(tt.err)
			assert.Equal(t, want, bloghttp.StatusOf(tt.err))
		})
	}
}

func TestStatusOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"missing post", fmt.Errorf("post 7: %w", blog.ErrNotFound), http.StatusNotFound},
		{"bad post", &blog.ValidationError{}, http.StatusBadRequest},
		{"slug taken", blog.ErrSlugTaken, http.StatusConflict},
		{"stale version", blog.ErrConflict, http.StatusConflict},
		{"blog store down", fmt.Errorf("list: %w", blog.ErrUnavailable), http.StatusServiceUnavailable},
		{"refused comment", &comments.ValidationError{}, http.StatusUnprocessableEntity},
		{"comment store down", fmt.Errorf("submit: %w", comments.ErrUnavailable), http.StatusServiceUnavailable},
		{"flood", comments.ErrFlood, http.StatusTooManyRequests},
		{"unknown", errors.New("disk on fire"), http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, bloghttp.StatusOf(tt.err))
		})
	}
}
