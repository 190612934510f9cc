package sqlitestore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/storage/sqlitestore"
)

// Open a store in a file, keep a post, and find it again by a word of its
// body and by the slug it had before.
func Example() {
	dir, err := os.MkdirTemp("", "folio-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	store, err := sqlitestore.Open(filepath.Join(dir, "folio.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	ctx := context.Background()
	p := &blog.Post{
		Kind:   blog.KindPost,
		Slug:   "first-tomatoes",
		Title:  "The first tomatoes",
		Source: "They ripened &lt;early&gt; this year & tasted of sun.",
		HTML:   "<p>They ripened &lt;early&gt; this year &amp; tasted of sun.</p>",
		// The plain text of HTML, which search reads; a blog.Blog derives
		// it when it saves a post.
		Text:          "They ripened <early> this year & tasted of sun.",
		Status:        blog.StatusPublished,
		PublishedAt:   time.Date(2024, time.July, 14, 9, 30, 0, 0, time.UTC),
		PreviousSlugs: []string{"tomatoes"},
	}
	if err := store.CreatePost(ctx, p); err != nil {
		log.Fatal(err)
	}
	fmt.Println("created:", p.ID, p.Version)

	res, err := store.SearchPosts(ctx, blog.SearchQuery{Text: `sun"`})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range res {
		fmt.Println("found:", r.Post.Slug, "—", r.Snippet)
	}

	old, err := store.GetPostBySlug(ctx, "tomatoes")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("by old slug:", old.Slug, old.PublishedAt.Format(time.DateOnly))
	// Output:
	// created: 1 1
	// found: first-tomatoes — They ripened &lt;early&gt; this year &amp; tasted of <mark>sun</mark>.
	// by old slug: first-tomatoes 2024-07-14
}

// WithSynchronous(Full) makes every commit survive power loss, at the cost
// of an fsync per write.
func ExampleWithSynchronous() {
	dir, err := os.MkdirTemp("", "folio-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	store, err := sqlitestore.Open(filepath.Join(dir, "folio.db"), sqlitestore.WithSynchronous(sqlitestore.Full))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	fmt.Println("synchronous:", sqlitestore.Full)
	// Output:
	// synchronous: FULL
}
