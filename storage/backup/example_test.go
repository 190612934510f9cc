package backup_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"gocloud.dev/blob/memblob"

	"github.com/folioblog/folio/storage/backup"
	"github.com/folioblog/folio/storage/sqlitestore"
)

// A host backs up its live SQLite store and media bucket from its own job,
// and restores the archive into a new place.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "folio-example-")
	defer os.RemoveAll(dir)

	st, err := sqlitestore.Open(filepath.Join(dir, "folio.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	media := memblob.OpenBucket(nil)
	media.WriteAll(ctx, "harbour.jpg", []byte("…"), nil)

	archive := filepath.Join(dir, "site.tar")
	m, err := backup.WriteFile(ctx, archive, backup.Source{DB: st, Media: media})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("media files:", len(m.Media), "schema current:", m.SchemaVersion == sqlitestore.SchemaVersion())

	restored := memblob.OpenBucket(nil)
	_, err = backup.Restore(ctx, archive, backup.Target{
		DBPath: filepath.Join(dir, "new", "folio.db"), Media: restored, SchemaVersion: sqlitestore.SchemaVersion(),
	})
	fmt.Println("restored:", err == nil)

	// Restoring again into the same place is refused.
	_, err = backup.Restore(ctx, archive, backup.Target{
		DBPath: filepath.Join(dir, "new", "folio.db"), Media: restored, SchemaVersion: sqlitestore.SchemaVersion(),
	})
	fmt.Println("again:", errors.Is(err, backup.ErrNotEmpty))
	// Output:
	// media files: 1 schema current: true
	// restored: true
	// again: true
}
