package comments_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
)

func TestSubmit_RefusalsReported(t *testing.T) {
	var refused []error
	h := newHarness(t, comments.WithRules(), comments.WithRefusals(func(_ context.Context, err error) {
		refused = append(refused, err)
	}))
	ctx := context.Background()
	_, err := h.svc.Submit(ctx, h.sub("post-1", "Ann", "ann@example.com", "first"))
	require.NoError(t, err)
	assert.Empty(t, refused, "a stored comment is no refusal")

	_, flood := h.svc.Submit(ctx, h.sub("post-1", "Ann", "ann@example.com", "second"))
	require.ErrorIs(t, flood, comments.ErrFlood)
	_, invalid := h.svc.Submit(ctx, h.sub("post-1", "", "", "no author"))
	var ve *comments.ValidationError
	require.ErrorAs(t, invalid, &ve)

	require.Len(t, refused, 2)
	assert.ErrorIs(t, refused[0], comments.ErrFlood)
	assert.True(t, errors.As(refused[1], &ve), "the refusal carries the same error Submit returns")
}
