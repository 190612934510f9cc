package blog

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultPermalink is the pattern of post URLs unless a site chooses
// another: WordPress's "day and name" structure.
const DefaultPermalink = "/{year}/{month}/{day}/{slug}/"

// Permalink is a compiled URL pattern for posts, such as
// "/{year}/{month}/{day}/{slug}/" or "/archives/{id}". It builds a post's
// URL and parses a path back into the parts that find the post. A
// Permalink is immutable and safe for concurrent use.
type Permalink struct {
	pattern  string
	segments []segment
	trailing bool // the pattern ends with "/"
}

type token int

const (
	literal token = iota
	tokYear
	tokMonth
	tokDay
	tokSlug
	tokID
)

var tokens = map[string]token{
	"{year}": tokYear, "{month}": tokMonth, "{day}": tokDay, "{slug}": tokSlug, "{id}": tokID,
}

type segment struct {
	tok  token
	text string // for literal segments
}

// ParsePermalink compiles a pattern. A pattern is a path starting with "/"
// whose segments are each either literal text (letters, digits, "-", "_",
// ".") or exactly one of the placeholders {year}, {month}, {day}, {slug}
// and {id}; it must hold {slug} or {id} and no placeholder twice. Dates are
// the post's publication date in the site's time zone. A malformed
// pattern is a [*ValidationError] for the field "permalink".
func ParsePermalink(pattern string) (*Permalink, error) {
	bad := func(format string, args ...any) (*Permalink, error) {
		return nil, &ValidationError{Field: "permalink", Reason: fmt.Sprintf("%q: ", pattern) + fmt.Sprintf(format, args...)}
	}
	if !strings.HasPrefix(pattern, "/") {
		return bad(`must start with "/"`)
	}
	p := &Permalink{pattern: pattern, trailing: strings.HasSuffix(pattern, "/") && len(pattern) > 1}
	seen := map[token]bool{}
	for _, part := range strings.Split(strings.Trim(pattern, "/"), "/") {
		if part == "" {
			return bad("has an empty segment")
		}
		if tok, ok := tokens[part]; ok {
			if seen[tok] {
				return bad("repeats %s", part)
			}
			seen[tok] = true
			p.segments = append(p.segments, segment{tok: tok})
			continue
		}
		if strings.ContainsAny(part, "{}") {
			return bad("unknown placeholder or text around a placeholder in segment %q", part)
		}
		for _, r := range part {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
				return bad("segment %q has a character other than letters, digits, '-', '_' and '.'", part)
			}
		}
		p.segments = append(p.segments, segment{tok: literal, text: part})
	}
	if !seen[tokSlug] && !seen[tokID] {
		return bad("needs {slug} or {id}")
	}
	if seen[tokDay] && !seen[tokMonth] || seen[tokMonth] && !seen[tokYear] {
		return bad("{day} needs {month}, and {month} needs {year}")
	}
	return p, nil
}

// MustParsePermalink is like ParsePermalink but panics on a bad pattern;
// for patterns fixed in code.
func MustParsePermalink(pattern string) *Permalink {
	p, err := ParsePermalink(pattern)
	if err != nil {
		panic(err)
	}
	return p
}

// String returns the pattern.
func (p *Permalink) String() string { return p.pattern }

// Path returns the URL path of post in the site's time zone loc, with each
// segment percent-encoded (a Unicode slug comes out as %D0%BF…), ready to
// put in an href. A post without a publication date (a draft) is dated by
// its creation time.
func (p *Permalink) Path(post *Post, loc *time.Location) string {
	date := post.PublishedAt
	if date.IsZero() {
		date = post.CreatedAt
	}
	date = date.In(loc)
	var b strings.Builder
	for _, s := range p.segments {
		b.WriteByte('/')
		switch s.tok {
		case literal:
			b.WriteString(s.text)
		case tokYear:
			fmt.Fprintf(&b, "%04d", date.Year())
		case tokMonth:
			fmt.Fprintf(&b, "%02d", int(date.Month()))
		case tokDay:
			fmt.Fprintf(&b, "%02d", date.Day())
		case tokSlug:
			b.WriteString(url.PathEscape(post.Slug))
		case tokID:
			b.WriteString(strconv.FormatInt(post.ID, 10))
		}
	}
	if p.trailing {
		b.WriteByte('/')
	}
	return b.String()
}

// Match is what a path says about the post it names. Fields the pattern
// does not hold are zero.
type Match struct {
	Year  int
	Month time.Month
	Day   int
	Slug  string // decoded
	ID    int64
}

// Match parses a decoded URL path (an http.Request's URL.Path, relative to
// where the blog is mounted) against the pattern. A missing or extra
// trailing slash still matches, so the caller can redirect to the
// canonical path. It reports false when the path does not fit the pattern
// or a date part is out of range.
func (p *Permalink) Match(path string) (Match, bool) {
	m, ok := p.match(path)
	if !ok {
		return Match{}, false
	}
	return m, true
}

func (p *Permalink) match(path string) (Match, bool) {
	var m Match
	if !strings.HasPrefix(path, "/") {
		return m, false
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) != len(p.segments) {
		return m, false
	}
	for i, s := range p.segments {
		part := parts[i]
		if part == "" {
			return m, false
		}
		switch s.tok {
		case literal:
			if part != s.text {
				return m, false
			}
		case tokYear:
			n, ok := digits(part, 4)
			if !ok || n < 1 {
				return m, false
			}
			m.Year = n
		case tokMonth:
			n, ok := digits(part, 2)
			if !ok || n < 1 || n > 12 {
				return m, false
			}
			m.Month = time.Month(n)
		case tokDay:
			n, ok := digits(part, 2)
			if !ok || n < 1 || n > 31 {
				return m, false
			}
			m.Day = n
		case tokSlug:
			m.Slug = part
		case tokID:
			id, err := strconv.ParseInt(part, 10, 64)
			if err != nil || id < 1 || part[0] == '+' {
				return m, false
			}
			m.ID = id
		}
	}
	return m, true
}

// digits parses exactly n ASCII digits.
func digits(s string, n int) (int, bool) {
	if len(s) != n {
		return 0, false
	}
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// matchesDate reports whether the date parts of m agree with t in loc.
func (m Match) matchesDate(t time.Time, loc *time.Location) bool {
	t = t.In(loc)
	return (m.Year == 0 || m.Year == t.Year()) &&
		(m.Month == 0 || m.Month == t.Month()) &&
		(m.Day == 0 || m.Day == t.Day())
}
