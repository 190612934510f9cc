package comments_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/folioblog/folio/comments"
)

// pathological are texts within the comment size limit whose shape once
// cost goldmark time in the square of their length, or rendered to HTML
// many times their size. Each is built to about n bytes.
func pathological(n int) map[string]string {
	rep := func(s string) string { return strings.Repeat(s, n/len(s)) }
	return map[string]string{
		"quote markers":      rep(">"),
		"spaced quotes":      rep("> "),
		"empty links":        rep("[]("),
		"open links":         rep("[a]("),
		"angle links":        rep("[a](<"),
		"list markers":       rep("- ") + "x",
		"ordered markers":    rep("1. ") + "x",
		"quotes and lists":   rep("> - ") + "x",
		"emphasis run":       rep("*a"),
		"underscore run":     rep("_a"),
		"strong run":         rep("**a"),
		"html quotes":        rep("<blockquote>"),
		"html lists":         rep("<ul><li>"),
		"html bold":          rep("<b>"),
		"html bold and code": rep("<b><code>"),
	}
}

// nesting returns the deepest nesting of quotes and lists in out.
func nesting(t testing.TB, out string) int {
	t.Helper()
	nodes, err := parseBody(out)
	require.NoError(t, err)
	deepest := 0
	var walk func(*html.Node, int)
	walk = func(n *html.Node, d int) {
		if n.Type == html.ElementNode && (n.DataAtom == atom.Blockquote || n.DataAtom == atom.Ul || n.DataAtom == atom.Ol) {
			d++
			deepest = max(deepest, d)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, d)
		}
	}
	for _, n := range nodes {
		walk(n, 0)
	}
	return deepest
}

var inlineElements = []string{"a", "abbr", "b", "cite", "code", "del", "em", "i", "q", "s", "strike", "strong"}

// textOf returns the text out shows, with runs of space made one and the
// blocks apart.
func textOf(t testing.TB, out string) string {
	t.Helper()
	nodes, err := parseBody(out)
	require.NoError(t, err)
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		block := n.Type == html.ElementNode && !slices.Contains(inlineElements, n.Data)
		if block {
			b.WriteString(" ")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			b.WriteString(" ")
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func TestRender_BoundsNesting(t *testing.T) {
	tests := []struct {
		name, in, deepText string
	}{
		{"quotes", strings.Repeat(">", 12) + " deep", ">>>> deep"},
		{"spaced quotes", strings.Repeat("> ", 12) + "deep", "> > > > deep"},
		{"lists", strings.Repeat("- ", 12) + "deep", "- - - - deep"},
		{"ordered lists", strings.Repeat("1. ", 10) + "deep", "1. 1. deep"},
		{"quotes in lists", strings.Repeat("- > ", 6) + "deep", "- > - > deep"},
		{"lists by indent", "- a\n  - b\n    - c\n      - d\n        - e\n          - f\n            - g\n              - h\n                - i\n                  - j", "i"},
		{"html quotes", strings.Repeat("<blockquote>", 12) + "deep" + strings.Repeat("</blockquote>", 12), "deep"},
		{"html lists", strings.Repeat("<ul><li>", 12) + "deep" + strings.Repeat("</li></ul>", 12), "deep"},
		{"html items kept", strings.Repeat("<ol><li>", 9) + "one</li><li>two</li></ol>", "one two"},
		{"markdown in html", strings.Repeat("<blockquote>\n\n", 6) + strings.Repeat("> ", 6) + "deep", "deep"},
	}
	for _, tt := range tests {
		for _, r := range renderers {
			t.Run(tt.name+"/"+r.name, func(t *testing.T) {
				out, err := r.render(tt.in)
				require.NoError(t, err)
				assertSafeHTML(t, tt.in, out, r.images)
				assert.LessOrEqual(t, nesting(t, out), comments.MaxNesting, "%s", out)
				if r.name != "html" { // RenderHTML takes no Markdown
					assert.Equal(t, comments.MaxNesting, nesting(t, out), "nesting up to the limit is kept: %s", out)
				}
				assert.Contains(t, textOf(t, out), tt.deepText, "text below the limit is kept")
			})
		}
	}
}

func TestRender_Pathological(t *testing.T) {
	for name, in := range pathological(comments.MaxCommentBytes - 16) {
		for _, r := range renderers {
			t.Run(name+"/"+r.name, func(t *testing.T) {
				out, err := r.render(in)
				if errors.Is(err, comments.ErrHTMLTooLarge) {
					assert.Empty(t, out)
					return
				}
				require.NoError(t, err)
				assertSafeHTML(t, in[:min(len(in), 64)], out, r.images)
				assert.LessOrEqual(t, nesting(t, out), comments.MaxNesting)
				if r.name != "html" {
					assert.LessOrEqual(t, len(out), comments.MaxHTMLBytes)
				}
			})
		}
	}
}

func TestRender_HTMLTooLarge(t *testing.T) {
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"65k quote markers", strings.Repeat(">", comments.MaxCommentBytes), false},
		{"escapes past the cap", strings.Repeat("<a", 20000), false},
		{"emphasis past the cap", strings.Repeat("*a", 30000), false},
		{"more than 8 times the text", strings.Repeat("a@b.co\n", 900), false},
		{"short text many times larger", "a@b.co", true},
		{"long ordinary comment", strings.Repeat("A line of *text* with [a link](https://a.example/).\n\n", 500), true},
		{"long plain text", strings.Repeat("word ", comments.MaxCommentBytes/5), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := comments.Render(tt.in)
			if tt.ok {
				require.NoError(t, err)
				assert.NotEmpty(t, out)
				return
			}
			require.ErrorIs(t, err, comments.ErrHTMLTooLarge)
			assert.Empty(t, out)
		})
	}
}

func TestService_Submit_RefusesLargeHTML(t *testing.T) {
	h := newHarness(t)
	_, err := h.svc.Submit(context.Background(), h.sub("p", "Ann", "ann@example.com", strings.Repeat(">", 65000)))
	var ve *comments.ValidationError
	require.ErrorAs(t, err, &ve)
	fe, ok := ve.Field(comments.FieldComment)
	require.True(t, ok, "%v", ve)
	assert.Equal(t, comments.ProblemTooLong, fe.Problem)
	assert.NotEmpty(t, fe.Message)
	list, _, err := h.svc.List(context.Background(), comments.CommentQuery{})
	require.NoError(t, err)
	assert.Empty(t, list, "nothing stored")

	c := h.submit(t, h.sub("p", "Ann", "ann@example.com", "fine"))
	_, err = h.svc.EditBody(context.Background(), c.ID, strings.Repeat("> ", 30000))
	require.ErrorAs(t, err, &ve)
	_, ok = ve.Field(comments.FieldComment)
	assert.True(t, ok)
}
