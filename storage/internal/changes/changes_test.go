package changes_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/storage/internal/changes"
)

func post(id int64) blog.Change { return blog.Change{Kind: blog.ChangePost, PostID: id} }

func TestHub_hooksRunInsidePublish(t *testing.T) {
	var h changes.Hub
	var seen []blog.Change
	remove := h.OnChange(func(c blog.Change) { seen = append(seen, c) })
	h.Publish(post(1))
	assert.Equal(t, []blog.Change{post(1)}, seen, "the hook ran before Publish returned")
	remove()
	h.Publish(post(2))
	assert.Len(t, seen, 1, "a removed hook is not called")
}

func TestHub_overflowBecomesOneFlush(t *testing.T) {
	var h changes.Hub
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := h.Subscribe(ctx)
	for i := range changes.Buffer + 10 {
		h.Publish(post(int64(i)))
	}
	for i := range changes.Buffer - 1 {
		require.Equal(t, post(int64(i)), <-ch)
	}
	assert.Equal(t, blog.Change{Kind: blog.ChangeFlush}, <-ch, "the dropped changes come back as one flush, at once")
	h.Publish(post(999))
	assert.Equal(t, post(999), <-ch, "then changes flow again")
}

func TestHub_closes(t *testing.T) {
	var h changes.Hub
	ctx, cancel := context.WithCancel(context.Background())
	ch := h.Subscribe(ctx)
	cancel()
	_, ok := <-ch
	assert.False(t, ok, "the channel closes when its context is done")

	other := h.Subscribe(context.Background())
	h.Close()
	_, ok = <-other
	assert.False(t, ok, "Close ends every subscription")
	_, ok = <-h.Subscribe(context.Background())
	assert.False(t, ok, "and those to come")
	h.Publish(post(1)) // nothing to deliver to; must not panic
}
