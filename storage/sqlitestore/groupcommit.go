package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

// maxBatch is the most guarded comments one write transaction commits.
const maxBatch = 256

// errClosed is returned, wrapped, for a guarded comment sent after Close.
var errClosed = errors.New("store closed")

// guardedWrite is one CreateCommentGuarded call waiting for the comment
// writer: its comment, and where the writer answers.
type guardedWrite struct {
	ctx        context.Context
	c          *comments.Comment
	floodSince time.Time
	queued     time.Time

	id   int64
	err  error
	done chan struct{}
}

// commentWriter commits guarded comments in groups: one goroutine takes
// every request waiting and judges and inserts them, one after another,
// in one write transaction, so that concurrent comments share one commit
// (its lock, its WAL frames and, with [Full], its fsync). A request is
// answered only once its transaction has committed or failed.
type commentWriter struct {
	queue chan *guardedWrite
	quit  chan struct{}
	done  chan struct{}

	// began, if set (by tests), is called with the comments of a group
	// once they are judged in, before the transaction begins.
	began func(n int)
}

// startCommentWriter starts s's comment writer; Close stops it.
func (s *Store) startCommentWriter() {
	s.writer = commentWriter{
		queue: make(chan *guardedWrite, maxBatch),
		quit:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	go s.runCommentWriter()
}

// stopCommentWriter stops the writer after the batch it is committing;
// requests still queued fail with errClosed.
func (s *Store) stopCommentWriter() {
	close(s.writer.quit)
	<-s.writer.done
}

func (s *Store) runCommentWriter() {
	w := &s.writer
	defer close(w.done)
	batch := make([]*guardedWrite, 0, maxBatch)
	for {
		select {
		case <-w.quit:
			for {
				select {
				case g := <-w.queue:
					g.err = errClosed
					close(g.done)
				default:
					return
				}
			}
		case g := <-w.queue:
			batch = append(batch[:0], g)
		}
	more:
		for len(batch) < maxBatch {
			select {
			case g := <-w.queue:
				batch = append(batch, g)
			default:
				break more
			}
		}
		s.commitBatch(batch)
		for _, g := range batch {
			close(g.done)
		}
		clear(batch)
	}
}

// commitBatch judges and inserts the comments of batch in one write
// transaction and sets each request's id or err. A request whose context
// is done when the transaction begins is left out; once in, a comment is
// committed with the others even if its caller stops waiting. If the
// transaction fails, every comment in it fails and none is stored.
func (s *Store) commitBatch(batch []*guardedWrite) {
	start := time.Now()
	var in []*guardedWrite
	for _, g := range batch {
		s.stats.queueWait.record(start.Sub(g.queued))
		if err := g.ctx.Err(); err != nil {
			g.err = err
			continue
		}
		in = append(in, g)
	}
	if len(in) == 0 {
		return
	}
	s.stats.batchSize.record(time.Duration(len(in)))
	if s.writer.began != nil {
		s.writer.began(len(in))
	}
	err := s.inWrite(context.Background(), func(tx querier) error {
		// A comment refused by a guard writes nothing; one whose insert
		// fails is undone by SQLite alone (a statement is atomic). The
		// others go on.
		for _, g := range in {
			g.err = guardAndInsert(g.ctx, tx, g.c, g.floodSince, &g.id)
		}
		return nil
	})
	s.stats.commit.record(time.Since(start))
	for _, g := range in {
		if err != nil {
			g.err, g.id = err, 0
		}
	}
}

// guardAndInsert judges the duplicate and flood guards for c and inserts
// it, in tx; *id is its new ID.
func guardAndInsert(ctx context.Context, tx querier, c *comments.Comment, floodSince time.Time, id *int64) error {
	// The request's context may end while its batch commits: the
	// statements run without it, so that what is judged is written.
	ctx = context.WithoutCancel(ctx)
	query, args := duplicateSQL(duplicateCols, c)
	var dup int64
	switch err := tx.QueryRowContext(ctx, query, args...).Scan(&dup); {
	case err == nil:
		return fmt.Errorf("comment %d: %w", dup, comments.ErrDuplicate)
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	if !floodSince.IsZero() {
		query, args := latestSQL(floodCols, c.IP, c.Author.Email)
		if query != "" {
			var latest, at int64
			switch err := tx.QueryRowContext(ctx, query, args...).Scan(&latest, &at); {
			case err == nil:
				if at > toMicros(floodSince) {
					return fmt.Errorf("comment %d at %v: %w", latest, fromMicros(at),
						&comments.FloodError{RetryAfter: fromMicros(at).Sub(floodSince)})
				}
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
	}
	var err error
	*id, err = insertComment(ctx, tx, c)
	return err
}

// CreateCommentGuarded creates c as [Store.CreateComment] does, unless a
// duplicate of c exists ([Store.FindDuplicate]; then an error wrapping
// [comments.ErrDuplicate]) or, when floodSince is not zero, a comment from
// c.IP or c.Author.Email (compared case-insensitively) was created after
// floodSince (then a [*comments.FloodError], matching [comments.ErrFlood],
// whose RetryAfter is how long after floodSince that comment came).
//
// Concurrent calls are committed in groups: one writer goroutine judges
// and inserts every comment waiting, one after another, in one BEGIN
// IMMEDIATE transaction, which holds SQLite's write lock from the start,
// so the guards see the comments of the same group and of other
// processes sharing the file. CreateCommentGuarded returns once the
// transaction holding c has committed (or failed: then nothing of c is
// stored). If ctx is done before c's group begins, it returns ctx's error
// and stores nothing; once the group has begun it waits for the commit, so
// that a caller whose client went away still learns the outcome.
func (s *Store) CreateCommentGuarded(ctx context.Context, c *comments.Comment, floodSince time.Time) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlitestore: create comment: %w", err)
	}
	if err := checkNewComment(c); err != nil {
		return fmt.Errorf("sqlitestore: create comment: %w", err)
	}
	g := &guardedWrite{ctx: ctx, c: c, floodSince: floodSince, queued: time.Now(), done: make(chan struct{})}
	select {
	case s.writer.queue <- g:
	case <-s.writer.quit:
		return fmt.Errorf("sqlitestore: create comment: %w", errClosed)
	case <-ctx.Done():
		return fmt.Errorf("sqlitestore: create comment: %w", ctx.Err())
	}
	<-g.done
	if g.err != nil {
		return fmt.Errorf("sqlitestore: create comment: %w", g.err)
	}
	c.ID = g.id
	s.feed.Publish(blog.Change{Kind: blog.ChangeComment, Thread: c.Thread})
	return nil
}
