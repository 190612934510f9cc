package sqlitestore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
)

// ErrSchemaBehind is returned, wrapped, by [Store.Ready] when the
// database's schema version differs from [SchemaVersion]: the migrations
// of this program have not been applied to it (or a newer program has
// changed it since).
var ErrSchemaBehind = errors.New("sqlitestore: database schema version differs from this program's")

// BackupTo writes a consistent copy of the whole database to the new file
// at path with VACUUM INTO, while the Store keeps serving: the copy is one
// read transaction's snapshot, so writes that commit meanwhile are either
// wholly in it or wholly absent, and writers are not blocked. The copy
// keeps the schema version ([SchemaVersion]) and is a plain SQLite file
// that [Open] accepts. BackupTo fails if path exists.
func (s *Store) BackupTo(ctx context.Context, path string) error {
	if path == "" {
		return errors.New("sqlitestore: backup: empty path")
	}
	// VACUUM INTO writes only the new file, but query_only refuses it: take
	// one reader connection, lift query_only for the copy and set it back,
	// which leaves the single writer free for the site.
	conn, err := s.read.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlitestore: backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA query_only(0)"); err != nil {
		return fmt.Errorf("sqlitestore: backup: %w", err)
	}
	_, err = conn.ExecContext(ctx, "VACUUM INTO ?", path)
	if _, rerr := conn.ExecContext(context.Background(), "PRAGMA query_only(1)"); rerr != nil {
		// Never hand a writable connection back to the reader pool.
		conn.Raw(func(any) error { return driver.ErrBadConn })
		err = errors.Join(err, rerr)
	}
	if err != nil {
		return fmt.Errorf("sqlitestore: backup to %s: %w", path, err)
	}
	return nil
}

// Ready reports whether the database answers and carries the schema
// version this program migrates to: nil when both hold, else an error
// (wrapping [ErrSchemaBehind] for a version mismatch). It runs one cheap
// query and caches nothing.
func (s *Store) Ready(ctx context.Context) error {
	var v int
	if err := s.read.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("sqlitestore: ready: %w", err)
	}
	if v != SchemaVersion() {
		return fmt.Errorf("sqlitestore: ready: database at version %d, this program at %d: %w", v, SchemaVersion(), ErrSchemaBehind)
	}
	return nil
}

// DBStats returns the statistics of the writer's and the readers'
// connection pools, for a host's metrics.
func (s *Store) DBStats() (write, read sql.DBStats) {
	if s.read == s.write {
		st := s.write.Stats()
		return st, st
	}
	return s.write.Stats(), s.read.Stats()
}

// File is a SQLite database file to copy without opening a [Store] on it:
// no migration runs and nothing is written to it, so a newer or older
// program can back up the database a running site uses. It implements
// the BackupTo of [Store].
type File string

// BackupTo writes a consistent copy of the database file to the new file
// at path with VACUUM INTO, through a read-only connection, while other
// connections and processes keep reading and writing it.
func (f File) BackupTo(ctx context.Context, path string) error {
	if path == "" || f == "" {
		return errors.New("sqlitestore: backup: empty path")
	}
	if _, err := os.Stat(string(f)); err != nil {
		return fmt.Errorf("sqlitestore: backup: %w", err)
	}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(5000)")
	db, err := sql.Open("sqlite", fileDSN(string(f), q))
	if err != nil {
		return fmt.Errorf("sqlitestore: backup %s: %w", f, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("sqlitestore: backup %s to %s: %w", f, path, err)
	}
	return nil
}
