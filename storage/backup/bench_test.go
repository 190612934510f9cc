package backup_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gocloud.dev/blob"
	"gocloud.dev/blob/memblob"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/storage/backup"
	"github.com/folioblog/folio/storage/sqlitestore"
)

// benchSite is a database of 2,000 posts and 40 media files of 256 KiB.
func benchSite(b *testing.B) (string, *sqlitestore.Store, *blob.Bucket) {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "folio.db")
	st, err := sqlitestore.Open(path)
	require.NoError(b, err)
	b.Cleanup(func() { st.Close() })
	body := make([]byte, 2000)
	for i := range body {
		body[i] = 'a' + byte(i%26)
	}
	for i := range 2000 {
		p := &blog.Post{Kind: blog.KindPost, Slug: fmt.Sprintf("post-%d", i), Title: fmt.Sprintf("Post %d", i),
			Source: string(body), Status: blog.StatusPublished, PublishedAt: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)}
		require.NoError(b, st.CreatePost(ctx, p))
	}
	bk := memblob.OpenBucket(nil)
	b.Cleanup(func() { bk.Close() })
	photo := make([]byte, 256<<10)
	rand.Read(photo)
	for i := range 40 {
		require.NoError(b, bk.WriteAll(ctx, fmt.Sprintf("photo-%d.jpg", i), photo, nil))
	}
	return path, st, bk
}

// BenchmarkBackup compares WriteFile and Restore with the baseline of
// copying the same bytes (the database file and every object) to a file,
// with no snapshot, archive, checksum or sync.
func BenchmarkBackup(b *testing.B) {
	ctx := context.Background()
	dbPath, st, bk := benchSite(b)
	src := backup.Source{DB: st, Media: bk}
	dir := b.TempDir()

	b.Run("baseline_copy", func(b *testing.B) {
		for b.Loop() {
			out, err := os.Create(filepath.Join(dir, "copy"))
			require.NoError(b, err)
			in, err := os.Open(dbPath)
			require.NoError(b, err)
			_, err = io.Copy(out, in)
			require.NoError(b, err)
			in.Close()
			iter := bk.List(nil)
			for {
				obj, err := iter.Next(ctx)
				if err == io.EOF {
					break
				}
				require.NoError(b, err)
				r, err := bk.NewReader(ctx, obj.Key, nil)
				require.NoError(b, err)
				_, err = io.Copy(out, r)
				require.NoError(b, err)
				r.Close()
			}
			out.Close()
		}
	})
	archive := filepath.Join(dir, "site.tar")
	b.Run("WriteFile", func(b *testing.B) {
		for b.Loop() {
			_, err := backup.WriteFile(ctx, archive, src)
			require.NoError(b, err)
		}
	})
	b.Run("Restore", func(b *testing.B) {
		for b.Loop() {
			to, err := os.MkdirTemp(dir, "restore-")
			require.NoError(b, err)
			media := memblob.OpenBucket(nil)
			_, err = backup.Restore(ctx, archive, backup.Target{
				DBPath: filepath.Join(to, "folio.db"), Media: media, SchemaVersion: sqlitestore.SchemaVersion(),
			})
			require.NoError(b, err)
			media.Close()
		}
	})
}
