package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrSchemaBehind is returned, wrapped, by [Store.Ready] when the
// database's schema version differs from [SchemaVersion].
var ErrSchemaBehind = errors.New("pgstore: database schema version differs from this program's")

// Ready reports whether PostgreSQL answers and the database carries the
// schema version this program migrates to: nil when both hold, else an
// error (wrapping [ErrSchemaBehind] for a version mismatch). It runs one
// query, caches nothing, and fails while the server is unreachable.
func (s *Store) Ready(ctx context.Context) error {
	var v int
	if err := s.pool.QueryRow(ctx, s.sql(`SELECT coalesce(max(version), 0) FROM {S}folio_migrations`)).Scan(&v); err != nil {
		return fmt.Errorf("pgstore: ready: %w", dbErr(err))
	}
	if v != SchemaVersion() {
		return fmt.Errorf("pgstore: ready: database at version %d, this program at %d: %w", v, SchemaVersion(), ErrSchemaBehind)
	}
	return nil
}

// PoolStat returns a snapshot of the connection pool's statistics, for a
// host's metrics.
func (s *Store) PoolStat() *pgxpool.Stat { return s.pool.Stat() }
