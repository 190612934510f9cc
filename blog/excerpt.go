package blog

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Excerpts.
//
// A Markdown source is parsed once. One walk over the goldmark tree counts
// the words and notes where an automatic excerpt ends (or where the
// <!--more--> marker is); the body is rendered; then the tree is cut there
// and rendered again, which costs little since only the excerpt is left.
// Cutting the tree rather than the HTML keeps the excerpt balanced: the
// renderer closes what it opens. An HTML source is sanitised, parsed with
// golang.org/x/net/html, walked and cut the same way, and serialised.
//
// Words are runs of characters between spaces that hold at least one
// letter or digit; each Han, Hiragana, Katakana or Hangul character is a
// word by itself. Code blocks, figures (with their caption) and raw HTML
// blocks are counted but never cut in two: an excerpt ends before one if
// anything precedes it, after it otherwise. Footnotes are counted but an
// excerpt never ends inside them.

// wordCut counts words in the text pieces fed to it, in document order,
// and records where an excerpt of limit words ends: after the last
// character of the limit-th word, as a piece N and a byte offset into the
// text fed for it, or offset -1 for "after the whole of N".
type wordCut[N comparable] struct {
	limit int // words to keep; 0 means never cut
	words int

	noCut  bool // inside text an excerpt never ends in
	frozen bool // inside an atomic piece: positions stay before it

	inRun   bool // inside a run of non-space characters
	counted bool // the current run has been counted as a word

	last    N // where the last word seen (with its punctuation) ends
	lastOff int
	hasLast bool

	prev    N // where the text before the current run ends
	prevOff int
	hasPrev bool

	cut     bool
	cutNode N
	cutOff  int
}

// brk marks a boundary between words (a block edge or a line break).
func (w *wordCut[N]) brk() { w.inRun = false }

// text feeds the characters of piece n. It runs for every character of
// a post, so positions inside the piece are kept in locals and stored in
// w (an interface or pointer write each) once at the end.
func (w *wordCut[N]) text(n N, s string) {
	if w.cut || w.limit == 0 {
		w.count(s) // nothing left to find but the number of words
		return
	}
	inRun, counted, words, track := w.inRun, w.counted, w.words, !w.frozen
	lastHere, lastOff := false, 0 // the last word ends in this piece, at lastOff
	prevSet := false              // the current run started in this piece:
	prevHere, prevOff := false, 0 // the text before it ends here at prevOff, or at w.last
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r < utf8.RuneSelf {
			if asciiSpace[r] {
				inRun = false
				i++
				continue
			}
			if inRun && counted {
				// The rest of a word already counted: skip to its end.
				j := i + 1
				for j < len(s) && s[j] < utf8.RuneSelf && !asciiSpace[s[j]] {
					j++
				}
				if track {
					lastHere, lastOff = true, j
				}
				i = j
				continue
			}
		} else {
			r, size = utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) {
				inRun = false
				i += size
				continue
			}
		}
		cjk := r >= 0x1100 && isCJK(r)
		if !inRun || cjk {
			prevSet, prevHere, prevOff = true, lastHere, lastOff
			inRun, counted = true, false
		}
		if !counted && (cjk || isWordRune(r)) {
			counted = true
			if words >= w.limit && w.limit > 0 && !w.cut && !w.noCut {
				switch {
				case prevSet && prevHere:
					w.cut, w.cutNode, w.cutOff = true, n, prevOff
				case prevSet:
					w.cut, w.cutNode, w.cutOff = w.hasLast, w.last, w.lastOff
				default:
					w.cut, w.cutNode, w.cutOff = w.hasPrev, w.prev, w.prevOff
				}
			}
			words++
		}
		i += size
		if counted && track {
			lastHere, lastOff = true, i
		}
		if cjk {
			inRun = false
		}
	}
	w.inRun, w.counted, w.words = inRun, counted, words
	if prevSet {
		if prevHere {
			w.prev, w.prevOff, w.hasPrev = n, prevOff, true
		} else {
			w.prev, w.prevOff, w.hasPrev = w.last, w.lastOff, w.hasLast
		}
	}
	if lastHere {
		w.last, w.lastOff, w.hasLast = n, lastOff, true
	}
}

// count counts the words of s, like text but without tracking positions.
func (w *wordCut[N]) count(s string) {
	inRun, counted, words := w.inRun, w.counted, w.words
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			i++
			if asciiSpace[c] {
				inRun = false
				continue
			}
			if inRun && counted {
				for i < len(s) && s[i] < utf8.RuneSelf && !asciiSpace[s[i]] {
					i++
				}
				continue
			}
			if !inRun {
				inRun, counted = true, false
			}
			if !counted && isWordRune(rune(c)) {
				counted = true
				words++
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case unicode.IsSpace(r):
			inRun = false
		case isCJK(r):
			words++
			inRun = false
		default:
			if !inRun {
				inRun, counted = true, false
			}
			if !counted && isWordRune(r) {
				counted = true
				words++
			}
		}
	}
	w.inRun, w.counted, w.words = inRun, counted, words
}

// beginAtomic starts a piece that is counted but never cut in two; the
// text inside is fed with text, and endAtomic(n) ends it.
func (w *wordCut[N]) beginAtomic() {
	w.brk()
	w.frozen = true
}

func (w *wordCut[N]) endAtomic(n N) {
	w.frozen = false
	w.last, w.lastOff, w.hasLast = n, -1, true
	w.brk()
}

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// isCJK reports whether r is written without spaces between words, so
// that it counts as a word by itself.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// mdScan is the result of walking a Markdown tree.
type mdScan struct {
	wordCut[ast.Node]
	marker ast.Node // the first <!--more--> outside code, if any
	unsafe []*ast.AutoLink
}

func scanMarkdown(doc ast.Node, src []byte, limit int, raw bool) *mdScan {
	s := &mdScan{}
	s.limit = limit
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if n.Type() == ast.TypeBlock {
			s.brk()
		}
		if !entering {
			if n.Kind() == east.KindFootnoteList {
				s.noCut = false
			}
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			v, _ := textValue(n, src)
			s.text(n, v)
			if n.SoftLineBreak() || n.HardLineBreak() {
				s.brk()
			}
		case *ast.String:
			s.text(n, stringText(n))
		case *ast.Image:
			return ast.WalkSkipChildren, nil
		case *ast.Link:
			if !allowedURL(util.URLEscape(n.Destination, true), true) {
				n.Destination = nil
			}
		case *ast.AutoLink:
			if n.AutoLinkType == ast.AutoLinkURL && !allowedURL(n.URL(src), true) {
				s.unsafe = append(s.unsafe, n)
			}
			s.beginAtomic()
			s.text(n, util.BytesToReadOnlyString(n.Label(src)))
			s.endAtomic(n)
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			s.beginAtomic()
			lines := n.Lines()
			for i := range lines.Len() {
				seg := lines.At(i)
				s.text(n, util.BytesToReadOnlyString(seg.Value(src)))
			}
			s.endAtomic(n)
			return ast.WalkSkipChildren, nil
		case *figureCaption:
			s.beginAtomic()
			s.text(n, util.BytesToReadOnlyString(n.Title))
			s.endAtomic(n.Parent())
		case *ast.HTMLBlock:
			if s.marker == nil && !s.noCut && isMoreMarker(n, src) {
				s.marker, s.limit = n, 0
			} else if raw {
				s.beginAtomic()
				var b []byte
				lines := n.Lines()
				for i := range lines.Len() {
					seg := lines.At(i)
					b = append(b, seg.Value(src)...)
				}
				feedHTMLText(&s.wordCut, n, b)
				s.endAtomic(n)
			}
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			if s.marker == nil && !s.noCut && isMoreMarker(n, src) {
				s.marker, s.limit = n, 0
			}
			return ast.WalkSkipChildren, nil
		case *east.FootnoteList:
			s.noCut = true
		}
		return ast.WalkContinue, nil
	})
	// Autolinks to schemes other than http, https and mailto (which
	// goldmark would keep for data:image/…) become plain text.
	for _, n := range s.unsafe {
		t := ast.NewString(n.Label(src))
		n.Parent().ReplaceChild(n.Parent(), n, t)
		if s.cutNode == ast.Node(n) {
			s.cutNode = t
		}
	}
	return s
}

// feedHTMLText feeds the text of a fragment of raw HTML, leaving out
// scripts and styles, which the policy removes.
func feedHTMLText(w *wordCut[ast.Node], n ast.Node, b []byte) {
	z := html.NewTokenizer(bytes.NewReader(b))
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return
		case html.TextToken:
			if skip == 0 {
				w.text(n, string(z.Text()))
			}
		case html.StartTagToken:
			if name, _ := z.TagName(); isSkippedElement(name) {
				skip++
			}
			w.brk()
		case html.EndTagToken:
			if name, _ := z.TagName(); isSkippedElement(name) && skip > 0 {
				skip--
			}
			w.brk()
		}
	}
}

func isSkippedElement(name []byte) bool {
	switch string(name) {
	case "script", "style", "template", "textarea", "title", "noscript", "iframe", "xmp", "noembed", "noframes":
		return true
	}
	return false
}

// textValue returns the text a Text node stands for, with entity
// references and backslash escapes resolved (decoded is true when that
// changed anything) except in code spans, where they are literal.
func textValue(n *ast.Text, src []byte) (v string, decoded bool) {
	b := n.Segment.Value(src)
	if bytes.IndexByte(b, '&') < 0 && bytes.IndexByte(b, '\\') < 0 {
		return util.BytesToReadOnlyString(b), false
	}
	if _, code := n.Parent().(*ast.CodeSpan); code || n.IsRaw() {
		return util.BytesToReadOnlyString(b), false
	}
	d := util.UnescapePunctuations(util.ResolveNumericReferences(util.ResolveEntityNames(b)))
	return string(d), !bytes.Equal(d, b)
}

// typographerText maps the entities goldmark's typographer writes to the
// characters they stand for.
var typographerText = map[string]string{
	"&lsquo;": "‘", "&rsquo;": "’", "&ldquo;": "“", "&rdquo;": "”",
	"&ndash;": "–", "&mdash;": "—", "&hellip;": "…", "&laquo;": "«", "&raquo;": "»",
}

// stringText returns the text a String node stands for.
func stringText(n *ast.String) string {
	if !n.IsCode() {
		return util.BytesToReadOnlyString(n.Value)
	}
	if t, ok := typographerText[string(n.Value)]; ok {
		return t
	}
	return html.UnescapeString(string(n.Value))
}

// isMoreMarker reports whether n is raw HTML consisting of a <!--more-->
// marker alone (WordPress's spelling; <!-- more --> too).
func isMoreMarker(n ast.Node, src []byte) bool {
	var b []byte
	switch n := n.(type) {
	case *ast.HTMLBlock:
		if n.HTMLBlockType != ast.HTMLBlockType2 || n.Lines().Len() != 1 {
			return false
		}
		seg := n.Lines().At(0)
		b = seg.Value(src)
	case *ast.RawHTML:
		if n.Segments.Len() != 1 {
			return false
		}
		seg := n.Segments.At(0)
		b = seg.Value(src)
	default:
		return false
	}
	return isMoreComment(string(bytes.TrimSpace(b)))
}

// isMoreComment reports whether s is a whole HTML comment whose text is
// "more", spaces around it allowed.
func isMoreComment(s string) bool {
	body, ok := strings.CutPrefix(s, "<!--")
	if !ok {
		return false
	}
	body, ok = strings.CutSuffix(body, "-->")
	return ok && strings.TrimSpace(body) == "more"
}

// removeFollowing removes every node after n in document order, except
// n's ancestors.
func removeFollowing(n ast.Node) {
	for c := n; c.Parent() != nil; c = c.Parent() {
		p := c.Parent()
		for s := c.NextSibling(); s != nil; {
			next := s.NextSibling()
			p.RemoveChild(p, s)
			s = next
		}
	}
}

// cutAtMarker leaves in the tree only what precedes the marker.
func cutAtMarker(marker ast.Node, src []byte) {
	removeFollowing(marker)
	if t, ok := marker.PreviousSibling().(*ast.Text); ok {
		t.Segment = t.Segment.TrimRightSpace(src)
		t.SetSoftLineBreak(false)
		t.SetHardLineBreak(false)
	}
	marker.Parent().RemoveChild(marker.Parent(), marker)
}

// cutMarkdown leaves in the tree only what precedes offset off of node n
// (all of n when off is -1), followed by an ellipsis.
func cutMarkdown(n ast.Node, off int, src []byte) {
	removeFollowing(n)
	switch t := n.(type) {
	case *ast.Text:
		if v, decoded := textValue(t, src); decoded && off >= 0 && off < len(v) {
			// Offsets count in the decoded text: write that instead.
			s := ast.NewString([]byte(html.EscapeString(v[:off])))
			s.SetCode(true)
			t.Parent().ReplaceChild(t.Parent(), t, s)
			n = s
		} else if off >= 0 {
			t.Segment = t.Segment.WithStop(t.Segment.Start + off)
		}
		t.SetSoftLineBreak(false)
		t.SetHardLineBreak(false)
	case *ast.String:
		if s := stringText(t); off >= 0 && off < len(s) {
			t.Value = []byte(html.EscapeString(s[:off]))
			t.SetCode(true)
		}
	}
	ellipsis := ast.NewString([]byte("…"))
	parent := n.Parent()
	if n.Type() == ast.TypeInline {
		parent.InsertAfter(parent, n, ellipsis)
		return
	}
	p := ast.NewParagraph()
	p.AppendChild(p, ellipsis)
	parent.InsertAfter(parent, n, p)
}

// textCollector gathers plain text with whitespace collapsed, up to a
// little more than a description needs.
type textCollector struct {
	b     strings.Builder
	runes int
	space bool
}

const collectRunes = descriptionLength + 1

func (c *textCollector) full() bool { return c.runes >= collectRunes }

func (c *textCollector) brk() { c.space = true }

func (c *textCollector) add(s string) {
	for _, r := range s {
		if c.full() {
			return
		}
		if unicode.IsSpace(r) {
			c.space = true
			continue
		}
		if c.space && c.b.Len() > 0 {
			c.b.WriteByte(' ')
			c.runes++
		}
		c.space = false
		c.b.WriteRune(r)
		c.runes++
	}
}

// markdownText returns the start of the plain text of a Markdown tree,
// without images, code blocks, captions, raw HTML and footnotes.
func markdownText(doc ast.Node, src []byte) string {
	var c textCollector
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if c.full() {
			return ast.WalkStop, nil
		}
		if n.Type() == ast.TypeBlock {
			c.brk()
		}
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			v, _ := textValue(n, src)
			c.add(v)
			if n.SoftLineBreak() || n.HardLineBreak() {
				c.brk()
			}
		case *ast.String:
			c.add(stringText(n))
		case *ast.AutoLink:
			c.add(util.BytesToReadOnlyString(n.Label(src)))
		case *ast.Image, *ast.CodeBlock, *ast.FencedCodeBlock, *figureCaption,
			*ast.HTMLBlock, *ast.RawHTML, *east.FootnoteList, *east.FootnoteLink:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return c.b.String()
}

// shorten returns s if it has at most max characters, and otherwise its
// start, cut at a word boundary, followed by an ellipsis, max characters
// at most in all.
func shorten(s string, max int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	// The byte offset of the max-1'th character: room is left for "…".
	end, n := 0, 0
	for i := range s {
		if n == max-1 {
			end = i
			break
		}
		n++
	}
	head := s[:end]
	if i := strings.LastIndexByte(head, ' '); i > len(head)/2 {
		head = head[:i]
	}
	head = strings.TrimRightFunc(head, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;:-–—…", r)
	})
	return head + "…"
}

// HTML sources.

// renderHTML sanitises an HTML source and derives its excerpt.
func (r *Renderer) renderHTML(source string, limit int) rendering {
	if i, j := findHTMLMarker(source); i >= 0 {
		out := r.htmlPass(source[:i]+source[j:], 0)
		sum := r.htmlPass(source[:i], 0)
		out.summary, out.text, out.hasMore = sum.html, sum.text, true
		return out
	}
	return r.htmlPass(source, limit)
}

func (r *Renderer) htmlPass(source string, limit int) rendering {
	root := parseFragment(r.policy.Sanitize(source))
	s := &wordCut[*html.Node]{limit: limit}
	scanHTML(root, s)
	out := rendering{html: renderFragment(root), words: s.words}
	out.summary = out.html
	if s.cut {
		cutHTML(s.cutNode, s.cutOff)
		out.summary = renderFragment(root)
		out.hasMore = true
	}
	var c textCollector
	htmlText(root, &c)
	out.text = c.b.String()
	return out
}

// findHTMLMarker returns where the first <!--more--> comment of an HTML
// source starts and ends, or -1, -1.
func findHTMLMarker(source string) (int, int) {
	if !strings.Contains(source, "more") {
		return -1, -1
	}
	z := html.NewTokenizer(strings.NewReader(source))
	off := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return -1, -1
		}
		raw := len(z.Raw())
		if tt == html.CommentToken && isMoreComment(source[off:off+raw]) {
			return off, off + raw
		}
		off += raw
	}
}

// balance parses HTML as the content of a body element and serialises the
// result, so that every element is closed and nothing is closed that was
// not opened.
func balance(b []byte) string {
	return renderFragment(parseFragment(string(b)))
}

var fragmentContext = &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}

// parseFragment parses s as the content of a body element and returns a
// div holding the result.
func parseFragment(s string) *html.Node {
	root := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(s), fragmentContext)
	if err != nil {
		return root // only a failing reader makes ParseFragment fail
	}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	return root
}

// renderFragment serialises the children of root.
func renderFragment(root *html.Node) string {
	var b strings.Builder
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		_ = html.Render(&b, c)
	}
	return b.String()
}

// inlineElements are the elements that do not separate words.
var inlineElements = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.B: true, atom.Cite: true, atom.Code: true,
	atom.Del: true, atom.Dfn: true, atom.Em: true, atom.I: true, atom.Ins: true,
	atom.Kbd: true, atom.Mark: true, atom.Q: true, atom.S: true, atom.Samp: true,
	atom.Small: true, atom.Span: true, atom.Strong: true, atom.Sub: true, atom.Sup: true,
	atom.Time: true, atom.U: true, atom.Var: true, atom.Img: true,
}

func scanHTML(n *html.Node, s *wordCut[*html.Node]) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			s.text(c, c.Data)
		case html.ElementNode:
			inline := inlineElements[c.DataAtom]
			if !inline {
				s.brk()
			}
			switch c.DataAtom {
			case atom.Pre, atom.Figure:
				s.beginAtomic()
				scanHTML(c, s)
				s.endAtomic(c)
			default:
				scanHTML(c, s)
			}
			if !inline {
				s.brk()
			}
		}
	}
}

// cutHTML leaves in the tree only what precedes offset off of text node n
// (all of element n when off is -1), followed by an ellipsis.
func cutHTML(n *html.Node, off int) {
	for c := n; c.Parent != nil; c = c.Parent {
		for s := c.NextSibling; s != nil; {
			next := s.NextSibling
			c.Parent.RemoveChild(s)
			s = next
		}
	}
	if n.Type == html.TextNode && off >= 0 {
		n.Data = n.Data[:off] + "…"
		return
	}
	p := &html.Node{Type: html.ElementNode, Data: "p", DataAtom: atom.P}
	p.AppendChild(&html.Node{Type: html.TextNode, Data: "…"})
	n.Parent.InsertBefore(p, nil)
}

// htmlText collects the plain text of an HTML tree, without code blocks
// and captions.
func htmlText(n *html.Node, c *textCollector) {
	for k := n.FirstChild; k != nil && !c.full(); k = k.NextSibling {
		switch k.Type {
		case html.TextNode:
			c.add(k.Data)
		case html.ElementNode:
			if k.DataAtom == atom.Pre || k.DataAtom == atom.Figcaption {
				continue
			}
			inline := inlineElements[k.DataAtom]
			if !inline {
				c.brk()
			}
			htmlText(k, c)
			if !inline {
				c.brk()
			}
		}
	}
}
