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
			if d, ok := derivedColumns[m.Version]; ok {
				if err := s.fillDerived(ctx, tx, d); err != nil {
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

// A derivedColumn is a column of posts that a migration adds and that a
// Blog derives from a post's HTML when it saves one; fillDerived then
// derives it for the rows already there.
type derivedColumn struct {
	name   string // the column; a constant, never input
	derive func(html string) string
}

// derivedColumns are the derived columns by the version of the migration
// that adds them: posts.plain_text, which the search vector is made of
// (and regenerated with), and posts.image, the first image of the HTML,
// for og:image.
var derivedColumns = map[int]derivedColumn{
	4: {"plain_text", blog.PlainText},
	5: {"image", blog.FirstImage},
}

// fillBatch is how many posts fillDerived reads at a time.
const fillBatch = 200

// fillDerived sets column d of every post from its HTML, as a Blog does
// when it saves one, inside the migration's transaction tx.
func (s *Store) fillDerived(ctx context.Context, tx pgx.Tx, d derivedColumn) error {
	update := s.sql(`UPDATE {S}posts p SET ` + d.name + ` = x.value
			FROM unnest($1::bigint[], $2::text[]) AS x(id, value) WHERE p.id = x.id`)
	var after int64
	for {
		rows, err := tx.Query(ctx, s.sql(`SELECT id, html FROM {S}posts WHERE id > $1 ORDER BY id LIMIT $2`), after, fillBatch)
		if err != nil {
			return fmt.Errorf("fill %s: %w", d.name, err)
		}
		var ids []int64
		var values []string
		for rows.Next() {
			var id int64
			var html string
			if err := rows.Scan(&id, &html); err != nil {
				rows.Close()
				return fmt.Errorf("fill %s: %w", d.name, err)
			}
			ids, values = append(ids, id), append(values, d.derive(html))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("fill %s: %w", d.name, err)
		}
		if len(ids) == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, update, ids, values); err != nil {
			return fmt.Errorf("fill %s: %w", d.name, err)
		}
		after = ids[len(ids)-1]
	}
}
