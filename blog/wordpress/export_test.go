package wordpress_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/wordpress"
	"github.com/folioblog/folio/comments"
)

type fullStore interface {
	blog.Store
	comments.Store
}

func export(tb testing.TB, st fullStore) []byte {
	tb.Helper()
	var buf bytes.Buffer
	err := wordpress.Export(context.Background(), &buf, newBlog(tb, st), st,
		wordpress.ExportBaseURL("https://new.example/"), wordpress.ExportTitle("Fjord & Co"),
		wordpress.ExportClock(func() time.Time { return fixedNow }))
	require.NoError(tb, err)
	return buf.Bytes()
}

func importBytes(tb testing.TB, st fullStore, data []byte) wordpress.Summary {
	tb.Helper()
	im := newImporter(tb, newBlog(tb, st), st)
	sum, err := im.Import(context.Background(), bytes.NewReader(data))
	require.NoError(tb, err)
	return sum
}

// comparable returns what a store holds, with IDs replaced by what they
// point at, so two stores can be compared.
func comparable(tb testing.TB, st fullStore, decisions bool) (map[string]*blog.Post, map[string][]comments.Comment) {
	tb.Helper()
	posts := map[string]*blog.Post{}
	cs := map[string][]comments.Comment{}
	for _, p := range allPosts(tb, st) {
		list := threadComments(tb, st, p)
		byID := map[int64]*comments.Comment{}
		for _, c := range list {
			byID[c.ID] = c
		}
		for _, c := range list {
			d := *c
			d.ID, d.Thread = 0, ""
			if parent := byID[c.ParentID]; parent != nil {
				d.ParentID = parent.CreatedAt.UnixMicro() // stands for the parent
			}
			if !decisions {
				d.Decision = comments.Decision{}
			}
			cs[p.Slug] = append(cs[p.Slug], d)
		}
		q := p.Clone()
		q.ID, q.Version = 0, 0
		posts[p.Slug] = q
	}
	return posts, cs
}

// WordPress → Folio → WXR → Folio keeps every field Folio holds.
func TestExport_roundTrip(t *testing.T) {
	first := newRedirectStore()
	importFile(t, first, "wxr12.xml")
	data := export(t, first)

	second := newRedirectStore()
	sum := importBytes(t, second, data)
	assert.Equal(t, wordpress.Count{Imported: 9}, sum.Posts)
	assert.Equal(t, wordpress.Count{Imported: 1}, sum.Pages)
	assert.Equal(t, wordpress.Count{Imported: 13}, sum.Comments)
	assert.Zero(t, sum.Shortcodes, "converted content is not converted again")
	assert.Empty(t, sum.Skipped)

	wantPosts, wantComments := comparable(t, first, true)
	gotPosts, gotComments := comparable(t, second, true)
	assert.Equal(t, wantPosts, gotPosts)
	assert.Equal(t, wantComments, gotComments)

	// Old links of the second import are the first one's permalinks.
	hello := postByTitle(t, second, "Hello, fjord")
	assert.Equal(t, hello.ID, second.redirects()["/?p="+itoa(postByTitle(t, first, "Hello, fjord").ID)])
}

// Folio → WXR → Folio restores Markdown sources, exact times, and
// comments written as Markdown.
func TestExport_folioRoundTrip(t *testing.T) {
	ctx := context.Background()
	first := newRedirectStore()
	b := newBlog(t, first)
	created := time.Date(2020, 3, 4, 5, 6, 7, 891011000, time.UTC)
	p, err := b.ImportPost(ctx, &blog.Post{
		Title:       "Markdown ]]> post",
		Source:      "# Hi\n\nSome *text* with a ]]> in it.\n\n<!--more-->\n\nMore \x01text.",
		Excerpt:     "A *hand-written* excerpt.",
		Author:      blog.Author{Name: "Ada", Email: "ada@example.org", URL: "https://ada.example"},
		Tags:        []blog.Term{{Name: "Go", Slug: "go"}, {Name: "Ünïcode", Slug: "ünïcode"}},
		Status:      blog.StatusPublished,
		CreatedAt:   created,
		UpdatedAt:   created.Add(time.Hour),
		PublishedAt: created.Add(30 * time.Minute),
	})
	require.NoError(t, err)
	_, err = b.ImportPost(ctx, &blog.Post{Title: "Plain draft", Format: blog.FormatHTML, Source: "<p>Draft</p>", CreatedAt: created, Author: blog.Author{Name: "Ada", Email: "other@example.org"}})
	require.NoError(t, err)
	html, err := comments.Render("Nice **post** ]]> indeed")
	require.NoError(t, err)
	c := &comments.Comment{
		Thread: itoa(p.ID), Type: comments.TypeComment, Source: "Nice **post** ]]> indeed", HTML: html,
		Author:    comments.Author{Name: "Bo", Email: "bo@example.org", URL: "https://bo.example/", UserID: "u-7", Verified: true},
		Status:    comments.StatusApproved,
		Decision:  comments.Decision{Status: comments.StatusApproved, Rule: "import", Reason: "imported from WordPress"},
		IP:        "192.0.2.9",
		UserAgent: "Mozilla/5.0 (test)",
		CreatedAt: created.Add(2 * time.Hour),
	}
	c.Decision.Rule = "links"
	require.NoError(t, first.CreateComment(ctx, c))

	data := export(t, first)
	assert.Contains(t, string(data), "]]]]><![CDATA[>", "a ]]> inside text splits the CDATA section")

	second := newRedirectStore()
	importBytes(t, second, data)
	wantPosts, wantComments := comparable(t, first, false)
	gotPosts, gotComments := comparable(t, second, false)
	// Control characters cannot be written in XML: they come back as U+FFFD.
	wantPosts["markdown-post"].Source = strings.ReplaceAll(wantPosts["markdown-post"].Source, "\x01", "\uFFFD")
	gotPosts["markdown-post"].HTML, wantPosts["markdown-post"].HTML = "", ""
	assert.Equal(t, wantPosts, gotPosts)
	assert.Equal(t, wantComments, gotComments)
}

func TestExport_wellFormed(t *testing.T) {
	st := newRedirectStore()
	importFile(t, st, "wxr12.xml")
	data := export(t, st)

	// Plain encoding/xml reads it all.
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := d.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
	}
	for _, want := range []string{
		`<rss version="2.0"`,
		`xmlns:wp="http://wordpress.org/export/1.2/"`,
		`xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"`,
		`xmlns:content="http://purl.org/rss/1.0/modules/content/"`,
		`xmlns:wfw="http://wellformedweb.org/CommentAPI/"`,
		`xmlns:dc="http://purl.org/dc/elements/1.1/"`,
		"<wp:wxr_version>1.2</wp:wxr_version>",
		"<wp:base_site_url>https://new.example</wp:base_site_url>",
		"<title>Fjord &amp; Co</title>",
		`<category domain="category" nicename="norway"><![CDATA[Norway]]></category>`,
		`<category domain="post_tag" nicename="boats"><![CDATA[Boats]]></category>`,
		"<wp:status><![CDATA[future]]></wp:status>",
		"<wp:post_type><![CDATA[page]]></wp:post_type>",
		"<wp:is_sticky>1</wp:is_sticky>",
		"<wp:comment_type><![CDATA[pingback]]></wp:comment_type>",
		"<wp:comment_approved><![CDATA[spam]]></wp:comment_approved>",
		"<wp:post_date_gmt><![CDATA[0000-00-00 00:00:00]]></wp:post_date_gmt>",
		"<link>https://new.example/2013/01/15/hello-fjord/</link>",
	} {
		assert.Contains(t, string(data), want)
	}

	items, err := readAll(t, bytes.NewReader(data))
	require.NoError(t, err)
	site := items[0].(*wordpress.Site)
	assert.Equal(t, "1.2", site.WXRVersion)
	assert.Len(t, postsOf(items), 10)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
