package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"

	"github.com/folioblog/folio/storage/backup"
	"github.com/folioblog/folio/storage/sqlitestore"
)

// errPostgresBackup is what backup and restore answer for a PostgreSQL
// site: its database is copied with PostgreSQL's own tools.
var errPostgresBackup = errors.New(`backup and restore copy SQLite sites; for PostgreSQL, back up the database with pg_dump (pg_dump -Fc -f folio.dump DSN; restore with pg_restore -d DSN folio.dump) and copy the media bucket with its provider's tools`)

// sqlitePath returns the SQLite file the site uses, or errPostgresBackup.
func sqlitePath(cfg config) (string, error) {
	switch dsn := cfg.dsn; {
	case dsn == "":
		return filepath.Join(cfg.dataDir, dbFile), nil
	case hasScheme(dsn, "sqlite:"):
		p := strings.TrimPrefix(dsn[len("sqlite:"):], "//")
		if p == "" {
			return "", fmt.Errorf("-db %q: no file path after \"sqlite:\"", dsn)
		}
		return p, nil
	case hasScheme(dsn, "postgres://", "postgresql://"):
		return "", errPostgresBackup
	}
	return "", fmt.Errorf("-db %q: want sqlite:PATH, postgres://… or postgresql://…", cfg.dsn)
}

// openMedia opens the media folder under the data directory as a bucket,
// creating it if create is set; it returns nil if the folder is absent.
func openMedia(cfg config, create bool) (*blob.Bucket, error) {
	dir := filepath.Join(cfg.dataDir, mediaDir)
	if create {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, err
		}
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, nil
	}
	// The site serves the files by name: write no metadata beside them.
	return fileblob.OpenBucket(dir, &fileblob.Options{Metadata: fileblob.MetadataDontWrite, NoTempDir: true})
}

// runBackup writes an archive of the site's database and media to file
// while the site may be serving.
func runBackup(ctx context.Context, cfg config, file string, stderr io.Writer) error {
	dbPath, err := sqlitePath(cfg)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := os.Stat(dbPath); err != nil {
		return fmt.Errorf("backup: no database: %w", err)
	}
	// The file is copied as it is, through a read-only connection: no
	// migration runs, so a new binary can back up the database the old
	// one still serves before an upgrade.
	st := sqlitestore.File(dbPath)
	media, err := openMedia(cfg, false)
	if err != nil {
		return fmt.Errorf("backup: media: %w", err)
	}
	if media != nil {
		defer media.Close()
	}
	m, err := backup.WriteFile(ctx, file, backup.Source{DB: st, Media: media},
		backup.WithProgress(func(e backup.Entry) { fmt.Fprintf(stderr, "  %s (%d bytes)\n", e.Name, e.Size) }))
	if err != nil {
		return err
	}
	fmt.Fprintf(cfg.out, "backup written to %s: database (schema %d, %d bytes) and %d media files\n",
		file, m.SchemaVersion, m.Database.Size, len(m.Media))
	return nil
}

// runRestore restores an archive into the site's data directory, which
// must hold no database and no media unless cfg.force is set.
func runRestore(ctx context.Context, cfg config, file string, stderr io.Writer) error {
	dbPath, err := sqlitePath(cfg)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := os.MkdirAll(cfg.dataDir, 0o750); err != nil {
		return fmt.Errorf("restore: data directory: %w", err)
	}
	media, err := openMedia(cfg, true)
	if err != nil {
		return fmt.Errorf("restore: media: %w", err)
	}
	defer media.Close()
	m, err := backup.Restore(ctx, file, backup.Target{
		DBPath: dbPath, Media: media, SchemaVersion: sqlitestore.SchemaVersion(), Force: cfg.force,
	}, backup.WithProgress(func(e backup.Entry) { fmt.Fprintf(stderr, "  %s (%d bytes)\n", e.Name, e.Size) }))
	if errors.Is(err, backup.ErrNotEmpty) {
		return fmt.Errorf("restore: %w (use -force to replace it)", err)
	}
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(cfg.out, "restored %s into %s: database (schema %d, taken %s) and %d media files\n",
		file, cfg.dataDir, m.SchemaVersion, m.Created.Format("2006-01-02 15:04:05 MST"), len(m.Media))
	return nil
}
