package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/folioblog/folio/blog/content"
)

// runContentImport syncs a Hugo site root, a Jekyll site root or a folder
// of Markdown into the site's database with content.Sync, with the same
// progress bar as a WXR import and the summary at the end. Running it again
// on the same folder updates what changed and unpublishes what was removed:
// the path → post map is kept under -data, one file per folder imported.
func runContentImport(ctx context.Context, cfg config, dir string, stderr io.Writer) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	b, _, closeDB, dbName, err := openBlog(ctx, cfg)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer closeDB()
	sum := sha256.Sum256([]byte(abs))
	state := content.FileState(filepath.Join(cfg.dataDir, "content-"+hex.EncodeToString(sum[:6])+".json"))

	bar := newImportBar(stderr)
	fmt.Fprintf(cfg.out, "importing %s into %s\n", dir, dbName)
	res, err := content.Sync(ctx, b, os.DirFS(abs), content.Options{
		State:    state,
		Progress: bar.contentFiles,
		Media:    bundleMedia{&mediaDirStore{dir: filepath.Join(cfg.dataDir, mediaDir)}},
	})
	bar.finish()
	if res != nil {
		fmt.Fprint(cfg.out, res.String())
	}
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

// contentFiles is content.Sync's progress hook: a bar in files rather than bytes.
func (b *importBar) contentFiles(done, total int) {
	if b.w == nil {
		return
	}
	if b.bar == nil {
		b.bar = progressbar.NewOptions(max(total, 1),
			progressbar.OptionSetWriter(b.w),
			progressbar.OptionSetDescription(fmt.Sprintf("%-20s", "importing")),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetPredictTime(true),
		)
	}
	b.bar.Set(done)
}

// bundleMedia keeps the images of Hugo page bundles in the folder the site
// serves at /media/, as a WXR import keeps WordPress's.
type bundleMedia struct{ m *mediaDirStore }

func (b bundleMedia) Store(ctx context.Context, filename string, r io.Reader) (string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return "", err
	}
	return b.m.PutMedia(ctx, filename, mime.TypeByExtension(path.Ext(filename)), data)
}
