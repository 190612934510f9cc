package comments

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/url"
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
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/idna"
)

// ErrInvalidUTF8 is returned by [Render] and [Renderer.Render] for text
// that is not valid UTF-8. Comment text is never repaired silently.
var ErrInvalidUTF8 = errors.New("comments: text is not valid UTF-8")

// ErrHTMLTooLarge is returned by [Render] and [Renderer.Render] when the
// HTML a comment renders to is larger than [MaxHTMLBytes], or larger than
// [MaxHTMLRatio] times its text and more than [minRatioBytes]. A comment
// that takes far more room on the page than its text did is refused
// rather than stored; [Service.Submit] reports it as a [*ValidationError]
// on [FieldComment] with [ProblemTooLong].
var ErrHTMLTooLarge = errors.New("comments: rendered HTML is too large")

// Limits on the HTML a comment renders to.
const (
	// MaxHTMLBytes is the most bytes of HTML a comment may render to.
	MaxHTMLBytes = 64 << 10
	// MaxHTMLRatio is how many times larger than its text a comment's
	// HTML may be, once the HTML is larger than minRatioBytes.
	MaxHTMLRatio = 8
	// MaxNesting is how deep quotes and lists may nest in a comment.
	// What is written deeper is kept, as text at the deepest level.
	MaxNesting = 8
)

// minRatioBytes is the HTML size below which [MaxHTMLRatio] does not
// apply: a bare address such as a@b.example becomes a link ten times its
// length, and short comments are harmless whatever their ratio.
const minRatioBytes = 4 << 10

func checkHTMLSize(source, html int) error {
	switch {
	case html > MaxHTMLBytes:
		return fmt.Errorf("%w: %d bytes, at most %d", ErrHTMLTooLarge, html, MaxHTMLBytes)
	case html > minRatioBytes && html > MaxHTMLRatio*source:
		return fmt.Errorf("%w: %d bytes from %d bytes of text, at most %d times the text",
			ErrHTMLTooLarge, html, source, MaxHTMLRatio)
	}
	return nil
}

// LinkRel is the rel attribute every link in rendered comment HTML carries:
// search engines give the target no credit, the link is marked as user
// content, and the target page gets no handle on the comment's window.
const LinkRel = "nofollow ugc noopener"

// allowedTags are the HTML elements other than links a comment may hold,
// whether written as Markdown or as HTML: WordPress's comment allowlist,
// which Markdown's output fits in.
var allowedTags = []string{
	"abbr", "b", "blockquote", "cite", "code", "del", "em", "i", "q",
	"s", "strike", "strong", "p", "br", "ul", "ol", "li", "pre",
}

// RenderOption configures a [Renderer] built by [NewRenderer].
type RenderOption func(*renderConfig)

type renderConfig struct {
	images bool
}

// WithImages lets comments show images written as ![alt](url "title").
// Only absolute http and https sources are kept, with their alt and title
// text; an image with any other source (data:, javascript:, relative) is
// shown as its alt text. Without this option every image is shown as its
// alt text.
func WithImages() RenderOption {
	return func(c *renderConfig) { c.images = true }
}

// Renderer turns untrusted comment Markdown into HTML that is safe to put in
// a page as it is. The Markdown may hold HTML, as WordPress comments do,
// and the result is sanitised last by WordPress's comment allowlist: a,
// abbr, b, blockquote, cite, code, del, em, i, q, s, strike, strong, p, br,
// ul, ol, li and pre. Any other tag is removed and the text in it kept
// (but for the content of script and style elements). Links keep only
// http, https and mailto addresses, each with rel="nofollow ugc noopener",
// and images are kept only when enabled with [WithImages]. No element
// keeps a style, class, id or event attribute; abbreviations keep a
// title, ordered lists their start. Quotes and lists nest at most
// [MaxNesting] deep, and what is written deeper is kept as text at the
// deepest level.
//
// A Renderer is built once and is safe for concurrent use. A nil or zero
// Renderer renders as [Render] does.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
	bufs   sync.Pool
}

// NewRenderer builds a Renderer with the options applied. The Markdown
// parser and the sanitising policy are built here, once.
func NewRenderer(opts ...RenderOption) *Renderer {
	var cfg renderConfig
	for _, opt := range opts {
		opt(&cfg)
	}
	r := &Renderer{
		md:     newCommentMarkdown(cfg),
		policy: newCommentPolicy(cfg),
	}
	r.bufs.New = func() any { return new(bytes.Buffer) }
	return r
}

var defaultRenderer = sync.OnceValue(func() *Renderer { return NewRenderer() })

// Render turns comment Markdown into safe HTML with the default [Renderer]
// (no images). Empty or whitespace-only text gives empty HTML and no error;
// text that is not valid UTF-8 gives an error wrapping [ErrInvalidUTF8].
func Render(markdown string) (template.HTML, error) {
	return defaultRenderer().Render(markdown)
}

// maxPooledBuffer is the largest buffer Render gives back to its pool, so
// one huge comment does not pin its memory for good.
const maxPooledBuffer = 64 << 10

// Render turns comment Markdown into safe HTML. The Markdown may hold
// HTML written with WordPress's comment tags (see [Renderer]); any other
// tag is removed and its text kept. Empty or whitespace-only text gives
// empty HTML and no error; text that is not valid UTF-8 gives an error
// wrapping [ErrInvalidUTF8]; HTML larger than [MaxHTMLBytes] or than
// [MaxHTMLRatio] times the text gives an error wrapping [ErrHTMLTooLarge].
// Render does not limit the size of the text: validation does that before
// a comment is rendered. Its cost grows linearly with the text's length.
func (r *Renderer) Render(markdown string) (template.HTML, error) {
	return r.render(markdown, true)
}

// render is [Renderer.Render], refusing large HTML only if bounded.
func (r *Renderer) render(markdown string, bounded bool) (template.HTML, error) {
	if r == nil || r.md == nil {
		return defaultRenderer().render(markdown, bounded)
	}
	if !utf8.ValidString(markdown) {
		return "", fmt.Errorf("%w (at byte %d)", ErrInvalidUTF8, firstInvalidUTF8(markdown))
	}
	if strings.TrimSpace(markdown) == "" {
		return "", nil
	}
	buf := r.bufs.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledBuffer {
			buf.Reset()
			r.bufs.Put(buf)
		}
	}()
	buf.Reset()
	if err := r.md.Convert(boundLinkDestinations([]byte(markdown)), buf); err != nil {
		return "", fmt.Errorf("comments: render: %w", err)
	}
	out, err := r.sanitize(buf.String())
	if err != nil {
		return "", fmt.Errorf("comments: render: %w", err)
	}
	if !bounded {
		return out, nil
	}
	if err := checkHTMLSize(len(markdown), len(out)); err != nil {
		return "", fmt.Errorf("comments: render: %w", err)
	}
	return out, nil
}

func firstInvalidUTF8(s string) int {
	for i, c := range s {
		if c == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i
			}
		}
	}
	return len(s)
}

// newCommentMarkdown builds the Markdown converter: CommonMark with
// strikethrough, bare URLs made into links, hard line breaks, and quotes
// and lists nested at most [MaxNesting] deep. Raw HTML is written out as
// it is, for the sanitiser to judge: it is never trusted here.
func newCommentMarkdown(cfg renderConfig) goldmark.Markdown {
	return goldmark.New(
		goldmark.WithParser(parser.NewParser(
			parser.WithBlockParsers(boundedBlockParsers()...),
			parser.WithInlineParsers(parser.DefaultInlineParsers()...),
			parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
		)),
		goldmark.WithExtensions(
			extension.Strikethrough,
			extension.NewLinkify(
				extension.WithLinkifyAllowedProtocols([]string{"http:", "https:"}),
			),
		),
		goldmark.WithParserOptions(
			parser.WithASTTransformers(util.Prioritized(linkGuard{keepImages: cfg.images}, 100)),
		),
		goldmark.WithRendererOptions(html.WithHardWraps(), html.WithUnsafe()),
	)
}

// boundedBlockParsers returns goldmark's block parsers with the quote and
// list parsers refusing to open deeper than [MaxNesting]: the marker is
// then read as the text of the deepest block. Parsing deep nesting costs
// goldmark time in the square of the depth, so bounding it here keeps the
// cost of a comment linear in its length.
func boundedBlockParsers() []util.PrioritizedValue {
	ps := parser.DefaultBlockParsers()
	quote, list := parser.NewBlockquoteParser(), parser.NewListParser()
	for i, p := range ps {
		if bp := p.Value.(parser.BlockParser); bp == quote || bp == list {
			ps[i].Value = depthBound{bp}
		}
	}
	return ps
}

// depthBound is a block parser that opens nothing below [MaxNesting]
// quotes and lists.
type depthBound struct{ parser.BlockParser }

func (d depthBound) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	depth := 0
	for n := parent; n != nil; n = n.Parent() {
		if k := n.Kind(); k == ast.KindBlockquote || k == ast.KindList {
			depth++
		}
	}
	if depth >= MaxNesting {
		return nil, parser.NoChildren
	}
	return d.BlockParser.Open(parent, reader, pc)
}

// maxLinkScan is how far past "](" goldmark may look for the end of a
// link destination (a space, or the ">" of "<…>").
const maxLinkScan = 4 << 10

// boundLinkDestinations escapes the "(" of each "](" whose destination
// goldmark would look for over more than maxLinkScan bytes. goldmark scans
// to the end of the destination at every "](", so text repeating "[a]("
// without a space costs time in the square of its length; no real link
// is that long. The escaped "(" is shown as it was typed.
func boundLinkDestinations(src []byte) []byte {
	var out []byte
	last := 0
	space, gt := -1, -1 // next whitespace and next '>' at or after a position
	for i := 0; i+1 < len(src); i++ {
		if src[i] != ']' || src[i+1] != '(' {
			continue
		}
		start := i + 2
		if space < start {
			space = nextIndex(src, start, func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' })
		}
		end := space
		if start < len(src) && src[start] == '<' {
			if gt < start {
				gt = nextIndex(src, start, func(c byte) bool { return c == '>' || c == '\n' })
			}
			end = gt
		}
		if end-start <= maxLinkScan {
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(src)+len(src)/8)
		}
		out = append(out, src[last:i+1]...)
		out = append(out, '\\')
		last = i + 1
	}
	if out == nil {
		return src
	}
	return append(out, src[last:]...)
}

func nextIndex(b []byte, from int, match func(byte) bool) int {
	for i := from; i < len(b); i++ {
		if match(b[i]) {
			return i
		}
	}
	return len(b)
}

// newCommentPolicy builds the last line of defence, bluemonday's allowlist:
// anything not listed is removed, whatever produced it.
func newCommentPolicy(cfg renderConfig) *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements(allowedTags...)
	p.AllowAttrs("title").OnElements("abbr")
	p.AllowAttrs("start").Matching(regexp.MustCompile(`^[0-9]{1,9}$`)).OnElements("ol")

	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("title").OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + LinkRel + `$`)).OnElements("a")
	// Every link carries LinkRel from the Markdown step; should one ever
	// arrive without it, bluemonday adds nofollow at least.
	p.RequireNoFollowOnLinks(true)

	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.AllowURLSchemeWithCustomPolicy("http", webURLPolicy)
	p.AllowURLSchemeWithCustomPolicy("https", webURLPolicy)
	p.AllowURLSchemeWithCustomPolicy("mailto", mailtoURLPolicy)

	if cfg.images {
		p.AllowAttrs("src").Matching(regexp.MustCompile(`^(?i:https?)://`)).OnElements("img")
		p.AllowAttrs("alt", "title").OnElements("img")
	}
	p.AddSpaceWhenStrippingTag(true)
	return p
}

func webURLPolicy(u *url.URL) bool { return u.Host != "" && u.User == nil && u.Opaque == "" }

func mailtoURLPolicy(u *url.URL) bool { return u.Opaque != "" && u.Host == "" }

// linkGuard is a Markdown AST transformer. It gives every link it can vouch
// for the rel attribute LinkRel and unwraps the rest into plain text, turns
// images into their alt text unless enabled (and their source is http(s)),
// and turns headings into paragraphs. It checks each URL as it will be
// written into the HTML, by the same rules the sanitiser applies after it.
type linkGuard struct{ keepImages bool }

var relName, relValue = []byte("rel"), []byte(LinkRel)

func (g linkGuard) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var unwrap, headings []ast.Node
	var autolinks []*ast.AutoLink
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if allowedLinkURL(string(util.URLEscape(n.Destination, true))) {
				n.SetAttribute(relName, relValue)
			} else {
				unwrap = append(unwrap, n)
			}
		case *ast.AutoLink:
			u := string(util.URLEscape(n.URL(source), false))
			if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(u), "mailto:") {
				u = "mailto:" + u
			}
			if allowedLinkURL(u) {
				n.SetAttribute(relName, relValue)
			} else {
				autolinks = append(autolinks, n)
			}
		case *ast.Image:
			if !g.keepImages || !allowedImageURL(string(util.URLEscape(n.Destination, true))) {
				unwrap = append(unwrap, n)
			}
		case *ast.Heading:
			headings = append(headings, n)
		}
		return ast.WalkContinue, nil
	})
	for _, n := range unwrap {
		parent := n.Parent()
		for c := n.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, n, c)
			c = next
		}
		parent.RemoveChild(parent, n)
	}
	for _, n := range autolinks {
		n.Parent().ReplaceChild(n.Parent(), n, ast.NewString(n.Label(source)))
	}
	for _, h := range headings {
		p := ast.NewParagraph()
		for c := h.FirstChild(); c != nil; {
			next := c.NextSibling()
			p.AppendChild(p, c)
			c = next
		}
		h.Parent().ReplaceChild(h.Parent(), h, p)
	}
}

// allowedLinkURL applies the sanitiser's rules for a link target: after
// trimming surrounding space it has no whitespace, parses, and is an
// absolute http or https URL with a host and no credentials, or a mailto
// URL.
func allowedLinkURL(raw string) bool {
	u, ok := parseAbsoluteURL(raw)
	if !ok {
		return false
	}
	switch u.Scheme {
	case "http", "https":
		return webURLPolicy(u)
	case "mailto":
		return mailtoURLPolicy(u)
	}
	return false
}

func allowedImageURL(raw string) bool {
	u, ok := parseAbsoluteURL(raw)
	return ok && (u.Scheme == "http" || u.Scheme == "https") && webURLPolicy(u) &&
		strings.HasPrefix(strings.ToLower(strings.TrimSpace(raw)), u.Scheme+"://")
}

func parseAbsoluteURL(raw string) (*url.URL, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || strings.ContainsFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return nil, false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return nil, false
	}
	return u, true
}

// SafeURL checks an author's website address and returns it normalised:
// scheme and host in lower case, an internationalised host in its ASCII
// (punycode) form. It accepts only absolute http and https
// URLs with a host, without credentials (user:pass@), whitespace, control
// characters, or any of \ < > " and ` (which no address needs and
// browsers read inconsistently); space around the address is trimmed.
// It reports false for anything else, such as javascript: or data: URLs,
// relative or scheme-relative (//host) addresses, and https:host. The
// length limit is checked by validation, not here.
func SafeURL(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if strings.ContainsFunc(raw, func(r rune) bool {
		return strings.ContainsRune(`\<>"`+"`", r) || unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError
	}) {
		return "", false
	}
	u, ok := parseAbsoluteURL(raw)
	if !ok || (u.Scheme != "http" && u.Scheme != "https") || !webURLPolicy(u) || u.Hostname() == "" {
		return "", false
	}
	if !strings.HasPrefix(strings.ToLower(raw), u.Scheme+"://") {
		return "", false
	}
	host := strings.ToLower(u.Hostname())
	if strings.ContainsFunc(host, func(r rune) bool { return r >= utf8.RuneSelf }) {
		ascii, err := idna.Lookup.ToASCII(host)
		if err != nil {
			return "", false
		}
		host = ascii
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // IPv6
	}
	if port := u.Port(); port != "" {
		host += ":" + port
	}
	u.Host = host
	return u.String(), true
}
