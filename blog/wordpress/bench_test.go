package wordpress_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/wordpress"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
)

// Sizes of the generated export the import benchmarks read.
const (
	benchPosts           = 10_000
	benchCommentsPerPost = 5
)

var benchWXR = sync.OnceValue(func() []byte { return generateWXR(benchPosts, benchCommentsPerPost) })

// generateWXR writes an export of n posts with k comments each, every
// second comment a reply to the one before, with paragraphs, a caption and
// a shortcode in each body.
func generateWXR(n, k int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench</title><link>http://bench.example</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>http://bench.example</wp:base_blog_url>
<wp:author><wp:author_login>writer</wp:author_login><wp:author_display_name>The Writer</wp:author_display_name></wp:author>
`)
	start := time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC)
	cid := 0
	for i := 1; i <= n; i++ {
		date := start.Add(time.Duration(i) * 3 * time.Hour)
		slug := fmt.Sprintf("post-number-%d", i)
		fmt.Fprintf(&b, `<item><title>Post number %d</title><link>http://bench.example/%s/</link><dc:creator>writer</dc:creator>
<content:encoded><![CDATA[First paragraph of post %d, with some words to count.
A second line.

[caption align="alignleft"]<img src="http://bench.example/%d.jpg" alt="x" /> A caption[/caption]

Another paragraph. [gallery ids="1,2"]

<!--more-->

The rest of the post, which is not in the excerpt.]]></content:encoded>
<wp:post_id>%d</wp:post_id><wp:post_date_gmt>%s</wp:post_date_gmt><wp:post_name>%s</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="cat-%d"><![CDATA[Category %d]]></category><category domain="post_tag" nicename="tag-%d"><![CDATA[Tag %d]]></category>
`, i, slug, i, i, i, date.Format("2006-01-02 15:04:05"), slug, i%20, i%20, i%100, i%100)
		for j := 0; j < k; j++ {
			cid++
			parent := 0
			if j%2 == 1 {
				parent = cid - 1
			}
			fmt.Fprintf(&b, `<wp:comment><wp:comment_id>%d</wp:comment_id><wp:comment_author>Reader %d</wp:comment_author><wp:comment_author_email>r%d@example.org</wp:comment_author_email><wp:comment_author_url>http://r%d.example/</wp:comment_author_url><wp:comment_author_IP>192.0.2.%d</wp:comment_author_IP><wp:comment_date_gmt>%s</wp:comment_date_gmt><wp:comment_content><![CDATA[Comment %d says <em>hello</em>.

Second paragraph.]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>%d</wp:comment_parent></wp:comment>
`, cid, j, cid, j, j+1, date.Add(time.Duration(j+1)*time.Minute).Format("2006-01-02 15:04:05"), cid, parent)
		}
		b.WriteString("</item>\n")
	}
	b.WriteString("</channel></rss>\n")
	return b.Bytes()
}

// BenchImport imports the generated export of 10,000 posts and 50,000
// comments into the store newStore makes for each iteration, so that any
// backend can be measured with the same code.
//
// Each iteration also times a read-only parse of the same file before and
// after the import ([readOnlyParse], untimed by the benchmark) and reports the
// import's time as a multiple of it, "x-parse": a ratio measured in the
// same run, which the machine's speed and load affect far less than the
// ns/op. It reports the process's peak resident set too, "peak-MB".
func BenchImport(b *testing.B, newStore func(b *testing.B) (blog.Store, comments.Store)) {
	data := benchWXR()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	var imported, parsed time.Duration
	for range b.N {
		b.StopTimer()
		start := time.Now()
		readOnlyParse(data)
		parsed += time.Since(start)
		ps, cs := newStore(b)
		bl, err := blog.New(ps)
		if err != nil {
			b.Fatal(err)
		}
		im, err := wordpress.NewImporter(bl, commentService(b, cs))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start = time.Now()
		sum, err := im.Import(context.Background(), bytes.NewReader(data))
		imported += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		start = time.Now()
		readOnlyParse(data) // again, so that a change of load counts on both sides
		parsed += time.Since(start)
		b.StartTimer()
		if sum.Posts.Imported != benchPosts || sum.Comments.Imported != benchPosts*benchCommentsPerPost {
			b.Fatalf("imported %v posts, %v comments", sum.Posts, sum.Comments)
		}
	}
	b.ReportMetric(2*float64(imported)/float64(parsed), "x-parse")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-MB")
}

func memStore(*testing.B) (blog.Store, comments.Store) {
	s := memstore.New()
	return s, s
}

// BenchmarkImport_memstore imports 10,000 posts with 50,000 comments into
// memstore.
func BenchmarkImport_memstore(b *testing.B) { BenchImport(b, memStore) }

// BenchmarkImport_readOnly is the baseline: one pass over the same file
// reading every item and converting its body, writing nothing.
func BenchmarkImport_readOnly(b *testing.B) {
	data := benchWXR()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for range b.N {
		readOnlyParse(data)
	}
}

// readOnlyParse reads every item of data and converts its body and its
// comments' as an import does, writing nothing.
func readOnlyParse(data []byte) {
	rd := wordpress.NewReader(bytes.NewReader(data))
	for {
		it, err := rd.Next()
		if err != nil {
			break
		}
		if p, ok := it.(*wordpress.Post); ok {
			wordpress.ConvertContent(p.Content)
			for _, c := range p.Comments {
				wordpress.AutoParagraphs(c.Content)
			}
		}
	}
}

// peakRSS returns the most memory the process has held resident, in
// bytes, or 0 where the system does not say.
func peakRSS() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Maxrss * 1024 // kilobytes on Linux
}
