//go:build sqlitebench

package wordpress_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"path/filepath"
	"testing"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/internal/testenv"
	"github.com/folioblog/folio/storage/pgstore"
	"github.com/folioblog/folio/storage/sqlitestore"
)

// BenchmarkImport_sqlitestore imports 10,000 posts with 50,000 comments
// into a new SQLite file, and BenchmarkImport_pgstore into a new schema of
// the PostgreSQL database FOLIO_TEST_POSTGRES names (skipped without it).
// They are built only with -tags sqlitebench:
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

func BenchmarkImport_pgstore(b *testing.B) {
	dsn := testenv.PostgresDSN(b)
	BenchImport(b, func(b *testing.B) (blog.Store, comments.Store) {
		var rnd [6]byte
		_, _ = rand.Read(rnd[:])
		schema := "bench_" + hex.EncodeToString(rnd[:])
		s, err := pgstore.Open(context.Background(), dsn, pgstore.WithSchema(schema))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() {
			s.Pool().Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			s.Close()
		})
		return s, s
	})
}
