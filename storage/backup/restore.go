package backup

import (
	"archive/tar"
	"bytes"
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
	"path/filepath"
	"strings"

	"gocloud.dev/blob"
)

// Target is where [Restore] writes.
type Target struct {
	// DBPath is the SQLite database file to create.
	DBPath string
	// Media receives the media objects; nil skips them (and then an
	// archive holding media is restored without them).
	Media *blob.Bucket
	// SchemaVersion is the newest schema the restoring program knows
	// (sqlitestore.SchemaVersion()); an archive newer than it is refused.
	SchemaVersion int
	// Force lets Restore replace an existing database and media: objects
	// of Media that the archive lacks are deleted.
	Force bool
}

// maxManifest bounds the manifest read into memory.
const maxManifest = 64 << 20

// sqliteHeader starts every SQLite database file; the schema version
// (PRAGMA user_version) is the big-endian uint32 at userVersionAt.
const (
	sqliteHeader  = "SQLite format 3\x00"
	userVersionAt = 60
)

// Verify reads the archive at path and checks it as [Restore] does before
// writing: the manifest, every entry's size and SHA-256, the database's
// header and schema version against the manifest's. It returns the
// manifest. It does not compare the schema with any program's.
func Verify(ctx context.Context, path string) (*Manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	return verify(ctx, f)
}

func verify(ctx context.Context, r io.Reader) (*Manifest, error) {
	type seen struct {
		size int64
		sum  string
	}
	got := map[string]seen{}
	var m *Manifest
	var dbHead []byte
	tr := tar.NewReader(r)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		if h.Typeflag != tar.TypeReg {
			return nil, fmt.Errorf("%w: %q is not a regular file", ErrCorrupt, h.Name)
		}
		if _, dup := got[h.Name]; dup || (h.Name == manifestName && m != nil) {
			return nil, fmt.Errorf("%w: %q appears twice", ErrCorrupt, h.Name)
		}
		if h.Name == manifestName {
			b, err := io.ReadAll(io.LimitReader(tr, maxManifest+1))
			if err != nil {
				return nil, fmt.Errorf("%w: manifest: %v", ErrCorrupt, err)
			}
			if len(b) > maxManifest {
				return nil, fmt.Errorf("%w: manifest larger than %d bytes", ErrCorrupt, maxManifest)
			}
			m = new(Manifest)
			if err := json.Unmarshal(b, m); err != nil {
				return nil, fmt.Errorf("%w: manifest: %v", ErrCorrupt, err)
			}
			continue
		}
		if _, ok := mediaKey(h.Name); !ok && h.Name != databaseName {
			return nil, fmt.Errorf("%w: unexpected entry %q", ErrCorrupt, h.Name)
		}
		sum := sha256.New()
		var head bytes.Buffer
		var w io.Writer = sum
		if h.Name == databaseName {
			w = io.MultiWriter(sum, &limitedBuffer{&head, 100})
		}
		n, err := io.Copy(w, tr)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, h.Name, err)
		}
		if h.Name == databaseName {
			dbHead = head.Bytes()
		}
		got[h.Name] = seen{n, hex.EncodeToString(sum.Sum(nil))}
	}
	if m == nil {
		return nil, fmt.Errorf("%w: no manifest", ErrCorrupt)
	}
	if m.Format != formatVersion {
		return nil, fmt.Errorf("%w: archive format %d, this program reads %d", ErrCorrupt, m.Format, formatVersion)
	}
	if m.Database.Name != databaseName {
		return nil, fmt.Errorf("%w: manifest names no database", ErrCorrupt)
	}
	want := append([]Entry{m.Database}, m.Media...)
	names := map[string]bool{}
	for _, e := range want {
		if names[e.Name] {
			return nil, fmt.Errorf("%w: manifest names %q twice", ErrCorrupt, e.Name)
		}
		names[e.Name] = true
		if e.Name != databaseName {
			if _, ok := mediaKey(e.Name); !ok {
				return nil, fmt.Errorf("%w: manifest names %q", ErrCorrupt, e.Name)
			}
		}
		g, ok := got[e.Name]
		switch {
		case !ok:
			return nil, fmt.Errorf("%w: %s is missing", ErrCorrupt, e.Name)
		case g.size != e.Size || g.sum != e.SHA256:
			return nil, fmt.Errorf("%w: %s: checksum or size differs from the manifest", ErrCorrupt, e.Name)
		}
	}
	if len(got) != len(want) {
		return nil, fmt.Errorf("%w: entries the manifest does not name", ErrCorrupt)
	}
	if len(dbHead) < 100 || string(dbHead[:len(sqliteHeader)]) != sqliteHeader {
		return nil, fmt.Errorf("%w: %s is not a SQLite database", ErrCorrupt, databaseName)
	}
	if v := int(binary.BigEndian.Uint32(dbHead[userVersionAt:])); v != m.SchemaVersion {
		return nil, fmt.Errorf("%w: database at schema version %d, manifest says %d", ErrCorrupt, v, m.SchemaVersion)
	}
	return m, nil
}

// limitedBuffer keeps the first n bytes written to it.
type limitedBuffer struct {
	b *bytes.Buffer
	n int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.n - l.b.Len(); room > 0 {
		l.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// Restore verifies the archive at path (see [Verify]), refuses a schema
// newer than t.SchemaVersion ([ErrSchemaTooNew]) and a non-empty target
// unless t.Force ([ErrNotEmpty]), writing nothing in those cases; then it
// writes the media objects and, last, the database, under a temporary
// name renamed into place. Each entry is checked again as it is written.
// If Restore fails once it has begun writing (a full disk, a changed
// archive), some media may be written but no database is in place: run it
// again with Force.
func Restore(ctx context.Context, path string, t Target, opts ...Option) (*Manifest, error) {
	cfg := newConfig(opts)
	if t.DBPath == "" {
		return nil, errors.New("backup: restore: no database path")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	m, err := verify(ctx, f)
	if err != nil {
		return nil, err
	}
	if m.SchemaVersion > t.SchemaVersion {
		return nil, fmt.Errorf("%w: archive at version %d, this program knows up to %d", ErrSchemaTooNew, m.SchemaVersion, t.SchemaVersion)
	}
	if !t.Force {
		if err := checkEmpty(ctx, t); err != nil {
			return nil, err
		}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	byName := map[string]Entry{}
	for _, e := range m.Media {
		byName[e.Name] = e
	}
	tr := tar.NewReader(f)
	dbTmp := ""
	defer func() {
		if dbTmp != "" {
			os.Remove(dbTmp)
		}
	}()
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		switch key, isMedia := mediaKey(h.Name); {
		case h.Name == databaseName:
			if dbTmp, err = writeDBTemp(t.DBPath, tr, m.Database); err != nil {
				return nil, err
			}
		case isMedia && t.Media != nil:
			e := byName[h.Name]
			if err := writeObject(ctx, t.Media, key, tr, e); err != nil {
				return nil, err
			}
			cfg.progress(e)
		}
	}
	if t.Force && t.Media != nil {
		if err := deleteOthers(ctx, t.Media, byName); err != nil {
			return nil, err
		}
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(t.DBPath + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("backup: %w", err)
		}
	}
	if err := os.Rename(dbTmp, t.DBPath); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	dbTmp = ""
	if d, err := os.Open(filepath.Dir(t.DBPath)); err == nil {
		d.Sync()
		d.Close()
	}
	cfg.progress(m.Database)
	return m, nil
}

// checkEmpty returns ErrNotEmpty if t holds a database or any media.
func checkEmpty(ctx context.Context, t Target) error {
	if _, err := os.Stat(t.DBPath); err == nil {
		return fmt.Errorf("%w: %s exists", ErrNotEmpty, t.DBPath)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	if t.Media == nil {
		return nil
	}
	obj, err := t.Media.List(nil).Next(ctx)
	switch {
	case errors.Is(err, io.EOF):
		return nil
	case err != nil:
		return fmt.Errorf("backup: list media: %w", err)
	}
	return fmt.Errorf("%w: the media bucket holds %q", ErrNotEmpty, obj.Key)
}

// writeDBTemp writes the database entry beside path under a temporary
// name, synced, and returns that name.
func writeDBTemp(path string, r io.Reader, e Entry) (string, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+base+".restore-")
	if err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	err = copyChecked(f, r, e)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// writeObject writes one media object, aborting the write if its bytes
// differ from the entry.
func writeObject(ctx context.Context, b *blob.Bucket, key string, r io.Reader, e Entry) error {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := b.NewWriter(wctx, key, &blob.WriterOptions{ContentType: e.ContentType})
	if err != nil {
		return fmt.Errorf("backup: media %q: %w", key, err)
	}
	if err := copyChecked(w, r, e); err != nil {
		cancel() // a cancelled writer discards what it was given
		w.Close()
		return err
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("backup: media %q: %w", key, err)
	}
	return nil
}

// copyChecked copies r to w and fails if it is not e's bytes.
func copyChecked(w io.Writer, r io.Reader, e Entry) error {
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), r)
	if err != nil {
		return fmt.Errorf("backup: %s: %w", e.Name, err)
	}
	if n != e.Size || hex.EncodeToString(h.Sum(nil)) != e.SHA256 {
		return fmt.Errorf("%w: %s changed while being restored", ErrCorrupt, e.Name)
	}
	return nil
}

// deleteOthers removes the objects of b that keep does not name.
func deleteOthers(ctx context.Context, b *blob.Bucket, keep map[string]Entry) error {
	var extra []string
	iter := b.List(nil)
	for {
		obj, err := iter.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("backup: list media: %w", err)
		}
		if _, ok := keep[mediaPrefix+obj.Key]; !ok && !obj.IsDir && !strings.HasSuffix(obj.Key, "/") {
			extra = append(extra, obj.Key)
		}
	}
	for _, k := range extra {
		if err := b.Delete(ctx, k); err != nil {
			return fmt.Errorf("backup: media %q: %w", k, err)
		}
	}
	return nil
}
