package wordpress

import (
	"bufio"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

// ExportOption configures [Export].
type ExportOption func(*exportConfig)

type exportConfig struct {
	title string
	base  string
	now   func() time.Time
}

// ExportTitle sets the site title written in the channel; the default is
// "Folio".
func ExportTitle(title string) ExportOption { return func(c *exportConfig) { c.title = title } }

// ExportBaseURL sets the address the blog is served at
// ("https://example.com/blog"), which makes the posts' links absolute and
// is written as base_site_url and base_blog_url. The default is "".
func ExportBaseURL(u string) ExportOption {
	return func(c *exportConfig) { c.base = strings.TrimRight(u, "/") }
}

// ExportClock sets the clock dating the export (the channel's pubDate);
// the default is time.Now.
func ExportClock(now func() time.Time) ExportOption { return func(c *exportConfig) { c.now = now } }

// Export writes every post and page of b, of every status, with the
// comments cs holds on them (cs may be nil), as a WXR 1.2 file that
// WordPress's importer reads: authors, categories and tags first, then an
// item per post with its comments threaded by wp:comment_parent.
//
// WordPress stores HTML, so a Markdown post's content:encoded is its
// rendered HTML (and excerpt:encoded its rendered hand-written excerpt);
// its Markdown goes into the post meta _folio_markdown (and
// _folio_excerpt_markdown) and its format into _folio_format, which an
// [Importer] reads back, so that a Folio-to-Folio round trip restores the
// source exactly. The meta _folio_created_at, _folio_updated_at and
// _folio_published_at keep times to the microsecond; a comment written as
// Markdown carries its source the same way. Post and comment IDs are
// Folio's. It returns the first error of the store or of w.
func Export(ctx context.Context, w io.Writer, b *blog.Blog, cs comments.Store, opts ...ExportOption) error {
	cfg := exportConfig{title: "Folio", now: time.Now}
	for _, opt := range opts {
		opt(&cfg)
	}
	e := &exporter{b: b, cs: cs, cfg: cfg, w: bufio.NewWriter(w), loc: b.Location(),
		logins: map[blog.Author]string{}, taken: map[string]bool{}}
	if err := e.export(ctx); err != nil {
		return fmt.Errorf("wordpress: export: %w", err)
	}
	if err := e.w.Flush(); err != nil {
		return fmt.Errorf("wordpress: export: %w", err)
	}
	return nil
}

type exporter struct {
	b   *blog.Blog
	cs  comments.Store
	cfg exportConfig
	w   *bufio.Writer
	loc *time.Location

	authors []blog.Author
	logins  map[blog.Author]string // author (without URL) → login
	taken   map[string]bool
	cats    []blog.Term
	tags    []blog.Term
}

// eachPost calls f for every post of the store, newest first.
func (e *exporter) eachPost(ctx context.Context, f func(*blog.Post) error) error {
	q := blog.PostQuery{Limit: blog.MaxLimit}
	for {
		posts, err := e.b.ListAll(ctx, q)
		if err != nil {
			return err
		}
		for _, p := range posts {
			if err := f(p); err != nil {
				return err
			}
		}
		if len(posts) < q.EffectiveLimit() {
			return nil
		}
		q.After = blog.CursorOf(posts[len(posts)-1])
	}
}

func authorKey(a blog.Author) blog.Author { return blog.Author{Name: a.Name, Email: a.Email} }

func (e *exporter) export(ctx context.Context) error {
	seenCat, seenTag := map[string]bool{}, map[string]bool{}
	err := e.eachPost(ctx, func(p *blog.Post) error {
		k := authorKey(p.Author)
		if _, ok := e.logins[k]; !ok {
			login := blog.Slugify(k.Name)
			if login == "" {
				login = "author"
			}
			base := login
			for n := 2; e.taken[login]; n++ {
				login = base + "-" + strconv.Itoa(n)
			}
			e.taken[login] = true
			e.logins[k] = login
			e.authors = append(e.authors, k)
		}
		for _, t := range p.Categories {
			if !seenCat[t.Slug] {
				seenCat[t.Slug] = true
				e.cats = append(e.cats, t)
			}
		}
		for _, t := range p.Tags {
			if !seenTag[t.Slug] {
				seenTag[t.Slug] = true
				e.tags = append(e.tags, t)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	w := e.w
	w.WriteString(xml.Header)
	w.WriteString(`<rss version="2.0"` +
		` xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"` +
		` xmlns:content="http://purl.org/rss/1.0/modules/content/"` +
		` xmlns:wfw="http://wellformedweb.org/CommentAPI/"` +
		` xmlns:dc="http://purl.org/dc/elements/1.1/"` +
		` xmlns:wp="http://wordpress.org/export/1.2/">` + "\n<channel>\n")
	e.elem("title", e.cfg.title)
	e.elem("link", e.cfg.base)
	e.elem("description", "")
	e.elem("pubDate", e.cfg.now().UTC().Format(time.RFC1123Z))
	e.elem("language", "")
	e.elem("wp:wxr_version", "1.2")
	e.elem("wp:base_site_url", e.cfg.base)
	e.elem("wp:base_blog_url", e.cfg.base)
	for i, a := range e.authors {
		w.WriteString("<wp:author>")
		e.elem("wp:author_id", strconv.Itoa(i+1))
		e.cdata("wp:author_login", e.logins[a])
		e.cdata("wp:author_email", a.Email)
		e.cdata("wp:author_display_name", a.Name)
		e.cdata("wp:author_first_name", "")
		e.cdata("wp:author_last_name", "")
		w.WriteString("</wp:author>\n")
	}
	for i, t := range e.cats {
		w.WriteString("<wp:category>")
		e.elem("wp:term_id", strconv.Itoa(i+1))
		e.cdata("wp:category_nicename", t.Slug)
		e.cdata("wp:category_parent", "")
		e.cdata("wp:cat_name", t.Name)
		w.WriteString("</wp:category>\n")
	}
	for i, t := range e.tags {
		w.WriteString("<wp:tag>")
		e.elem("wp:term_id", strconv.Itoa(len(e.cats)+i+1))
		e.cdata("wp:tag_slug", t.Slug)
		e.cdata("wp:tag_name", t.Name)
		w.WriteString("</wp:tag>\n")
	}
	e.elem("generator", "Folio")
	err = e.eachPost(ctx, func(p *blog.Post) error { return e.item(ctx, p) })
	if err != nil {
		return err
	}
	w.WriteString("</channel>\n</rss>\n")
	return nil
}

// The WordPress statuses of Folio's.
var wpStatus = map[blog.Status]string{
	blog.StatusPublished: "publish",
	blog.StatusDraft:     "draft",
	blog.StatusPending:   "pending",
	blog.StatusScheduled: "future",
	blog.StatusPrivate:   "private",
}

var wpCommentStatus = map[comments.Status]string{
	comments.StatusApproved: "1",
	comments.StatusPending:  "0",
	comments.StatusSpam:     "spam",
	comments.StatusTrash:    "trash",
}

func (e *exporter) item(ctx context.Context, p *blog.Post) error {
	w := e.w
	w.WriteString("<item>\n")
	e.elem("title", p.Title)
	e.elem("link", e.cfg.base+e.b.PostPath(p))
	if !p.PublishedAt.IsZero() {
		e.elem("pubDate", p.PublishedAt.UTC().Format(time.RFC1123Z))
	}
	e.cdata("dc:creator", e.logins[authorKey(p.Author)])
	w.WriteString(`<guid isPermaLink="false">`)
	e.text(e.cfg.base + "/?p=" + strconv.FormatInt(p.ID, 10))
	w.WriteString("</guid>\n")
	e.elem("description", "")
	content, excerpt := p.Source, p.Excerpt
	if p.Format == blog.FormatMarkdown {
		content, excerpt = string(p.HTML), ""
		if p.Excerpt != "" {
			excerpt = string(p.Summary)
		}
	}
	e.cdata("content:encoded", content)
	e.cdata("excerpt:encoded", excerpt)
	e.elem("wp:post_id", strconv.FormatInt(p.ID, 10))
	date := p.PublishedAt
	gmt := ""
	if date.IsZero() {
		date = p.CreatedAt
		gmt = "0000-00-00 00:00:00"
	}
	if gmt == "" {
		gmt = date.UTC().Format(wpDateLayout)
	}
	e.cdata("wp:post_date", date.In(e.loc).Format(wpDateLayout))
	e.cdata("wp:post_date_gmt", gmt)
	e.cdata("wp:post_modified", p.UpdatedAt.In(e.loc).Format(wpDateLayout))
	e.cdata("wp:post_modified_gmt", p.UpdatedAt.UTC().Format(wpDateLayout))
	e.cdata("wp:comment_status", string(p.CommentStatus))
	e.cdata("wp:ping_status", "closed")
	e.cdata("wp:post_name", p.Slug)
	e.cdata("wp:status", wpStatus[p.Status])
	e.elem("wp:post_parent", "0")
	e.elem("wp:menu_order", "0")
	e.cdata("wp:post_type", string(p.Kind))
	e.cdata("wp:post_password", "")
	sticky := "0"
	if p.Sticky {
		sticky = "1"
	}
	e.elem("wp:is_sticky", sticky)
	for _, t := range p.Categories {
		e.term("category", t)
	}
	for _, t := range p.Tags {
		e.term("post_tag", t)
	}
	e.meta("wp:postmeta", metaFormat, string(p.Format))
	if p.Format == blog.FormatMarkdown {
		e.meta("wp:postmeta", metaMarkdown, p.Source)
		if p.Excerpt != "" {
			e.meta("wp:postmeta", metaExcerptMD, p.Excerpt)
		}
	}
	e.meta("wp:postmeta", metaCreatedAt, p.CreatedAt.UTC().Format(time.RFC3339Nano))
	e.meta("wp:postmeta", metaUpdatedAt, p.UpdatedAt.UTC().Format(time.RFC3339Nano))
	if !p.PublishedAt.IsZero() {
		e.meta("wp:postmeta", metaPublishedAt, p.PublishedAt.UTC().Format(time.RFC3339Nano))
	}
	if p.Author.URL != "" {
		e.meta("wp:postmeta", metaAuthorURL, p.Author.URL)
	}
	if e.cs != nil {
		if err := e.comments(ctx, p); err != nil {
			return err
		}
	}
	w.WriteString("</item>\n")
	return nil
}

func (e *exporter) comments(ctx context.Context, p *blog.Post) error {
	q := comments.CommentQuery{Thread: strconv.FormatInt(p.ID, 10), Limit: comments.MaxLimit}
	for {
		list, err := e.cs.ListComments(ctx, q)
		if err != nil {
			return err
		}
		for _, c := range list {
			e.comment(c)
		}
		if len(list) < q.EffectiveLimit() {
			return nil
		}
		q.After = comments.CursorOf(list[len(list)-1])
	}
}

func (e *exporter) comment(c *comments.Comment) {
	w := e.w
	w.WriteString("<wp:comment>\n")
	e.elem("wp:comment_id", strconv.FormatInt(c.ID, 10))
	e.cdata("wp:comment_author", c.Author.Name)
	e.cdata("wp:comment_author_email", c.Author.Email)
	e.elem("wp:comment_author_url", c.Author.URL)
	e.elem("wp:comment_author_IP", c.IP)
	e.elem("wp:comment_date", c.CreatedAt.In(e.loc).Format(wpDateLayout))
	e.elem("wp:comment_date_gmt", c.CreatedAt.UTC().Format(wpDateLayout))
	// A comment imported from WordPress keeps its HTML source; one written
	// on Folio is Markdown: WordPress gets the HTML, Folio the Markdown.
	imported := c.Decision.Rule == "import"
	if imported {
		e.cdata("wp:comment_content", c.Source)
	} else {
		e.cdata("wp:comment_content", string(c.HTML))
	}
	e.cdata("wp:comment_approved", wpCommentStatus[c.Status])
	e.cdata("wp:comment_type", string(c.Type))
	e.elem("wp:comment_parent", strconv.FormatInt(c.ParentID, 10))
	e.elem("wp:comment_user_id", "0")
	if !imported {
		e.meta("wp:commentmeta", metaMarkdown, c.Source)
	}
	e.meta("wp:commentmeta", metaCreatedAt, c.CreatedAt.UTC().Format(time.RFC3339Nano))
	if c.UserAgent != "" {
		e.meta("wp:commentmeta", metaUserAgent, c.UserAgent)
	}
	if c.Author.UserID != "" {
		e.meta("wp:commentmeta", metaUserID, c.Author.UserID)
	}
	if c.Author.Verified {
		e.meta("wp:commentmeta", metaVerified, "1")
	}
	w.WriteString("</wp:comment>\n")
}

func (e *exporter) term(domain string, t blog.Term) {
	e.w.WriteString(`<category domain="` + domain + `" nicename="`)
	e.text(t.Slug)
	e.w.WriteString(`">`)
	e.cdataText(t.Name)
	e.w.WriteString("</category>\n")
}

func (e *exporter) meta(elem, key, value string) {
	e.w.WriteString("<" + elem + ">")
	e.cdata("wp:meta_key", key)
	e.cdata("wp:meta_value", value)
	e.w.WriteString("</" + elem + ">\n")
}

// elem writes an element with escaped text.
func (e *exporter) elem(name, s string) {
	e.w.WriteString("<" + name + ">")
	e.text(s)
	e.w.WriteString("</" + name + ">\n")
}

// cdata writes an element with its text in a CDATA section.
func (e *exporter) cdata(name, s string) {
	e.w.WriteString("<" + name + ">")
	e.cdataText(s)
	e.w.WriteString("</" + name + ">\n")
}

func (e *exporter) text(s string) { _ = xml.EscapeText(e.w, []byte(xmlChars(s))) }

// cdataText writes s as CDATA, splitting the section around each "]]>"
// (which cannot appear inside one).
func (e *exporter) cdataText(s string) {
	if s == "" {
		return
	}
	e.w.WriteString("<![CDATA[")
	e.w.WriteString(strings.ReplaceAll(xmlChars(s), "]]>", "]]]]><![CDATA[>"))
	e.w.WriteString("]]>")
}

// xmlChars replaces the characters XML 1.0 does not allow (most control
// characters) with U+FFFD.
func xmlChars(s string) string {
	ok := true
	for _, r := range s {
		if !isXMLChar(r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isXMLChar(r) {
			return r
		}
		return utf8.RuneError
	}, s)
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
