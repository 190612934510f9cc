package memstore_test

import (
	"context"
	"fmt"
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
