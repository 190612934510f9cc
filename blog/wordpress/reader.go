package wordpress

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ErrNotWXR is returned (wrapped, with the reason) for a file that is not a
// WordPress export: not XML, a root element other than <rss>, or an RSS
// feed without the WordPress export namespace.
var ErrNotWXR = errors.New("wordpress: not a WordPress export (WXR) file")

// Canonical names the Reader gives the namespaces WXR uses, whatever the
// version and scheme of the URI a file declares. They contain a colon, so
// no prefix a file declares can stand for them.
const (
	nsWP      = "wxr:wp"
	nsExcerpt = "wxr:excerpt"
	nsContent = "wxr:content"
	nsDC      = "wxr:dc"
)

// wxrVersion returns the WXR version a namespace URI names
// ("http://wordpress.org/export/1.2/" is "1.2"), or "".
func wxrVersion(uri string) string {
	rest, ok := strings.CutPrefix(uri, "http://")
	if !ok {
		if rest, ok = strings.CutPrefix(uri, "https://"); !ok {
			return ""
		}
	}
	switch rest {
	case "wordpress.org/export/1.0/", "wordpress.org/export/1.1/", "wordpress.org/export/1.2/":
		return rest[len("wordpress.org/export/") : len(rest)-1]
	}
	return ""
}

// canonicalSpace maps the namespace URIs of WXR to the canonical names.
func canonicalSpace(uri string) string {
	if uri == "" {
		return ""
	}
	if wxrVersion(uri) != "" {
		return nsWP
	}
	rest, ok := strings.CutPrefix(uri, "http://")
	if !ok {
		rest, _ = strings.CutPrefix(uri, "https://")
	}
	switch {
	case strings.HasPrefix(rest, "wordpress.org/export/1.") && strings.HasSuffix(rest, "/excerpt/"):
		return nsExcerpt
	case rest == "purl.org/rss/1.0/modules/content/":
		return nsContent
	case rest == "purl.org/dc/elements/1.1/":
		return nsDC
	}
	return uri
}

// spaceReader renames the namespaces of the elements a Decoder reads to the
// canonical names, so that one set of struct tags reads every version.
type spaceReader struct{ d *xml.Decoder }

func (s spaceReader) Token() (xml.Token, error) {
	t, err := s.d.Token()
	switch e := t.(type) {
	case xml.StartElement:
		e.Name.Space = canonicalSpace(e.Name.Space)
		return e, err
	case xml.EndElement:
		e.Name.Space = canonicalSpace(e.Name.Space)
		return e, err
	}
	return t, err
}

// Item is one thing a [Reader] reads: a [*Site], [*Author], [*Category],
// [*Tag] or [*Post].
type Item interface{ wxrItem() }

// Site is what a WXR file says about the site it comes from.
type Site struct {
	Title       string
	Link        string // the channel's <link>
	Description string
	Language    string
	WXRVersion  string // wp:wxr_version, or the version of the namespace URI
	BaseSiteURL string // wp:base_site_url
	BaseBlogURL string // wp:base_blog_url: where permalinks start
}

// Author is a wp:author: a user of the site, credited by login in each
// post's dc:creator.
type Author struct {
	ID          int64
	Login       string
	Email       string
	DisplayName string
	FirstName   string
	LastName    string
}

// Category is a wp:category; Parent is the slug of its parent category, or
// "" for a top-level one.
type Category struct {
	ID          int64
	Slug        string // percent-decoded
	Parent      string // percent-decoded
	Name        string
	Description string
}

// Tag is a wp:tag.
type Tag struct {
	ID          int64
	Slug        string // percent-decoded
	Name        string
	Description string
}

// Term is a category, tag or other term a post carries.
type Term struct {
	Domain string // "category", "post_tag" (also "tag" in WXR 1.0), "post_format", …
	Slug   string // the nicename, percent-decoded
	Name   string
}

// Meta is a wp:postmeta or wp:commentmeta entry.
type Meta struct {
	Key   string
	Value string
}

// Post is an <item>: a post, page, attachment, menu item or any other
// WordPress post type, with its comments.
type Post struct {
	ID            int64  // wp:post_id
	Type          string // wp:post_type: "post", "page", "attachment", "nav_menu_item", …
	Title         string
	Link          string // the permalink it had on WordPress
	GUID          string
	Creator       string // dc:creator: an author's login
	Content       string // content:encoded, as WordPress stores it
	Excerpt       string // excerpt:encoded
	Date          time.Time
	Modified      time.Time // zero when the file does not say
	Name          string    // wp:post_name, percent-decoded
	Status        string    // wp:status: "publish", "draft", "pending", "future", "private", "trash", …
	Parent        int64
	MenuOrder     int
	AttachmentURL string // wp:attachment_url: the file of an attachment
	Password      string
	Sticky        bool
	CommentStatus string // "open" or "closed"
	PingStatus    string
	Terms         []Term
	Meta          []Meta
	Comments      []Comment

	// Warnings lists values that could not be read (a malformed date,
	// say) and were left zero.
	Warnings []string
}

// Comment is a wp:comment of a post.
type Comment struct {
	ID          int64
	Parent      int64 // 0 for a top-level comment
	Author      string
	AuthorEmail string
	AuthorURL   string
	AuthorIP    string
	UserAgent   string // wp:comment_agent, when the file has it
	Date        time.Time
	Content     string
	Approved    string // "1", "0", "spam", "trash", "post-trashed"
	Type        string // "", "comment", "pingback", "trackback", …
	UserID      int64
	Meta        []Meta

	// Warnings lists values that could not be read and were left zero.
	Warnings []string
}

func (*Site) wxrItem()     {}
func (*Author) wxrItem()   {}
func (*Category) wxrItem() {}
func (*Tag) wxrItem()      {}
func (*Post) wxrItem()     {}

// MetaValue returns the value of the first entry with that key.
func (p *Post) MetaValue(key string) (string, bool) { return metaValue(p.Meta, key) }

// MetaValue returns the value of the first entry with that key.
func (c *Comment) MetaValue(key string) (string, bool) { return metaValue(c.Meta, key) }

func metaValue(m []Meta, key string) (string, bool) {
	for _, e := range m {
		if e.Key == key {
			return e.Value, true
		}
	}
	return "", false
}

// The shapes of the elements as they are in the file.

type xmlAuthor struct {
	ID          string `xml:"wxr:wp author_id"`
	Login       string `xml:"wxr:wp author_login"`
	Email       string `xml:"wxr:wp author_email"`
	DisplayName string `xml:"wxr:wp author_display_name"`
	FirstName   string `xml:"wxr:wp author_first_name"`
	LastName    string `xml:"wxr:wp author_last_name"`
}

type xmlCategory struct {
	ID          string `xml:"wxr:wp term_id"`
	Nicename    string `xml:"wxr:wp category_nicename"`
	Parent      string `xml:"wxr:wp category_parent"`
	Name        string `xml:"wxr:wp cat_name"`
	Description string `xml:"wxr:wp category_description"`
}

type xmlTag struct {
	ID          string `xml:"wxr:wp term_id"`
	Slug        string `xml:"wxr:wp tag_slug"`
	Name        string `xml:"wxr:wp tag_name"`
	Description string `xml:"wxr:wp tag_description"`
}

type xmlTerm struct {
	Domain   string `xml:"domain,attr"`
	Nicename string `xml:"nicename,attr"`
	Name     string `xml:",chardata"`
}

type xmlMeta struct {
	Key   string `xml:"wxr:wp meta_key"`
	Value string `xml:"wxr:wp meta_value"`
}

type xmlComment struct {
	ID          string    `xml:"wxr:wp comment_id"`
	Author      string    `xml:"wxr:wp comment_author"`
	AuthorEmail string    `xml:"wxr:wp comment_author_email"`
	AuthorURL   string    `xml:"wxr:wp comment_author_url"`
	AuthorIP    string    `xml:"wxr:wp comment_author_IP"`
	Agent       string    `xml:"wxr:wp comment_agent"`
	Date        string    `xml:"wxr:wp comment_date"`
	DateGMT     string    `xml:"wxr:wp comment_date_gmt"`
	Content     string    `xml:"wxr:wp comment_content"`
	Approved    string    `xml:"wxr:wp comment_approved"`
	Type        string    `xml:"wxr:wp comment_type"`
	Parent      string    `xml:"wxr:wp comment_parent"`
	UserID      string    `xml:"wxr:wp comment_user_id"`
	Meta        []xmlMeta `xml:"wxr:wp commentmeta"`
}

type xmlItem struct {
	Title         string       `xml:"title"`
	Link          string       `xml:"link"`
	GUID          string       `xml:"guid"`
	Creator       string       `xml:"wxr:dc creator"`
	Content       string       `xml:"wxr:content encoded"`
	Excerpt       string       `xml:"wxr:excerpt encoded"`
	ID            string       `xml:"wxr:wp post_id"`
	Date          string       `xml:"wxr:wp post_date"`
	DateGMT       string       `xml:"wxr:wp post_date_gmt"`
	Modified      string       `xml:"wxr:wp post_modified"`
	ModifiedGMT   string       `xml:"wxr:wp post_modified_gmt"`
	CommentStatus string       `xml:"wxr:wp comment_status"`
	PingStatus    string       `xml:"wxr:wp ping_status"`
	Name          string       `xml:"wxr:wp post_name"`
	Status        string       `xml:"wxr:wp status"`
	Parent        string       `xml:"wxr:wp post_parent"`
	MenuOrder     string       `xml:"wxr:wp menu_order"`
	AttachmentURL string       `xml:"wxr:wp attachment_url"`
	Type          string       `xml:"wxr:wp post_type"`
	Password      string       `xml:"wxr:wp post_password"`
	Sticky        string       `xml:"wxr:wp is_sticky"`
	Terms         []xmlTerm    `xml:"category"`
	Meta          []xmlMeta    `xml:"wxr:wp postmeta"`
	Comments      []xmlComment `xml:"wxr:wp comment"`
}

// Reader reads a WXR file (WordPress's export format, versions 1.0, 1.1
// and 1.2, with http or https namespace URIs) one item at a time, token by
// token, so that a large export never sits in memory whole: only the item
// being read does. A Reader is not safe for concurrent use.
type Reader struct {
	raw     *xml.Decoder // reads the bytes
	dec     *xml.Decoder // reads raw's tokens with canonical namespaces
	loc     *time.Location
	state   int
	site    *Site
	sent    bool // site was returned
	pending Item // read while the site was returned
	err     error

	// countOnly makes the Reader check items without decoding them: it
	// returns an empty *Post for each. The importer's first pass uses it.
	countOnly bool
}

const (
	stateStart = iota
	stateRSS
	stateChannel
	stateDone
)

// ReaderOption configures a [Reader].
type ReaderOption func(*Reader)

// ReaderLocation sets the time zone of the site the file comes from, in
// which its local dates (wp:post_date, wp:comment_date) are read when the
// GMT date beside them is missing or zero. The default is UTC; nil is
// ignored.
func ReaderLocation(loc *time.Location) ReaderOption {
	return func(r *Reader) {
		if loc != nil {
			r.loc = loc
		}
	}
}

// NewReader returns a Reader reading a WXR file from r.
func NewReader(r io.Reader, opts ...ReaderOption) *Reader {
	raw := xml.NewDecoder(r)
	raw.Entity = xml.HTMLEntity // &nbsp; and friends appear in hand-edited files
	rd := &Reader{raw: raw, loc: time.UTC}
	rd.dec = xml.NewTokenDecoder(spaceReader{raw})
	for _, opt := range opts {
		opt(rd)
	}
	return rd
}

// Offset returns how many bytes of the input have been read so far.
func (r *Reader) Offset() int64 { return r.raw.InputOffset() }

// Next returns the next item of the file: the [*Site] first (before the
// first author, term or post; channel fields that come later are added to
// it), then each [*Author], [*Category], [*Tag] and [*Post] in the order of
// the file. It returns io.EOF after the end of the <rss> element.
//
// A file that is not a WordPress export gives an error wrapping
// [ErrNotWXR], and malformed XML an error wrapping the [*xml.SyntaxError]
// that names the line. After an error, Next returns the same error.
func (r *Reader) Next() (Item, error) {
	if r.err != nil {
		return nil, r.err
	}
	it, err := r.next()
	if err != nil {
		r.err = err
		return nil, err
	}
	return it, nil
}

func (r *Reader) next() (Item, error) {
	if r.pending != nil {
		it := r.pending
		r.pending = nil
		return it, nil
	}
	for {
		if r.state == stateDone {
			return nil, io.EOF
		}
		t, err := r.dec.Token()
		if err != nil {
			return nil, r.fail(err)
		}
		switch e := t.(type) {
		case xml.StartElement:
			it, err := r.start(e)
			if err != nil || it != nil {
				return it, err
			}
		case xml.EndElement:
			switch {
			case r.state == stateChannel && e.Name.Local == "channel":
				r.state = stateRSS
				if !r.sent {
					r.sent = true
					return r.site, nil
				}
			case r.state == stateRSS && e.Name.Local == "rss":
				r.state = stateDone
				return nil, io.EOF
			}
		}
	}
}

// fail turns a decoding error into the error Next returns.
func (r *Reader) fail(err error) error {
	if r.state == stateStart {
		if err == io.EOF {
			return fmt.Errorf("%w: no XML element in the file", ErrNotWXR)
		}
		return fmt.Errorf("%w: %w", ErrNotWXR, err)
	}
	if err == io.EOF {
		err = &xml.SyntaxError{Msg: "unexpected end of file", Line: 0}
	}
	return fmt.Errorf("wordpress: malformed XML near byte %d: %w", r.raw.InputOffset(), err)
}

// declares reports the WXR version whose namespace e declares, or "".
func declares(e xml.StartElement) string {
	for _, a := range e.Attr {
		if a.Name.Space == "xmlns" {
			if v := wxrVersion(a.Value); v != "" {
				return v
			}
		}
	}
	return ""
}

func (r *Reader) start(e xml.StartElement) (Item, error) {
	switch r.state {
	case stateStart:
		if e.Name.Local != "rss" {
			return nil, fmt.Errorf("%w: the root element is <%s>, not <rss>", ErrNotWXR, e.Name.Local)
		}
		r.site = &Site{WXRVersion: declares(e)}
		r.state = stateRSS
		return nil, nil
	case stateRSS:
		if e.Name.Local != "channel" {
			return nil, r.skip()
		}
		if r.site.WXRVersion == "" {
			r.site.WXRVersion = declares(e)
		}
		if r.site.WXRVersion == "" {
			return nil, fmt.Errorf("%w: an RSS feed without the WordPress export namespace", ErrNotWXR)
		}
		r.state = stateChannel
		return nil, nil
	}
	// In the channel.
	var it Item
	var err error
	switch e.Name.Space {
	case "":
		var field *string
		switch e.Name.Local {
		case "title":
			field = &r.site.Title
		case "link":
			field = &r.site.Link
		case "description":
			field = &r.site.Description
		case "language":
			field = &r.site.Language
		case "item":
			if r.countOnly {
				if err = r.skip(); err == nil {
					it = &Post{}
				}
			} else {
				it, err = r.item(e)
			}
		}
		if field != nil {
			err = r.text(e, field)
		} else if it == nil && err == nil {
			err = r.skip()
		}
	case nsWP:
		switch e.Name.Local {
		case "wxr_version":
			var v string
			if err = r.text(e, &v); err == nil && strings.TrimSpace(v) != "" {
				r.site.WXRVersion = strings.TrimSpace(v)
			}
		case "base_site_url":
			err = r.text(e, &r.site.BaseSiteURL)
		case "base_blog_url":
			err = r.text(e, &r.site.BaseBlogURL)
		case "author":
			it, err = r.author(e)
		case "category":
			it, err = r.category(e)
		case "tag":
			it, err = r.tag(e)
		default:
			err = r.skip()
		}
	default:
		err = r.skip()
	}
	if err != nil {
		return nil, err
	}
	if it != nil && !r.sent {
		r.sent = true
		r.pending = it
		return r.site, nil
	}
	return it, nil
}

func (r *Reader) skip() error {
	if err := r.dec.Skip(); err != nil {
		return r.fail(err)
	}
	return nil
}

func (r *Reader) decode(v any, e xml.StartElement) error {
	if err := r.dec.DecodeElement(v, &e); err != nil {
		return r.fail(err)
	}
	return nil
}

func (r *Reader) text(e xml.StartElement, s *string) error {
	if err := r.decode(s, e); err != nil {
		return err
	}
	*s = strings.TrimSpace(*s)
	return nil
}

func (r *Reader) author(e xml.StartElement) (Item, error) {
	var x xmlAuthor
	if err := r.decode(&x, e); err != nil {
		return nil, err
	}
	return &Author{
		ID:          parseInt(x.ID),
		Login:       strings.TrimSpace(x.Login),
		Email:       strings.TrimSpace(x.Email),
		DisplayName: strings.TrimSpace(x.DisplayName),
		FirstName:   strings.TrimSpace(x.FirstName),
		LastName:    strings.TrimSpace(x.LastName),
	}, nil
}

func (r *Reader) category(e xml.StartElement) (Item, error) {
	var x xmlCategory
	if err := r.decode(&x, e); err != nil {
		return nil, err
	}
	return &Category{
		ID:          parseInt(x.ID),
		Slug:        decodeSlug(x.Nicename),
		Parent:      decodeSlug(x.Parent),
		Name:        strings.TrimSpace(x.Name),
		Description: x.Description,
	}, nil
}

func (r *Reader) tag(e xml.StartElement) (Item, error) {
	var x xmlTag
	if err := r.decode(&x, e); err != nil {
		return nil, err
	}
	return &Tag{
		ID:          parseInt(x.ID),
		Slug:        decodeSlug(x.Slug),
		Name:        strings.TrimSpace(x.Name),
		Description: x.Description,
	}, nil
}

func (r *Reader) item(e xml.StartElement) (Item, error) {
	var x xmlItem
	if err := r.decode(&x, e); err != nil {
		return nil, err
	}
	p := &Post{
		ID:            parseInt(x.ID),
		Type:          strings.TrimSpace(x.Type),
		Title:         x.Title,
		Link:          strings.TrimSpace(x.Link),
		GUID:          strings.TrimSpace(x.GUID),
		Creator:       strings.TrimSpace(x.Creator),
		Content:       x.Content,
		Excerpt:       x.Excerpt,
		Name:          decodeSlug(x.Name),
		Status:        strings.TrimSpace(x.Status),
		Parent:        parseInt(x.Parent),
		MenuOrder:     int(parseInt(x.MenuOrder)),
		AttachmentURL: strings.TrimSpace(x.AttachmentURL),
		Password:      x.Password,
		Sticky:        strings.TrimSpace(x.Sticky) == "1",
		CommentStatus: strings.TrimSpace(x.CommentStatus),
		PingStatus:    strings.TrimSpace(x.PingStatus),
	}
	if p.Type == "" {
		p.Type = "post"
	}
	warn := func(s string) { p.Warnings = append(p.Warnings, s) }
	p.Date = r.date(x.DateGMT, x.Date, "post date", warn)
	p.Modified = r.date(x.ModifiedGMT, x.Modified, "modified date", warn)
	seen := map[Term]bool{}
	for _, t := range x.Terms {
		term := Term{Domain: strings.TrimSpace(t.Domain), Slug: decodeSlug(t.Nicename), Name: strings.TrimSpace(t.Name)}
		if term.Name == "" || seen[term] {
			continue
		}
		seen[term] = true
		p.Terms = append(p.Terms, term)
	}
	// WXR 1.0 lists each category twice: once with a domain and nicename
	// and once as a bare name. Keep the bare one only when it stands alone.
	p.Terms = dropBareDuplicates(p.Terms)
	for _, m := range x.Meta {
		p.Meta = append(p.Meta, Meta{Key: strings.TrimSpace(m.Key), Value: m.Value})
	}
	for _, xc := range x.Comments {
		c := Comment{
			ID:          parseInt(xc.ID),
			Parent:      parseInt(xc.Parent),
			Author:      strings.TrimSpace(xc.Author),
			AuthorEmail: strings.TrimSpace(xc.AuthorEmail),
			AuthorURL:   strings.TrimSpace(xc.AuthorURL),
			AuthorIP:    strings.TrimSpace(xc.AuthorIP),
			UserAgent:   strings.TrimSpace(xc.Agent),
			Content:     xc.Content,
			Approved:    strings.TrimSpace(xc.Approved),
			Type:        strings.TrimSpace(xc.Type),
			UserID:      parseInt(xc.UserID),
		}
		c.Date = r.date(xc.DateGMT, xc.Date, "comment date", func(s string) { c.Warnings = append(c.Warnings, s) })
		for _, m := range xc.Meta {
			c.Meta = append(c.Meta, Meta{Key: strings.TrimSpace(m.Key), Value: m.Value})
		}
		p.Comments = append(p.Comments, c)
	}
	return p, nil
}

func dropBareDuplicates(terms []Term) []Term {
	named := map[string]bool{}
	for _, t := range terms {
		if t.Domain == "category" {
			named[t.Name] = true
		}
	}
	out := terms[:0]
	for _, t := range terms {
		if t.Domain != "" || !named[t.Name] {
			out = append(out, t)
		}
	}
	return out
}

// wpDateLayout is how WordPress writes dates.
const wpDateLayout = "2006-01-02 15:04:05"

// date returns the GMT date when it is set and valid, otherwise the local
// date read in the Reader's location, otherwise zero. WordPress writes
// "0000-00-00 00:00:00" for a date that is not set (a draft's GMT date).
func (r *Reader) date(gmt, local, what string, warn func(string)) time.Time {
	if t, ok := parseDate(gmt, time.UTC, what+" (GMT)", warn); ok {
		return t
	}
	t, _ := parseDate(local, r.loc, what, warn)
	return t
}

func parseDate(s string, loc *time.Location, what string, warn func(string)) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasPrefix(s, "0000-00-00") {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(wpDateLayout, s, loc)
	if err != nil {
		warn(fmt.Sprintf("%s %q is not a date", what, s))
		return time.Time{}, false
	}
	return t.UTC(), true
}

func parseInt(s string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// decodeSlug percent-decodes a slug as WordPress stores non-ASCII ones
// ("%d0%bf%d1%80…"); a slug that does not decode is kept as it is.
func decodeSlug(s string) string {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "%") {
		return s
	}
	d, err := url.PathUnescape(s)
	if err != nil {
		return s
	}
	return d
}
