package comments

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// RenderHTML makes safe HTML of a comment that arrives as HTML rather than
// Markdown — one imported from another engine, such as WordPress. Every
// link is given rel="nofollow ugc noopener", quotes and lists deeper than
// [MaxNesting] are flattened into the deepest level, and then the same
// policy as [Renderer.Render] sanitises the result, last. Unlike
// [Renderer.Render] it does not refuse large HTML: an import keeps what
// the old site showed. Text that is not valid UTF-8 gives an error
// wrapping [ErrInvalidUTF8].
func (r *Renderer) RenderHTML(src string) (template.HTML, error) {
	if r == nil || r.md == nil {
		return defaultRenderer().RenderHTML(src)
	}
	if !utf8.ValidString(src) {
		return "", fmt.Errorf("%w (at byte %d)", ErrInvalidUTF8, firstInvalidUTF8(src))
	}
	if strings.TrimSpace(src) == "" {
		return "", nil
	}
	out, err := r.sanitize(src)
	if err != nil {
		return "", fmt.Errorf("comments: render HTML: %w", err)
	}
	return out, nil
}

// RenderHTML sanitises comment HTML with the default [Renderer]; see
// [Renderer.RenderHTML].
func RenderHTML(src string) (template.HTML, error) { return defaultRenderer().RenderHTML(src) }

// sanitize is the last stage of both renderers: it parses src as a
// browser would, gives links their rel or unwraps them, bounds the
// nesting, and passes the result through the policy.
func (r *Renderer) sanitize(src string) (template.HTML, error) {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(src), body)
	if err != nil {
		// The parser refuses to nest elements more than 512 deep. Drop
		// the tags below maxElementDepth, keeping their text, and parse
		// again.
		nodes, err = html.ParseFragment(strings.NewReader(flattenTags(src)), body)
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrHTMLTooLarge, err)
		}
	}
	for _, n := range nodes {
		body.AppendChild(n)
	}
	setRel(body)
	boundNesting(body, 0, 0)
	var b strings.Builder
	b.Grow(len(src))
	for n := body.FirstChild; n != nil; n = n.NextSibling {
		if err := html.Render(&b, n); err != nil {
			return "", err
		}
	}
	var out strings.Builder
	out.Grow(b.Len())
	if err := r.policy.SanitizeReaderToWriter(strings.NewReader(b.String()), &out); err != nil {
		return "", fmt.Errorf("sanitise: %w", err)
	}
	// The sanitiser escapes every ">" in text and attributes, so "/>"
	// only ends an empty element (br, img): write it as HTML does.
	return template.HTML(strings.ReplaceAll(strings.TrimSpace(out.String()), "/>", ">")), nil
}

// flattenTags returns src without the tags that open, or close, elements
// nested deeper than maxElementDepth as a tokenizer counts them; all text
// is kept as it was written.
func flattenTags(src string) string {
	var b strings.Builder
	b.Grow(len(src))
	var open []string
	z := html.NewTokenizer(strings.NewReader(src))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return b.String()
		}
		raw := z.Raw()
		switch tt {
		case html.StartTagToken:
			name, _ := z.TagName()
			if voidElements[string(name)] {
				break
			}
			if len(open) >= maxElementDepth {
				continue
			}
			open = append(open, string(name))
		case html.EndTagToken:
			name, _ := z.TagName()
			i := len(open) - 1
			for i >= 0 && open[i] != string(name) {
				i--
			}
			if i < 0 {
				continue
			}
			open = open[:i]
		}
		b.Write(raw)
	}
}

var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "keygen": true, "link": true, "meta": true, "param": true, "source": true,
	"track": true, "wbr": true,
}

// maxElementDepth is how deep elements of any kind may nest in a comment;
// deeper ones are unwrapped, their text kept.
const maxElementDepth = 4 * MaxNesting

// boundNesting unwraps every quote or list below [MaxNesting] levels of
// them, every list item no longer in a list, and every element below
// maxElementDepth, keeping their children in their place. quotes counts
// the quotes and lists n is in, depth the elements.
func boundNesting(n *html.Node, quotes, depth int) {
	for c := n.FirstChild; c != nil; {
		if c.Type != html.ElementNode {
			c = c.NextSibling
			continue
		}
		level := quotes
		switch c.DataAtom {
		case atom.Blockquote, atom.Ul, atom.Ol:
			level++
		}
		orphan := c.DataAtom == atom.Li && n.DataAtom != atom.Ul && n.DataAtom != atom.Ol
		if level > MaxNesting || orphan || depth >= maxElementDepth {
			c = unwrap(n, c)
			continue
		}
		boundNesting(c, level, depth+1)
		c = c.NextSibling
	}
}

// unwrap replaces c, a child of n, by its children, set apart by a line
// break in the source (a space on the page), and returns the node to look
// at next: its first child, or what followed it.
func unwrap(n, c *html.Node) *html.Node {
	next := c.NextSibling
	sep := &html.Node{Type: html.TextNode, Data: "\n"}
	n.InsertBefore(sep, c)
	for k := c.FirstChild; k != nil; {
		following := k.NextSibling
		c.RemoveChild(k)
		n.InsertBefore(k, c)
		k = following
	}
	n.RemoveChild(c)
	if sep.NextSibling != nil && sep.NextSibling != next {
		return sep.NextSibling
	}
	return next
}

func setRel(n *html.Node) {
	if n.Type == html.ElementNode && n.DataAtom == atom.A {
		if linkable(n.Attr) {
			n.Attr = setAttr(n.Attr, "rel", LinkRel)
		} else {
			n.Attr = nil // the sanitiser then drops the element and keeps its text
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		setRel(c)
	}
}

// linkable reports whether the element's href is one the policy keeps.
func linkable(attrs []html.Attribute) bool {
	for _, a := range attrs {
		if a.Namespace != "" || !strings.EqualFold(a.Key, "href") {
			continue
		}
		u, err := url.Parse(strings.TrimSpace(a.Val))
		if err != nil {
			return false
		}
		switch strings.ToLower(u.Scheme) {
		case "http", "https":
			return webURLPolicy(u)
		case "mailto":
			return mailtoURLPolicy(u)
		}
		return false
	}
	return false
}

func setAttr(attrs []html.Attribute, key, val string) []html.Attribute {
	out := attrs[:0]
	for _, a := range attrs {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			continue
		}
		out = append(out, a)
	}
	return append(out, html.Attribute{Key: key, Val: val})
}
