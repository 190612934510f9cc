package backup_test

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gocloud.dev/blob"
	"gocloud.dev/blob/memblob"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/storage/backup"
	"github.com/folioblog/folio/storage/sqlitestore"
)

// media is the library the tests back up: key → bytes.
var media = map[string]string{
	"2024/01/harbour.jpg": "harbour photo bytes",
	"avatar.png":          "avatar bytes",
}

// newSource returns a SQLite store holding one post and a bucket holding
// media.
func newSource(t testing.TB) (*sqlitestore.Store, *blob.Bucket) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlitestore.Open(filepath.Join(t.TempDir(), "folio.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	p := &blog.Post{Kind: blog.KindPost, Slug: "kept", Title: "Kept", Source: "Body",
		Status: blog.StatusPublished, PublishedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}
	require.NoError(t, st.CreatePost(ctx, p))
	b := memblob.OpenBucket(nil)
	t.Cleanup(func() { b.Close() })
	for k, v := range media {
		require.NoError(t, b.WriteAll(ctx, k, []byte(v), &blob.WriterOptions{ContentType: "image/jpeg"}))
	}
	return st, b
}

func writeArchive(t testing.TB) string {
	t.Helper()
	st, b := newSource(t)
	path := filepath.Join(t.TempDir(), "site.tar")
	m, err := backup.WriteFile(context.Background(), path, backup.Source{DB: st, Media: b})
	require.NoError(t, err)
	require.Len(t, m.Media, len(media))
	return path
}

func target(t *testing.T) backup.Target {
	t.Helper()
	b := memblob.OpenBucket(nil)
	t.Cleanup(func() { b.Close() })
	return backup.Target{DBPath: filepath.Join(t.TempDir(), "data", "folio.db"), Media: b, SchemaVersion: sqlitestore.SchemaVersion()}
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	path := writeArchive(t)
	tg := target(t)
	_, err := backup.Restore(ctx, path, tg)
	require.NoError(t, err)

	st, err := sqlitestore.Open(tg.DBPath)
	require.NoError(t, err)
	defer st.Close()
	p, err := st.GetPostBySlug(ctx, "kept")
	require.NoError(t, err)
	assert.Equal(t, "Kept", p.Title)
	for k, v := range media {
		got, err := tg.Media.ReadAll(ctx, k)
		require.NoError(t, err, k)
		assert.Equal(t, v, string(got), k)
		attrs, err := tg.Media.Attributes(ctx, k)
		require.NoError(t, err)
		assert.Equal(t, "image/jpeg", attrs.ContentType)
	}
}

// tamper returns a copy of the archive at path with old replaced by new.
func tamper(t *testing.T, path, old, new string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, bytes.Contains(b, []byte(old)))
	out := filepath.Join(t.TempDir(), "tampered.tar")
	require.NoError(t, os.WriteFile(out, bytes.Replace(b, []byte(old), []byte(new), 1), 0o600))
	return out
}

func TestRestoreRefusesAndWritesNothing(t *testing.T) {
	ctx := context.Background()
	good := writeArchive(t)
	tests := []struct {
		name    string
		archive func(t *testing.T) string
		target  func(t *testing.T, tg *backup.Target)
		want    error
	}{
		{"changed media byte", func(t *testing.T) string { return tamper(t, good, "harbour photo", "harbour phot0") }, nil, backup.ErrCorrupt},
		{"changed manifest schema", func(t *testing.T) string {
			return tamper(t, good, `"schema_version": `, `"schema_version": 9`)
		}, nil, backup.ErrCorrupt},
		{"not an archive", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "x.tar")
			require.NoError(t, os.WriteFile(p, []byte("hello"), 0o600))
			return p
		}, nil, backup.ErrCorrupt},
		{"media key leaving its folder", func(t *testing.T) string { return withMedia(t, good, "../escaped.png") }, nil, backup.ErrCorrupt},
		{"absolute media key", func(t *testing.T) string { return withMedia(t, good, "/etc/escaped.png") }, nil, backup.ErrCorrupt},
		{"newer schema", func(*testing.T) string { return good }, func(t *testing.T, tg *backup.Target) {
			tg.SchemaVersion = sqlitestore.SchemaVersion() - 1
		}, backup.ErrSchemaTooNew},
		{"database exists", func(*testing.T) string { return good }, func(t *testing.T, tg *backup.Target) {
			require.NoError(t, os.MkdirAll(filepath.Dir(tg.DBPath), 0o750))
			require.NoError(t, os.WriteFile(tg.DBPath, []byte("mine"), 0o600))
		}, backup.ErrNotEmpty},
		{"media exist", func(*testing.T) string { return good }, func(t *testing.T, tg *backup.Target) {
			require.NoError(t, tg.Media.WriteAll(ctx, "mine.png", []byte("mine"), nil))
		}, backup.ErrNotEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := target(t)
			if tt.target != nil {
				tt.target(t, &tg)
			}
			before := snapshot(t, tg)
			_, err := backup.Restore(ctx, tt.archive(t), tg)
			require.ErrorIs(t, err, tt.want)
			assert.Equal(t, before, snapshot(t, tg), "a refused restore writes nothing")
		})
	}
}

// snapshot lists what a target holds: its directory's files and its
// bucket's objects with their bytes.
func snapshot(t *testing.T, tg backup.Target) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, _ := os.ReadDir(filepath.Dir(tg.DBPath))
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(filepath.Dir(tg.DBPath), e.Name()))
		out["file:"+e.Name()] = string(b)
	}
	iter := tg.Media.List(nil)
	for {
		obj, err := iter.Next(context.Background())
		if err != nil {
			break
		}
		b, err := tg.Media.ReadAll(context.Background(), obj.Key)
		require.NoError(t, err)
		out["media:"+obj.Key] = string(b)
	}
	return out
}

func TestRestoreForceReplaces(t *testing.T) {
	ctx := context.Background()
	path := writeArchive(t)
	tg := target(t)
	require.NoError(t, os.MkdirAll(filepath.Dir(tg.DBPath), 0o750))
	require.NoError(t, os.WriteFile(tg.DBPath, []byte("old"), 0o600))
	require.NoError(t, os.WriteFile(tg.DBPath+"-wal", []byte("old wal"), 0o600))
	require.NoError(t, tg.Media.WriteAll(ctx, "stale.png", []byte("old"), nil))
	tg.Force = true
	_, err := backup.Restore(ctx, path, tg)
	require.NoError(t, err)

	assert.NoFileExists(t, tg.DBPath+"-wal", "an old write-ahead log would be replayed into the restored database")
	st, err := sqlitestore.Open(tg.DBPath)
	require.NoError(t, err)
	defer st.Close()
	_, err = st.GetPostBySlug(ctx, "kept")
	require.NoError(t, err)
	ok, err := tg.Media.Exists(ctx, "stale.png")
	require.NoError(t, err)
	assert.False(t, ok, "objects the archive lacks are deleted")
}

// childEnv names the archive path a re-executed test binary backs up to,
// stopping after the first entry until it is killed.
const childEnv = "FOLIO_BACKUP_KILL_CHILD"

func TestKilledBackupLeavesNoFile(t *testing.T) {
	if path := os.Getenv(childEnv); path != "" {
		st, b := newSource(t)
		_, err := backup.WriteFile(context.Background(), path, backup.Source{DB: st, Media: b},
			backup.WithProgress(func(backup.Entry) {
				os.Stdout.WriteString("entry written\n")
				select {} // wait to be killed mid-archive
			}))
		t.Fatalf("WriteFile returned: %v", err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "site.tar")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledBackupLeavesNoFile$")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	require.Contains(t, line, "entry written")
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()

	assert.NoFileExists(t, path, "a killed backup leaves nothing under the final name")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "the partial archive is under its temporary name")
	_, err = backup.Verify(context.Background(), filepath.Join(dir, entries[0].Name()))
	assert.ErrorIs(t, err, backup.ErrCorrupt, "and it does not pass for a backup")
}

func FuzzVerify(f *testing.F) {
	good, err := os.ReadFile(writeArchive(f))
	require.NoError(f, err)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("not a tar"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "a.tar")
		require.NoError(t, os.WriteFile(p, data, 0o600))
		tg := backup.Target{DBPath: filepath.Join(t.TempDir(), "folio.db"), SchemaVersion: sqlitestore.SchemaVersion()}
		_, err := backup.Restore(context.Background(), p, tg)
		if err != nil {
			assert.NoFileExists(t, tg.DBPath, "a refused archive writes no database")
		}
	})
}

// withMedia rewrites the archive at path with one more media entry under
// key and a manifest that names it with the right checksum, so that only
// the key is wrong.
func withMedia(t *testing.T, path, key string) string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	out := filepath.Join(t.TempDir(), "with-media.tar")
	o, err := os.Create(out)
	require.NoError(t, err)
	defer o.Close()
	tr, tw := tar.NewReader(f), tar.NewWriter(o)
	body := []byte("escaped bytes")
	sum := sha256.Sum256(body)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		b, err := io.ReadAll(tr)
		require.NoError(t, err)
		if h.Name == "manifest.json" {
			var m backup.Manifest
			require.NoError(t, json.Unmarshal(b, &m))
			m.Media = append(m.Media, backup.Entry{Name: "media/" + key, Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:])})
			require.NoError(t, tw.WriteHeader(&tar.Header{Name: "media/" + key, Mode: 0o600, Size: int64(len(body)), Typeflag: tar.TypeReg}))
			_, err = tw.Write(body)
			require.NoError(t, err)
			b, err = json.Marshal(m)
			require.NoError(t, err)
			h.Size = int64(len(b))
		}
		require.NoError(t, tw.WriteHeader(h))
		_, err = tw.Write(b)
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	return out
}
