package comments_test

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/folioblog/folio/comments"
)

// The -update flag rewrites the golden files under testdata/render. It is
// defined only if no other test file in the package has defined it.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files under testdata")
	}
}

func renderGoldensUpdating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// wantRel is the rel every link must carry, written out here rather than
// taken from the package so that a change to it fails the tests.
const wantRel = "nofollow ugc noopener"

var imageRenderer = comments.NewRenderer(comments.WithImages())

// renderers are the configurations every hostile case goes through.
var renderers = []struct {
	name   string
	images bool
	render func(string) (string, error)
}{
	{"default", false, func(s string) (string, error) { h, err := comments.Render(s); return string(h), err }},
	{"images", true, func(s string) (string, error) { h, err := imageRenderer.Render(s); return string(h), err }},
	{"html", false, func(s string) (string, error) { h, err := comments.RenderHTML(s); return string(h), err }},
}

// xssCase is one hostile input from testdata/xss.
type xssCase struct {
	name  string
	input string
}

// readXSSCases reads every testdata/xss/*.txt file. A file is a free-text
// preamble followed by cases, each starting with a line "-- name --" and
// holding every line up to the next such line. Case names are prefixed
// with the file's base name.
func readXSSCases(tb testing.TB) []xssCase {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "xss", "*.txt"))
	require.NoError(tb, err)
	require.NotEmpty(tb, files, "no XSS case files")
	var cases []xssCase
	seen := map[string]bool{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		require.NoError(tb, err)
		prefix := strings.TrimSuffix(filepath.Base(file), ".txt")
		var cur *xssCase
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			line := sc.Text()
			if name, ok := caseHeader(line); ok {
				full := prefix + "/" + name
				require.False(tb, seen[full], "duplicate case %s", full)
				seen[full] = true
				cases = append(cases, xssCase{name: full})
				cur = &cases[len(cases)-1]
				continue
			}
			if cur != nil {
				cur.input += line + "\n"
			}
		}
		require.NoError(tb, sc.Err())
	}
	return cases
}

func caseHeader(line string) (string, bool) {
	if !strings.HasPrefix(line, "-- ") || !strings.HasSuffix(line, " --") || len(line) < 7 {
		return "", false
	}
	return strings.TrimSpace(line[3 : len(line)-3]), true
}

// Inputs with bytes that do not belong in a text file: NUL and other
// control characters inside tags, schemes and links.
var controlCharCases = []xssCase{
	{"nul-in-script-tag", "<scr\x00ipt>alert(1)</scr\x00ipt>"},
	{"nul-in-img", "<img\x00src=x onerror=alert(1)>"},
	{"nul-in-scheme", "[x](java\x00script:alert(1))"},
	{"nul-in-autolink", "<java\x00script:alert(1)>"},
	{"nul-in-href", "<a href=\"java\x00script:alert(1)\">x</a>"},
	{"vtab-in-scheme", "[x](java\x0bscript:alert(1))"},
	{"formfeed-in-scheme", "[x](java\x0cscript:alert(1))"},
	{"raw-tab-in-scheme", "[x](<jav\tascript:alert(1)>)"},
	{"raw-newline-in-angle-link", "[x](<java\nscript:alert(1)>)"},
	{"soh-before-scheme", "[x](\x01javascript:alert(1))"},
	{"del-char", "[x](javascript\x7f:alert(1))"},
	{"nbsp-before-scheme", "[x](\u00a0javascript:alert(1))"},
	{"zero-width-space", "[x](java\u200bscript:alert(1))"},
	{"bom-before-scheme", "[x](\ufeffjavascript:alert(1))"},
	{"nul-in-text", "hello\x00world"},
	{"lone-cr-break", "[x](http://a.example/\r\"onmouseover=\"alert(1))"},
}

// safetyProblems lists every way out breaks the rules for rendered
// comment HTML; none means it is safe. It parses out as the HTML parser of
// a browser would (in a body), and checks each element and attribute
// against the allowlist; then it renders the parsed tree and parses it
// again, and reports a difference between the two trees (markup that
// changes meaning when re-parsed, the root of mutation XSS).
func safetyProblems(out string, images bool) []string {
	var problems []string
	report := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	if !utf8.ValidString(out) {
		report("output is not valid UTF-8")
	}
	if strings.ContainsRune(out, 0) {
		report("output contains a NUL byte")
	}
	nodes, err := parseBody(out)
	if err != nil {
		report("output does not parse: %v", err)
		return problems
	}
	for _, n := range nodes {
		checkNode(n, images, report)
	}

	if p := mutationProblem(nodes); p != "" {
		report("%s", p)
	}
	return problems
}

// mutationProblem renders the parsed nodes and parses the result again,
// and describes the difference if the two trees differ, or returns "".
func mutationProblem(nodes []*html.Node) string {
	var again strings.Builder
	for _, n := range nodes {
		if err := html.Render(&again, n); err != nil {
			return fmt.Sprintf("parsed output does not render: %v", err)
		}
	}
	reparsed, err := parseBody(again.String())
	if err != nil {
		return fmt.Sprintf("re-rendered output does not parse: %v", err)
	}
	if a, b := dumpNodes(nodes), dumpNodes(reparsed); a != b {
		return fmt.Sprintf("output re-parses differently (mutation):\nfirst:  %s\nsecond: %s", a, b)
	}
	return ""
}

func parseBody(s string) ([]*html.Node, error) {
	return html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
}

var (
	// WordPress's comment allowlist.
	allowedElements = []string{
		"a", "abbr", "b", "blockquote", "cite", "code", "del", "em", "i", "q",
		"s", "strike", "strong", "p", "br", "ul", "ol", "li", "pre",
	}
	// Never allowed, named so that a failure says why.
	forbiddenElements = []string{
		"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
		"form", "input", "button", "textarea", "select", "base", "meta", "link", "noscript", "template",
		"title", "xmp", "plaintext", "video", "audio", "source", "body", "html", "head",
	}
	allowedAttrs = map[string][]string{
		"a":    {"href", "rel", "title"},
		"abbr": {"title"},
		"ol":   {"start"},
		"img":  {"src", "alt", "title"},
	}
)

func checkNode(n *html.Node, images bool, report func(string, ...any)) {
	switch n.Type {
	case html.CommentNode:
		report("comment node %q", n.Data)
	case html.DoctypeNode:
		report("doctype node")
	case html.ElementNode:
		checkElement(n, images, report)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		checkNode(c, images, report)
	}
}

func checkElement(n *html.Node, images bool, report func(string, ...any)) {
	name := n.Data
	switch {
	case n.Namespace != "":
		report("<%s> in foreign namespace %q", name, n.Namespace)
	case slices.Contains(forbiddenElements, name):
		report("forbidden element <%s>", name)
	case name == "img" && !images:
		report("<img> without images enabled")
	case name != "img" && !slices.Contains(allowedElements, name):
		report("element <%s> is not allowed", name)
	}
	attrs := map[string]string{}
	for _, a := range n.Attr {
		key := strings.ToLower(a.Key)
		attrs[key] = a.Val
		switch {
		case a.Namespace != "":
			report("<%s> has namespaced attribute %s:%s", name, a.Namespace, a.Key)
		case strings.HasPrefix(key, "on"):
			report("<%s> has event attribute %s=%q", name, a.Key, a.Val)
		case key == "style" || key == "class" || key == "id":
			report("<%s> has attribute %s=%q", name, a.Key, a.Val)
		case key == "src" && name != "img":
			report("<%s> has src=%q", name, a.Val)
		case !slices.Contains(allowedAttrs[name], key):
			report("<%s> has attribute %s=%q that is not allowed", name, a.Key, a.Val)
		}
	}
	switch name {
	case "a":
		href, ok := attrs["href"]
		if !ok {
			report("<a> without href")
		} else if p := urlProblem(href, "http", "https", "mailto"); p != "" {
			report("<a href=%q>: %s", href, p)
		}
		if rel, ok := attrs["rel"]; !ok || rel != wantRel {
			report("<a> has rel=%q, want %q", rel, wantRel)
		}
	case "img":
		src, ok := attrs["src"]
		if !ok {
			report("<img> without src")
		} else if p := urlProblem(src, "http", "https"); p != "" {
			report("<img src=%q>: %s", src, p)
		}
	case "ol":
		if s, ok := attrs["start"]; ok && strings.Trim(s, "0123456789") != "" {
			report("<ol start=%q> is not a number", s)
		}
	}
}

// urlProblem says why u (an attribute value, already unescaped once by
// the parser) is not an absolute URL with one of the schemes, or returns
// "". It unescapes again, drops whitespace and control characters and
// folds case before looking for the scheme, as lenient browsers do.
func urlProblem(u string, schemes ...string) string {
	s := html.UnescapeString(u)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u200b' || r == '\ufeff' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
	i := strings.IndexAny(s, ":/?#")
	if i <= 0 || s[i] != ':' {
		return "relative URL"
	}
	scheme := s[:i]
	if !slices.Contains(schemes, scheme) {
		return fmt.Sprintf("scheme %q not allowed", scheme)
	}
	if scheme == "http" || scheme == "https" {
		rest := s[i+1:]
		if !strings.HasPrefix(rest, "//") || len(rest) == 2 || strings.ContainsAny(rest[2:3], "/?#") {
			return "no host"
		}
	}
	return ""
}

func dumpNodes(nodes []*html.Node) string {
	var b strings.Builder
	var dump func(*html.Node)
	dump = func(n *html.Node) {
		fmt.Fprintf(&b, "(%d %s|%q", n.Type, n.Namespace, n.Data)
		for _, a := range n.Attr {
			fmt.Fprintf(&b, " %s:%s=%q", a.Namespace, a.Key, a.Val)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			dump(c)
		}
		b.WriteString(")")
	}
	for _, n := range nodes {
		dump(n)
	}
	return b.String()
}

// assertSafeHTML fails t with every safety problem of out.
func assertSafeHTML(t testing.TB, input, out string, images bool) {
	t.Helper()
	if problems := safetyProblems(out, images); len(problems) > 0 {
		t.Errorf("unsafe output\ninput:  %q\noutput: %q\nproblems:\n  %s", input, out, strings.Join(problems, "\n  "))
	}
}

// The checker itself must catch what it is meant to catch, or the tests
// that rely on it prove nothing.
func TestSafetyProblems_CatchesUnsafeHTML(t *testing.T) {
	unsafe := map[string]string{
		"script":                `<p>x</p><script>alert(1)</script>`,
		"event attribute":       `<p onclick="alert(1)">x</p>`,
		"style attribute":       `<p style="color:red">x</p>`,
		"class attribute":       `<p class="x">x</p>`,
		"id attribute":          `<p id="x">x</p>`,
		"svg":                   `<svg><a href="http://a.example/" rel="nofollow ugc noopener">x</a></svg>`,
		"math":                  `<math><mi>x</mi></math>`,
		"iframe":                `<iframe src="http://a.example/"></iframe>`,
		"unknown element":       `<span>x</span>`,
		"img without opt-in":    `<img src="http://a.example/i.png" alt="">`,
		"javascript href":       `<a href="javascript:alert(1)" rel="nofollow ugc noopener">x</a>`,
		"entity javascript":     `<a href="&amp;#106;avascript:alert(1)" rel="nofollow ugc noopener">x</a>`,
		"tab split javascript":  `<a href="jav&#x09;ascript:alert(1)" rel="nofollow ugc noopener">x</a>`,
		"upper case javascript": `<a href="JAVASCRIPT:alert(1)" rel="nofollow ugc noopener">x</a>`,
		"data href":             `<a href="data:text/html,x" rel="nofollow ugc noopener">x</a>`,
		"relative href":         `<a href="/admin" rel="nofollow ugc noopener">x</a>`,
		"scheme-relative href":  `<a href="//evil.example/" rel="nofollow ugc noopener">x</a>`,
		"opaque https":          `<a href="https:evil.example" rel="nofollow ugc noopener">x</a>`,
		"missing href":          `<a rel="nofollow ugc noopener">x</a>`,
		"missing rel":           `<a href="http://a.example/">x</a>`,
		"partial rel":           `<a href="http://a.example/" rel="nofollow">x</a>`,
		"target attribute":      `<a href="http://a.example/" rel="nofollow ugc noopener" target="_blank">x</a>`,
		"comment":               `<p>x</p><!-- hidden -->`,
		"nul":                   "<p>a\x00b</p>",
		"invalid utf-8":         "<p>a\xffb</p>",
		"ol start not a number": `<ol start="1x"><li>a</li></ol>`,
	}
	for name, out := range unsafe {
		t.Run(name, func(t *testing.T) {
			assert.NotEmpty(t, safetyProblems(out, false), "checker accepted %q", out)
		})
	}
	t.Run("mutation", func(t *testing.T) {
		for _, out := range []string{
			`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
			`<form><div></form><form>x</form></div>`,
		} {
			nodes, err := parseBody(out)
			require.NoError(t, err)
			assert.NotEmpty(t, mutationProblem(nodes), "re-parse check accepted %q", out)
		}
		nodes, err := parseBody(`<p>a <em>b</em></p><ul><li>c</li></ul>`)
		require.NoError(t, err)
		assert.Empty(t, mutationProblem(nodes))
	})
	t.Run("image src", func(t *testing.T) {
		assert.NotEmpty(t, safetyProblems(`<img src="javascript:alert(1)" alt="">`, true))
		assert.NotEmpty(t, safetyProblems(`<img src="data:image/png;base64,AAAA" alt="">`, true))
		assert.NotEmpty(t, safetyProblems(`<img src="x" onerror="alert(1)">`, true))
		assert.Empty(t, safetyProblems(`<img src="https://a.example/i.png" alt="i">`, true))
	})
	t.Run("safe", func(t *testing.T) {
		safe := `<p>a <em>b</em> <a href="https://a.example/?q=1&amp;r=2" title="t" rel="nofollow ugc noopener">c</a><br>` +
			`<a href="mailto:x@a.example" rel="nofollow ugc noopener">m</a></p><ol start="2"><li><code>&lt;x&gt;</code></li></ol>`
		assert.Empty(t, safetyProblems(safe, false))
	})
}

func TestRender_XSS(t *testing.T) {
	cases := append(readXSSCases(t), controlCharCases...)
	require.Greater(t, len(cases), 150, "too few hostile cases were read")
	for _, tc := range cases {
		for _, r := range renderers {
			t.Run(tc.name+"/"+r.name, func(t *testing.T) {
				t.Parallel()
				out, err := r.render(tc.input)
				require.NoError(t, err)
				assertSafeHTML(t, tc.input, out, r.images)
			})
		}
	}
}

func TestRender_Golden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "render", "*.md"))
	require.NoError(t, err)
	require.NotEmpty(t, inputs)
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".md")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(in)
			require.NoError(t, err)
			got, err := comments.Render(string(src))
			require.NoError(t, err)
			assertSafeHTML(t, string(src), string(got), false)

			golden := strings.TrimSuffix(in, ".md") + ".html"
			if renderGoldensUpdating() {
				require.NoError(t, os.WriteFile(golden, []byte(string(got)+"\n"), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "missing golden; run go test -run TestRender_Golden -update")
			assert.Equal(t, strings.TrimSuffix(string(want), "\n"), string(got))
		})
	}
}

func TestRender_Links(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"inline", "[a](https://a.example/x)",
			`<p><a href="https://a.example/x" rel="nofollow ugc noopener">a</a></p>`},
		{"title", `[a](http://a.example/ "the title")`,
			`<p><a href="http://a.example/" title="the title" rel="nofollow ugc noopener">a</a></p>`},
		{"mailto", "[m](mailto:a@b.example)",
			`<p><a href="mailto:a@b.example" rel="nofollow ugc noopener">m</a></p>`},
		{"autolink", "<https://a.example/>",
			`<p><a href="https://a.example/" rel="nofollow ugc noopener">https://a.example/</a></p>`},
		{"linkify www", "www.a.example",
			`<p><a href="http://www.a.example" rel="nofollow ugc noopener">www.a.example</a></p>`},
		{"linkify email", "a@b.example",
			`<p><a href="mailto:a@b.example" rel="nofollow ugc noopener">a@b.example</a></p>`},
		{"javascript becomes text", "[click](javascript:alert(1))", `<p>click</p>`},
		{"relative becomes text", "[click](/admin/)", `<p>click</p>`},
		{"credentials become text", "[click](http://u:p@a.example/)", `<p>click</p>`},
		{"bad autolink becomes text", "<javascript:alert(1)>", `<p>javascript:alert(1)</p>`},
		{"ftp is not linkified", "ftp://a.example/f", `<p>ftp://a.example/f</p>`},
		{"heading becomes paragraph", "# Title\ntext", "<p>Title</p>\n<p>text</p>"},
		{"raw html kept or stripped", "a <b>b</b> <span>c</span><script>d</script>", `<p>a <b>b</b>  c </p>`},
		{"hard wrap", "one\ntwo", "<p>one<br>\ntwo</p>"},
		{"strikethrough", "~~gone~~", "<p><del>gone</del></p>"},
		{"image without opt-in", "![a cat](https://a.example/cat.png)", "<p>a cat</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := comments.Render(tt.input)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

func TestRender_EmptyAndInvalid(t *testing.T) {
	for _, in := range []string{"", " ", "\n\n", "\t \r\n"} {
		got, err := comments.Render(in)
		require.NoError(t, err, "%q", in)
		assert.Empty(t, got, "%q", in)
	}
	for _, in := range []string{"\xff", "ok \xc3\x28 bad", "a\xed\xa0\x80b", "*emph* \x80"} {
		got, err := comments.Render(in)
		assert.ErrorIs(t, err, comments.ErrInvalidUTF8, "%q", in)
		assert.Empty(t, got, "%q", in)
	}
}

func TestNewRenderer_WithImages(t *testing.T) {
	const input = `![cat](https://a.example/cat.png "Tom") ![dog](http://a.example/dog.png) ` +
		`![data](data:image/png;base64,iVBORw0KGgo=) ![js](javascript:alert(1)) ` +
		`![rel](/uploads/x.png) ![proto](//a.example/x.png) ![x](x" onerror="alert(1))`

	withImages, err := comments.NewRenderer(comments.WithImages()).Render(input)
	require.NoError(t, err)
	assertSafeHTML(t, input, string(withImages), true)
	imgs := findElements(t, string(withImages), "img")
	require.Len(t, imgs, 2, "%s", withImages)
	assert.Equal(t, map[string]string{"src": "https://a.example/cat.png", "alt": "cat", "title": "Tom"}, imgs[0])
	assert.Equal(t, map[string]string{"src": "http://a.example/dog.png", "alt": "dog"}, imgs[1])
	for _, alt := range []string{"data", "js", "rel", "proto"} {
		assert.Contains(t, string(withImages), alt, "rejected image keeps its alt text")
	}

	plain, err := comments.NewRenderer().Render(input)
	require.NoError(t, err)
	assertSafeHTML(t, input, string(plain), false)
	assert.Empty(t, findElements(t, string(plain), "img"))
	assert.Contains(t, string(plain), "cat")
	assert.Contains(t, string(plain), "dog")
}

// findElements returns the attributes of every element named name in out.
func findElements(t testing.TB, out, name string) []map[string]string {
	t.Helper()
	nodes, err := parseBody(out)
	require.NoError(t, err)
	var found []map[string]string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == name {
			attrs := map[string]string{}
			for _, a := range n.Attr {
				attrs[a.Key] = a.Val
			}
			found = append(found, attrs)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return found
}

func TestRenderer_ZeroValue(t *testing.T) {
	const input = "*hi* [x](https://x.example/) ![i](https://i.example/i.png)"
	want, err := comments.Render(input)
	require.NoError(t, err)
	var zero comments.Renderer
	got, err := zero.Render(input)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	var nilRenderer *comments.Renderer
	got, err = nilRenderer.Render(input)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

func TestRenderer_Concurrent(t *testing.T) {
	inputs := []string{
		"plain text",
		"*a* **b** [c](https://c.example/) www.d.example",
		"<script>alert(1)</script> [x](javascript:alert(1))",
		"- one\n- two\n\n> quote\nline",
		"```\ncode <b>\n```",
		"![i](https://i.example/i.png)",
	}
	// Odd goroutines use the shared default renderer, even ones their
	// own renderer with images; each result must match the one rendered
	// alone beforehand.
	withImages := comments.NewRenderer(comments.WithImages())
	render := []func(string) (template.HTML, error){comments.Render, withImages.Render}
	want := make([][]template.HTML, len(render))
	for k, fn := range render {
		for _, in := range inputs {
			h, err := fn(in)
			require.NoError(t, err)
			want[k] = append(want[k], h)
		}
	}
	require.NotEqual(t, want[0][5], want[1][5], "the two renderers must differ on images")

	const goroutines, rounds = 16, 50
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Go(func() {
			k := g % 2
			for n := range rounds {
				i := (g + n) % len(inputs)
				got, err := render[k](inputs[i])
				if err == nil && got != want[k][i] {
					err = fmt.Errorf("input %q: got %q, want %q", inputs[i], got, want[k][i])
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestSafeURL(t *testing.T) {
	accept := []struct{ in, want string }{
		{"http://example.com", "http://example.com"},
		{"https://example.com/", "https://example.com/"},
		{"HTTPS://Example.COM/Path?q=1#frag", "https://example.com/Path?q=1#frag"},
		{"https://example.com:8443/a/b", "https://example.com:8443/a/b"},
		{"  https://example.com/padded  ", "https://example.com/padded"},
		{"https://blog.example.co.uk/2013/01/", "https://blog.example.co.uk/2013/01/"},
		{"https://Bücher.example/a", "https://xn--bcher-kva.example/a"},
		{"http://[::1]:8080/x", "http://[::1]:8080/x"},
		{"http://192.0.2.7/", "http://192.0.2.7/"},
	}
	for _, tt := range accept {
		t.Run("accept/"+tt.in, func(t *testing.T) {
			got, ok := comments.SafeURL(tt.in)
			require.True(t, ok)
			assert.Equal(t, tt.want, got)
		})
	}
	reject := []string{
		"",
		"javascript:alert(1)",
		"JavaScript:alert(1)",
		" javascript:alert(1)",
		"data:text/html;base64,PHNjcmlwdD4=",
		"vbscript:msgbox(1)",
		"mailto:a@example.com",
		"ftp://example.com/",
		"file:///etc/passwd",
		"example.com",
		"/relative/path",
		"relative",
		"//evil.example",
		"http://user:pass@example.com/",
		"http://user@example.com/",
		"https:evil.example",
		"https:/evil.example",
		"http://",
		"http://:80/",
		"http://exa mple.com/",
		"http://example.com/a b",
		"http://example.com/\x00",
		"http://example.com/\x7f",
		"http://exam\tple.com/",
		"http://example.com/\nx",
		"http://evil.example\\@good.example/",
		"https://example.com/<script>",
		"https://example.com/?q=\"x",
		"https://example.com/`x`",
		"http://example.com/a\u00a0b",
		"http://example.com/a\u2028b",
		"http://[::1",
		"https://example.com/\xff",
	}
	for _, in := range reject {
		t.Run(fmt.Sprintf("reject/%q", in), func(t *testing.T) {
			got, ok := comments.SafeURL(in)
			assert.False(t, ok, "accepted as %q", got)
			assert.Empty(t, got)
		})
	}
}
