package blog_test

import (
	"context"
	"fmt"
	"time"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/storage/memstore"
)

func ExampleNew() {
	ctx := context.Background()
	b, err := blog.New(memstore.New(), blog.WithClock(func() time.Time {
		return time.Date(2013, 1, 31, 9, 0, 0, 0, time.UTC)
	}))
	if err != nil {
		panic(err)
	}
	p, err := b.CreatePost(ctx, &blog.Post{
		Title:  "Delegates Arrive",
		Source: "The *delegates* arrived this morning.",
		Status: blog.StatusPublished,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(b.PostPath(p))
	fmt.Println(p.HTML)

	found, _, err := b.Resolve(ctx, "/2013/01/31/delegates-arrive/")
	fmt.Println(found.Title, err)
	// Output:
	// /2013/01/31/delegates-arrive/
	// <p>The <em>delegates</em> arrived this morning.</p>
	//
	// Delegates Arrive <nil>
}

func ExampleParsePermalink() {
	pl, err := blog.ParsePermalink("/{year}/{month}/{slug}/")
	if err != nil {
		panic(err)
	}
	post := &blog.Post{Slug: "hello", PublishedAt: time.Date(2013, 1, 31, 23, 30, 0, 0, time.UTC)}
	fmt.Println(pl.Path(post, time.UTC))

	m, ok := pl.Match("/2013/01/hello/")
	fmt.Println(m.Year, m.Month, m.Slug, ok)

	_, err = blog.ParsePermalink("/{year}/")
	fmt.Println(err)
	// Output:
	// /2013/01/hello/
	// 2013 January hello true
	// blog: invalid permalink: "/{year}/": needs {slug} or {id}
}

func ExampleSlugify() {
	fmt.Println(blog.Slugify("Hello, World!"))
	fmt.Println(blog.Slugify("Привет, мир"))
	// Output:
	// hello-world
	// привет-мир
}
