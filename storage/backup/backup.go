package backup

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"gocloud.dev/blob"
)

// Names inside the archive.
const (
	manifestName = "manifest.json"
	databaseName = "folio.db"
	mediaPrefix  = "media/"
)

// formatVersion is the archive layout this package writes and reads.
const formatVersion = 1

// Errors [Restore] returns, wrapped, for an archive it will not restore.
var (
	// ErrCorrupt: the archive is not a Folio backup, lacks an entry its
	// manifest names, holds one it does not, or an entry's size or
	// SHA-256 differs from the manifest's.
	ErrCorrupt = errors.New("backup: archive is damaged or not a Folio backup")
	// ErrSchemaTooNew: the database in the archive was written by a newer
	// Folio than the one restoring it.
	ErrSchemaTooNew = errors.New("backup: archive's schema is newer than this program")
	// ErrNotEmpty: the target already holds a database or media, and
	// [Target.Force] is not set.
	ErrNotEmpty = errors.New("backup: restore target is not empty")
)

// Database is a store that can copy itself, consistently and while in
// use, into a new file that the store's Open accepts.
// [github.com/folioblog/folio/storage/sqlitestore.Store] is one.
type Database interface {
	BackupTo(ctx context.Context, path string) error
}

// Source is what [Write] copies.
type Source struct {
	DB    Database
	Media *blob.Bucket // optional: every object is copied
}

// Manifest describes an archive; it is its last entry.
type Manifest struct {
	Format        int       `json:"format"`
	Created       time.Time `json:"created"`
	SchemaVersion int       `json:"schema_version"`
	Database      Entry     `json:"database"`
	Media         []Entry   `json:"media"`
}

// Entry is one file of an archive.
type Entry struct {
	Name        string `json:"name"` // the path in the archive
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`                 // hex
	ContentType string `json:"content_type,omitempty"` // media objects
}

// Option changes how [Write], [WriteFile] and [Restore] work.
type Option func(*config)

type config struct {
	now      func() time.Time
	progress func(Entry)
}

// WithClock sets the clock stamping the manifest; the default is time.Now.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithProgress calls f after each entry is written (by Write) or restored
// (by Restore), in archive order.
func WithProgress(f func(Entry)) Option { return func(c *config) { c.progress = f } }

func newConfig(opts []Option) config {
	c := config{now: time.Now, progress: func(Entry) {}}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// Write writes an archive of src to w and returns its manifest. The
// database copy is made in a temporary directory, which is removed.
func Write(ctx context.Context, w io.Writer, src Source, opts ...Option) (*Manifest, error) {
	if src.DB == nil {
		return nil, errors.New("backup: no database to copy")
	}
	cfg := newConfig(opts)
	tmp, err := os.MkdirTemp("", "folio-backup-")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(tmp)
	m := &Manifest{Format: formatVersion, Created: cfg.now().UTC(), Media: []Entry{}}
	dbCopy := filepath.Join(tmp, databaseName)
	if err := src.DB.BackupTo(ctx, dbCopy); err != nil {
		return nil, fmt.Errorf("backup: copy database: %w", err)
	}
	tw := tar.NewWriter(w)
	f, err := os.Open(dbCopy)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	// The manifest records the schema version the copy itself carries.
	head := make([]byte, 100)
	if _, err := io.ReadFull(f, head); err != nil || string(head[:len(sqliteHeader)]) != sqliteHeader {
		f.Close()
		return nil, fmt.Errorf("backup: the database copy is not a SQLite file")
	}
	m.SchemaVersion = int(binary.BigEndian.Uint32(head[userVersionAt:]))
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("backup: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("backup: %w", err)
	}
	m.Database, err = writeEntry(tw, databaseName, "", fi.Size(), f, m.Created)
	f.Close()
	if err != nil {
		return nil, err
	}
	cfg.progress(m.Database)

	if src.Media != nil {
		iter := src.Media.List(nil)
		for {
			obj, err := iter.Next(ctx)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("backup: list media: %w", err)
			}
			if obj.IsDir {
				continue
			}
			e, err := copyObject(ctx, tw, src.Media, obj.Key, m.Created)
			if err != nil {
				return nil, err
			}
			m.Media = append(m.Media, e)
			cfg.progress(e)
		}
	}

	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := tw.WriteHeader(&tar.Header{Name: manifestName, Mode: 0o600, Size: int64(len(mj)), ModTime: m.Created, Typeflag: tar.TypeReg}); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if _, err := tw.Write(mj); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	return m, nil
}

// copyObject writes the media object key into tw.
func copyObject(ctx context.Context, tw *tar.Writer, b *blob.Bucket, key string, at time.Time) (Entry, error) {
	r, err := b.NewReader(ctx, key, nil)
	if err != nil {
		return Entry{}, fmt.Errorf("backup: media %q: %w", key, err)
	}
	defer r.Close()
	return writeEntry(tw, mediaPrefix+key, r.ContentType(), r.Size(), r, at)
}

// writeEntry writes size bytes of r as the file name and returns its entry.
func writeEntry(tw *tar.Writer, name, contentType string, size int64, r io.Reader, at time.Time) (Entry, error) {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: size, ModTime: at, Typeflag: tar.TypeReg}); err != nil {
		return Entry{}, fmt.Errorf("backup: %s: %w", name, err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, h), r)
	if err != nil {
		return Entry{}, fmt.Errorf("backup: %s: %w", name, err)
	}
	if n != size {
		return Entry{}, fmt.Errorf("backup: %s: read %d bytes, expected %d", name, n, size)
	}
	return Entry{Name: name, Size: size, SHA256: hex.EncodeToString(h.Sum(nil)), ContentType: contentType}, nil
}

// WriteFile writes an archive of src to the file path, replacing it if it
// exists. The archive is written under a temporary name in the same
// directory, synced, and renamed to path only when complete (the directory
// is synced after), so path never names a partial archive.
func WriteFile(ctx context.Context, path string, src Source, opts ...Option) (m *Manifest, err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".partial-")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if m, err = Write(ctx, f, src, opts...); err != nil {
		return nil, err
	}
	if err = f.Sync(); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err = f.Close(); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return m, nil
}

// mediaKey returns the object key of an archive entry under media/, and
// whether name is one: a relative, clean, slash-separated path, so that no
// key can lead a file-backed bucket out of its folder.
func mediaKey(name string) (string, bool) {
	key, ok := strings.CutPrefix(name, mediaPrefix)
	if !ok || key == "" || strings.ContainsAny(key, "\\\x00") || path.Clean(key) != key || !fs.ValidPath(key) {
		return "", false
	}
	return key, true
}
