package content_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog/content"
)

// fakeMedia keeps what it is given in memory.
type fakeMedia struct {
	files map[string][]byte
	err   error
}

func (m *fakeMedia) Store(_ context.Context, filename string, r io.Reader) (string, error) {
	if m.err != nil {
		return "", m.err
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return "", err
	}
	m.files[filename] = data
	return "/media/" + path.Base(filename), nil
}

func TestSyncBundleMedia(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, _ := newBlog(t)
	media := &fakeMedia{files: map[string][]byte{}}
	opts := content.Options{Media: media, State: &content.MemState{}}
	_, err := content.Sync(ctx, b, os.DirFS("testdata/hugo"), opts)
	require.NoError(t, err)
	want, err := os.ReadFile("testdata/hugo/content/posts/bundle/gull.png")
	require.NoError(t, err)
	assert.Equal(t, map[string][]byte{"content/posts/bundle/gull.png": want}, media.files)
	assert.Contains(t, bySlug(t, b, "bundle").Source, `![a gull](/media/gull.png "A gull on the pier (Photo: Ann)")`)

	media.files = map[string][]byte{}
	sum, err := content.Sync(ctx, b, os.DirFS("testdata/hugo"), opts)
	require.NoError(t, err)
	assert.Equal(t, 4, sum.Unchanged)
	assert.Empty(t, media.files, "an unchanged bundle is not stored again")
}

func TestSyncMediaFails(t *testing.T) {
	t.Parallel()
	b, _ := newBlog(t)
	boom := errors.New("disk full")
	_, err := content.Sync(context.Background(), b, os.DirFS("testdata/hugo"), content.Options{Media: &fakeMedia{err: boom}})
	require.ErrorIs(t, err, boom)
}
