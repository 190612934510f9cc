package blog_test

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/folioblog/folio/blog"
	"github.com/microcosm-cc/bluemonday"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
)

// benchPost is a realistic post of about 7 KB: headings, paragraphs, a
// figure, lists, a table, a code block, links and a footnote.
const benchPost = "testdata/markdown/long-post.md"

var update = flag.Bool("update", false, "rewrite the golden files under testdata/markdown")

// TestRenderer_Render_golden renders every testdata/markdown/NAME.md with
// the default Renderer and compares the body with NAME.html and, when the
// post has more than its excerpt, the summary with NAME.summary.html.
func TestRenderer_Render_golden(t *testing.T) {
	r := newRenderer(t)
	files, err := filepath.Glob("testdata/markdown/*.md")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".md")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			require.NoError(t, err)
			out, err := r.Render(blog.FormatMarkdown, string(src), "")
			require.NoError(t, err)
			assertBalanced(t, string(out.HTML))
			assertBalanced(t, string(out.Summary))

			base := strings.TrimSuffix(file, ".md")
			golden(t, base+".html", string(out.HTML))
			summaryFile := base + ".summary.html"
			if out.HasMore {
				golden(t, summaryFile, string(out.Summary))
				return
			}
			assert.Equal(t, out.HTML, out.Summary, "without more, the summary is the body")
			if *update {
				_ = os.Remove(summaryFile)
			}
			assert.NoFileExists(t, summaryFile, "the post has no more, so no summary golden is expected")
		})
	}
}

func golden(t testing.TB, path, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), got, "differs from %s", path)
}

func newRenderer(t testing.TB, opts ...blog.RenderOption) *blog.Renderer {
	t.Helper()
	r, err := blog.NewRenderer(opts...)
	require.NoError(t, err)
	return r
}

// voidElements never have an end tag.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
}

// balanced reports, with the reason when it is not, whether every element
// of s that is opened is closed in the right order, and nothing else.
func balanced(s string) error {
	z := html.NewTokenizer(strings.NewReader(s))
	var open []string
	for {
		switch z.Next() {
		case html.ErrorToken:
			if len(open) > 0 {
				return fmt.Errorf("unclosed %v", open)
			}
			return nil
		case html.StartTagToken:
			name, _ := z.TagName()
			if !voidElements[string(name)] {
				open = append(open, string(name))
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if len(open) == 0 || open[len(open)-1] != string(name) {
				return fmt.Errorf("</%s> closes nothing open (open: %v)", name, open)
			}
			open = open[:len(open)-1]
		}
	}
}

func assertBalanced(t testing.TB, s string) {
	t.Helper()
	assert.NoError(t, balanced(s), "in %q", s)
}

func words(n int, word string) string {
	return strings.TrimSpace(strings.Repeat(word+" ", n))
}

func TestRenderer_Render_excerpts(t *testing.T) {
	sixty := words(60, "word")
	cases := []struct {
		name        string
		opts        []blog.RenderOption
		format      blog.Format
		source      string
		excerpt     string
		summary     string // exact, or "" to skip
		hasMore     bool
		description string
		wordCount   int
	}{
		{
			name:        "more marker on its own line",
			source:      "Intro *text*.\n\n<!--more-->\n\nThe rest.",
			summary:     "<p>Intro <em>text</em>.</p>\n",
			hasMore:     true,
			description: "Intro text.",
			wordCount:   4,
		},
		{
			name:        "more marker right under a paragraph line",
			source:      "Intro line\n<!--more-->\nThe rest.",
			summary:     "<p>Intro line</p>\n",
			hasMore:     true,
			description: "Intro line",
			wordCount:   4,
		},
		{
			name:        "more marker first",
			source:      "<!--more-->\n\nEverything.",
			summary:     "",
			hasMore:     true,
			description: "",
			wordCount:   1,
		},
		{
			name:        "more marker inside a list item",
			source:      "- one\n\n  <!--more-->\n- two",
			summary:     "<ul>\n<li>\n<p>one</p>\n</li>\n</ul>\n",
			hasMore:     true,
			description: "one",
			wordCount:   2,
		},
		{
			name:        "more marker with spaces",
			source:      "Intro.\n\n<!-- more -->\n\nThe rest.",
			summary:     "<p>Intro.</p>\n",
			hasMore:     true,
			description: "Intro.",
			wordCount:   3,
		},
		{
			name:        "more marker inline",
			source:      "Teaser here <!--more--> and the rest.",
			summary:     "<p>Teaser here</p>\n",
			hasMore:     true,
			description: "Teaser here",
			wordCount:   5,
		},
		{
			name:        "more marker in a code block does not count",
			source:      "Before.\n\n```\n<!--more-->\n```\n\nAfter.",
			hasMore:     false,
			description: "Before. After.",
			wordCount:   3, // the code counts: Before, more, After
		},
		{
			name:        "more marker in a code span does not count",
			source:      "Write `<!--more-->` to cut.",
			hasMore:     false,
			description: "Write <!--more--> to cut.",
			wordCount:   4,
		},
		{
			name:        "hand-written excerpt wins over the marker",
			source:      "Intro.\n\n<!--more-->\n\nThe rest.",
			excerpt:     "A *hand-written* teaser.",
			summary:     "<p>A <em>hand-written</em> teaser.</p>\n",
			hasMore:     true,
			description: "A hand-written teaser.",
			wordCount:   3,
		},
		{
			name:      "blank hand-written excerpt is ignored",
			source:    "Short post.",
			excerpt:   " \n\t",
			summary:   "<p>Short post.</p>\n",
			hasMore:   false,
			wordCount: 2, description: "Short post.",
		},
		{
			name:        "cut in the middle of emphasis stays balanced",
			source:      words(50, "plain") + " *" + words(10, "stressed") + "* tail",
			summary:     "<p>" + words(50, "plain") + " <em>" + words(5, "stressed") + "…</em></p>\n",
			hasMore:     true,
			description: strings.TrimSpace(strings.Repeat("plain ", 26)) + "…",
			wordCount:   61,
		},
		{
			name:        "cut at a paragraph end",
			opts:        []blog.RenderOption{blog.WithExcerptWords(3)},
			source:      "One two three.\n\nFour five.",
			summary:     "<p>One two three.…</p>\n",
			hasMore:     true,
			description: "One two three.…",
			wordCount:   5,
		},
		{
			name:        "punctuation alone is not a word",
			opts:        []blog.RenderOption{blog.WithExcerptWords(2)},
			source:      "One two -- three",
			summary:     "<p>One two…</p>\n",
			hasMore:     true,
			description: "One two…",
			wordCount:   3,
		},
		{
			name:        "exactly the limit is not cut",
			source:      words(55, "word"),
			hasMore:     false,
			wordCount:   55,
			description: strings.TrimSpace(strings.Repeat("word ", 31)) + "…",
		},
		{
			name:        "CJK text is cut by characters",
			opts:        []blog.RenderOption{blog.WithExcerptWords(5)},
			source:      "日本語の文章です。とても長い。",
			summary:     "<p>日本語の文…</p>\n",
			hasMore:     true,
			description: "日本語の文…",
			wordCount:   13,
		},
		{
			name:        "Hangul and Latin mixed",
			opts:        []blog.RenderOption{blog.WithExcerptWords(3)},
			source:      "Go 한국어 text",
			summary:     "<p>Go 한국…</p>\n",
			hasMore:     true,
			description: "Go 한국…",
			wordCount:   5,
		},
		{
			name:        "short post has no more",
			source:      "Just a *few* words.",
			summary:     "<p>Just a <em>few</em> words.</p>\n",
			hasMore:     false,
			description: "Just a few words.",
			wordCount:   4,
		},
		{
			name:        "code block kept whole when the limit falls inside it",
			opts:        []blog.RenderOption{blog.WithExcerptWords(3)},
			source:      "```\none two three four five\n```\n\nafter",
			summary:     "<pre><code>one two three four five\n</code></pre>\n<p>…</p>\n",
			hasMore:     true,
			description: "…",
			wordCount:   6,
		},
		{
			name:        "cut before a code block that follows the limit",
			opts:        []blog.RenderOption{blog.WithExcerptWords(2)},
			source:      "One two.\n\n```\nthree four\n```",
			summary:     "<p>One two.…</p>\n",
			hasMore:     true,
			description: "One two.…",
			wordCount:   4,
		},
		{
			name:        "footnotes count as words but are not cut",
			opts:        []blog.RenderOption{blog.WithExcerptWords(3)},
			source:      "One two three[^1].\n\n[^1]: Four five six.",
			hasMore:     false,
			description: "One two three.",
			wordCount:   6,
		},
		{
			name:        "entities are decoded in the description",
			source:      `Fish &amp; chips \*daily\*.`,
			description: "Fish & chips *daily*.",
			wordCount:   3,
		},
		{
			name:        "cut after an entity",
			opts:        []blog.RenderOption{blog.WithExcerptWords(2)},
			source:      "Fish &amp;&nbsp;chips and peas",
			summary:     "<p>Fish &amp; chips…</p>\n",
			hasMore:     true,
			description: "Fish & chips…",
			wordCount:   4,
		},
		{
			name:        "long description is shortened at a word boundary",
			source:      sixty,
			hasMore:     true,
			description: strings.TrimSpace(strings.Repeat("word ", 31)) + "…",
			wordCount:   60,
		},
		{
			name:        "HTML source with a more comment",
			format:      blog.FormatHTML,
			source:      "<p>Intro <b>bold</b>.</p><!--more--><p>Rest.</p>",
			summary:     "<p>Intro <b>bold</b>.</p>",
			hasMore:     true,
			description: "Intro bold.",
			wordCount:   3,
		},
		{
			name:        "HTML source cut inside an element",
			format:      blog.FormatHTML,
			opts:        []blog.RenderOption{blog.WithExcerptWords(2)},
			source:      "<p>One <em>two three</em> four</p><p>five</p>",
			summary:     "<p>One <em>two…</em></p>",
			hasMore:     true,
			description: "One two…",
			wordCount:   5,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRenderer(t, c.opts...)
			format := c.format
			if format == "" {
				format = blog.FormatMarkdown
			}
			out, err := r.Render(format, c.source, c.excerpt)
			require.NoError(t, err)
			if c.summary != "" {
				assert.Equal(t, c.summary, string(out.Summary))
			}
			assert.Equal(t, c.hasMore, out.HasMore, "HasMore")
			assert.Equal(t, c.description, out.Description, "Description")
			assert.Equal(t, c.wordCount, out.WordCount, "WordCount")
			assertBalanced(t, string(out.Summary))
			assertBalanced(t, string(out.HTML))
			assert.NotContains(t, string(out.HTML), "more-->", "the marker never reaches the HTML")
			assert.LessOrEqual(t, utf8.RuneCountInString(out.Description), 160)
			if !out.HasMore {
				assert.Equal(t, out.HTML, out.Summary)
			}
		})
	}
}

func TestRenderer_Render_rawHTML(t *testing.T) {
	const src = "<div class=\"note\">Note <span>here</span></div>\n\n" +
		"Text <img src=\"x.png\" onerror=\"alert(1)\"> and <a href=\"javascript:alert(1)\">link</a>.\n\n" +
		"<script>alert(1)</script>\n\n" +
		"<style>p{}</style><iframe src=\"https://evil.example\"></iframe>\n\n" +
		"<p onclick=\"x()\" style=\"color:red\">styled</p>\n\n" +
		"<a href=\"data:text/html;base64,AAAA\">data</a>\n\n" +
		"<div>unclosed"

	t.Run("WithRawHTML keeps safe markup only", func(t *testing.T) {
		out, err := newRenderer(t, blog.WithRawHTML()).Render(blog.FormatMarkdown, src, "")
		require.NoError(t, err)
		got := string(out.HTML)
		assert.Contains(t, got, `<div class="note">Note <span>here</span></div>`)
		assert.Contains(t, got, `<img src="x.png"/>`)
		assert.Contains(t, got, "<p>styled</p>")
		for _, bad := range []string{"<script", "alert(1)", "onerror", "onclick", "javascript:", "<style", "<iframe", "style=", "data:"} {
			assert.NotContains(t, got, bad)
		}
		assertBalanced(t, got)
		assertBalanced(t, string(out.Summary))
	})

	t.Run("default drops raw HTML", func(t *testing.T) {
		out, err := newRenderer(t).Render(blog.FormatMarkdown, src, "")
		require.NoError(t, err)
		got := string(out.HTML)
		for _, bad := range []string{"<div", "<span", "<script", "<img", "onerror", "javascript:", "<style", "<iframe", "raw HTML omitted"} {
			assert.NotContains(t, got, bad)
		}
		assert.Contains(t, got, "<p>Text  and link.</p>")
	})
}

func TestRenderer_Render_formatHTML(t *testing.T) {
	const src = `<h2 id="x" onclick="a()">Title</h2><p>Hello <a href="javascript:alert(1)">you</a>` +
		`<script>alert(1)</script></p><figure><img src="a.jpg" alt="A"><figcaption>Cap</figcaption></figure>` +
		`<pre><code class="language-go">x := 1</code></pre><div><p>unclosed`
	out, err := newRenderer(t).Render(blog.FormatHTML, src, "")
	require.NoError(t, err)
	got := string(out.HTML)
	assert.Equal(t, `<h2 id="x">Title</h2><p>Hello you</p><figure><img src="a.jpg" alt="A"/><figcaption>Cap</figcaption></figure>`+
		`<pre><code class="language-go">x := 1</code></pre><div><p>unclosed</p></div>`, got)
	assert.Equal(t, 7, out.WordCount, "Title Hello you x 1 unclosed, and Cap in the caption")
	assert.Equal(t, "Title Hello you unclosed", out.Description)
	assert.False(t, out.HasMore)
}

func TestRenderer_Render_headingIDs(t *testing.T) {
	r := newRenderer(t)
	const src = "# Intro\n\n# Intro\n\n# Intro 1\n\n# Intro\n\n# Ünïcödé Ελληνικά\n\n# !!!"
	first, err := r.Render(blog.FormatMarkdown, src, "")
	require.NoError(t, err)
	for _, id := range []string{`id="intro"`, `id="intro-1"`, `id="intro-1-1"`, `id="intro-2"`, `id="ünïcödé-ελληνικά"`, `id="section"`} {
		assert.Contains(t, string(first.HTML), id)
	}
	again, err := r.Render(blog.FormatMarkdown, src, "")
	require.NoError(t, err)
	assert.Equal(t, first.HTML, again.HTML, "ids are stable from one render to the next")
}

func TestRenderer_Render_invalid(t *testing.T) {
	r := newRenderer(t)
	cases := []struct {
		name    string
		format  blog.Format
		source  string
		excerpt string
		field   string
	}{
		{"invalid UTF-8 source", blog.FormatMarkdown, "ok \xff", "", "source"},
		{"invalid UTF-8 HTML source", blog.FormatHTML, "<p>\xc3\x28</p>", "", "source"},
		{"invalid UTF-8 excerpt", blog.FormatMarkdown, "ok", "\xfe", "excerpt"},
		{"unknown format", blog.Format("textile"), "ok", "", "format"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := r.Render(c.format, c.source, c.excerpt)
			var ve *blog.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, c.field, ve.Field)
		})
	}

	t.Run("empty format means Markdown", func(t *testing.T) {
		out, err := r.Render("", "*hi*", "")
		require.NoError(t, err)
		assert.Equal(t, "<p><em>hi</em></p>\n", string(out.HTML))
	})
}

func TestNewRenderer_options(t *testing.T) {
	cases := []struct {
		name  string
		opts  []blog.RenderOption
		field string // "" when valid
	}{
		{"defaults", nil, ""},
		{"excerpt words 1", []blog.RenderOption{blog.WithExcerptWords(1)}, ""},
		{"excerpt words 0", []blog.RenderOption{blog.WithExcerptWords(0)}, "excerpt words"},
		{"excerpt words negative", []blog.RenderOption{blog.WithExcerptWords(-5)}, "excerpt words"},
		{"nil policy", []blog.RenderOption{blog.WithPolicy(nil)}, "policy"},
		{"policy", []blog.RenderOption{blog.WithPolicy(bluemonday.StrictPolicy())}, ""},
		{"extensions", []blog.RenderOption{blog.WithExtensions(extension.DefinitionList)}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := blog.NewRenderer(c.opts...)
			if c.field == "" {
				require.NoError(t, err)
				assert.NotNil(t, r)
				return
			}
			assert.Nil(t, r)
			var ve *blog.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, c.field, ve.Field)
			assert.False(t, errors.Is(err, blog.ErrNotFound))
		})
	}
}

func TestWithPolicy(t *testing.T) {
	r := newRenderer(t, blog.WithPolicy(bluemonday.StrictPolicy()))
	out, err := r.Render(blog.FormatMarkdown, "# Title\n\nSome *text*.", "")
	require.NoError(t, err)
	assert.Equal(t, "Title\nSome text.\n", string(out.HTML), "a host's policy applies to Markdown output too")
}

func TestWithExtensions_policy(t *testing.T) {
	// Extensions may emit anything, so the policy runs over their output.
	r := newRenderer(t, blog.WithExtensions(scriptExtension{}))
	out, err := r.Render(blog.FormatMarkdown, "Hello.", "")
	require.NoError(t, err)
	assert.Equal(t, "<p>Hello.</p>\n", string(out.HTML))
}

// scriptExtension renders every paragraph with an onclick handler and a
// script, as a careless extension might.
type scriptExtension struct{}

func (scriptExtension) Extend(m goldmark.Markdown) {
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(scriptRenderer{}, 10)))
}

type scriptRenderer struct{}

func (scriptRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindParagraph, func(w util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			_, _ = w.WriteString(`<p onclick="alert(1)"><script>alert(1)</script>`)
		} else {
			_, _ = w.WriteString("</p>\n")
		}
		return ast.WalkContinue, nil
	})
}

var errBroken = errors.New("broken renderer")

// brokenExtension fails to render any heading.
type brokenExtension struct{}

func (brokenExtension) Extend(m goldmark.Markdown) {
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(brokenRenderer{}, 10)))
}

type brokenRenderer struct{}

func (brokenRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, func(util.BufWriter, []byte, ast.Node, bool) (ast.WalkStatus, error) {
		return ast.WalkStop, errBroken
	})
}

func TestWithExtensions_error(t *testing.T) {
	r := newRenderer(t, blog.WithExtensions(brokenExtension{}))
	_, err := r.Render(blog.FormatMarkdown, "# Title", "")
	assert.ErrorIs(t, err, errBroken)

	out, err := r.Render(blog.FormatMarkdown, "No heading.", "# Title")
	assert.ErrorIs(t, err, errBroken, "the excerpt fails the same way")
	assert.Empty(t, out.HTML)
}

func TestWithExtensions(t *testing.T) {
	const src = "Term\n: Definition"
	plain, err := newRenderer(t).Render(blog.FormatMarkdown, src, "")
	require.NoError(t, err)
	assert.NotContains(t, string(plain.HTML), "<dl>")

	r := newRenderer(t, blog.WithExtensions(extension.DefinitionList))
	out, err := r.Render(blog.FormatMarkdown, src, "")
	require.NoError(t, err)
	assert.Contains(t, string(out.HTML), "<dl>\n<dt>Term</dt>\n<dd>Definition</dd>\n</dl>")
}

func TestPostPolicy(t *testing.T) {
	p := blog.PostPolicy()
	cases := []struct{ in, want string }{
		{`<h2 id="über-uns">x</h2>`, `<h2 id="über-uns">x</h2>`},
		{`<sup id="fnref:1"><a href="#fn:1" class="footnote-ref" role="doc-noteref">1</a></sup>`, `<sup id="fnref:1"><a href="#fn:1" class="footnote-ref" role="doc-noteref">1</a></sup>`},
		{`<pre><code class="language-c++">x</code></pre>`, `<pre><code class="language-c++">x</code></pre>`},
		{`<input checked="" disabled="" type="checkbox">`, `<input checked="" disabled="" type="checkbox">`},
		{`<input type="text" name="q">`, ``},
		{`<td style="text-align:right">1</td>`, `<td style="text-align: right">1</td>`},
		{`<img src="data:image/png;base64,AAAA" alt="x">`, `<img alt="x">`},
		{`<a href="vbscript:x">v</a>`, `v`},
		{`<a href="https://example.com" target="_blank">v</a>`, `<a href="https://example.com">v</a>`},
		{`<iframe src="https://example.com"></iframe>ok`, `ok`},
		{`<!--more-->ok`, `ok`},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			assert.Equal(t, c.want, p.Sanitize(c.in))
		})
	}
}

// TestRenderer_Render_concurrent shares one Renderer between goroutines;
// run with -race.
func TestRenderer_Render_concurrent(t *testing.T) {
	src, err := os.ReadFile(benchPost)
	require.NoError(t, err)
	for _, opts := range [][]blog.RenderOption{nil, {blog.WithRawHTML()}} {
		r := newRenderer(t, opts...)
		want, err := r.Render(blog.FormatMarkdown, string(src), "")
		require.NoError(t, err)

		const goroutines = 16
		results := make([]blog.Rendered, goroutines)
		errs := make([]error, goroutines)
		var wg sync.WaitGroup
		for i := range goroutines {
			wg.Go(func() {
				for range 5 {
					format, in := blog.FormatMarkdown, string(src)
					if i%2 == 1 {
						format, in = blog.FormatHTML, string(want.HTML)
					}
					if _, err := r.Render(format, in, ""); err != nil {
						errs[i] = err
						return
					}
				}
				results[i], errs[i] = r.Render(blog.FormatMarkdown, string(src), "")
			})
		}
		wg.Wait()
		for i := range goroutines {
			require.NoError(t, errs[i])
			assert.Equal(t, want, results[i], "goroutine %d", i)
		}
	}
}

// TestRenderer_Render_tableAlignment checks that aligned table cells carry
// a class the theme styles, never a style attribute (which a CSP without
// 'unsafe-inline' would drop), whatever the options, and wherever the
// table is.
func TestRenderer_Render_tableAlignment(t *testing.T) {
	const table = "| L | C | R | N |\n|:--|:-:|--:|---|\n| a | b | c | d |\n"
	sources := map[string]string{
		"top level":      table,
		"in a quote":     "> " + strings.ReplaceAll(strings.TrimSuffix(table, "\n"), "\n", "\n> ") + "\n",
		"in a list":      "- item\n\n  " + strings.ReplaceAll(strings.TrimSuffix(table, "\n"), "\n", "\n  ") + "\n",
		"after a marker": "Intro.\n\n<!--more-->\n\n" + table,
	}
	options := map[string][]blog.RenderOption{
		"default":    nil,
		"raw HTML":   {blog.WithRawHTML()},
		"own policy": {blog.WithPolicy(blog.PostPolicy())},
		"extension":  {blog.WithExtensions(extension.DefinitionList)},
	}
	for oname, opts := range options {
		r := newRenderer(t, opts...)
		for sname, src := range sources {
			t.Run(oname+"/"+sname, func(t *testing.T) {
				out, err := r.Render(blog.FormatMarkdown, src, "")
				require.NoError(t, err)
				body := string(out.HTML)
				assert.NotContains(t, body, "style=", "no style attribute")
				assert.Contains(t, body, `<th class="align-left">L</th>`)
				assert.Contains(t, body, `<th class="align-center">C</th>`)
				assert.Contains(t, body, `<td class="align-right">c</td>`)
				assert.Contains(t, body, `<td>d</td>`, "a cell without alignment has no class")
			})
		}
	}
}
