package pgstore

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/folioblog/folio/blog"
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
			if m.Version == plainTextVersion {
				if err := s.fillPlainText(ctx, tx); err != nil {
					return fmt.Errorf("%s: %w", m.Name, err)
				}
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

// plainTextVersion is the migration that adds posts.plain_text, which the
// search vector is made of; fillPlainText then derives it for the rows
// already there.
const plainTextVersion = 4

// fillBatch is how many posts fillPlainText reads at a time.
const fillBatch = 200

// fillPlainText sets the plain_text of every post from its HTML, as a Blog
// does when it saves one ([blog.PlainText]), inside the migration's
// transaction tx; the search vector is regenerated with it.
func (s *Store) fillPlainText(ctx context.Context, tx pgx.Tx) error {
	var after int64
	for {
		rows, err := tx.Query(ctx, s.sql(`SELECT id, html FROM {S}posts WHERE id > $1 ORDER BY id LIMIT $2`), after, fillBatch)
		if err != nil {
			return fmt.Errorf("fill plain text: %w", err)
		}
		var ids []int64
		var texts []string
		for rows.Next() {
			var id int64
			var html string
			if err := rows.Scan(&id, &html); err != nil {
				rows.Close()
				return fmt.Errorf("fill plain text: %w", err)
			}
			ids, texts = append(ids, id), append(texts, blog.PlainText(html))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("fill plain text: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, s.sql(`UPDATE {S}posts p SET plain_text = x.text
			FROM unnest($1::bigint[], $2::text[]) AS x(id, text) WHERE p.id = x.id`), ids, texts); err != nil {
			return fmt.Errorf("fill plain text: %w", err)
		}
		after = ids[len(ids)-1]
	}
}
