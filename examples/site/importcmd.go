package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/wordpress"
)

// runImport imports the WordPress export file into the site's database,
// showing a progress bar on stderr when it is a terminal, and prints the
// importer's summary to cfg.out. The database is not seeded.
func runImport(ctx context.Context, cfg config, file string, stderr io.Writer) error {
	if cfg.loc == nil {
		cfg.loc = time.Local
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	if err := os.MkdirAll(cfg.dataDir, 0o750); err != nil {
		return fmt.Errorf("import: data directory: %w", err)
	}
	st, closeDB, dbName, err := openStore(ctx, cfg)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer closeDB()
	b, err := blog.New(st, blog.WithLocation(cfg.loc), blog.WithLogger(cfg.log))
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}

	bar := newImportBar(stderr)
	im, err := wordpress.NewImporter(b, st, wordpress.WithProgress(bar.update))
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
	w    io.Writer
	bar  *progressbar.ProgressBar
	pass int
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
		b.bar.Describe(fmt.Sprintf("%-20s", fmt.Sprintf("importing %d/%d", p.Items, p.Total)))
	}
	b.bar.Set64(p.Bytes)
}

// finish completes the bar, if one is shown.
func (b *importBar) finish() {
	if b.bar != nil {
		b.bar.Finish()
		fmt.Fprintln(b.w)
	}
}
