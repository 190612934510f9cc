package comments_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
)

func TestService_Import(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	when := time.Date(2009, 4, 1, 8, 30, 0, 123456789, time.FixedZone("CEST", 2*3600))
	parent, err := h.svc.Import(ctx, &comments.Comment{
		ID: 99, Thread: "7", Source: "first", Status: comments.StatusApproved, CreatedAt: when,
		Author: comments.Author{Name: "Old Timer", Email: "old@example.com", URL: "javascript:alert(1)"},
	}, "")
	require.NoError(t, err)
	assert.NotEqual(t, int64(99), parent.ID, "the store assigns the ID")
	assert.Equal(t, when.UTC().Truncate(time.Microsecond), parent.CreatedAt, "the old date is kept")
	assert.Equal(t, comments.StatusApproved, parent.Status, "the old status is kept, not moderated again")
	assert.Equal(t, "Old Timer", parent.Author.Name)
	assert.Empty(t, parent.Author.URL, "an unsafe author URL is dropped")
	assert.Equal(t, comments.TypeComment, parent.Type)

	long := strings.Repeat("Words the old site showed. ", 3000) // ~80 KiB: Submit would refuse it
	nested := strings.Repeat("<blockquote>", 3*comments.MaxNesting) + "deep" + strings.Repeat("</blockquote>", 3*comments.MaxNesting)
	tests := []struct {
		name     string
		c        comments.Comment
		bodyHTML string
		check    func(t *testing.T, got *comments.Comment)
	}{
		{
			name:     "HTML body is sanitised, Source kept",
			c:        comments.Comment{Thread: "7", Source: "raw <b>old</b>", Status: comments.StatusPending, ParentID: parent.ID},
			bodyHTML: `<p>hi <a href="https://example.com/">there</a><script>alert(1)</script></p>`,
			check: func(t *testing.T, got *comments.Comment) {
				assert.Equal(t, "raw <b>old</b>", got.Source)
				assert.NotContains(t, string(got.HTML), "<script")
				assert.Contains(t, string(got.HTML), `rel="nofollow ugc noopener"`)
				assert.Equal(t, parent.ID, got.ParentID, "the reply keeps its parent")
				assert.Equal(t, comments.StatusPending, got.Status)
			},
		},
		{
			name: "large Markdown is not refused",
			c:    comments.Comment{Thread: "7", Source: long, Status: comments.StatusApproved},
			check: func(t *testing.T, got *comments.Comment) {
				assert.Greater(t, len(got.HTML), comments.MaxHTMLBytes)
			},
		},
		{
			name:     "nesting is bounded",
			c:        comments.Comment{Thread: "7", Source: "x", Status: comments.StatusApproved},
			bodyHTML: nested,
			check: func(t *testing.T, got *comments.Comment) {
				assert.LessOrEqual(t, strings.Count(string(got.HTML), "<blockquote>"), comments.MaxNesting)
				assert.Contains(t, string(got.HTML), "deep", "text below the bound is kept")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := h.svc.Import(ctx, &tt.c, tt.bodyHTML)
			require.NoError(t, err)
			stored, err := h.svc.Get(ctx, got.ID)
			require.NoError(t, err)
			assert.Equal(t, got, stored)
			tt.check(t, stored)
		})
	}
	assert.Empty(t, h.events.Kinds(), "an import notifies nobody")
}

func TestService_Import_refusals(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	other, err := h.svc.Import(ctx, &comments.Comment{Thread: "other", Source: "x", Status: comments.StatusApproved}, "")
	require.NoError(t, err)
	tests := []struct {
		name    string
		c       comments.Comment
		wantErr error
		invalid string // the field of a *comments.ValidationError
	}{
		{name: "no thread", c: comments.Comment{Source: "x", Status: comments.StatusApproved}, invalid: comments.FieldThread},
		{name: "unknown status", c: comments.Comment{Thread: "7", Source: "x", Status: "maybe"}, invalid: comments.FieldComment},
		{name: "parent on another thread", c: comments.Comment{Thread: "7", Source: "x", Status: comments.StatusApproved, ParentID: other.ID}, wantErr: comments.ErrNotFound},
		{name: "invalid UTF-8", c: comments.Comment{Thread: "7", Source: "\xff", Status: comments.StatusApproved}, invalid: comments.FieldComment},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.svc.Import(ctx, &tt.c, "")
			require.Error(t, err)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			}
			if tt.invalid != "" {
				var ve *comments.ValidationError
				require.True(t, errors.As(err, &ve), "a *comments.ValidationError: %v", err)
				require.NotEmpty(t, ve.Fields)
				assert.Equal(t, tt.invalid, ve.Fields[0].Field)
			}
			list, _, err := h.svc.List(ctx, comments.CommentQuery{Thread: "7"})
			require.NoError(t, err)
			assert.Empty(t, list, "nothing is stored")
		})
	}
}
