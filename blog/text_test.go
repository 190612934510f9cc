package blog_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
)

func TestPlainText(t *testing.T) {
	tests := []struct {
		name, html, want string
	}{
		{"paragraphs", "<p>One two.</p><p>Three.</p>", "One two. Three."},
		{"entities decoded", "<p>Fish &amp; chips &lt;3 &eacute;t&#233;</p>", "Fish & chips <3 été"},
		{"comment dropped", "<p>Shown</p><!-- hidden draft note --><p>also shown</p>", "Shown also shown"},
		{"comment inside a paragraph", "<p>a<!-- b -->c</p>", "ac"},
		{"script and style dropped", "<p>x</p><script>var secret = 1</script><style>p{}</style><p>y</p>", "x y"},
		{"inline elements join words", "<p>re<em>read</em> <a href=\"/\">link</a>ed</p>", "reread linked"},
		{"block elements separate words", "<ul><li>one</li><li>two</li></ul><table><tr><td>a</td><td>b</td></tr></table>", "one two a b"},
		{"line breaks separate words", "<p>line<br>next</p>", "line next"},
		{"white space collapsed", "<pre><code>  a\n\n\tb  </code></pre>", "a b"},
		{"control characters dropped", "<p>a\x01b\x00c\uFFFDd</p>", "abcd"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, blog.PlainText(tt.html))
		})
	}
}

// TestRenderer_Render_text checks that Text is what a reader sees of the
// body: never markup, nor a comment left out of the page.
func TestRenderer_Render_text(t *testing.T) {
	tests := []struct {
		name   string
		opts   []blog.RenderOption
		format blog.Format
		source string
		want   string
	}{
		{"markdown", nil, blog.FormatMarkdown, "# Title\n\nSome *emphasis* and [a link](https://example.com/).\n", "Title Some emphasis and a link."},
		{"markdown with raw HTML", []blog.RenderOption{blog.WithRawHTML()}, blog.FormatMarkdown,
			"Visible text.\n\n<!-- draft: secretword -->\n\n<div class=\"note\">Fish &amp; chips</div>\n", "Visible text. Fish & chips"},
		{"markdown without raw HTML", nil, blog.FormatMarkdown, "Visible text.\n\n<!-- secretword -->\n", "Visible text."},
		{"HTML", nil, blog.FormatHTML, "<p>Visible <b>text</b>.</p><!-- secretword --><script>secretword()</script>", "Visible text."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := newRenderer(t, tt.opts...).Render(tt.format, tt.source, "")
			require.NoError(t, err)
			assert.Equal(t, tt.want, out.Text)
			assert.NotContains(t, string(out.HTML), "secretword", "the hidden text is not on the page either")
		})
	}
}
