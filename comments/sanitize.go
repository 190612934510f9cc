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
// Markdown — one imported from another engine, such as WordPress, whose
// comments allow a few tags. Every link is given rel="nofollow ugc
// noopener"; then the same policy as [Renderer.Render] sanitises the
// result, last, so only what a Markdown comment could produce survives.
// Text that is not valid UTF-8 gives an error wrapping [ErrInvalidUTF8].
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
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(src), body)
	if err != nil {
		return "", fmt.Errorf("comments: render HTML: %w", err)
	}
	var b strings.Builder
	for _, n := range nodes {
		setRel(n)
		if err := html.Render(&b, n); err != nil {
			return "", fmt.Errorf("comments: render HTML: %w", err)
		}
	}
	return template.HTML(strings.TrimSpace(r.policy.Sanitize(b.String()))), nil
}

// RenderHTML sanitises comment HTML with the default [Renderer]; see
// [Renderer.RenderHTML].
func RenderHTML(src string) (template.HTML, error) { return defaultRenderer().RenderHTML(src) }

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
