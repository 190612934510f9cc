package comments_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
)

func TestRenderHTML(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"allowed tags kept", `<p>Nice <strong>photo</strong>, <em>really</em>.</p>`, `<p>Nice <strong>photo</strong>, <em>really</em>.</p>`},
		{"links get rel", `<a href="https://example.com/">me</a>`, `<a href="https://example.com/" rel="nofollow ugc noopener">me</a>`},
		{"given rel replaced", `<a href="https://example.com/" rel="dofollow">me</a>`, `<a href="https://example.com/" rel="nofollow ugc noopener">me</a>`},
		{"script removed", `hi<script>alert(1)</script>`, `hi`},
		{"handler removed", `<b onclick="alert(1)">x</b>`, `<b>x</b>`},
		{"javascript link removed", `<a href="javascript:alert(1)">x</a>`, `x`},
		{"image dropped", `<img src="https://example.com/a.jpg" onerror="alert(1)">`, ``},
		{"style removed", `<p style="color:red">x</p>`, `<p>x</p>`},
		{"empty", "  ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := comments.RenderHTML(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
			assertSafeHTML(t, tt.in, string(got), false)
		})
	}
	_, err := comments.RenderHTML("bad \xff")
	assert.ErrorIs(t, err, comments.ErrInvalidUTF8)
}

// Comments written in HTML, as WordPress commenters do, keep every word of
// their text whichever renderer takes them, and the allowed tags.
func TestRender_HTMLKeepsText(t *testing.T) {
	tests := []struct {
		name, in, text string
		tags           []string
	}{
		{"paragraph", `<p>Hello</p>`, "Hello", []string{"p"}},
		{"quote then text", `<blockquote>Quoted words</blockquote>Nice idea.`, "Quoted words Nice idea.", []string{"blockquote"}},
		{"bold", `This is <b>important</b>.`, "This is important.", []string{"b"}},
		{"wordpress inline tags", `<i>i</i> <s>s</s> <strike>st</strike> <q>q</q> <cite>c</cite> <abbr title="t">a</abbr>`,
			"i s st q c a", []string{"i", "s", "strike", "q", "cite", "abbr"}},
		{"lists", `<ul><li>one</li></ul><ol><li>two</li></ol>`, "one two", []string{"ul", "ol", "li"}},
		{"pre", "<pre>let x = 1</pre>", "let x = 1", []string{"pre"}},
		{"unknown tags keep text", `<div>in a div</div><span>span</span><font color=red>font</font><h1>head</h1>`,
			"in a div span font head", nil},
		{"table keeps text", `<table><tr><td>cell</td></tr></table>`, "cell", nil},
		{"unclosed tags", `<p>open <b>bold <i>both`, "open bold both", []string{"p", "b", "i"}},
		{"bad link keeps text", `<a href="javascript:alert(1)">click me</a>`, "click me", nil},
		{"link", `<a href="https://example.com/">site</a>`, "site", []string{"a"}},
	}
	html := func(s string) (string, error) { h, err := comments.RenderHTML(s); return string(h), err }
	md := func(s string) (string, error) { h, err := comments.Render(s); return string(h), err }
	for _, tt := range tests {
		for name, render := range map[string]func(string) (string, error){"markdown": md, "html": html} {
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				out, err := render(tt.in)
				require.NoError(t, err)
				assertSafeHTML(t, tt.in, out, false)
				assert.Equal(t, tt.text, textOf(t, out))
				for _, tag := range tt.tags {
					assert.NotEmpty(t, findElements(t, out, tag), "<%s> kept in %s", tag, out)
				}
			})
		}
	}
}
