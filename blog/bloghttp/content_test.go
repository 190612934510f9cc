package bloghttp_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
)

// TestPost_tableAlignment checks that a Markdown table keeps its alignment
// under the site's Content-Security-Policy: the cells carry classes (a
// style attribute would be ignored, style-src having no 'unsafe-inline')
// and the theme's stylesheet aligns each of them.
func TestPost_tableAlignment(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	p := s.post("Prices", day(1, 2), func(p *blog.Post) {
		p.Source = "| Fruit | Note | Price |\n|:--|:-:|--:|\n| pear | ripe | 3 |\n"
	})
	w := s.get(s.srv.PostPath(p))
	require.Equal(t, http.StatusOK, w.Code)
	csp := w.Header().Get("Content-Security-Policy")
	require.Contains(t, csp, "style-src 'self'")
	require.NotContains(t, csp, "unsafe-inline", "the policy the alignment has to live with")
	body := w.Body.String()
	assert.NotContains(t, body, `style="`, "no style attribute, which the policy would drop")

	css := s.get("/static/folio.css").Body.String()
	for _, align := range []string{"left", "center", "right"} {
		class := "align-" + align
		assert.Contains(t, body, `class="`+class+`"`, "the cells carry their alignment as a class")
		rule := regexp.MustCompile(`\.` + class + `\b[^{]*\{[^}]*text-align:\s*` + align)
		assert.Regexp(t, rule, css, "the stylesheet aligns .%s", class)
	}
}

// TestSearch_textNotMarkup checks that search results quote what readers
// see of a post: never a comment hidden from the page, nor markup.
func TestSearch_textNotMarkup(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	p := s.post("Orchard", day(1, 2), func(p *blog.Post) {
		p.Source = "Quinces ripen late.\n\n<!-- note to self: zanzibar -->\n\nFish & *chips* at noon.\n"
	})
	w := s.get("/?s=zanzibar")
	require.Equal(t, http.StatusOK, w.Code)
	assert.NotContains(t, w.Body.String(), s.srv.PostPath(p), "a hidden comment is not searched")

	w = s.get("/?s=chips")
	require.Equal(t, http.StatusOK, w.Code)
	body := w.Body.String()
	require.Contains(t, body, s.srv.PostPath(p), "the text is searched")
	assert.Contains(t, body, "Fish &amp; <mark>chips</mark> at noon")
	for _, hidden := range []string{"zanzibar", "&lt;!--", "*chips*", "&amp;amp;"} {
		assert.NotContains(t, body, hidden)
	}
	assert.False(t, strings.Contains(body, "<em>chips"), "the snippet is text, not the post's HTML")
}
