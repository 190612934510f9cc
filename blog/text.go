package blog

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// PlainText returns the text a reader sees in the HTML fragment s: its
// text with entities decoded, without tags, comments, the contents of
// script, style, template and noscript elements, control characters or
// U+FFFD; block elements and line breaks separate words, and each run of
// white space becomes one space. It is what stores index for search (see
// [Post].Text); a store that brings older rows up to date can call it on
// their HTML.
func PlainText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	b.Grow(len(s) / 2)
	space := false // a separator is due before the next text
	skip := 0      // depth inside elements whose content is not text
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip > 0 {
				continue
			}
			for _, r := range string(z.Text()) {
				if unicode.IsSpace(r) {
					space = true
					continue
				}
				if r == utf8.RuneError || unicode.IsControl(r) {
					continue // not text anyone reads
				}
				if space && b.Len() > 0 {
					b.WriteByte(' ')
				}
				space = false
				b.WriteRune(r)
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if hiddenTag(tt, a, &skip) {
				continue
			}
			if !inlineElements[a] { // see excerpt.go
				space = true
			}
		}
		// Comments and doctypes carry no text a reader sees.
	}
}

// hiddenElements are the elements whose content is never shown as text.
var hiddenElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Template: true, atom.Noscript: true,
}

// hiddenTag reports whether the tag token of type tt names a hidden
// element, keeping skip, the depth inside hidden elements, up to date.
func hiddenTag(tt html.TokenType, a atom.Atom, skip *int) bool {
	if !hiddenElements[a] {
		return false
	}
	switch {
	case tt == html.StartTagToken:
		*skip++
	case tt == html.EndTagToken && *skip > 0:
		*skip--
	}
	return true
}
