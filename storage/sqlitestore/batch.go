package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/folioblog/folio/blog"
)

var _ blog.Batcher = (*Store)(nil)

// batchKey marks a context as running in a batch of the Store s.
type batchKey struct{ s *Store }

// batch is one [Store.Batch] in progress: its write transaction, the
// statements prepared on it, and the change events held until it commits.
type batch struct {
	tx      *sql.Tx
	stmts   map[string]*sql.Stmt
	changes []blog.Change
}

func (s *Store) batchOf(ctx context.Context) *batch {
	b, _ := ctx.Value(batchKey{s}).(*batch)
	return b
}

// Batch runs fn in one write transaction ([blog.Batcher]): the writes and
// reads fn makes on s with the context it is given all go through that
// transaction, on statements prepared once for the batch, and commit
// together when fn returns nil. Each write inside runs under a savepoint,
// so that a write that fails (a taken slug, say) undoes only itself. Other
// writers of s wait for the batch; readers on other connections see none
// of it until it commits.
func (s *Store) Batch(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.batchOf(ctx) != nil {
		return fn(ctx)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlitestore: batch: %w", err)
	}
	b := &batch{stmts: map[string]*sql.Stmt{}}
	err := func() error {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
		tx, err := s.write.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		b.tx = tx
		if err := fn(context.WithValue(ctx, batchKey{s}, b)); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		s.ckpt.dirty.Store(true) // the checkpointer takes it from here
		return nil
	}()
	if err != nil {
		return fmt.Errorf("sqlitestore: batch: %w", err)
	}
	for _, c := range b.changes {
		s.feed.Publish(c)
	}
	return nil
}

// runner returns the querier of the batch: its transaction, with
// statements prepared on it.
func (b *batch) runner() querier { return batchRunner{b} }

// inBatch runs one write of a batch under a savepoint, so that a failed
// write leaves the batch as it was before it.
func (b *batch) inBatch(ctx context.Context, fn func(tx querier) error) error {
	r := b.runner()
	if _, err := r.ExecContext(ctx, "SAVEPOINT w"); err != nil {
		return err
	}
	if err := fn(r); err != nil {
		if _, rerr := r.ExecContext(ctx, "ROLLBACK TO w"); rerr != nil {
			return fmt.Errorf("%w (and undoing it: %v)", err, rerr)
		}
		r.ExecContext(ctx, "RELEASE w")
		return err
	}
	_, err := r.ExecContext(ctx, "RELEASE w")
	return err
}

// publish delivers a change event now, or when the batch of ctx commits.
func (s *Store) publish(ctx context.Context, c blog.Change) {
	if b := s.batchOf(ctx); b != nil {
		b.changes = append(b.changes, c)
		return
	}
	s.feed.Publish(c)
}

// batchRunner runs statements in a batch's transaction, preparing each
// query once per batch.
type batchRunner struct{ b *batch }

func (r batchRunner) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := r.b.stmts[query]; ok {
		return st, nil
	}
	st, err := r.b.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	r.b.stmts[query] = st
	return st, nil
}

func (r batchRunner) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := r.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (r batchRunner) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := r.stmt(ctx, query)
	if err != nil {
		// A *sql.Row carrying err: the statement fails to prepare again.
		return r.b.tx.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

func (r batchRunner) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := r.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}
