package content_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/content"
	"github.com/folioblog/folio/storage/sqlitestore"
)

// tree is n posts of about 3 KB with 3 tags each, in a Hugo layout.
func tree(n int) fstest.MapFS {
	para := strings.Repeat("The quick brown fox jumps over the lazy dog by the sea. ", 9) + "\n\n"
	body := strings.Repeat(para, 6)
	fsys := fstest.MapFS{"hugo.toml": {Data: []byte("[permalinks]\nposts = \"/:year/:month/:slug/\"\n")}}
	for i := range n {
		fsys[fmt.Sprintf("content/posts/post-%05d.md", i)] = &fstest.MapFile{Data: fmt.Appendf(nil,
			"---\ntitle: Post %d\ndate: 2020-01-01T10:00:00\ntags: [t%d, t%d, t%d]\n---\n%s", i, i%50, i%70, i%90, body)}
	}
	return fsys
}

// BenchmarkSyncSQLite imports 2,000 posts into SQLite, then syncs the same
// tree again: resync/import is the cost of a run with nothing changed.
func BenchmarkSyncSQLite(b *testing.B) {
	ctx := context.Background()
	fsys := tree(2000)
	var first, again time.Duration
	for i := 0; b.Loop(); i++ {
		st, err := sqlitestore.Open(filepath.Join(b.TempDir(), fmt.Sprintf("f%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		bl, err := blog.New(st, blog.WithLocation(time.UTC))
		if err != nil {
			b.Fatal(err)
		}
		state := &content.MemState{}
		t0 := time.Now()
		if _, err := content.Sync(ctx, bl, fsys, content.Options{State: state}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		sum, err := content.Sync(ctx, bl, fsys, content.Options{State: state})
		if err != nil || sum.Unchanged != 2000 {
			b.Fatal(err, sum)
		}
		first += t1.Sub(t0)
		again += time.Since(t1)
		st.Close()
	}
	b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "import-ms/op")
	b.ReportMetric(float64(again.Milliseconds())/float64(b.N), "resync-ms/op")
	b.ReportMetric(float64(again)/float64(first), "resync/import")
}
