package pgstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one file of migrations/: NNNN_name.sql, applied in the
// order of NNNN.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the embedded migrations in version order. Their
// versions must count up from 1 without gaps.
func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name is not NNNN_name.sql", base)
		}
		b, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, sql: string(b)})
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return out, nil
}

// SchemaVersion is the version of the schema this package migrates a
// database to: the number of its last migration.
func SchemaVersion() int {
	ms, err := loadMigrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// migrate brings the database up to the last embedded migration in one
// transaction. A transaction-scoped advisory lock, keyed by the schema,
// makes instances starting together wait for each other: the first
// applies the migrations, the others then find nothing to do.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("pgstore: migrate: %w", dbErr(err))
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx,
			`SELECT pg_advisory_xact_lock(hashtextextended('folio:migrate:' || coalesce($1, current_schema(), ''), 0))`,
			nullIfEmpty(s.cfg.schema)); err != nil {
			return err
		}
		if s.cfg.schema != "" {
			ident := pgx.Identifier{s.cfg.schema}.Sanitize()
			if _, err := tx.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+ident); err != nil {
				return err
			}
			// Unqualified names in the migrations land in the schema;
			// pg_catalog stays implicitly first.
			if _, err := tx.Exec(ctx, "SET LOCAL search_path TO "+ident); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, s.sql(`CREATE TABLE IF NOT EXISTS {S}folio_migrations (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`)); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRow(ctx, s.sql(`SELECT coalesce(max(version), 0) FROM {S}folio_migrations`)).Scan(&current); err != nil {
			return err
		}
		if last := ms[len(ms)-1].version; current > last {
			return fmt.Errorf("version %d, this package knows up to %d: %w", current, last, ErrSchemaTooNew)
		}
		for _, m := range ms[current:] {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
			if _, err := tx.Exec(ctx, s.sql(`INSERT INTO {S}folio_migrations (version, name) VALUES ($1, $2)`),
				m.version, m.name); err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("pgstore: migrate: %w", dbErr(err))
	}
	return nil
}

// nullIfEmpty returns nil for "", so that SQL sees NULL.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
