package sqlitestore_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/sqlitestore"
)

func guardedComment(i int) *comments.Comment {
	return &comments.Comment{
		Thread: "1", Type: comments.TypeComment, Status: comments.StatusApproved,
		Author:    comments.Author{Name: "Ann", Email: fmt.Sprintf("ann%d@example.com", i)},
		Source:    fmt.Sprintf("comment %d", i),
		IP:        fmt.Sprintf("192.0.2.%d", i),
		CreatedAt: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
	}
}

// waitFor polls cond until it holds or a generous time passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("waited 10 s for %s", what)
}

// TestStore_CreateCommentGuarded_groupCommit lines comments up behind a
// held writer and shows that they are committed in one group, with the
// guards judged within the group: a duplicate of a comment of the same
// group is refused.
func TestStore_CreateCommentGuarded_groupCommit(t *testing.T) {
	s, err := sqlitestore.Open(filepath.Join(t.TempDir(), "folio.db"))
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()

	var (
		mu     sync.Mutex
		groups []int
	)
	release := sqlitestore.HoldWriter(s, func(n int) { mu.Lock(); groups = append(groups, n); mu.Unlock() })
	first := make(chan error, 1)
	go func() { first <- s.CreateCommentGuarded(ctx, guardedComment(0), time.Time{}) }()
	waitFor(t, "the writer to take the first comment", func() bool { mu.Lock(); defer mu.Unlock(); return len(groups) == 1 })

	const n = 20
	errs := make([]error, n+1)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = s.CreateCommentGuarded(ctx, guardedComment(i+1), time.Time{}) })
	}
	wg.Go(func() { errs[n] = s.CreateCommentGuarded(ctx, guardedComment(1), time.Time{}) }) // a duplicate
	waitFor(t, "the comments to queue", func() bool { return sqlitestore.Queued(s) == n+1 })
	release()
	wg.Wait()
	require.NoError(t, <-first)

	assert.Equal(t, []int{1, n + 1}, groups, "the comments waiting behind the writer are committed as one group")
	dups := 0
	for _, err := range errs {
		if err != nil {
			assert.ErrorIs(t, err, comments.ErrDuplicate)
			dups++
		}
	}
	assert.Equal(t, 1, dups, "a duplicate of a comment in the same group is refused")
	list, err := s.ListComments(ctx, comments.CommentQuery{Thread: "1", Limit: 100})
	require.NoError(t, err)
	assert.Len(t, list, n+1)
	st := s.WriteStats()
	assert.Equal(t, uint64(2), st.BatchSize.Count)
	assert.Equal(t, time.Duration(n+1), st.BatchSize.Max)
}

// TestStore_CreateCommentGuarded_gaveUp shows what becomes of a comment
// whose caller stops waiting: cancelled while queued, it is not stored;
// cancelled once its group has begun, it is stored and the call reports
// so.
func TestStore_CreateCommentGuarded_gaveUp(t *testing.T) {
	s, err := sqlitestore.Open(filepath.Join(t.TempDir(), "folio.db"))
	require.NoError(t, err)
	defer s.Close()
	began := make(chan int, 4)
	release := sqlitestore.HoldWriter(s, func(n int) { began <- n })

	inCtx, cancelIn := context.WithCancel(context.Background())
	in := make(chan error, 1)
	go func() { in <- s.CreateCommentGuarded(inCtx, guardedComment(1), time.Time{}) }()
	<-began // its group has begun and waits for the writer

	queuedCtx, cancelQueued := context.WithCancel(context.Background())
	queued := make(chan error, 1)
	go func() { queued <- s.CreateCommentGuarded(queuedCtx, guardedComment(2), time.Time{}) }()
	waitFor(t, "the second comment to queue", func() bool { return sqlitestore.Queued(s) == 1 })

	cancelIn()
	cancelQueued()
	release()
	assert.NoError(t, <-in, "a comment whose group had begun is committed and reported")
	assert.ErrorIs(t, <-queued, context.Canceled, "a comment cancelled while queued is refused")

	list, err := s.ListComments(context.Background(), comments.CommentQuery{Thread: "1"})
	require.NoError(t, err)
	if assert.Len(t, list, 1, "only the comment whose group had begun is stored") {
		assert.Equal(t, "comment 1", list[0].Source)
	}
}

// BenchmarkCommentWrite compares a guarded comment write (duplicate and
// flood guards, insert, group commit) on threads of several sizes with
// the baseline of one bare INSERT per call in its own transaction, on a
// file in WAL mode with synchronous=NORMAL, from as many goroutines.
// Read the ratio of ns/op, baseline first: both run in the same process.
func BenchmarkCommentWrite(b *testing.B) {
	b.Run("baseline=bare-insert", func(b *testing.B) {
		db, err := sql.Open("sqlite", "file:"+filepath.Join(b.TempDir(), "bare.db")+
			"?_txlock=immediate&_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)&_pragma=journal_mode(WAL)")
		require.NoError(b, err)
		defer db.Close()
		db.SetMaxOpenConns(1)
		_, err = db.Exec(`CREATE TABLE bare (id INTEGER PRIMARY KEY, thread TEXT, author TEXT, email TEXT, body TEXT, ip TEXT, created_at INTEGER)`)
		require.NoError(b, err)
		ins, err := db.Prepare(`INSERT INTO bare (thread, author, email, body, ip, created_at) VALUES (?,?,?,?,?,?)`)
		require.NoError(b, err)
		defer ins.Close()
		var n atomic.Int64
		b.ReportAllocs()
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				c := guardedComment(int(n.Add(1)))
				if _, err := ins.Exec(c.Thread, c.Author.Name, c.Author.Email, c.Source, c.IP, c.CreatedAt.UnixMicro()); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	for _, size := range []int{0, 5000} {
		b.Run(fmt.Sprintf("guarded/thread=%d", size), func(b *testing.B) {
			s, err := sqlitestore.Open(filepath.Join(b.TempDir(), "folio.db"))
			require.NoError(b, err)
			defer s.Close()
			ctx := context.Background()
			var n atomic.Int64
			n.Store(1 << 20)
			for i := range size {
				c := guardedComment(i)
				require.NoError(b, s.CreateComment(ctx, c))
			}
			b.ResetTimer()
			b.ReportAllocs()
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := int(n.Add(1))
					c := guardedComment(i)
					if err := s.CreateCommentGuarded(ctx, c, c.CreatedAt.Add(-time.Second)); err != nil {
						b.Error(err)
						return
					}
				}
			})
			if st := s.WriteStats(); st.BatchSize.Count > 0 {
				b.ReportMetric(float64(b.N)/float64(st.BatchSize.Count), "comments/commit")
			}
		})
	}
}

// TestOpen_checkpointsOffTheRequestPath shows that commits on the writer
// connection never checkpoint (wal_autocheckpoint is 0) and that the
// store's own checkpointer copies the log into the database after
// writes, so the log does not grow without bound.
func TestOpen_checkpointsOffTheRequestPath(t *testing.T) {
	s, err := sqlitestore.Open(filepath.Join(t.TempDir(), "folio.db"))
	require.NoError(t, err)
	defer s.Close()
	assert.Equal(t, 0, sqlitestore.PragmaInt(t, s, "wal_autocheckpoint"), "commits do not checkpoint")
	assert.Zero(t, s.WriteStats().Checkpoint.Count, "nothing to checkpoint before a write")
	for i := range 10 {
		require.NoError(t, s.CreateCommentGuarded(context.Background(), guardedComment(i), time.Time{}))
	}
	waitFor(t, "a checkpoint", func() bool { return s.WriteStats().Checkpoint.Count > 0 })
	assert.NotZero(t, s.WriteStats().WALFrames.Max, "the checkpoint found the commits' frames in the log")
}
