package comments_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
)

func TestService_moderation(t *testing.T) {
	t.Parallel()
	type action func(*comments.Service, context.Context, int64) (*comments.Comment, error)
	approve := (*comments.Service).Approve
	spam := (*comments.Service).Spam
	trash := (*comments.Service).Trash
	restore := (*comments.Service).Restore
	tests := []struct {
		name       string
		steps      []action
		wantStatus comments.Status
		wantEvents []comments.EventKind
	}{
		{"approve", []action{approve}, comments.StatusApproved, []comments.EventKind{comments.EventApproved}},
		{"spam", []action{spam}, comments.StatusSpam, []comments.EventKind{comments.EventSpammed}},
		{"trash", []action{trash}, comments.StatusTrash, []comments.EventKind{comments.EventTrashed}},
		{"restore from trash holds", []action{approve, trash, restore}, comments.StatusPending,
			[]comments.EventKind{comments.EventApproved, comments.EventTrashed, comments.EventRestored}},
		{"restore from spam holds", []action{spam, restore}, comments.StatusPending,
			[]comments.EventKind{comments.EventSpammed, comments.EventRestored}},
		{"restore of a held comment changes nothing", []action{restore}, comments.StatusPending, nil},
		{"approving twice writes once", []action{approve, approve}, comments.StatusApproved, []comments.EventKind{comments.EventApproved}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, comments.WithRules(comments.ManualModeration()))
			ctx := context.Background()
			c := h.submit(t, h.sub("p", "Ann", "ann@example.com", "hello"))
			h.events.events = nil
			var got *comments.Comment
			for _, step := range tt.steps {
				var err error
				got, err = step(h.svc, ctx, c.ID)
				require.NoError(t, err)
			}
			assert.Equal(t, tt.wantStatus, got.Status)
			stored, err := h.store.GetComment(ctx, c.ID)
			require.NoError(t, err)
			assert.Equal(t, got, stored)
			if tt.wantEvents != nil {
				assert.Equal(t, comments.RuleModerator, stored.Decision.Rule)
				assert.Equal(t, tt.wantStatus, stored.Decision.Status)
				assert.NotEmpty(t, stored.Decision.Reason)
			} else {
				assert.Equal(t, comments.RuleManual, stored.Decision.Rule)
			}
			assert.Equal(t, tt.wantEvents, h.events.Kinds())
		})
	}
	t.Run("not found", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		ctx := context.Background()
		for _, step := range []action{approve, spam, trash, restore} {
			_, err := step(h.svc, ctx, 42)
			assert.ErrorIs(t, err, comments.ErrNotFound)
		}
		assert.ErrorIs(t, h.svc.Delete(ctx, 42), comments.ErrNotFound)
		_, err := h.svc.EditBody(ctx, 42, "text")
		assert.ErrorIs(t, err, comments.ErrNotFound)
		_, err = h.svc.Get(ctx, 42)
		assert.ErrorIs(t, err, comments.ErrNotFound)
		assert.Empty(t, h.events.Kinds())
	})
}

func TestService_Delete(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	top := h.approved(t, "p", 0, "top")
	reply := h.approved(t, "p", top.ID, "reply")
	h.events.events = nil

	require.NoError(t, h.svc.Delete(ctx, top.ID))
	_, err := h.svc.Get(ctx, top.ID)
	assert.ErrorIs(t, err, comments.ErrNotFound)
	moved, err := h.svc.Get(ctx, reply.ID)
	require.NoError(t, err)
	assert.Zero(t, moved.ParentID, "replies move up")
	require.Len(t, h.events.events, 1)
	assert.Equal(t, comments.EventDeleted, h.events.events[0].Kind)
	assert.Equal(t, "top", h.events.events[0].Comment.Source, "the event carries the comment as it was")
}

func TestService_EditBody(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	c := h.approved(t, "p", 0, "old *text*")
	h.events.events = nil

	got, err := h.svc.EditBody(ctx, c.ID, "  new **text** <img src=x onerror=alert(1)>\r\n")
	require.NoError(t, err)
	assert.Equal(t, "new **text** <img src=x onerror=alert(1)>", got.Source)
	assert.Contains(t, string(got.HTML), "<strong>text</strong>")
	assert.NotContains(t, string(got.HTML), "onerror")
	assert.Equal(t, comments.StatusApproved, got.Status, "the status stays")
	assert.Equal(t, comments.RuleModerator, got.Decision.Rule)
	assert.Equal(t, []comments.EventKind{comments.EventEdited}, h.events.Kinds())

	for _, bad := range []string{"", "  ", strings.Repeat("x", comments.MaxCommentBytes+1), "nul\x00"} {
		_, err := h.svc.EditBody(ctx, c.ID, bad)
		var ve *comments.ValidationError
		require.ErrorAs(t, err, &ve)
		_, ok := ve.Field(comments.FieldComment)
		assert.True(t, ok)
	}
	stored, err := h.svc.Get(ctx, c.ID)
	require.NoError(t, err)
	assert.Equal(t, got, stored, "refused edits change nothing")
	assert.Len(t, h.events.Kinds(), 1)
}

func TestService_List(t *testing.T) {
	t.Parallel()
	h := newHarness(t, comments.WithRules(comments.ManualModeration()))
	ctx := context.Background()
	var held []int64
	for i := range 5 {
		c := h.submit(t, h.sub("p", "Ann", "ann@example.com", "comment "+string(rune('a'+i))))
		held = append(held, c.ID)
	}
	_, err := h.svc.Approve(ctx, held[2])
	require.NoError(t, err)

	q := comments.CommentQuery{Statuses: []comments.Status{comments.StatusPending}, Limit: 2}
	var got []int64
	for pages := 0; ; pages++ {
		require.Less(t, pages, 5, "the listing ends")
		list, next, err := h.svc.List(ctx, q)
		require.NoError(t, err)
		for _, c := range list {
			got = append(got, c.ID)
		}
		if next == nil {
			break
		}
		q.After = next
	}
	assert.Equal(t, []int64{held[0], held[1], held[3], held[4]}, got)
}
