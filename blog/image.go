package blog

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// FirstImage returns the src of the first image a reader sees in the HTML
// fragment s, entities decoded and otherwise as written (absolute or
// relative to the site), or "" when there is none. Images inside script,
// style, template and noscript elements do not count, nor an <img> without
// a src. It is what a post's page offers as og:image (see [Post].Image); a
// store that brings older rows up to date can call it on their HTML.
func FirstImage(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0 // depth inside elements whose content is not shown
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			if hiddenTag(tt, a, &skip) {
				continue
			}
			if a != atom.Img || tt == html.EndTagToken || skip > 0 || !hasAttr {
				continue
			}
			for {
				key, val, more := z.TagAttr()
				if string(key) == "src" {
					if src := strings.TrimSpace(string(val)); src != "" {
						return src
					}
				}
				if !more {
					break
				}
			}
		}
	}
}
