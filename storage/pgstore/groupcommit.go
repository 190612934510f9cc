package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

// maxBatch is the most guarded comments one transaction commits.
const maxBatch = 128

// errClosed is returned, wrapped, for a guarded comment sent after Close.
var errClosed = errors.New("store closed")

// guardedWrite is one CreateCommentGuarded call waiting for the comment
// writer.
type guardedWrite struct {
	ctx        context.Context
	c          *comments.Comment
	floodSince time.Time

	id   int64
	err  error
	done chan struct{}
}

// commentWriter commits the guarded comments of one Store in groups: one
// goroutine takes every request waiting and commits them in one
// transaction, so they share one commit (one WAL flush). Requests are
// answered once their transaction has committed or failed.
type commentWriter struct {
	queue chan *guardedWrite
	quit  chan struct{}
	done  chan struct{}
}

func (s *Store) startCommentWriter() {
	s.writer = commentWriter{queue: make(chan *guardedWrite, maxBatch), quit: make(chan struct{}), done: make(chan struct{})}
	go s.runCommentWriter()
}

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

// batchLockSQL takes the transaction-scoped advisory locks of every
// comment of a group: one on its thread (for the duplicate guard), one on
// its address and one on its lower-cased email (for the flood guard),
// each key prefixed by $3 (the schema) so stores in different schemas do
// not contend. It takes them in ascending key order, so that the groups
// of several instances never wait for each other in a cycle.
const batchLockSQL = `
SELECT pg_advisory_xact_lock(k) FROM (
	SELECT DISTINCT hashtextextended(key, 0) AS k FROM (
		SELECT unnest($1::text[]) AS key
		UNION ALL
		SELECT $3::text || ':email:' || lower(e) FROM unnest($2::text[]) AS e
	) AS keys
	ORDER BY k
) AS ordered`

// commitBatch judges and inserts the comments of batch in one
// transaction holding the advisory locks of all of them. A request whose
// context is done when the group begins is left out; a comment refused
// by a guard or whose insert fails is undone alone (a savepoint); if the
// transaction fails, every comment in it fails and none is stored.
func (s *Store) commitBatch(batch []*guardedWrite) {
	var (
		in           []*guardedWrite
		keys, emails []string
	)
	prefix := "folio:" + s.cfg.schema
	for _, g := range batch {
		if err := g.ctx.Err(); err != nil {
			g.err = fmt.Errorf("pgstore: create comment: %w", dbErr(err))
			continue
		}
		in = append(in, g)
		keys = append(keys, prefix+":thread:"+cleanText(g.c.Thread))
		if ip := cleanText(g.c.IP); ip != "" {
			keys = append(keys, prefix+":ip:"+ip)
		}
		if email := cleanText(g.c.Author.Email); email != "" {
			emails = append(emails, email)
		}
	}
	if len(in) == 0 {
		return
	}
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, batchLockSQL, keys, emails, prefix); err != nil {
			return err
		}
		for _, g := range in {
			g.err = pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) error {
				return s.guardAndInsert(ctx, sp, g.c, g.floodSince, &g.id)
			})
		}
		return nil
	})
	for _, g := range in {
		if err != nil {
			g.err, g.id = err, 0
		}
		if g.err != nil {
			g.err = fmt.Errorf("pgstore: create comment: %w", dbErr(g.err))
		}
	}
}

// guardAndInsert judges the guards for c and inserts it, in tx.
func (s *Store) guardAndInsert(ctx context.Context, tx pgx.Tx, c *comments.Comment, floodSince time.Time, id *int64) error {
	var a args
	var dupID int64
	err := tx.QueryRow(ctx, s.sql(`SELECT c.id FROM {S}comments c WHERE `+duplicateCond(&a, c)+
		` ORDER BY c.listed_at, c.id LIMIT 1`), a.vals...).Scan(&dupID)
	switch {
	case err == nil:
		return fmt.Errorf("thread %q: same as comment %d: %w", c.Thread, dupID, comments.ErrDuplicate)
	case !errors.Is(err, pgx.ErrNoRows):
		return err
	}
	if !floodSince.IsZero() {
		var latest pgtype.Timestamptz
		if err := tx.QueryRow(ctx, s.sql(guardFloodSQL), cleanText(c.IP), cleanText(c.Author.Email),
			tsArg(floodSince)).Scan(&latest); err != nil {
			return err
		}
		if latest.Valid {
			return &comments.FloodError{RetryAfter: timeOf(latest).Sub(floodSince)}
		}
	}
	return tx.QueryRow(ctx, s.sql(insertCommentSQL), append(commentArgs(c), s.channel)...).Scan(id)
}

// CreateCommentGuarded creates c as [Store.CreateComment] does, unless a
// duplicate of c exists (as [Store.FindDuplicate] finds them; the error
// then wraps [comments.ErrDuplicate]) or, when floodSince is not zero, a
// comment from c.IP or c.Author.Email (compared case-insensitively) was
// created after floodSince (the error is then a [*comments.FloodError],
// matching [comments.ErrFlood], whose RetryAfter is how long after
// floodSince that comment came). Nothing is written when it returns an
// error.
//
// Concurrent calls are committed in groups: one writer goroutine per
// Store judges and inserts every comment waiting in one transaction that
// holds the advisory locks on their threads, addresses and emails, so
// the guards hold across every instance sharing the database and the
// comments share one commit. It returns once the transaction holding c
// has committed or failed. If ctx is done before c's group begins, it
// returns ctx's error and stores nothing; once the group has begun it
// waits for the outcome.
func (s *Store) CreateCommentGuarded(ctx context.Context, c *comments.Comment, floodSince time.Time) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pgstore: create comment: %w", dbErr(err))
	}
	if err := checkNewComment(c); err != nil {
		return err
	}
	g := &guardedWrite{ctx: ctx, c: c, floodSince: floodSince, done: make(chan struct{})}
	select {
	case s.writer.queue <- g:
	case <-s.writer.quit:
		return fmt.Errorf("pgstore: create comment: %w", errClosed)
	case <-ctx.Done():
		return fmt.Errorf("pgstore: create comment: %w", dbErr(ctx.Err()))
	}
	<-g.done
	if g.err != nil {
		return g.err
	}
	c.ID = g.id
	s.hooks.Publish(blog.Change{Kind: blog.ChangeComment, Thread: c.Thread})
	return nil
}
