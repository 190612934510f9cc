package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/sqlitestore"
)

// SeedResult is what -seed-big wrote and how long it took.
type SeedResult struct {
	Database       string  `json:"database"`
	Posts          int     `json:"posts"`
	Comments       int     `json:"comments"`
	PostSeconds    float64 `json:"post_seconds"`
	CommentSeconds float64 `json:"comment_seconds"`
	PostsPerSec    float64 `json:"posts_per_sec"`
	CommentsPerSec float64 `json:"comments_per_sec"`
	FileBytes      int64   `json:"file_bytes"`
}

// The database file the site keeps under its -data directory.
const siteDBFile = "folio.db"

// Words the generated posts and comments are made of.
var seedWords = []string{
	"harbour", "ridge", "ferry", "lantern", "meadow", "granite", "orchard", "estuary", "cobbles", "drizzle",
	"summit", "tidal", "valley", "chapel", "market", "viaduct", "heather", "quarry", "lagoon", "birches",
}

var seedTags = []string{"walking", "trains", "coast", "mountains", "cities", "food", "film", "night", "winter", "summer"}

var seedCategories = []string{"Journal", "Photographs", "Notes", "Routes"}

func word(i int) string { return seedWords[i%len(seedWords)] }

// seedBig fills dir/folio.db with posts posts, published one after
// another back from now, and comments approved comments spread over them
// (one in four a reply), through blog.Blog and the SQLite store. It
// refuses a directory that already holds a database.
func seedBig(ctx context.Context, dir string, posts, ncomments int, log io.Writer) (*SeedResult, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	path := filepath.Join(dir, siteDBFile)
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("seed: %s exists; seed an empty directory", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("seed: %w", err)
	}
	// One connection with synchronous=OFF: a seed that crashes is simply
	// run again, so it need not wait for the disk at each checkpoint.
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?_txlock=immediate"+
		"&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=synchronous(OFF)&_pragma=journal_mode(WAL)")
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	st, err := sqlitestore.New(db)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	defer st.Close()
	b, err := blog.New(st)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	res := &SeedResult{Database: path}
	progress := func(what string, done, total int, t0 time.Time) {
		if log != nil && total >= 10 && done%(total/10) == 0 {
			fmt.Fprintf(log, "loadtest: seed: %d/%d %s in %v\n", done, total, what, time.Since(t0).Round(time.Millisecond))
		}
	}

	// Posts: newest first is the last created; one every 53 minutes back
	// from an hour ago, so 100,000 posts span about ten years.
	now := time.Now().UTC().Truncate(time.Minute)
	step := 53 * time.Minute
	ids := make([]int64, posts)
	published := make([]time.Time, posts)
	t0 := time.Now()
	for i := range posts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		at := now.Add(-time.Hour - time.Duration(posts-i)*step)
		p, err := b.CreatePost(ctx, &blog.Post{
			Slug:   "post-" + strconv.Itoa(i+1),
			Title:  fmt.Sprintf("%s and %s, day %d", capital(word(i)), word(i/3+7), i+1),
			Author: blog.Author{Name: "Folio Journal"},
			Source: fmt.Sprintf("Notes from the %s, the %s and the %s.\n\n<!--more-->\n\nWe walked along the %s until the %s, "+
				"then took the %s back. Post number %d of the journal.\n\n*Written on the road.*",
				word(i), word(i+3), word(i+5), word(i+7), word(i+11), word(i+13), i+1),
			Tags:          []blog.Term{{Name: seedTags[i%len(seedTags)]}, {Name: seedTags[(i/7+3)%len(seedTags)]}},
			Categories:    []blog.Term{{Name: seedCategories[i%len(seedCategories)]}},
			Status:        blog.StatusPublished,
			CommentStatus: blog.CommentsOpen,
			PublishedAt:   at,
		})
		if err != nil {
			return nil, fmt.Errorf("seed: post %d: %w", i+1, err)
		}
		ids[i], published[i] = p.ID, p.PublishedAt
		progress("posts", i+1, posts, t0)
	}
	res.Posts = posts
	res.PostSeconds = time.Since(t0).Seconds()

	// Comments: a few dozen bodies rendered once and reused.
	const nbodies = 64
	type body struct {
		src  string
		html template.HTML
	}
	bodies := make([]body, nbodies)
	for i := range bodies {
		src := fmt.Sprintf("Lovely light on the %s. We went past the %s in %d and it was *just* like this — thank you for the [route](https://example.com/routes/%d).",
			word(i), word(i+9), 1990+i, i)
		h, err := comments.Render(src)
		if err != nil {
			return nil, fmt.Errorf("seed: render comment: %w", err)
		}
		bodies[i] = body{src, h}
	}
	first := make([]int64, posts) // each post's first comment, for replies
	t0 = time.Now()
	for j := range ncomments {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		i := j % posts
		bd := bodies[j%nbodies]
		c := &comments.Comment{
			Thread: strconv.FormatInt(ids[i], 10),
			Type:   comments.TypeComment,
			Author: comments.Author{
				Name:  "Reader " + strconv.Itoa(j%5000),
				Email: "reader" + strconv.Itoa(j%5000) + "@example.com",
			},
			Source:    bd.src,
			HTML:      bd.html,
			Status:    comments.StatusApproved,
			Decision:  comments.Decision{Status: comments.StatusApproved, Rule: "import", Reason: "approved: generated for a load test"},
			IP:        "192.0.2." + strconv.Itoa(j%250+1),
			UserAgent: "folio-loadtest",
			CreatedAt: published[i].Add(time.Duration(j/posts+1) * time.Minute),
		}
		if first[i] != 0 && j%4 == 3 {
			c.ParentID = first[i]
		}
		if err := st.CreateComment(ctx, c); err != nil {
			return nil, fmt.Errorf("seed: comment %d: %w", j+1, err)
		}
		if first[i] == 0 {
			first[i] = c.ID
		}
		progress("comments", j+1, ncomments, t0)
	}
	res.Comments = ncomments
	res.CommentSeconds = time.Since(t0).Seconds()
	if res.PostSeconds > 0 {
		res.PostsPerSec = float64(posts) / res.PostSeconds
	}
	if res.CommentSeconds > 0 {
		res.CommentsPerSec = float64(ncomments) / res.CommentSeconds
	}
	if err := st.Close(); err != nil {
		return nil, fmt.Errorf("seed: close: %w", err)
	}
	if _, err := db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return nil, fmt.Errorf("seed: checkpoint: %w", err)
	}
	if err := db.Close(); err != nil {
		return nil, fmt.Errorf("seed: close: %w", err)
	}
	if fi, err := os.Stat(path); err == nil {
		res.FileBytes = fi.Size()
	}
	return res, nil
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// printSeed writes what -seed-big did.
func printSeed(w io.Writer, r *SeedResult) {
	fmt.Fprintf(w, "\nseeded %s (%.1f MiB)\n", r.Database, float64(r.FileBytes)/(1<<20))
	fmt.Fprintf(w, "  %d posts in %.1fs (%.0f/s, through blog.Blog.CreatePost, one transaction each)\n", r.Posts, r.PostSeconds, r.PostsPerSec)
	fmt.Fprintf(w, "  %d comments in %.1fs (%.0f/s, through sqlitestore.Store.CreateComment, one transaction each)\n", r.Comments, r.CommentSeconds, r.CommentsPerSec)
	fmt.Fprintf(w, "  start the site on it: go run ./examples/site -data %s\n", filepath.Dir(r.Database))
}
