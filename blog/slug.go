package blog

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxSlugBytes is the longest slug Folio makes or accepts, as WordPress's
// post_name column allows.
const MaxSlugBytes = 200

// Slugify turns a title into a slug the way WordPress does for its
// "pretty" permalinks, keeping Unicode letters: it normalises to NFC,
// lower-cases, removes bidirectional controls and zero-width characters,
// turns every run of other non-letters and non-digits into one hyphen, and
// trims hyphens from both ends. The result is at most MaxSlugBytes long,
// cut at a character boundary. It returns "" when nothing is left (a title
// of only punctuation or emoji).
//
//	Slugify("Hello, World!")  == "hello-world"
//	Slugify("Привет, мир")    == "привет-мир"
func Slugify(title string) string {
	title = norm.NFC.String(strings.ToValidUTF8(title, ""))
	var b strings.Builder
	b.Grow(len(title))
	hyphen := false
	for _, r := range title {
		switch {
		case invisible(r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
		default:
			hyphen = true
		}
	}
	return truncateSlug(b.String())
}

// invisible reports whether r is a format character (Unicode category
// Cf: bidirectional controls, zero-width characters, soft hyphens, tags)
// or a Hangul filler: they change how a URL is displayed, or look like
// nothing at all, so they never belong in one.
func invisible(r rune) bool {
	switch r {
	case '\u115f', '\u1160', '\u3164', '\uffa0': // Hangul fillers, letters that show as blank
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

func truncateSlug(s string) string {
	if len(s) <= MaxSlugBytes {
		return s
	}
	s = s[:MaxSlugBytes]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return strings.TrimRight(s, "-")
}

// CheckSlug normalises a slug chosen by an author and reports whether it
// can be used: it returns a [*ValidationError] for a slug that is empty,
// contains "/", is invalid UTF-8, is longer than MaxSlugBytes, or has no
// letter or digit. Otherwise it returns the slug lower-cased, in NFC, with
// invisible characters removed and spaces turned into hyphens.
func CheckSlug(slug string) (string, error) {
	bad := func(reason string) (string, error) {
		return "", &ValidationError{Field: "slug", Reason: reason}
	}
	switch {
	case slug == "":
		return bad("empty")
	case !utf8.ValidString(slug):
		return bad("not valid UTF-8")
	case strings.ContainsAny(slug, `/\`):
		return bad(`contains "/" or "\"`)
	case len(slug) > MaxSlugBytes:
		return bad("longer than 200 bytes")
	}
	var b strings.Builder
	alnum := false
	for _, r := range norm.NFC.String(slug) {
		switch {
		case invisible(r):
		case unicode.IsSpace(r):
			b.WriteByte('-')
		case unicode.IsControl(r):
			return bad("contains a control character")
		case r == '?' || r == '#' || r == '%':
			return bad(`contains "?", "#" or "%"`)
		default:
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				alnum = true
			}
			b.WriteRune(unicode.ToLower(r))
		}
	}
	if !alnum {
		return bad("has no letter or digit")
	}
	return b.String(), nil
}
