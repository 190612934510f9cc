package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/blogcomments"
	"github.com/folioblog/folio/comments"
)

// unseededFile, in the data directory, records that the sample content
// was removed, so that an empty database is not seeded again at start.
const unseededFile = "unseeded"

// sampleAgent is the user agent the seed's comments carry: how unseed
// tells them from readers' comments.
const sampleAgent = "Mozilla/5.0 (sample content)"

// unseedStats counts what unseed removed and kept.
type unseedStats struct {
	Posts, Comments, Photos int
	Kept                    []string // seeded posts kept, with the reason
}

// runUnseed removes the sample content the seed wrote: each sample post or
// page still as the seed wrote it (never edited), with its sample
// comments, and their photographs. A sample post that was edited, or that
// readers commented on, is kept and named. It then records that the site
// was unseeded, so that it is not seeded again.
func runUnseed(ctx context.Context, cfg config, stdout io.Writer) error {
	b, st, closeDB, _, err := openBlog(ctx, cfg)
	if err != nil {
		return fmt.Errorf("unseed: %w", err)
	}
	defer closeDB()
	cs, err := comments.NewService(st, blogcomments.Threads(b), comments.WithLogger(cmp.Or(cfg.log, slog.Default())))
	if err != nil {
		return fmt.Errorf("unseed: %w", err)
	}
	stats, err := unseed(ctx, b, cs, filepath.Join(cfg.dataDir, mediaDir))
	if err != nil {
		return fmt.Errorf("unseed: %w", err)
	}
	if err := os.WriteFile(filepath.Join(cfg.dataDir, unseededFile), []byte("the sample content was removed; delete this file to seed an empty database again\n"), 0o600); err != nil {
		return fmt.Errorf("unseed: %w", err)
	}
	fmt.Fprintf(stdout, "removed the sample content: %d posts and pages, %d comments, %d photos\n", stats.Posts, stats.Comments, stats.Photos)
	for _, k := range stats.Kept {
		fmt.Fprintf(stdout, "kept %s\n", k)
	}
	return nil
}

// unseed does runUnseed's work on the blog b and its comments cs.
func unseed(ctx context.Context, b *blog.Blog, cs *comments.Service, media string) (*unseedStats, error) {
	stats := &unseedStats{}
	keptPhotos := map[string]bool{}
	var goners []photo
	for _, sp := range seedPosts {
		p, err := b.GetPostBySlug(ctx, sp.Slug)
		if errors.Is(err, blog.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		thread := strconv.FormatInt(p.ID, 10)
		if p.Version != 1 || p.Title != sp.Title || p.Source != sp.Body {
			stats.Kept = append(stats.Kept, fmt.Sprintf("%q: edited since it was seeded", sp.Slug))
			keepPhotos(keptPhotos, sp)
			continue
		}
		sample, readers, err := threadComments(ctx, cs, thread)
		if err != nil {
			return nil, err
		}
		if readers > 0 {
			stats.Kept = append(stats.Kept, fmt.Sprintf("%q: readers commented on it (%d)", sp.Slug, readers))
			keepPhotos(keptPhotos, sp)
			continue
		}
		// Replies before their parents, so none is re-parented first.
		for i := len(sample) - 1; i >= 0; i-- {
			if err := cs.Delete(ctx, sample[i]); err != nil && !errors.Is(err, comments.ErrNotFound) {
				return nil, err
			}
			stats.Comments++
		}
		if err := b.DeletePost(ctx, p.ID); err != nil {
			return nil, err
		}
		stats.Posts++
		goners = append(goners, sp.Photos...)
	}
	for _, ph := range goners {
		if keptPhotos[ph.Name] {
			continue
		}
		switch err := os.Remove(filepath.Join(media, ph.Name)); {
		case err == nil:
			stats.Photos++
		case !errors.Is(err, os.ErrNotExist):
			return nil, err
		}
	}
	return stats, nil
}

func keepPhotos(kept map[string]bool, sp seedPost) {
	for _, ph := range sp.Photos {
		kept[ph.Name] = true
	}
}

// threadComments returns the IDs of thread's sample comments, oldest
// first, and how many comments readers wrote there.
func threadComments(ctx context.Context, cs *comments.Service, thread string) (sample []int64, readers int, err error) {
	q := comments.CommentQuery{Thread: thread, Limit: comments.MaxLimit}
	for {
		page, next, err := cs.List(ctx, q)
		if err != nil {
			return nil, 0, err
		}
		for _, c := range page {
			if c.UserAgent == sampleAgent {
				sample = append(sample, c.ID)
			} else {
				readers++
			}
		}
		if next == nil {
			return sample, readers, nil
		}
		q.After = next
	}
}
