package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/storage/backup"
	"github.com/folioblog/folio/storage/sqlitestore"
)

// BenchmarkCommentWhileBackingUp compares a moderator's comment write
// (a write transaction) on an idle site with the same write while
// backups of the database run back to back: VACUUM INTO reads a snapshot
// and must not hold the writer.
func BenchmarkCommentWhileBackingUp(b *testing.B) {
	dir := b.TempDir()
	s := openSite(b, testConfig(dir))
	p, _ := postBySlug(b, s, "start-here")
	postID := fmt.Sprint(p.ID)
	n := 0
	comment := func(b *testing.B) {
		for b.Loop() {
			n++
			if !commentAsModerator(s.handler, postID, fmt.Sprintf("benchmark comment %d", n)) {
				b.Fatal("comment refused")
			}
		}
	}
	b.Run("idle", comment)
	b.Run("during_backups", func(b *testing.B) {
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Add(1)
		backups := 0
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				_, err := backup.WriteFile(ctx, filepath.Join(b.TempDir(), "b.tar"),
					backup.Source{DB: sqlitestore.File(filepath.Join(dir, dbFile))})
				if err == nil {
					backups++
				}
			}
		}()
		comment(b)
		cancel()
		wg.Wait()
		require.Positive(b, backups)
		b.ReportMetric(float64(backups), "backups")
	})
}
