package feed_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog/bloghttp/internal/feed"
)

func TestParseType(t *testing.T) {
	for _, c := range []struct {
		in   string
		want feed.Format
		ok   bool
	}{
		{"", feed.Atom, true}, // the default given
		{"rss", feed.RSS, true},
		{"rss2", feed.RSS, true},
		{"atom", feed.Atom, true},
		{"json", feed.JSON, true},
		{"ATOM", feed.Atom, false},
		{"xml", feed.Atom, false},
	} {
		got, ok := feed.ParseType(c.in, feed.Atom)
		assert.Equal(t, c.ok, ok, "type %q", c.in)
		assert.Equal(t, c.want, got, "type %q", c.in)
	}
}

func TestPath(t *testing.T) {
	assert.Equal(t, "/feed/", feed.Path("/feed/", feed.RSS))
	assert.Equal(t, "/feed/atom/", feed.Path("/feed/", feed.Atom))
	assert.Equal(t, "/feed.json", feed.Path("/feed/", feed.JSON))
	assert.Equal(t, "/tag/go/feed/atom/", feed.Path("/tag/go/feed/", feed.Atom))
	assert.Equal(t, "/tag/go/feed/?type=json", feed.Path("/tag/go/feed/", feed.JSON))
}

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		"Plain":                         "Plain",
		"  two\n spaces ":               "two spaces",
		"<b>Bob</b> <script>x</script>": "Bob x",
		"Fish &amp; chips":              "Fish & chips",
		"line<br>break":                 "line break",
		"Cats <i>and</i> dogs":          "Cats and dogs",
	} {
		assert.Equal(t, want, feed.PlainText(in), "input %q", in)
	}
}

func TestAbsoluteHTML(t *testing.T) {
	base, err := url.Parse("https://example.com/blog/")
	require.NoError(t, err)
	for _, c := range []struct{ name, in, want string }{
		{"relative src", `<img src="media/a.jpg">`, `<img src="https://example.com/blog/media/a.jpg">`},
		{"rooted href", `<a href="/2013/01/02/x/">x</a>`, `<a href="https://example.com/2013/01/02/x/">x</a>`},
		{"absolute kept", `<a href="https://other.example/">o</a>`, `<a href="https://other.example/">o</a>`},
		{"fragment kept", `<a href="#fn1">1</a>`, `<a href="#fn1">1</a>`},
		{"srcset", `<img srcset="a.jpg 1x, b.jpg 2x">`, `<img srcset="https://example.com/blog/a.jpg 1x, https://example.com/blog/b.jpg 2x">`},
		{"no attributes", `<p>text</p>`, `<p>text</p>`},
	} {
		assert.Equal(t, c.want, feed.AbsoluteHTML(c.in, base), c.name)
	}
}

// TestEncode reads every format back as a feed reader does.
func TestEncode(t *testing.T) {
	base, err := url.Parse("https://example.com/")
	require.NoError(t, err)
	at := time.Date(2013, 1, 2, 3, 4, 5, 0, time.UTC)
	doc := &feed.Doc{
		Title: "Notes &amp; <b>more</b>", Link: "https://example.com/", Self: "https://example.com/feed/",
		ID: "tag:example.com,2013:/", Updated: at,
		Items: []feed.Item{{
			Title: "A <i>post</i>", Link: "https://example.com/2013/01/02/a/", ID: "tag:example.com,2013-01-02:/posts/1",
			Author: "<b>Ann</b>", SummaryHTML: "Sum", SummaryText: "Sum", Content: `<img src="/a.jpg">`,
			Published: at, Updated: at, Tags: []string{"go"},
		}},
	}
	for _, f := range []feed.Format{feed.RSS, feed.Atom, feed.JSON} {
		body, err := feed.Encode(doc, f, feed.Site{Author: "Ann", Language: "en", Base: base})
		require.NoError(t, err)
		assert.NotContains(t, string(body), "@", "no email address in format %d", f)
		got, err := gofeed.NewParser().ParseString(string(body))
		require.NoError(t, err, "format %d parses", f)
		assert.Equal(t, "Notes & more", got.Title)
		require.Len(t, got.Items, 1)
		assert.Equal(t, "A post", got.Items[0].Title)
		assert.True(t, strings.Contains(got.Items[0].Content, "https://example.com/a.jpg"), "absolute image URL in format %d: %q", f, got.Items[0].Content)
	}
}
