package bloghttp_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

// TestServer_feedTitlesPlainText reads the feeds back as a reader does:
// markup in a commenter's name or a title reaches it as plain text, not
// as tags escaped once that readers then apply.
func TestServer_feedTitlesPlainText(t *testing.T) {
	e := newModSite(t)
	p := e.post("Cats <i>and</i> dogs", 2, nil)
	e.comment(p, comments.StatusApproved, "<b>Bob</b> <script>x</script>", "Hello", 1)

	for _, tc := range []struct{ name, path, want string }{
		{"posts rss", "/blog/feed/", "Cats and dogs"},
		{"posts atom", "/blog/feed/atom/", "Cats and dogs"},
		{"posts json", "/blog/feed.json", "Cats and dogs"},
		{"post comments rss", e.commentFeedPath(p), "By: Bob x"},
		{"post comments atom", e.commentFeedPath(p) + "?type=atom", "By: Bob x"},
		{"post comments json", e.commentFeedPath(p) + "?type=json", "By: Bob x"},
		{"site comments rss", "/blog/comments/feed/", "Comment on Cats and dogs by Bob x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := e.get(tc.path)
			require.Equal(t, http.StatusOK, w.Code)
			f := parseFeed(t, w.Body.String())
			require.Len(t, f.Items, 1)
			assert.Equal(t, tc.want, f.Items[0].Title)
			if f.Items[0].Author != nil {
				assert.NotContains(t, f.Items[0].Author.Name, "<")
			}
			assert.NotContains(t, f.Title, "<")
		})
	}
}

// TestServer_feedURLsAbsolute checks that images and links of a post's
// HTML reach feed readers as absolute URLs of the site.
func TestServer_feedURLsAbsolute(t *testing.T) {
	e := newModSite(t)
	e.post("Pictures", 1, func(p *blog.Post) {
		p.Format = blog.FormatHTML
		p.Source = `<p><img src="/media/2013/ferry.jpg" alt="Ferry"> <img src="rel.png" alt="R">` +
			` <a href="/2013/01/02/other/">other</a> <a href="#note">note</a>` +
			` <a href="https://elsewhere.example/x">out</a> <img src="//cdn.example/y.png" alt="Y"></p>`
	})
	for _, path := range []string{"/blog/feed/", "/blog/feed/atom/", "/blog/feed.json"} {
		t.Run(path, func(t *testing.T) {
			w := e.get(path)
			require.Equal(t, http.StatusOK, w.Code)
			f := parseFeed(t, w.Body.String())
			require.Len(t, f.Items, 1)
			c := f.Items[0].Content
			assert.Contains(t, c, `src="https://example.com/media/2013/ferry.jpg"`)
			assert.Contains(t, c, `src="https://example.com/blog/rel.png"`)
			assert.Contains(t, c, `href="https://example.com/2013/01/02/other/"`)
			assert.Contains(t, c, `href="#note"`)
			assert.Contains(t, c, `href="https://elsewhere.example/x"`)
			assert.Contains(t, c, `src="https://cdn.example/y.png"`)
		})
	}
}
