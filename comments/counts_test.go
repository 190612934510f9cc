package comments_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
)

func TestService_Counts(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.approved(t, "post-1", 0, "one")
	h.approved(t, "post-1", 0, "two")
	h.approved(t, "post-2", 0, "three")
	held := h.submit(t, h.sub("post-2", "Ann", "ann@example.com", "held for moderation"))
	require.NotEqual(t, comments.StatusApproved, held.Status)

	n, err := h.svc.Counts(ctx, "post-1", "post-2", "post-3")
	require.NoError(t, err)
	for key, want := range map[string]int{"post-1": 2, "post-2": 1, "post-3": 0} {
		assert.Equal(t, want, n[key], "approved comments on %s", key)
	}
}
