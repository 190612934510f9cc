package memstore_test

import (
	"context"
	"fmt"
	"html/template"
	"testing"
	"time"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/storage/memstore"
	"github.com/folioblog/folio/storage/storagetest"
)

func TestPostStoreConformance(t *testing.T) {
	storagetest.RunPostStore(t, func(t *testing.T) blog.Store {
		return memstore.New()
	})
}

// A Store is a [blog.Store]: create a post, then find it by its slug, or
// by a slug it had before.
func Example() {
	ctx := context.Background()
	var store blog.Store = memstore.New()

	p := &blog.Post{
		Kind:          blog.KindPost,
		Slug:          "hello-world",
		Title:         "Hello, world",
		Source:        "My first post.",
		Status:        blog.StatusPublished,
		PublishedAt:   time.Date(2024, time.May, 1, 9, 30, 0, 0, time.UTC),
		PreviousSlugs: []string{"hello"},
	}
	if err := store.CreatePost(ctx, p); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("created:", p.ID, p.Version)

	got, err := store.GetPostBySlug(ctx, "hello")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("found:", got.Slug, got.Title, got.PublishedAt.Format(time.DateOnly))

	_, err = store.GetPostBySlug(ctx, "goodbye")
	fmt.Println(err)
	// Output:
	// created: 1 1
	// found: hello-world Hello, world 2024-05-01
	// memstore: get post "goodbye": blog: post not found
}

// SearchPosts matches whole words, ignoring case, and marks them in an
// HTML-escaped snippet of the post's text, the plain text of its HTML that
// a Blog derives when it saves the post.
func ExampleStore_SearchPosts() {
	ctx := context.Background()
	store := memstore.New()
	for i, src := range []string{
		"<p>Tomatoes need sun, water &amp; patience.</p>",
		"<p>Winter is for <em>planning</em> the garden; tomatoes wait.</p><!-- more on tomatoes soon -->",
	} {
		err := store.CreatePost(ctx, &blog.Post{
			Slug:        fmt.Sprintf("post-%d", i),
			Title:       fmt.Sprintf("Post %d", i),
			Format:      blog.FormatHTML,
			Source:      src,
			HTML:        template.HTML(src),
			Text:        blog.PlainText(src),
			Status:      blog.StatusPublished,
			PublishedAt: time.Date(2024, time.May, 1+i, 0, 0, 0, 0, time.UTC),
		})
		if err != nil {
			fmt.Println(err)
			return
		}
	}
	results, err := store.SearchPosts(ctx, blog.SearchQuery{Text: "TOMATOES"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range results {
		fmt.Println(r.Post.Slug, r.Snippet)
	}
	// Output:
	// post-1 Winter is for planning the garden; <mark>tomatoes</mark> wait.
	// post-0 <mark>Tomatoes</mark> need sun, water &amp; patience.
}

// CountPostsByMonth counts by the months of the zone it is given: a post
// published late on 31 January in UTC is a February post in Tokyo.
func ExampleStore_CountPostsByMonth() {
	ctx := context.Background()
	store := memstore.New()
	for i, at := range []time.Time{
		time.Date(2024, time.January, 10, 12, 0, 0, 0, time.UTC),
		time.Date(2024, time.January, 31, 22, 0, 0, 0, time.UTC),
		time.Date(2024, time.February, 2, 12, 0, 0, 0, time.UTC),
	} {
		p := &blog.Post{Slug: fmt.Sprint("p", i), Status: blog.StatusPublished, PublishedAt: at}
		if err := store.CreatePost(ctx, p); err != nil {
			fmt.Println(err)
			return
		}
	}
	tokyo := time.FixedZone("JST", 9*60*60)
	for _, loc := range []*time.Location{time.UTC, tokyo} {
		months, err := store.CountPostsByMonth(ctx, blog.PostQuery{}, loc)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(loc, months)
	}
	// Output:
	// UTC [{2024 February 1} {2024 January 2}]
	// JST [{2024 February 2} {2024 January 1}]
}
