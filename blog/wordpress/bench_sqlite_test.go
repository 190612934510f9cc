//go:build sqlitebench

package wordpress_test

import (
	"path/filepath"
	"testing"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/sqlitestore"
)

// BenchmarkImport_sqlitestore imports 10,000 posts with 50,000 comments
// into a new SQLite file. It is built only with -tags sqlitebench:
//
//	go test -tags sqlitebench -run '^$' -bench Import -benchtime 1x ./blog/wordpress/
func BenchmarkImport_sqlitestore(b *testing.B) {
	BenchImport(b, func(b *testing.B) (blog.Store, comments.Store) {
		s, err := sqlitestore.Open(filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s, s
	})
}
