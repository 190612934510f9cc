package pgstore_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/storage/pgstore"
)

// Open connects, migrates, and owns its pool. (Examples here need a
// database, so they are compiled but not run.)
func ExampleOpen() {
	ctx := context.Background()
	store, err := pgstore.Open(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	p := &blog.Post{Kind: blog.KindPost, Slug: "hello", Title: "Hello", Status: blog.StatusDraft}
	if err := store.CreatePost(ctx, p); err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.ID > 0, p.Version)
}

// New uses a pool the host already has, here keeping Folio's tables in a
// schema of their own.
func ExampleNew() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	store, err := pgstore.New(ctx, pool, pgstore.WithSchema("blog"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
}

// Changes reports every write by any instance sharing the database; a
// page cache evicts what changed, or everything on a flush.
func ExampleStore_Changes() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store, err := pgstore.Open(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	for c := range store.Changes(ctx) {
		switch c.Kind {
		case blog.ChangePost, blog.ChangeLike:
			fmt.Println("evict post", c.PostID)
		case blog.ChangeComment:
			fmt.Println("evict thread", c.Thread)
		case blog.ChangeFlush:
			fmt.Println("evict everything")
		}
	}
}
