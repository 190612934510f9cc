package blog

import (
	"bufio"
	"bytes"
	"fmt"
	"html/template"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// DefaultExcerptWords is how many words an automatic excerpt keeps when no
// [WithExcerptWords] option is given.
const DefaultExcerptWords = 55

// Rendered is what [Renderer.Render] derives from a post's source: the
// fields of the same names in [Post].
type Rendered struct {
	HTML        template.HTML // the whole body, sanitised
	Summary     template.HTML // the excerpt: balanced HTML, never half an element
	HasMore     bool          // Summary is shorter than HTML
	Description string        // plain text of Summary, at most about 160 characters
	Text        string        // plain text of HTML (see [PlainText]), for search
	Image       string        // src of the first image of HTML (see [FirstImage]), or ""
	WordCount   int           // words in the whole body text
}

// Renderer turns a post's source into HTML, an excerpt and a description.
// The Blog service calls it when a post is saved, so a page view never
// renders Markdown. A Renderer is built once by [NewRenderer] and is safe
// for concurrent use by any number of goroutines.
type Renderer struct {
	md       goldmark.Markdown
	policy   *bluemonday.Policy
	raw      bool
	words    int
	sanitize bool // run the policy over Markdown output even without raw HTML
}

// RenderOption configures a [Renderer] built by [NewRenderer].
type RenderOption func(*renderConfig)

type renderConfig struct {
	rawHTML      bool
	excerptWords int
	extensions   []goldmark.Extender
	policy       *bluemonday.Policy
	policySet    bool
}

// WithRawHTML lets Markdown sources carry raw HTML, for sites whose authors
// are trusted. The HTML still goes through the post policy (see
// [PostPolicy]), which removes scripts, styles, frames, event handler
// attributes and URLs other than http, https, mailto and relative ones,
// and the result is re-serialised so that every element is closed.
// Without this option raw HTML in Markdown is left out of the output.
func WithRawHTML() RenderOption {
	return func(c *renderConfig) { c.rawHTML = true }
}

// WithExcerptWords sets how many words an automatic excerpt keeps
// ([DefaultExcerptWords] unless set). [NewRenderer] returns a
// [*ValidationError] with Field "excerpt words" if n is less than 1.
func WithExcerptWords(n int) RenderOption {
	return func(c *renderConfig) { c.excerptWords = n }
}

// WithExtensions adds goldmark extensions after Folio's own (GFM,
// footnotes, typographer, [Figures]), for example a syntax highlighter.
// Since Folio cannot vouch for what they emit, the post policy then runs
// over every Markdown post, so an extension that emits elements or
// attributes the policy does not know needs [WithPolicy] too.
func WithExtensions(exts ...goldmark.Extender) RenderOption {
	return func(c *renderConfig) { c.extensions = append(c.extensions, exts...) }
}

// WithPolicy replaces the post policy (see [PostPolicy]) by p, which is
// then used for HTML sources and raw HTML, and also for Markdown without
// raw HTML: a host that brings its own policy has it applied to every
// post. p must not be changed after it is passed in. [NewRenderer]
// returns a [*ValidationError] with Field "policy" if p is nil.
func WithPolicy(p *bluemonday.Policy) RenderOption {
	return func(c *renderConfig) { c.policy, c.policySet = p, true }
}

// NewRenderer builds a Renderer: the goldmark instance and the sanitising
// policy are built here, once. It returns a [*ValidationError] naming the
// option if an option is invalid.
//
// The post policy (see [PostPolicy]) always runs over HTML sources and
// over Markdown with [WithRawHTML]. Markdown without raw HTML is safe as
// goldmark and Folio render it (text and attributes are escaped, raw HTML
// is left out, and link and image URLs other than http, https, mailto
// and relative ones are dropped), so the policy, which would double the
// cost of a render, runs over it only when the host brings its own
// policy ([WithPolicy]) or extensions ([WithExtensions]).
func NewRenderer(opts ...RenderOption) (*Renderer, error) {
	cfg := renderConfig{excerptWords: DefaultExcerptWords}
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.excerptWords < 1 {
		return nil, &ValidationError{Field: "excerpt words", Reason: fmt.Sprintf("must be at least 1, got %d", cfg.excerptWords)}
	}
	if cfg.policySet && cfg.policy == nil {
		return nil, &ValidationError{Field: "policy", Reason: "must not be nil"}
	}
	r := &Renderer{
		policy:   cfg.policy,
		raw:      cfg.rawHTML,
		words:    cfg.excerptWords,
		sanitize: cfg.policySet || len(cfg.extensions) > 0,
	}
	if r.policy == nil {
		r.policy = PostPolicy()
	}

	exts := []goldmark.Extender{extension.GFM, extension.Footnote, extension.Typographer, Figures}
	exts = append(exts, cfg.extensions...)
	// Table cells are aligned by class, not style (see tableAlignClasses).
	ropts := []renderer.Option{extension.WithTableCellAlignMethod(extension.TableCellAlignNone)}
	if cfg.rawHTML {
		ropts = append(ropts, html.WithUnsafe())
	}
	r.md = goldmark.New(
		goldmark.WithExtensions(exts...),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(tableAlignClasses{}, 100)),
		),
		goldmark.WithRendererOptions(ropts...),
	)
	r.md.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(rawHTMLRenderer{raw: cfg.rawHTML}, 100)))
	return r, nil
}

// PostPolicy returns a new copy of the policy Folio applies to post HTML:
// the elements Markdown produces (headings with their ids, paragraphs,
// lists, task-list checkboxes, tables with cell alignment, code blocks with
// their language-x class, figures, images, footnotes) and the usual text
// markup written by hand (div, span, abbr, mark, details, …), with id,
// class, title, lang and dir attributes. Links and images may point to
// http, https and relative URLs, links to mailto as well; data: URLs are
// refused. Scripts, styles, iframes, forms, event handler attributes and
// comments are removed. Hosts may extend the returned policy (to allow an
// iframe for embedded videos, say) and pass it to [WithPolicy].
func PostPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowElements(
		"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code",
		"em", "strong", "b", "i", "u", "s", "del", "ins", "sub", "sup", "small", "mark",
		"abbr", "kbd", "samp", "var", "q", "cite", "dfn", "time", "span", "div", "section",
		"aside", "details", "summary", "figure", "figcaption", "ul", "ol", "li", "dl", "dt",
		"dd", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col",
	)
	p.AllowAttrs("id").Matching(idAttrPattern).Globally()
	p.AllowAttrs("class").Matching(classAttrPattern).Globally()
	p.AllowAttrs("title").Matching(bluemonday.Paragraph).Globally()
	p.AllowAttrs("lang").Matching(langAttrPattern).Globally()
	p.AllowAttrs("dir").Matching(bluemonday.Direction).Globally()
	p.AllowAttrs("role").Matching(roleAttrPattern).Globally()
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("src").OnElements("img")
	p.AllowAttrs("alt").Matching(bluemonday.Paragraph).OnElements("img")
	p.AllowAttrs("width", "height").Matching(bluemonday.NumberOrPercent).OnElements("img")
	p.AllowAttrs("loading").Matching(regexp.MustCompile(`^(lazy|eager)$`)).OnElements("img")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("reversed").Matching(emptyAttrPattern).OnElements("ol")
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(emptyAttrPattern).OnElements("input")
	p.AllowAttrs("colspan", "rowspan").Matching(bluemonday.Integer).OnElements("td", "th")
	p.AllowAttrs("align").Matching(alignAttrPattern).OnElements("td", "th")
	p.AllowStyles("text-align").MatchingEnum("left", "right", "center").OnElements("td", "th")
	p.AllowAttrs("open").Matching(emptyAttrPattern).OnElements("details")
	p.AllowAttrs("datetime").Matching(bluemonday.ISO8601).OnElements("time")
	return p
}

var (
	idAttrPattern    = regexp.MustCompile(`^[\p{L}\p{N}\p{M}_:.\-]+$`)
	classAttrPattern = regexp.MustCompile(`^[\p{L}\p{N}_+#.\- ]+$`)
	langAttrPattern  = regexp.MustCompile(`^[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*$`)
	roleAttrPattern  = regexp.MustCompile(`^[a-z\-]+$`)
	alignAttrPattern = regexp.MustCompile(`^(left|right|center)$`)
	emptyAttrPattern = regexp.MustCompile(`^(|checked|disabled|reversed|open)$`)
)

// Render renders source, written in format, into the body HTML, and
// derives the excerpt from it: excerpt (hand-written, in the same format)
// when it is not blank; otherwise what precedes a <!--more--> marker
// (written on its own line or inline, outside code); otherwise the first
// words of the body, as many as the excerpt length, followed by "…".
// HasMore reports whether Summary is less than the whole body: true for a
// hand-written excerpt or a marker, and for a cut only when words were
// left out. Description is the plain text of Summary, leaving out code
// blocks, captions and footnotes, whitespace collapsed, shortened at a
// word boundary to at most 160 characters. WordCount counts the words of
// the whole body; in Chinese, Japanese and Korean text each character
// counts as a word.
//
// An empty format means [FormatMarkdown]. Render returns a
// [*ValidationError] with Field "format" for an unknown format, and Field
// "source" or "excerpt" when that text is not valid UTF-8, and the error
// of a host's goldmark extension (see [WithExtensions]) that fails to
// render, wrapped. It sets no limit on size: that is the caller's work.
func (r *Renderer) Render(format Format, source, excerpt string) (Rendered, error) {
	switch format {
	case FormatMarkdown, FormatHTML:
	case "":
		format = FormatMarkdown
	default:
		return Rendered{}, &ValidationError{Field: "format", Reason: fmt.Sprintf("unknown format %q", format)}
	}
	if !utf8.ValidString(source) {
		return Rendered{}, &ValidationError{Field: "source", Reason: "not valid UTF-8"}
	}
	if !utf8.ValidString(excerpt) {
		return Rendered{}, &ValidationError{Field: "excerpt", Reason: "not valid UTF-8"}
	}

	handWritten := strings.TrimSpace(excerpt) != ""
	limit := r.words
	if handWritten {
		limit = 0
	}
	body, err := r.render(format, source, limit)
	if err != nil {
		return Rendered{}, err
	}
	out := Rendered{
		HTML:      template.HTML(body.html),
		Summary:   template.HTML(body.summary),
		HasMore:   body.hasMore,
		Text:      PlainText(body.html),
		Image:     FirstImage(body.html),
		WordCount: body.words,
	}
	text := body.text
	if handWritten {
		ex, err := r.render(format, excerpt, 0)
		if err != nil {
			return Rendered{}, err
		}
		out.Summary = template.HTML(ex.html)
		out.HasMore = true
		text = ex.text
	}
	out.Description = shorten(text, descriptionLength)
	return out, nil
}

// descriptionLength is the most characters a Description has.
const descriptionLength = 160

// rendering is one source rendered: the body, the summary (equal to the
// body unless hasMore), the summary's plain text, and the body's words.
type rendering struct {
	html    string
	summary string
	hasMore bool
	text    string
	words   int
}

func (r *Renderer) render(format Format, source string, limit int) (rendering, error) {
	if format == FormatHTML {
		return r.renderHTML(source, limit), nil
	}
	return r.renderMarkdown(source, limit)
}

// renderMarkdown parses source once, walks the tree once to count words
// and find the marker or the cut, renders the body, then cuts the tree and
// renders the summary from it.
func (r *Renderer) renderMarkdown(source string, limit int) (rendering, error) {
	src := []byte(source)
	pc := parser.NewContext(parser.WithIDs(&headingIDs{}))
	doc := r.md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))

	sc := scanMarkdown(doc, src, limit, r.raw)
	ob := getOutput()
	defer ob.put()
	body, err := ob.render(r.md, src, doc)
	if err != nil {
		return rendering{}, err
	}
	out := rendering{html: r.finish(body), words: sc.words}

	switch {
	case sc.marker != nil:
		cutAtMarker(sc.marker, src)
		out.hasMore = true
	case sc.cut:
		cutMarkdown(sc.cutNode, sc.cutOff, src)
		out.hasMore = true
	}
	if out.hasMore {
		summary, err := ob.render(r.md, src, doc)
		if err != nil {
			return rendering{}, err
		}
		out.summary = r.finish(summary)
	} else {
		out.summary = out.html
	}
	out.text = markdownText(doc, src)
	return out, nil
}

// output is a buffer for goldmark's output, with the buffered writer
// goldmark would otherwise allocate for each render. They are pooled:
// rendering a post then allocates little beyond the parse tree and the
// resulting strings.
type output struct {
	buf bytes.Buffer
	w   *bufio.Writer
}

var outputPool = sync.Pool{New: func() any {
	o := &output{}
	o.w = bufio.NewWriter(&o.buf)
	return o
}}

func getOutput() *output { return outputPool.Get().(*output) }

// put returns o to the pool unless an unusually long post made its buffer
// too big to keep.
func (o *output) put() {
	if o.buf.Cap() <= 1<<20 {
		outputPool.Put(o)
	}
}

// render renders doc and returns the HTML, valid until the next call. It
// fails only when a renderer of a host's extension fails.
func (o *output) render(md goldmark.Markdown, src []byte, doc ast.Node) ([]byte, error) {
	o.buf.Reset()
	o.w.Reset(&o.buf)
	if err := md.Renderer().Render(o.w, src, doc); err != nil {
		return nil, fmt.Errorf("blog: render markdown: %w", err)
	}
	return o.buf.Bytes(), nil
}

// finish applies the policy to Markdown output when raw HTML may be in it
// (or the host brought its own policy or extensions), and balances raw
// HTML.
func (r *Renderer) finish(b []byte) string {
	if r.raw {
		return balance(r.policy.SanitizeBytes(b))
	}
	if r.sanitize {
		return string(r.policy.SanitizeBytes(b))
	}
	return string(b)
}

// rawHTMLRenderer replaces goldmark's renderers of raw HTML: without raw
// HTML it writes nothing (not even goldmark's "raw HTML omitted" comment);
// with it, it writes the HTML as written except <!--more--> markers.
type rawHTMLRenderer struct{ raw bool }

func (h rawHTMLRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHTMLBlock, h.renderHTMLBlock)
	reg.Register(ast.KindRawHTML, h.renderRawHTML)
}

func (h rawHTMLRenderer) renderHTMLBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !h.raw || isMoreMarker(node, source) {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.HTMLBlock)
	if entering {
		lines := n.Lines()
		for i := range lines.Len() {
			seg := lines.At(i)
			html.DefaultWriter.SecureWrite(w, seg.Value(source))
		}
	} else if n.HasClosure() {
		html.DefaultWriter.SecureWrite(w, n.ClosureLine.Value(source))
	}
	return ast.WalkContinue, nil
}

func (h rawHTMLRenderer) renderRawHTML(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering || !h.raw || isMoreMarker(node, source) {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.RawHTML)
	for i := range n.Segments.Len() {
		seg := n.Segments.At(i)
		_, _ = w.Write(seg.Value(source))
	}
	return ast.WalkSkipChildren, nil
}

// headingIDs gives headings ids made of the letters and digits of their
// text in lower case (any script), words joined by hyphens; a repeated id
// gets a suffix -1, -2, … in document order. One is made per render, so
// ids depend on nothing but the document.
type headingIDs struct {
	used map[string]bool
	next map[string]int
}

func (h *headingIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	if h.used == nil {
		h.used = map[string]bool{}
		h.next = map[string]int{}
	}
	id := slugifyHeading(value)
	if len(id) == 0 {
		id = []byte("section")
	}
	if !h.used[string(id)] {
		h.used[string(id)] = true
		return id
	}
	base := string(id)
	for i := h.next[base] + 1; ; i++ {
		cand := fmt.Sprintf("%s-%d", base, i)
		if !h.used[cand] {
			h.used[cand] = true
			h.next[base] = i
			return []byte(cand)
		}
	}
}

func (h *headingIDs) Put(value []byte) {
	if h.used == nil {
		h.used = map[string]bool{}
		h.next = map[string]int{}
	}
	h.used[string(value)] = true
}

// slugifyHeading keeps the letters, digits and combining marks of a
// heading's Markdown, lower-cased, with runs of spaces, hyphens and
// underscores turned into one hyphen. Link destinations (the part in
// parentheses after "](") are left out.
func slugifyHeading(value []byte) []byte {
	out := make([]byte, 0, len(value))
	dash := false
	depth := 0 // parentheses of a link destination being skipped
	for i := 0; i < len(value); {
		c, size := utf8.DecodeRune(value[i:])
		if depth == 0 && c == ']' && i+1 < len(value) && value[i+1] == '(' {
			depth = 1
			i += 2
			continue
		}
		i += size
		if depth > 0 {
			switch c {
			case '(':
				depth++
			case ')':
				depth--
			}
			continue
		}
		switch {
		case unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.Is(unicode.M, c):
			if dash && len(out) > 0 {
				out = append(out, '-')
			}
			dash = false
			out = utf8.AppendRune(out, unicode.ToLower(c))
		case unicode.IsSpace(c) || c == '-' || c == '_':
			dash = true
		}
	}
	return out
}
