package wordpress_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/blogcomments"
	"github.com/folioblog/folio/blog/wordpress"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
)

const exampleWXR = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Example</title>
	<link>http://old.example</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_blog_url>http://old.example</wp:base_blog_url>
	<wp:author><wp:author_login>sam</wp:author_login><wp:author_display_name>Sam</wp:author_display_name></wp:author>
	<item>
		<title>First light</title>
		<link>http://old.example/archives/1</link>
		<dc:creator>sam</dc:creator>
		<content:encoded><![CDATA[Dawn over the bay.

[gallery ids="4,5"]]]></content:encoded>
		<wp:post_id>1</wp:post_id>
		<wp:post_date_gmt>2014-08-09 05:30:00</wp:post_date_gmt>
		<wp:post_name>first-light</wp:post_name>
		<wp:status>publish</wp:status>
		<wp:post_type>post</wp:post_type>
		<wp:comment>
			<wp:comment_id>9</wp:comment_id>
			<wp:comment_author>Robin</wp:comment_author>
			<wp:comment_date_gmt>2014-08-09 07:00:00</wp:comment_date_gmt>
			<wp:comment_content>Beautiful.</wp:comment_content>
			<wp:comment_approved>1</wp:comment_approved>
		</wp:comment>
	</item>
	<item>
		<title>sunrise.jpg</title>
		<wp:post_id>4</wp:post_id>
		<wp:status>inherit</wp:status>
		<wp:post_type>attachment</wp:post_type>
	</item>
</channel>
</rss>`

func ExampleImporter_Import() {
	store := memstore.New()
	b, err := blog.New(store)
	if err != nil {
		log.Fatal(err)
	}
	cs, err := comments.NewService(store, blogcomments.Threads(b))
	if err != nil {
		log.Fatal(err)
	}
	im, err := wordpress.NewImporter(b, cs, wordpress.WithProgress(func(p wordpress.Progress) {
		if p.Pass == 2 {
			fmt.Printf("imported %d of %d items\n", p.Items, p.Total)
		}
	}))
	if err != nil {
		log.Fatal(err)
	}
	// An *os.File is an io.ReadSeeker too.
	sum, err := im.Import(context.Background(), strings.NewReader(exampleWXR))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(sum)
	// Output:
	// imported 1 of 2 items
	// imported 2 of 2 items
	// posts:      1 imported, 0 already there, 0 skipped
	// pages:      0 imported, 0 already there, 0 skipped
	// comments:   1 imported, 0 already there, 0 skipped
	// categories: 0 used, 0 unused
	// tags:       0 used, 0 unused
	// authors:    1 credited, 0 without posts
	// other items skipped: 1
	// captions made figures: 0; shortcodes kept as placeholders: 1
	// redirects recorded: 2; archive links: 1
	// skipped:
	//   attachment 4 "sunrise.jpg": post type "attachment" is not imported
	// notes:
	//   post 1 "First light": shortcode [gallery ids="4,5"] kept as a placeholder
}

func ExampleExport() {
	ctx := context.Background()
	store := memstore.New()
	b, err := blog.New(store, blog.WithClock(func() time.Time { return time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC) }))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := b.CreatePost(ctx, &blog.Post{Title: "Hello", Source: "Hi *there*.", Status: blog.StatusPublished}); err != nil {
		log.Fatal(err)
	}
	var out strings.Builder
	err = wordpress.Export(ctx, &out, b, store, wordpress.ExportBaseURL("https://blog.example"))
	if err != nil {
		log.Fatal(err)
	}
	// Show the item's main lines.
	for _, line := range strings.Split(out.String(), "\n") {
		for _, prefix := range []string{"<title>Hello", "<link>https://blog.example/2", "<content:encoded>", "<wp:post_name>", "<wp:status>"} {
			if strings.HasPrefix(line, prefix) {
				fmt.Fprintln(os.Stdout, line)
			}
		}
	}
	// Output:
	// <title>Hello</title>
	// <link>https://blog.example/2024/01/02/hello/</link>
	// <content:encoded><![CDATA[<p>Hi <em>there</em>.</p>
	// <wp:post_name><![CDATA[hello]]></wp:post_name>
	// <wp:status><![CDATA[publish]]></wp:status>
}
