package sqlitestore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"strconv"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/storage/internal/migrations"
)

// migrationFiles holds the schema changes, one file each, named
// NNNN_what.sql and applied in the order of NNNN.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// loadMigrations returns the embedded migrations in version order.
func loadMigrations() ([]migrations.Migration, error) {
	return migrations.Load(migrationFiles, "migrations")
}

// SchemaVersion returns the schema version this package brings a
// database to: the version of its last embedded migration. The database
// keeps its version in PRAGMA user_version.
func SchemaVersion() int { return schemaVersion }

// schemaVersion is SchemaVersion's answer, read once from the embedded
// migrations (which a test checks are well formed).
var schemaVersion = func() int {
	ms, err := loadMigrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}()

// migrate brings the database behind db to SchemaVersion in one IMMEDIATE
// transaction: either every pending migration is applied and user_version
// set, or nothing changes. A database at a version newer than
// SchemaVersion is refused with ErrSchemaTooNew.
func migrate(ctx context.Context, db *sql.DB) (err error) {
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer func() {
		if err != nil {
			if _, rerr := conn.ExecContext(context.Background(), "ROLLBACK"); rerr != nil {
				err = errors.Join(err, fmt.Errorf("rollback: %w", rerr))
			}
		}
	}()
	var current int
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("migrate: read user_version: %w", err)
	}
	if current > len(ms) {
		return fmt.Errorf("migrate: database at version %d, this program knows up to %d: %w",
			current, len(ms), ErrSchemaTooNew)
	}
	for _, m := range ms[current:] {
		if _, err := conn.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("migrate: %s: %w", m.Name, err)
		}
		if d, ok := derivedColumns[m.Version]; ok {
			if err := fillDerived(ctx, conn, d); err != nil {
				return fmt.Errorf("migrate: %s: %w", m.Name, err)
			}
		}
	}
	if current < len(ms) {
		// PRAGMA takes no parameters; the version is a number we made.
		if _, err := conn.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(len(ms))); err != nil {
			return fmt.Errorf("migrate: set user_version: %w", err)
		}
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("migrate: commit: %w", err)
	}
	return nil
}

// A derivedColumn is a column of posts that a migration adds and that a
// Blog derives from a post's HTML when it saves one; fillDerived then
// derives it for the rows already there.
type derivedColumn struct {
	name   string // the column; a constant, never input
	derive func(html string) string
}

// derivedColumns are the derived columns by the version of the migration
// that adds them: posts.plain_text, which search indexes (the FTS5
// triggers index it as it is set), and posts.image, the first image of the
// HTML, for og:image.
var derivedColumns = map[int]derivedColumn{
	4: {"plain_text", blog.PlainText},
	5: {"image", blog.FirstImage},
}

// fillBatch is how many posts fillDerived reads at a time.
const fillBatch = 200

// fillDerived sets column d of every post from its HTML, as a Blog does
// when it saves one.
func fillDerived(ctx context.Context, conn *sql.Conn, d derivedColumn) error {
	type row struct {
		id   int64
		html string
	}
	update := `UPDATE posts SET ` + d.name + ` = ? WHERE id = ?`
	var after int64
	for {
		rows, err := conn.QueryContext(ctx, `SELECT id, html FROM posts WHERE id > ? ORDER BY id LIMIT ?`, after, fillBatch)
		if err != nil {
			return fmt.Errorf("fill %s: %w", d.name, err)
		}
		var batch []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.html); err != nil {
				rows.Close()
				return fmt.Errorf("fill %s: %w", d.name, err)
			}
			batch = append(batch, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("fill %s: %w", d.name, err)
		}
		if len(batch) == 0 {
			return nil
		}
		for _, r := range batch {
			if _, err := conn.ExecContext(ctx, update, d.derive(r.html), r.id); err != nil {
				return fmt.Errorf("fill %s of post %d: %w", d.name, r.id, err)
			}
		}
		after = batch[len(batch)-1].id
	}
}
