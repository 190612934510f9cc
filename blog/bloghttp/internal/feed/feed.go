// Package feed writes a blog's syndication feeds — RSS 2.0, Atom and JSON
// Feed 1.1 — from a [Doc] that the HTTP layer fills with posts or
// comments. It owns what every format must get right whatever the
// listing: titles and names as plain text (readers take them for HTML),
// every URL in content absolute (readers have no page to resolve them
// against), no email address anywhere, and the site's language.
package feed

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/feeds"
	"golang.org/x/net/html"
)

// Format is one of the syndication formats.
type Format int

// The formats.
const (
	RSS Format = iota
	Atom
	JSON
)

// ContentType is the media type a feed in the format is served with.
func (f Format) ContentType() string {
	switch f {
	case Atom:
		return "application/atom+xml; charset=utf-8"
	case JSON:
		return "application/feed+json; charset=utf-8"
	}
	return "application/rss+xml; charset=utf-8"
}

// ParseType returns the format a ?type= query value names ("rss", "rss2",
// "atom", "json"), def for "", and false for anything else.
func ParseType(v string, def Format) (Format, bool) {
	switch v {
	case "":
		return def, true
	case "rss", "rss2":
		return RSS, true
	case "atom":
		return Atom, true
	case "json":
		return JSON, true
	}
	return def, false
}

// Path is the path of a listing's feed in format f, given the path of its
// RSS feed: the site's main feed has /feed/atom/ and /feed.json, every
// other has RSS/atom/ and RSS?type=json.
func Path(rss string, f Format) string {
	switch f {
	case Atom:
		if rss == "/feed/" {
			return "/feed/atom/"
		}
		return rss + "atom/"
	case JSON:
		if rss == "/feed/" {
			return "/feed.json"
		}
		return rss + "?type=json"
	}
	return rss
}

// Doc is a feed before it is written in a format. Every URL in it is
// absolute.
type Doc struct {
	Title       string
	Description string
	Link        string    // the HTML page the feed follows
	Self        string    // the feed's own URL
	ID          string    // a stable identifier of the feed
	Updated     time.Time // zero when nothing is known
	Items       []Item
}

// Item is a post or a comment in a feed. Nothing in it is ever an email
// address: authors appear by name only.
type Item struct {
	Title       string
	Link        string
	ID          string
	Author      string
	SummaryHTML string // for RSS description and Atom summary
	SummaryText string // for JSON Feed summary
	Content     string // full HTML
	Published   time.Time
	Updated     time.Time
	Tags        []string
}

// Site is what a feed says of the site that publishes it.
type Site struct {
	Author   string   // the channel's author, a name
	Language string   // a BCP 47 tag, such as "en"
	Base     *url.URL // relative URLs in content resolve against it
}

// Epoch stands for "no time known": http.ServeContent omits
// Last-Modified for it, and a feed without items is dated by it.
var Epoch = time.Unix(0, 0).UTC()

// Encode writes doc in format f with gorilla/feeds, then sets what that
// package does not let a Feed say: the language, no channel editor (it
// would want an email), publication times in Atom, the feed's own URL
// and tags in JSON Feed.
func Encode(doc *Doc, f Format, site Site) ([]byte, error) {
	updated := doc.Updated
	if updated.IsZero() {
		updated = Epoch
	}
	fd := &feeds.Feed{
		Title:       PlainText(doc.Title),
		Link:        &feeds.Link{Href: doc.Link},
		Description: doc.Description,
		Author:      &feeds.Author{Name: site.Author},
		Updated:     updated.UTC(),
		Id:          doc.ID,
	}
	for _, it := range doc.Items {
		item := &feeds.Item{
			Title:       PlainText(it.Title),
			Link:        &feeds.Link{Href: it.Link},
			Description: AbsoluteHTML(it.SummaryHTML, site.Base),
			Id:          it.ID,
			IsPermaLink: "false",
			Created:     it.Published.UTC(),
			Updated:     it.Updated.UTC(),
			Content:     AbsoluteHTML(it.Content, site.Base),
		}
		if name := PlainText(it.Author); name != "" {
			item.Author = &feeds.Author{Name: name}
		}
		fd.Items = append(fd.Items, item)
	}
	var buf bytes.Buffer
	switch f {
	case Atom:
		a := (&feeds.Atom{Feed: fd}).AtomFeed()
		a.Id = doc.ID
		a.Link = &feeds.AtomLink{Href: doc.Link, Rel: "alternate", Type: "text/html"}
		for i, e := range a.Entries {
			if p := doc.Items[i].Published; !p.IsZero() {
				e.Published = p.UTC().Format(time.RFC3339)
			}
		}
		if err := feeds.WriteXML(a, &buf); err != nil {
			return nil, err
		}
	case JSON:
		j := (&feeds.JSON{Feed: fd}).JSONFeed()
		j.Language = site.Language
		j.FeedUrl = doc.Self
		j.Author = nil // deprecated in JSON Feed 1.1; Authors says it
		for i, e := range j.Items {
			e.Summary = doc.Items[i].SummaryText
			e.Tags = doc.Items[i].Tags
			e.Author = nil
		}
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(j); err != nil {
			return nil, err
		}
	default:
		c := (&feeds.Rss{Feed: fd}).RssFeed()
		// RSS wants email addresses in managingEditor and an item's
		// author; Folio shows none, so the channel has no editor and an
		// item's author is a name.
		c.ManagingEditor = ""
		c.Language = site.Language
		c.Generator = "Folio"
		if err := feeds.WriteXML(c, &buf); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// PlainText returns s with its HTML tags removed, its character
// references decoded and its runs of white space made single spaces: the
// text a feed reader shows as a title or a name. Feed formats carry
// titles as text that many readers then take for HTML, so a name typed
// as "<b>Bob</b>" must reach them as "Bob".
func PlainText(s string) string {
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

// AbsoluteHTML returns fragment with every relative URL in its href, src,
// srcset, poster and cite attributes resolved against base, since a feed
// reader has no page to resolve them against. Everything else is written
// back byte for byte.
func AbsoluteHTML(fragment string, base *url.URL) string {
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
