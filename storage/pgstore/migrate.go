package pgstore

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/folioblog/folio/storage/internal/migrations"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// loadMigrations returns the embedded migrations in version order.
func loadMigrations() ([]migrations.Migration, error) {
	return migrations.Load(migrationFiles, "migrations")
}

// SchemaVersion is the version of the schema this package migrates a
// database to: the number of its last migration.
func SchemaVersion() int {
	ms, err := loadMigrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
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
		if last := ms[len(ms)-1].Version; current > last {
			return fmt.Errorf("version %d, this package knows up to %d: %w", current, last, ErrSchemaTooNew)
		}
		for _, m := range ms[current:] {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("%s: %w", m.Name, err)
			}
			if _, err := tx.Exec(ctx, s.sql(`INSERT INTO {S}folio_migrations (version, name) VALUES ($1, $2)`),
				m.Version, m.Name); err != nil {
				return fmt.Errorf("%s: %w", m.Name, err)
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
