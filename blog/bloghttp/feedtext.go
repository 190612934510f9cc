package bloghttp

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// plainText returns s with its HTML tags removed, its character
// references decoded and its runs of white space made single spaces: the
// text a feed reader shows as a title or a name. Feed formats carry
// titles as text that many readers then take for HTML, so a name typed
// as "<b>Bob</b>" must reach them as "Bob".
func plainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return strings.Join(strings.Fields(s), " ")
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			b.WriteByte(' ') // <br> and block ends separate words
		}
	}
}

// urlAttrs are the attributes whose values are URLs in the HTML of posts
// and comments.
var urlAttrs = map[string]bool{"href": true, "src": true, "srcset": true, "poster": true, "cite": true}

// absoluteHTML returns fragment with every relative URL in its href, src,
// srcset, poster and cite attributes resolved against base, since a feed
// reader has no page to resolve them against. Everything else is written
// back byte for byte.
func absoluteHTML(fragment string, base *url.URL) string {
	if !strings.Contains(fragment, "=") {
		return fragment
	}
	var b strings.Builder
	b.Grow(len(fragment) + len(fragment)/8)
	z := html.NewTokenizer(strings.NewReader(fragment))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.StartTagToken, html.SelfClosingTagToken:
			raw := string(z.Raw()) // Token below reuses the buffer
			tok := z.Token()
			changed := false
			for i, a := range tok.Attr {
				if a.Namespace != "" || !urlAttrs[a.Key] {
					continue
				}
				var v string
				if a.Key == "srcset" {
					v = absoluteSrcset(a.Val, base)
				} else {
					v = absoluteURL(a.Val, base)
				}
				if v != a.Val {
					tok.Attr[i].Val, changed = v, true
				}
			}
			if changed {
				b.WriteString(tok.String())
			} else {
				b.WriteString(raw)
			}
		default:
			b.Write(z.Raw())
		}
	}
}

// absoluteURL resolves a relative URL against base; absolute URLs, bare
// fragments and what does not parse are returned as they are.
func absoluteURL(ref string, base *url.URL) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || ref[0] == '#' {
		return ref
	}
	u, err := url.Parse(ref)
	if err != nil || u.Scheme != "" {
		return ref
	}
	return base.ResolveReference(u).String()
}

// absoluteSrcset resolves each URL of a srcset attribute against base.
func absoluteSrcset(set string, base *url.URL) string {
	parts := strings.Split(set, ",")
	for i, part := range parts {
		f := strings.Fields(part)
		if len(f) == 0 {
			continue
		}
		f[0] = absoluteURL(f[0], base)
		parts[i] = strings.Join(f, " ")
	}
	return strings.Join(parts, ", ")
}
