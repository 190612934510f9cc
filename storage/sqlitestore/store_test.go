package sqlitestore_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/sqlitestore"
	"github.com/folioblog/folio/storage/storagetest"
)

// openStore opens a fresh store in a temporary directory and closes it
// when the test ends.
func openStore(tb testing.TB, opts ...sqlitestore.Option) *sqlitestore.Store {
	tb.Helper()
	s, err := sqlitestore.Open(filepath.Join(tb.TempDir(), "folio.db"), opts...)
	require.NoError(tb, err)
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	t.Run("Posts", func(t *testing.T) {
		storagetest.RunPostStore(t, func(t *testing.T) blog.Store { return openStore(t) })
	})
	t.Run("Comments", func(t *testing.T) {
		storagetest.RunCommentStore(t, func(t *testing.T) comments.Store { return openStore(t) })
	})
}
