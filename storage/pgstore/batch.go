package pgstore

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/folioblog/folio/blog"
)

var _ blog.Batcher = (*Store)(nil)

// querier is what the statements of a Store run on: the pool, or the
// transaction of a batch.
type querier interface {
	Begin(ctx context.Context) (pgx.Tx, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// batchKey marks a context as running in a batch of the Store s.
type batchKey struct{ s *Store }

// batch is one [Store.Batch] in progress.
type batch struct {
	tx      pgx.Tx
	mu      sync.Mutex
	changes []blog.Change
}

func (s *Store) batchOf(ctx context.Context) *batch {
	b, _ := ctx.Value(batchKey{s}).(*batch)
	return b
}

// db returns the transaction of the batch of ctx, or the pool.
func (s *Store) db(ctx context.Context) querier {
	if b := s.batchOf(ctx); b != nil {
		return b.tx
	}
	return s.pool
}

// publish calls this process's change hooks now, or when the batch of ctx
// commits. (Other processes learn of a batch's writes by NOTIFY, which
// PostgreSQL delivers on commit.)
func (s *Store) publish(ctx context.Context, c blog.Change) {
	if b := s.batchOf(ctx); b != nil {
		b.mu.Lock()
		b.changes = append(b.changes, c)
		b.mu.Unlock()
		return
	}
	s.hooks.Publish(c)
}

// Batch runs fn in one transaction ([blog.Batcher]) on one connection of
// the pool: the reads and writes fn makes on s with the context it is
// given go through it (pgx prepares each statement once per connection),
// and commit together when fn returns nil. Each write inside runs under a
// savepoint, so that a write that fails (a taken slug, say) undoes only
// itself. fn must not call s from several goroutines at once: the
// transaction is one connection. Other instances see nothing of the
// batch until it commits; writers of the same rows wait for it.
func (s *Store) Batch(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.batchOf(ctx) != nil {
		return fn(ctx)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pgstore: batch: %w", dbErr(err))
	}
	b := &batch{}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		b.tx = tx
		if err := fn(context.WithValue(ctx, batchKey{s}, b)); err != nil {
			return err
		}
		return ctx.Err()
	})
	if err != nil {
		return fmt.Errorf("pgstore: batch: %w", dbErr(err))
	}
	for _, c := range b.changes {
		s.hooks.Publish(c)
	}
	return nil
}

// writeRow is [Store.writeRow] in a batch: the statement under a
// savepoint, sent with the savepoint and its release in one round trip.
// A statement the server refuses is undone alone, leaving the batch
// usable.
func (b *batch) writeRow(ctx context.Context, query string, args []any, dest ...any) error {
	var pb pgx.Batch
	pb.Queue("SAVEPOINT w")
	pb.Queue(query, args...).QueryRow(func(row pgx.Row) error { return row.Scan(dest...) })
	pb.Queue("RELEASE SAVEPOINT w")
	err := b.tx.SendBatch(ctx, &pb).Close()
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// The transaction is aborted until it rolls back to the savepoint.
		if _, rerr := b.tx.Exec(ctx, "ROLLBACK TO SAVEPOINT w; RELEASE SAVEPOINT w"); rerr != nil {
			return fmt.Errorf("%w (and undoing it: %v)", err, rerr)
		}
	}
	return err
}
