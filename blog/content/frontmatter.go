package content

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v3"
)

// FrontMatter is what a file says about itself, in Hugo's and Jekyll's keys.
type FrontMatter struct {
	Title       string
	Date        time.Time // zero when absent
	PublishDate time.Time
	ExpiryDate  time.Time
	Lastmod     time.Time
	Draft       bool // Hugo draft: true, or Jekyll published: false
	Slug        string
	URL         string
	Aliases     []string
	Tags        []string
	Categories  []string
	Summary     string
	Description string
	Weight      int
	Permalink   string // Jekyll
	// ExcerptSeparator is Jekyll's excerpt_separator; "" for none.
	ExcerptSeparator string
}

// ParseError is malformed front matter: the file and the line it starts on,
// counted from 1.
type ParseError struct {
	File string
	Line int
	Err  error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d: front matter: %v", e.File, e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// ErrUnterminated is a front matter block that never closes.
var ErrUnterminated = errors.New("front matter not closed")

// Parse splits src into front matter and body. name is used in errors; loc is
// the zone of dates written without one. A file without front matter is all
// body. Malformed front matter is a *ParseError.
func Parse(name string, src []byte, loc *time.Location) (FrontMatter, []byte, error) {
	var fm FrontMatter
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	raw := map[string]any{}
	var body []byte
	switch {
	case hasFence(src, "---"), hasFence(src, "+++"):
		fence := string(src[:3])
		head, rest, line, err := splitFence(src, fence)
		if err != nil {
			return fm, nil, &ParseError{File: name, Line: line, Err: err}
		}
		body = rest
		if fence == "---" {
			var doc yaml.Node
			if err = yaml.Unmarshal(head, &doc); err == nil && len(doc.Content) > 0 {
				err = doc.Content[0].Decode(&raw)
			}
			if err != nil {
				return fm, nil, &ParseError{File: name, Line: 1 + yamlLine(err), Err: err}
			}
			// YAML reads a date without a zone as UTC: take the text
			// instead, so that such dates are in the site's zone.
			if len(doc.Content) > 0 && doc.Content[0].Kind == yaml.MappingNode {
				m := doc.Content[0].Content
				for i := 0; i+1 < len(m); i += 2 {
					if isDateKey(m[i].Value) && m[i+1].Kind == yaml.ScalarNode {
						raw[m[i].Value] = m[i+1].Value
					}
				}
			}
		} else if err = toml.Unmarshal(head, &raw); err != nil {
			l := 1
			var de *toml.DecodeError
			if errors.As(err, &de) {
				r, _ := de.Position()
				l += r
			}
			return fm, nil, &ParseError{File: name, Line: l, Err: err}
		}
	case len(src) > 0 && src[0] == '{':
		dec := json.NewDecoder(bytes.NewReader(src))
		if err := dec.Decode(&raw); err != nil {
			off := dec.InputOffset()
			var se *json.SyntaxError
			if errors.As(err, &se) {
				off = se.Offset
			}
			return fm, nil, &ParseError{File: name, Line: 1 + bytes.Count(src[:min(int(off), len(src))], []byte("\n")), Err: err}
		}
		body = src[dec.InputOffset():]
	default:
		return fm, src, nil
	}
	if raw == nil {
		raw = map[string]any{}
	}
	if err := fm.fill(raw, loc); err != nil {
		return fm, nil, &ParseError{File: name, Line: 1, Err: err}
	}
	return fm, bytes.TrimLeft(body, "\r\n"), nil
}

func hasFence(src []byte, fence string) bool {
	if !bytes.HasPrefix(src, []byte(fence)) {
		return false
	}
	rest := bytes.TrimLeft(src[3:], " \t")
	return len(rest) == 0 || rest[0] == '\n' || rest[0] == '\r'
}

// splitFence returns the text between the opening fence line and the closing
// one, and what follows.
func splitFence(src []byte, fence string) (head, body []byte, line int, err error) {
	nl := bytes.IndexByte(src, '\n')
	if nl < 0 {
		return nil, nil, 1, ErrUnterminated
	}
	pos := nl + 1
	for pos <= len(src) {
		end := bytes.IndexByte(src[pos:], '\n')
		var l []byte
		if end < 0 {
			l = src[pos:]
		} else {
			l = src[pos : pos+end]
		}
		if string(bytes.TrimRight(l, " \t\r")) == fence {
			head = src[nl+1 : pos]
			if end < 0 {
				return head, nil, 0, nil
			}
			return head, src[pos+end+1:], 0, nil
		}
		if end < 0 {
			break
		}
		pos += end + 1
	}
	return nil, nil, 1, ErrUnterminated
}

func yamlLine(err error) int {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return 0
	}
	var n int
	if _, e := fmt.Sscanf(strings.TrimPrefix(err.Error(), "yaml: "), "line %d:", &n); e == nil {
		return n
	}
	return 0
}

func (fm *FrontMatter) fill(raw map[string]any, loc *time.Location) error {
	var err error
	str := func(k string) string {
		switch v := raw[k].(type) {
		case string:
			return v
		case nil:
			return ""
		default:
			return fmt.Sprint(v)
		}
	}
	date := func(k string) time.Time {
		if err != nil {
			return time.Time{}
		}
		t, e := toTime(raw[k], loc)
		if e != nil {
			err = fmt.Errorf("%s: %w", k, e)
		}
		return t
	}
	fm.Title = str("title")
	fm.Date = date("date")
	fm.PublishDate = date("publishDate")
	if fm.PublishDate.IsZero() {
		fm.PublishDate = date("publishdate")
	}
	fm.ExpiryDate = date("expiryDate")
	if fm.ExpiryDate.IsZero() {
		fm.ExpiryDate = date("expirydate")
	}
	fm.Lastmod = date("lastmod")
	if err != nil {
		return err
	}
	if d, ok := raw["draft"].(bool); ok {
		fm.Draft = d
	}
	if p, ok := raw["published"].(bool); ok && !p {
		fm.Draft = true
	}
	fm.Slug = str("slug")
	fm.URL = str("url")
	fm.Aliases = list(raw["aliases"])
	fm.Tags = list(raw["tags"])
	fm.Categories = list(raw["categories"])
	if len(fm.Categories) == 0 {
		fm.Categories = list(raw["category"])
	}
	fm.Summary = str("summary")
	if fm.Summary == "" {
		fm.Summary = str("excerpt")
	}
	fm.Description = str("description")
	switch w := raw["weight"].(type) {
	case int:
		fm.Weight = w
	case int64:
		fm.Weight = int(w)
	case float64:
		fm.Weight = int(w)
	}
	fm.Permalink = str("permalink")
	fm.ExcerptSeparator = str("excerpt_separator")
	return nil
}

// list reads a list of strings, or a string of space-separated words as
// Jekyll's categories and tags may be written.
func list(v any) []string {
	var out []string
	switch v := v.(type) {
	case string:
		out = strings.Fields(v)
	case []any:
		for _, e := range v {
			if s := strings.TrimSpace(fmt.Sprint(e)); s != "" && e != nil {
				out = append(out, s)
			}
		}
	case []string:
		out = v
	}
	return out
}

var dateKeys = []string{"date", "publishDate", "publishdate", "expiryDate", "expirydate", "lastmod"}

func isDateKey(k string) bool {
	for _, d := range dateKeys {
		if d == k {
			return true
		}
	}
	return false
}

var dateLayouts = []string{
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
}

var zonedLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -07:00",
	"2006-01-02 15:04 -0700",
	"2006-01-02T15:04:05-0700",
}

// toTime reads a date as YAML, TOML or JSON give it; one written without a
// zone is in loc.
func toTime(v any, loc *time.Location) (time.Time, error) {
	switch v := v.(type) {
	case nil:
		return time.Time{}, nil
	case time.Time:
		return v, nil
	case toml.LocalDateTime:
		return v.AsTime(loc), nil
	case toml.LocalDate:
		return v.AsTime(loc), nil
	case string:
		s := strings.TrimSpace(v)
		if s == "" {
			return time.Time{}, nil
		}
		for _, l := range zonedLayouts {
			if t, err := time.Parse(l, s); err == nil {
				return t, nil
			}
		}
		for _, l := range dateLayouts {
			if t, err := time.ParseInLocation(l, s, loc); err == nil {
				return t, nil
			}
		}
		return time.Time{}, fmt.Errorf("unreadable date %q", s)
	default:
		return time.Time{}, fmt.Errorf("unreadable date %v", v)
	}
}
