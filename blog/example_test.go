package blog_test

import (
	"context"
	"errors"
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

func ExampleBlog_Resolve() {
	ctx := context.Background()
	b, err := blog.New(memstore.New(), blog.WithClock(func() time.Time {
		return time.Date(2013, 1, 31, 9, 0, 0, 0, time.UTC)
	}))
	if err != nil {
		panic(err)
	}
	p, err := b.CreatePost(ctx, &blog.Post{Title: "Delegates arrive", Source: "By nine.", Status: blog.StatusPublished})
	if err != nil {
		panic(err)
	}
	p.Slug = "delegates-in-the-hall"
	if _, err := b.UpdatePost(ctx, p); err != nil {
		panic(err)
	}

	for _, path := range []string{
		"/2013/01/31/delegates-in-the-hall/", // canonical: no redirect
		"/2013/01/31/delegates-arrive/",      // the old slug
		"/2013/01/31/delegates-in-the-hall",  // no trailing slash
		"/2013/01/30/delegates-in-the-hall/", // another day: another post
		"/2013/01/31/nobody-wrote-this/",
	} {
		p, redirect, err := b.Resolve(ctx, path)
		switch {
		case errors.Is(err, blog.ErrNotFound):
			fmt.Printf("%s: 404\n", path)
		case err != nil:
			panic(err)
		case redirect != "":
			fmt.Printf("%s: 301 to %s\n", path, redirect)
		default:
			fmt.Printf("%s: %q\n", path, p.Title)
		}
	}
	// Output:
	// /2013/01/31/delegates-in-the-hall/: "Delegates arrive"
	// /2013/01/31/delegates-arrive/: 301 to /2013/01/31/delegates-in-the-hall/
	// /2013/01/31/delegates-in-the-hall: 301 to /2013/01/31/delegates-in-the-hall/
	// /2013/01/30/delegates-in-the-hall/: 404
	// /2013/01/31/nobody-wrote-this/: 404
}

func ExampleBlog_List() {
	ctx := context.Background()
	day := 0
	b, err := blog.New(memstore.New(), blog.WithClock(func() time.Time {
		day++ // each post is published a day after the last
		return time.Date(2013, 1, day, 9, 0, 0, 0, time.UTC)
	}))
	if err != nil {
		panic(err)
	}
	for i := 1; i <= 5; i++ {
		p := &blog.Post{Title: fmt.Sprintf("Day %d", i), Source: "Notes.", Status: blog.StatusPublished}
		if i%2 == 1 {
			p.Tags = []blog.Term{{Name: "Odd days"}}
		}
		if _, err := b.CreatePost(ctx, p); err != nil {
			panic(err)
		}
	}

	// Page through the tag two posts at a time, newest first, following
	// each page's Next token.
	o := blog.ListOptions{Tag: "odd-days", Limit: 2}
	for page := 1; ; page++ {
		list, err := b.List(ctx, o)
		if err != nil {
			panic(err)
		}
		for _, p := range list.Posts {
			fmt.Println(page, p.Title)
		}
		if list.Next == "" {
			break
		}
		o.After = list.Next
	}
	// Output:
	// 1 Day 5
	// 1 Day 3
	// 2 Day 1
}
