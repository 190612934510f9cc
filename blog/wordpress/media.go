package wordpress

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	nethtml "golang.org/x/net/html"

	"github.com/folioblog/folio/blog"
)

// MediaStore keeps the photos an import brings from the old site. The host
// supplies it ([WithMedia]): the importer owns no storage. Methods are
// called from the goroutine running Import.
type MediaStore interface {
	// MediaURL returns the URL, as posts should link it, of the file
	// stored earlier under name, and false when there is none.
	MediaURL(ctx context.Context, name string) (string, bool, error)

	// PutMedia stores data under name and returns its URL. name is the
	// file's path under wp-content/uploads ("2013/01/ferry.jpg"), cleaned:
	// relative, no "..", only letters, digits and "._-/"; the store may
	// flatten or rename it. contentType is sniffed from data: one of
	// image/jpeg, image/png, image/gif and image/webp.
	PutMedia(ctx context.Context, name, contentType string, data []byte) (string, error)
}

// DefaultMediaMaxBytes is the largest media file an import brings.
const DefaultMediaMaxBytes = 25 << 20

// MediaProgress is what an import reports to the hook given with
// [WithMediaProgress]: once per media file, brought or not.
type MediaProgress struct {
	Done  int    // files handled so far
	Total int    // files the export names (attachments, and images on the site's host)
	URL   string // the file just handled
}

// WithMedia makes the import bring the site's photos into m: the file of
// each attachment (wp:attachment_url), and each image of a post's content
// on the export's own host, are downloaded (or read from [WithUploads]),
// checked, stored, and their URLs in posts rewritten to m's. [gallery]
// shortcodes become figures of the post's attachments. A file that cannot
// be brought leaves its post imported with the old URL and one entry in
// Summary.Skipped; running the import again retries it and rewrites the
// post, unless it was edited since.
func WithMedia(m MediaStore) Option { return func(c *config) { c.media = m } }

// WithUploads makes the import read media from a copy of the old site's
// wp-content/uploads folder (os.DirFS of it), downloading only the files
// it lacks.
func WithUploads(fsys fs.FS) Option { return func(c *config) { c.uploads = fsys } }

// WithHTTPClient sets the client media are downloaded with. The default
// has a 30-second timeout per file.
func WithHTTPClient(c *http.Client) Option { return func(cf *config) { cf.client = c } }

// WithMediaMaxBytes sets the largest media file brought (default
// DefaultMediaMaxBytes); larger ones are skipped.
func WithMediaMaxBytes(n int64) Option { return func(c *config) { c.mediaMax = n } }

// WithMediaProgress sets a function called after each media file.
func WithMediaProgress(f func(MediaProgress)) Option { return func(c *config) { c.mediaProgress = f } }

// attachment is what the first pass keeps of an attachment item.
type attachment struct {
	id, parent int64
	order      int
	url        string
	title      string
	caption    string
}

// mediaTypes are the content types brought, by sniffing.
var mediaTypes = []string{"image/jpeg", "image/png", "image/gif", "image/webp"}

// mediaState is one run's media: what was brought, what failed.
type mediaState struct {
	host   string            // the export's own host, lower case
	local  map[string]string // old URL → new URL
	failed map[string]bool   // old URLs reported as not brought
	done   int
	total  int
	seen   map[string]bool // URLs counted towards done
}

// mediaHost returns the host of the export's site.
func (ch *channel) mediaHost() string {
	for _, raw := range []string{ch.site.BaseSiteURL, ch.site.BaseBlogURL, ch.site.Link} {
		if u, err := url.Parse(raw); err == nil && u.Host != "" {
			return strings.ToLower(u.Host)
		}
	}
	return ""
}

// ownImage reports whether raw is an absolute URL on the export's host.
func (m *mediaState) ownImage(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && m.host != "" && strings.EqualFold(u.Host, m.host)
}

// mediaName returns the cleaned name of the file at raw: its path under
// wp-content/uploads, else its whole path; "" when nothing usable is left.
func mediaName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	p := u.Path
	if i := strings.Index(p, "/wp-content/uploads/"); i >= 0 {
		p = p[i+len("/wp-content/uploads/"):]
	}
	p = path.Clean("/" + p)[1:]
	var b strings.Builder
	for _, r := range p {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-', r == '/':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	name := b.String()
	for _, seg := range strings.Split(name, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return ""
		}
	}
	return name
}

// bring returns the local URL of the file at raw, storing it first when
// needed; ok is false when it could not be brought (reported once).
func (r *run) bring(ctx context.Context, raw string) (string, bool, error) {
	m := r.media
	if to, ok := m.local[raw]; ok {
		return to, true, nil
	}
	if m.failed[raw] {
		return "", false, nil
	}
	defer func() {
		if !m.seen[raw] {
			m.seen[raw] = true
			m.done++
			if f := r.im.cfg.mediaProgress; f != nil {
				f(MediaProgress{Done: m.done, Total: max(m.total, m.done), URL: raw})
			}
		}
	}()
	fail := func(reason string) (string, bool, error) {
		m.failed[raw] = true
		r.sum.Media.Skipped++
		r.skip("media "+raw, reason)
		return "", false, nil
	}
	name := mediaName(raw)
	if name == "" {
		return fail("no file name in the URL")
	}
	store := r.im.cfg.media
	if to, ok, err := store.MediaURL(ctx, name); err != nil {
		return "", false, fmt.Errorf("wordpress: media %s: %w", name, err)
	} else if ok {
		m.local[raw] = to
		r.sum.Media.Existing++
		return to, true, nil
	}
	data, err := r.fetch(ctx, raw, name)
	if err != nil {
		if ctx.Err() != nil {
			return "", false, fmt.Errorf("wordpress: import: %w", ctx.Err())
		}
		return fail(err.Error())
	}
	ctype := http.DetectContentType(data)
	if !slices.Contains(mediaTypes, ctype) {
		return fail(fmt.Sprintf("content is %s, not a JPEG, PNG, GIF or WebP image", ctype))
	}
	to, err := store.PutMedia(ctx, name, ctype, data)
	if err != nil {
		return "", false, fmt.Errorf("wordpress: media %s: %w", name, err)
	}
	m.local[raw] = to
	r.sum.Media.Imported++
	return to, true, nil
}

// fetch reads the file at raw from the uploads copy, else over HTTP, up to
// the size limit.
func (r *run) fetch(ctx context.Context, raw, name string) ([]byte, error) {
	limit := r.im.cfg.mediaMax
	if fsys := r.im.cfg.uploads; fsys != nil && fs.ValidPath(name) {
		if f, err := fsys.Open(name); err == nil {
			defer f.Close()
			return readLimited(f, limit)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, fmt.Errorf("bad URL: %v", err)
	}
	res, err := r.im.cfg.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download failed: %v", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download failed: %s", res.Status)
	}
	if res.ContentLength > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return readLimited(res.Body, limit)
}

func readLimited(rd io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(rd, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read failed: %v", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return data, nil
}

var reGallery = regexp.MustCompile(`\[gallery(\s[^\]]*)?\]`)

// expandGalleries replaces each [gallery] shortcode of content by figures
// of the attachments it shows: those listed by ids="…", else the post's
// own, in menu order. A gallery with none is left as it is.
func (r *run) expandGalleries(content string, postID int64) string {
	if !strings.Contains(content, "[gallery") {
		return content
	}
	return reGallery.ReplaceAllStringFunc(content, func(sc string) string {
		attrs := parseAttrs(strings.TrimSuffix(strings.TrimPrefix(sc, "[gallery"), "]"))
		var list []*attachment
		if ids := strings.TrimSpace(attrs["ids"] + attrs["include"]); ids != "" {
			for _, f := range strings.Split(ids, ",") {
				id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
				if a := r.ch.attachments[id]; err == nil && a != nil {
					list = append(list, a)
				}
			}
		} else {
			list = r.ch.attachmentsOf[postID]
		}
		if len(list) == 0 {
			return sc
		}
		var b strings.Builder
		b.WriteString("\n\n")
		for _, a := range list {
			b.WriteString(`<figure class="gallery-item"><img src="` + html.EscapeString(a.url) + `" alt="` + html.EscapeString(a.title) + `">`)
			if a.caption != "" {
				b.WriteString("<figcaption>" + html.EscapeString(a.caption) + "</figcaption>")
			}
			b.WriteString("</figure>\n\n")
		}
		r.sum.Galleries++
		return b.String()
	})
}

// mediaURLs returns the URLs of content's images on the export's host:
// img src, and links to image files (a photo linked to its full size).
func (m *mediaState) mediaURLs(content string) []string {
	var out []string
	mapURLs(content, func(tag, attr, val string) (string, bool) {
		if m.ownImage(val) && (tag == "img" || isImagePath(val)) && !slices.Contains(out, val) {
			out = append(out, val)
		}
		return val, false
	})
	return out
}

// isImagePath reports whether raw names a file with an image extension.
func isImagePath(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch strings.ToLower(path.Ext(u.Path)) {
	case ".jpg", ".jpeg", ".png", ".gif", ".webp":
		return true
	}
	return false
}

// mapURLs rewrites the src of img and the href of a elements of fragment
// with f, which returns the new value and true to change it. An img whose
// src changes loses its srcset and sizes, which list the old site's
// resized copies. The rest is written back byte for byte.
func mapURLs(fragment string, f func(tag, attr, val string) (string, bool)) string {
	if !strings.Contains(fragment, "<") {
		return fragment
	}
	var b bytes.Buffer
	z := nethtml.NewTokenizer(strings.NewReader(fragment))
	for {
		tt := z.Next()
		switch tt {
		case nethtml.ErrorToken:
			return b.String()
		case nethtml.StartTagToken, nethtml.SelfClosingTagToken:
			raw := string(z.Raw())
			tok := z.Token()
			want := map[string]string{"img": "src", "a": "href"}[tok.Data]
			changed := false
			for i, a := range tok.Attr {
				if want != "" && a.Key == want && a.Namespace == "" {
					if v, ok := f(tok.Data, a.Key, a.Val); ok {
						tok.Attr[i].Val, changed = v, true
					}
				}
			}
			if changed && tok.Data == "img" {
				tok.Attr = slices.DeleteFunc(tok.Attr, func(a nethtml.Attribute) bool { return a.Key == "srcset" || a.Key == "sizes" })
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

// defaultClient downloads media when the host gives no client.
var defaultClient = &http.Client{Timeout: 30 * time.Second}

// noteMedia records, in the first pass, an attachment and the media URLs
// an item names.
func (ch *channel) noteMedia(it *Post) {
	switch it.Type {
	case "attachment":
		if it.AttachmentURL == "" {
			return
		}
		a := &attachment{id: it.ID, parent: it.Parent, order: it.MenuOrder, url: it.AttachmentURL,
			title: strings.TrimSpace(it.Title), caption: strings.TrimSpace(it.Excerpt)}
		ch.attachments[a.id] = a
		if a.parent > 0 {
			list := append(ch.attachmentsOf[a.parent], a)
			slices.SortStableFunc(list, func(x, y *attachment) int {
				if x.order != y.order {
					return x.order - y.order
				}
				return int(x.id - y.id)
			})
			ch.attachmentsOf[a.parent] = list
		}
		ch.mediaURLs[a.url] = true
	case "post", "page":
		m := &mediaState{host: ch.mediaHost()}
		for _, u := range m.mediaURLs(it.Content) {
			ch.mediaURLs[u] = true
		}
	}
}

// localMedia brings the media of p's source and excerpt (converted from
// WordPress's HTML) and rewrites their URLs to the local ones. It returns
// the source as it was, with the old URLs.
func (r *run) localMedia(ctx context.Context, p *blog.Post) (string, error) {
	before := p.Source
	if p.Format != blog.FormatHTML {
		return before, nil
	}
	for _, field := range []*string{&p.Source, &p.Excerpt} {
		for _, u := range r.media.mediaURLs(*field) {
			if _, _, err := r.bring(ctx, u); err != nil {
				return "", err
			}
		}
		*field = mapURLs(*field, func(_, _, val string) (string, bool) {
			to, ok := r.media.local[val]
			return to, ok
		})
	}
	return before, nil
}

// oldURLs returns source with the local URLs of media this run brought or
// found put back to their old ones.
func (m *mediaState) oldURLs(source string) string {
	back := make(map[string]string, len(m.local))
	for from, to := range m.local {
		back[to] = from
	}
	return mapURLs(source, func(_, _, val string) (string, bool) {
		from, ok := back[val]
		return from, ok
	})
}
