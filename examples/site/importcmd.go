package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"github.com/folioblog/folio/blog/blogcomments"
	"github.com/folioblog/folio/blog/wordpress"
	"github.com/folioblog/folio/comments"
)

// runImport imports the WordPress export file into the site's database,
// showing a progress bar on stderr when it is a terminal, and prints the
// importer's summary to cfg.out. The database is not seeded.
func runImport(ctx context.Context, cfg config, file string, stderr io.Writer) error {
	if cfg.loc == nil {
		cfg.loc = time.Local
	}
	if fi, err := os.Stat(file); err == nil && fi.IsDir() {
		return runContentImport(ctx, cfg, file, stderr) // a Hugo, Jekyll or Markdown tree
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	b, st, closeDB, dbName, err := openBlog(ctx, cfg)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer closeDB()

	bar := newImportBar(stderr)
	progress := newImportMetrics()
	stopMetrics, err := serveMetrics(cfg, progress.registry, cfg.out)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer stopMetrics()
	defer progress.done.Set(1)
	opts := []wordpress.Option{
		wordpress.WithProgress(func(p wordpress.Progress) { bar.update(p); progress.update(p) }),
		wordpress.WithMediaProgress(bar.media),
		wordpress.WithMedia(&mediaDirStore{dir: filepath.Join(cfg.dataDir, mediaDir)}),
	}
	if cfg.uploads != "" {
		if fi, err := os.Stat(cfg.uploads); err != nil || !fi.IsDir() {
			return fmt.Errorf("import: -uploads %s is not a directory", cfg.uploads)
		}
		opts = append(opts, wordpress.WithUploads(os.DirFS(cfg.uploads)))
	}
	cs, err := comments.NewService(st, blogcomments.Threads(b), comments.WithLogger(cfg.log))
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	im, err := wordpress.NewImporter(b, cs, opts...)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	fmt.Fprintf(cfg.out, "importing %s into %s\n", file, dbName)
	sum, err := im.Import(ctx, f)
	bar.finish()
	fmt.Fprint(cfg.out, sum.String())
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

// importBar shows an import's two passes over the file as a progress bar
// in bytes, or nothing when its writer is not a terminal (a log file or a
// pipe gets the summary alone).
type importBar struct {
	w     io.Writer
	bar   *progressbar.ProgressBar
	pass  int
	items string // "importing 3/10"
	files string // "media 2/7", once media come
}

func newImportBar(w io.Writer) *importBar {
	if f, ok := w.(*os.File); !ok || !(isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		return &importBar{}
	}
	return &importBar{w: w}
}

// update is the importer's progress hook.
func (b *importBar) update(p wordpress.Progress) {
	if b.w == nil {
		return
	}
	if p.Pass != b.pass {
		if b.bar != nil {
			b.bar.Finish()
			fmt.Fprintln(b.w)
		}
		desc := fmt.Sprintf("%-20s", "checking")
		if p.Pass == 2 {
			desc = fmt.Sprintf("%-20s", "importing")
		}
		b.pass = p.Pass
		b.bar = progressbar.NewOptions64(max(p.Size, 1),
			progressbar.OptionSetWriter(b.w),
			progressbar.OptionSetDescription(desc),
			progressbar.OptionShowBytes(true),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetPredictTime(true),
		)
	}
	if p.Pass == 2 && p.Total > 0 {
		b.items = fmt.Sprintf("importing %d/%d", p.Items, p.Total)
		b.describe()
	}
	b.bar.Set64(p.Bytes)
}

// media is the importer's media progress hook: the bar of the second pass
// counts the photos brought too.
func (b *importBar) media(p wordpress.MediaProgress) {
	if b.bar == nil {
		return
	}
	b.files = fmt.Sprintf("media %d/%d", p.Done, p.Total)
	b.describe()
}

func (b *importBar) describe() {
	desc := b.items
	if b.files != "" {
		desc += ", " + b.files
	}
	b.bar.Describe(fmt.Sprintf("%-20s", desc))
}

// finish completes the bar, if one is shown.
func (b *importBar) finish() {
	if b.bar != nil {
		b.bar.Finish()
		fmt.Fprintln(b.w)
	}
}

// mediaDirStore keeps imported photos in the folder the site serves at
// /media/, flat: "2013/01/ferry.jpg" becomes wp-2013-01-ferry.jpg.
type mediaDirStore struct{ dir string }

// mediaExt is the file extension of each content type the importer brings.
var mediaExt = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}

// fileName is the flat name of an imported file, with ext when its own
// extension is not one the site serves.
func (m *mediaDirStore) fileName(name, ext string) string {
	flat := "wp-" + strings.ReplaceAll(name, "/", "-")
	if len(flat) > 100 {
		sum := sha256.Sum256([]byte(name))
		flat = "wp-" + hex.EncodeToString(sum[:8]) + "-" + flat[len(flat)-80:]
	}
	if !mediaName.MatchString(flat) {
		flat += ext
	}
	return flat
}

// MediaURL finds a file stored by an earlier import.
func (m *mediaDirStore) MediaURL(_ context.Context, name string) (string, bool, error) {
	seen := map[string]bool{}
	for _, ext := range []string{"", ".jpg", ".png", ".gif", ".webp"} {
		file := m.fileName(name, ext)
		if seen[file] || !mediaName.MatchString(file) {
			continue
		}
		seen[file] = true
		if fi, err := os.Stat(filepath.Join(m.dir, file)); err == nil && fi.Mode().IsRegular() {
			return "/media/" + file, true, nil
		}
	}
	return "", false, nil
}

// PutMedia writes the file whole, then renames it into place, so a site
// serving meanwhile never shows half a photo.
func (m *mediaDirStore) PutMedia(_ context.Context, name, contentType string, data []byte) (string, error) {
	file := m.fileName(name, mediaExt[contentType])
	if !mediaName.MatchString(file) || path.Base(file) != file {
		return "", fmt.Errorf("media name %q cannot be served", file)
	}
	if err := os.MkdirAll(m.dir, 0o750); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(m.dir, ".import-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(m.dir, file)); err != nil {
		return "", err
	}
	return "/media/" + file, nil
}
