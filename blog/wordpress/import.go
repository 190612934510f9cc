package wordpress

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

// Progress is what an import reports to the hook given with
// [WithProgress]: once per item read, in each of the two passes.
type Progress struct {
	Pass  int   // 1 while the file is checked, 2 while it is imported
	Items int   // <item> elements read so far in this pass
	Total int   // <item> elements in the file: known in pass 2, 0 in pass 1
	Bytes int64 // bytes of the file read so far in this pass
	Size  int64 // size of the file in bytes
}

// ProtectedPolicy says what becomes of a password-protected post, which
// Folio has no way to protect.
type ProtectedPolicy int

// The policies for password-protected posts.
const (
	// ProtectedPrivate imports the post as private: the site's own users
	// still see it, visitors do not. The default.
	ProtectedPrivate ProtectedPolicy = iota
	// ProtectedDraft imports the post as a draft.
	ProtectedDraft
	// ProtectedSkip leaves the post out.
	ProtectedSkip
)

// Option configures an [Importer].
type Option func(*config)

type config struct {
	progress  func(Progress)
	log       *slog.Logger
	loc       *time.Location
	pages     bool
	protected ProtectedPolicy
	batch     int

	media         MediaStore
	uploads       fs.FS
	client        *http.Client
	mediaMax      int64
	mediaProgress func(MediaProgress)
}

// WithProgress sets a function called after each item of each pass, from
// the goroutine running Import; it should return quickly.
func WithProgress(f func(Progress)) Option { return func(c *config) { c.progress = f } }

// WithLogger sets the logger the import reports each skipped item to, at
// level Info, and each note, at level Debug. The default is slog.Default().
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.log = l } }

// WithLocation sets the time zone of the WordPress site, in which dates
// the file gives only as local time are read (drafts have no GMT date).
// The default is the Blog's location.
func WithLocation(loc *time.Location) Option { return func(c *config) { c.loc = loc } }

// WithPages sets whether pages are imported (as [blog.KindPage]); the
// default is true. Left out, they are counted as skipped.
func WithPages(pages bool) Option { return func(c *config) { c.pages = pages } }

// WithProtected sets what becomes of password-protected posts; the default
// is [ProtectedPrivate], so that nothing protected becomes public.
func WithProtected(p ProtectedPolicy) Option { return func(c *config) { c.protected = p } }

// DefaultBatchPosts is how many posts, with their comments and old links,
// an import writes per [blog.Blog.Batch] unless [WithBatchPosts] says
// otherwise.
const DefaultBatchPosts = 200

// WithBatchPosts sets how many posts, with their comments and old links,
// are written in one [blog.Blog.Batch]: one transaction on a store that
// is a [blog.Batcher]. Larger batches import faster and hold the store's
// write lock longer; 1 writes each post alone. The default is
// [DefaultBatchPosts].
func WithBatchPosts(n int) Option { return func(c *config) { c.batch = n } }

// Importer imports WordPress export files into a Blog and a comment store.
// It is safe for concurrent use, though two imports into one store at the
// same time may both create a post that neither has seen yet.
type Importer struct {
	blog     *blog.Blog
	comments *comments.Service
	cfg      config
}

// NewImporter returns an Importer writing posts through b (so they are
// validated and rendered as any post is) and comments through cs
// ([comments.Service.Import], so they go through the comment pipeline).
// cs may be nil: comments are then skipped and counted. A nil b or a bad
// option is a [*blog.ValidationError].
func NewImporter(b *blog.Blog, cs *comments.Service, opts ...Option) (*Importer, error) {
	if b == nil {
		return nil, &blog.ValidationError{Field: "blog", Reason: "nil"}
	}
	cfg := config{log: slog.Default(), loc: b.Location(), pages: true, batch: DefaultBatchPosts,
		client: defaultClient, mediaMax: DefaultMediaMaxBytes}
	for _, opt := range opts {
		opt(&cfg)
	}
	switch {
	case cfg.log == nil:
		return nil, &blog.ValidationError{Field: "logger", Reason: "nil"}
	case cfg.loc == nil:
		return nil, &blog.ValidationError{Field: "location", Reason: "nil"}
	case cfg.client == nil:
		return nil, &blog.ValidationError{Field: "HTTP client", Reason: "nil"}
	case cfg.mediaMax <= 0:
		return nil, &blog.ValidationError{Field: "media max bytes", Reason: fmt.Sprintf("%d is not positive", cfg.mediaMax)}
	case cfg.batch <= 0:
		return nil, &blog.ValidationError{Field: "batch posts", Reason: fmt.Sprintf("%d is not positive", cfg.batch)}
	case cfg.protected < ProtectedPrivate || cfg.protected > ProtectedSkip:
		return nil, &blog.ValidationError{Field: "protected", Reason: fmt.Sprintf("unknown policy %d", cfg.protected)}
	}
	return &Importer{blog: b, comments: cs, cfg: cfg}, nil
}

// Import reads a WXR file and imports its posts, pages and their comments.
//
// It reads the file twice. The first pass only parses it, streaming, to
// check it and count its items: a file that is not a WordPress export
// (an error wrapping [ErrNotWXR]) or is malformed (an error wrapping the
// [*xml.SyntaxError] naming the line) is refused before anything is
// written. The second pass imports, in batches of [WithBatchPosts] posts
// with their comments and old links, each written in one
// [blog.Blog.Batch] (one transaction when the store is a
// [blog.Batcher]).
//
// Import is idempotent and resumable: a post already imported (found by
// its old "/?p=ID" link when the store keeps redirects, else by its slug,
// title and dates) is not created again, and a comment already on it (the
// same author, time and text) neither. Each post is created whole before
// its comments, and a batch is stored whole or not at all, so an import
// stopped by an error or a cancelled ctx can simply be run again to
// complete it; the Summary then counts the batches stored. A post the Blog refuses (a
// [*blog.ValidationError]) is skipped and reported; a store error stops the
// import and is returned with the Summary so far.
func (im *Importer) Import(ctx context.Context, r io.ReadSeeker) (Summary, error) {
	var sum Summary
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return sum, fmt.Errorf("wordpress: import: %w", err)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return sum, fmt.Errorf("wordpress: import: %w", err)
	}
	ch, err := im.scan(ctx, r, size)
	if err != nil {
		return sum, err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return sum, fmt.Errorf("wordpress: import: %w", err)
	}
	run := &run{im: im, sum: &sum, ch: ch, cats: map[string]bool{}, tags: map[string]bool{}, authors: map[string]bool{}, linked: map[string]bool{}}
	if im.cfg.media != nil {
		run.media = &mediaState{host: ch.mediaHost(), local: map[string]string{}, failed: map[string]bool{}, seen: map[string]bool{}, total: len(ch.mediaURLs)}
	}
	err = run.items(ctx, r, size)
	run.finish()
	return sum, err
}

// channel is what the first pass learns besides the count of items.
type channel struct {
	site       *Site
	authors    map[string]*Author // by login
	authorList []*Author
	categories []*Category
	catIDs     map[string]int64 // WordPress term IDs of categories, by checked slug
	tags       []*Tag
	items      int

	// With media only: the attachments by ID and by parent post (in menu
	// order), and every media URL the file names.
	attachments   map[int64]*attachment
	attachmentsOf map[int64][]*attachment
	mediaURLs     map[string]bool
}

// scan is the first pass.
func (im *Importer) scan(ctx context.Context, r io.Reader, size int64) (*channel, error) {
	ch := &channel{site: &Site{}, authors: map[string]*Author{}, catIDs: map[string]int64{},
		attachments: map[int64]*attachment{}, attachmentsOf: map[int64][]*attachment{}, mediaURLs: map[string]bool{}}
	rd := NewReader(r, ReaderLocation(im.cfg.loc))
	rd.countOnly = im.cfg.media == nil // media need the items' content
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("wordpress: import: %w", err)
		}
		it, err := rd.Next()
		if err == io.EOF {
			return ch, nil
		}
		if err != nil {
			return nil, err
		}
		switch it := it.(type) {
		case *Site:
			ch.site = it
		case *Author:
			if _, ok := ch.authors[it.Login]; !ok {
				ch.authors[it.Login] = it
				ch.authorList = append(ch.authorList, it)
			}
		case *Category:
			ch.categories = append(ch.categories, it)
			if it.ID > 0 {
				ch.catIDs[checkedSlug(it.Slug)] = it.ID
			}
		case *Tag:
			ch.tags = append(ch.tags, it)
		case *Post:
			if im.cfg.media != nil {
				ch.noteMedia(it)
			}
			ch.items++
			if im.cfg.progress != nil {
				im.cfg.progress(Progress{Pass: 1, Items: ch.items, Bytes: rd.Offset(), Size: size})
			}
		}
	}
}

// run is the state of one import's second pass.
type run struct {
	im      *Importer
	sum     *Summary
	ch      *channel
	cats    map[string]bool // category slugs on imported posts
	tags    map[string]bool
	authors map[string]bool // logins credited on imported posts
	noRedir bool            // the missing RedirectStore was reported
	linked  map[string]bool // categories ("cat:SLUG") and authors ("author:LOGIN") whose old links are recorded
	media   *mediaState     // nil without WithMedia
}

func (r *run) items(ctx context.Context, src io.Reader, size int64) error {
	// A goroutine reads and decodes the items while this one writes them,
	// a few ahead at most, so that memory stays bounded.
	posts := make(chan readPost, readAhead)
	stop := make(chan struct{})
	go readPosts(NewReader(src, ReaderLocation(r.im.cfg.loc)), posts, stop)
	defer func() {
		close(stop)
		for range posts { // wait for the reader to let go of src
		}
	}()
	n := 0
	for done := false; !done; {
		// One batch: up to cfg.batch posts, committed together. If it
		// fails, nothing of it is stored, and the summary forgets it too.
		saved := r.save()
		err := r.im.blog.Batch(ctx, func(ctx context.Context) error {
			for k := 0; k < r.im.cfg.batch; k++ {
				if err := ctx.Err(); err != nil {
					return fmt.Errorf("wordpress: import: %w", err)
				}
				it, ok := <-posts
				if !ok {
					done = true
					return nil
				}
				if it.err != nil {
					return it.err // the file changed since the first pass
				}
				if err := r.post(ctx, it.post); err != nil {
					return err
				}
				n++
				if r.im.cfg.progress != nil {
					r.im.cfg.progress(Progress{Pass: 2, Items: n, Total: r.ch.items, Bytes: it.offset, Size: size})
				}
			}
			return nil
		})
		if err != nil {
			if r.im.blog.CanBatch() {
				r.restore(saved)
			}
			return err
		}
	}
	return nil
}

// readAhead is how many posts the second pass decodes ahead of writing.
const readAhead = 64

// readPost is a post of the second pass, with the reader's offset after
// it, or the error that ended the reading.
type readPost struct {
	post   *Post
	offset int64
	err    error
}

// readPosts sends the posts rd reads, then closes out; it stops early
// when stop is closed.
func readPosts(rd *Reader, out chan<- readPost, stop <-chan struct{}) {
	defer close(out)
	for {
		it, err := rd.Next()
		if err == io.EOF {
			return
		}
		var rp readPost
		if err != nil {
			rp.err = err
		} else if p, ok := it.(*Post); ok {
			rp = readPost{post: p, offset: rd.Offset()}
		} else {
			continue
		}
		select {
		case out <- rp:
		case <-stop:
			return
		}
		if err != nil {
			return
		}
	}
}

// saved is what a failed batch takes back from the summary.
type saved struct {
	sum                 Summary
	cats, tags, authors map[string]bool
	linked              map[string]bool
}

func (r *run) save() saved {
	return saved{sum: *r.sum, cats: maps.Clone(r.cats), tags: maps.Clone(r.tags),
		authors: maps.Clone(r.authors), linked: maps.Clone(r.linked)}
}

func (r *run) restore(s saved) {
	*r.sum = s.sum
	r.cats, r.tags, r.authors, r.linked = s.cats, s.tags, s.authors, s.linked
}

func (r *run) skip(item, reason string) {
	r.sum.Skipped = append(r.sum.Skipped, Entry{Item: item, Reason: reason})
	r.im.cfg.log.Info("wordpress: skipped", "item", item, "reason", reason)
}

func (r *run) note(item, reason string) {
	r.sum.Notes = append(r.sum.Notes, Entry{Item: item, Reason: reason})
	r.im.cfg.log.Debug("wordpress: note", "item", item, "note", reason)
}

// describe names a WordPress post in the summary: `post 12 "Title"`.
func describe(p *Post) string {
	return fmt.Sprintf("%s %d %q", p.Type, p.ID, p.Title)
}

// post imports one item with its comments.
func (r *run) post(ctx context.Context, wp *Post) error {
	name := describe(wp)
	for _, w := range wp.Warnings {
		r.note(name, w)
	}
	var kind blog.Kind
	count := &r.sum.Posts
	switch wp.Type {
	case "post":
		kind = blog.KindPost
	case "page":
		kind, count = blog.KindPage, &r.sum.Pages
		if !r.im.cfg.pages {
			count.Skipped++
			r.skipComments(wp, name)
			r.skip(name, "pages are not imported (WithPages(false))")
			return nil
		}
	case "attachment":
		if r.media != nil {
			if wp.AttachmentURL != "" {
				_, _, err := r.bring(ctx, wp.AttachmentURL)
				return err
			}
			return nil
		}
		fallthrough
	default:
		r.sum.Other++
		r.skip(name, fmt.Sprintf("post type %q is not imported", wp.Type))
		r.skipComments(wp, name)
		return nil
	}
	status, ok := mapStatus(wp.Status)
	if !ok {
		count.Skipped++
		r.skip(name, fmt.Sprintf("status %q is not imported", wp.Status))
		r.skipComments(wp, name)
		return nil
	}
	if wp.Password != "" {
		switch r.im.cfg.protected {
		case ProtectedSkip:
			count.Skipped++
			r.skip(name, "password-protected")
			r.skipComments(wp, name)
			return nil
		case ProtectedDraft:
			status = blog.StatusDraft
			r.note(name, "password-protected: imported as a draft, without its password")
		default:
			status = blog.StatusPrivate
			r.note(name, "password-protected: imported as private, without its password")
		}
	}

	want, err := r.convert(wp, kind, status, name)
	if err != nil {
		return err
	}
	var before string // want.Source with the old media URLs
	if r.media != nil {
		if before, err = r.localMedia(ctx, want); err != nil {
			return err
		}
	}
	got, existed, err := r.find(ctx, want, wp.ID)
	if err != nil {
		return err
	}
	if existed && r.media != nil && got.Source != want.Source && r.media.oldURLs(got.Source) == before {
		// Imported before with media that were missing then: only
		// its media URLs differ, so nobody edited it since.
		got.Source, got.Excerpt = want.Source, want.Excerpt
		if got, err = r.im.blog.UpdatePost(ctx, got); err != nil {
			return fmt.Errorf("wordpress: import %s: media: %w", name, err)
		}
		r.sum.MediaUpdated++
	}
	if got == nil {
		got, err = r.im.blog.ImportPost(ctx, want)
		var ve *blog.ValidationError
		if errors.As(err, &ve) {
			count.Skipped++
			r.skip(name, ve.Error())
			r.skipComments(wp, name)
			return nil
		}
		if err != nil {
			return fmt.Errorf("wordpress: import %s: %w", name, err)
		}
		count.Imported++
	} else {
		count.Existing++
	}
	for _, t := range got.Categories {
		r.cats[t.Slug] = true
	}
	for _, t := range got.Tags {
		r.tags[t.Slug] = true
	}
	r.authors[wp.Creator] = true
	if err := r.redirect(ctx, wp, got, name); err != nil {
		return err
	}
	return r.importComments(ctx, wp, got, existed, name)
}

// mapStatus maps a WordPress status to a Folio one; ok is false for the
// statuses that are not imported (trash, auto-draft, inherit, …).
func mapStatus(s string) (blog.Status, bool) {
	switch s {
	case "publish":
		return blog.StatusPublished, true
	case "draft":
		return blog.StatusDraft, true
	case "pending":
		return blog.StatusPending, true
	case "future":
		return blog.StatusScheduled, true
	case "private":
		return blog.StatusPrivate, true
	}
	return "", false
}

// Keys of the post meta a Folio export writes, so that a Folio-to-Folio
// round trip restores what WordPress has no place for.
const (
	metaFormat      = "_folio_format"
	metaMarkdown    = "_folio_markdown"
	metaExcerptMD   = "_folio_excerpt_markdown"
	metaCreatedAt   = "_folio_created_at"
	metaUpdatedAt   = "_folio_updated_at"
	metaPublishedAt = "_folio_published_at"
	metaAuthorURL   = "_folio_author_url"
	metaUserAgent   = "_folio_user_agent"
	metaUserID      = "_folio_user_id"
	metaVerified    = "_folio_verified"
)

// convert makes the Folio post for a WordPress one.
func (r *run) convert(wp *Post, kind blog.Kind, status blog.Status, name string) (*blog.Post, error) {
	p := &blog.Post{
		Kind:          kind,
		Title:         strings.TrimSpace(wp.Title),
		Status:        status,
		Format:        blog.FormatHTML,
		Sticky:        wp.Sticky,
		CommentStatus: blog.CommentsOpen,
	}
	if p.Title == "" {
		p.Title = "(no title)"
		r.note(name, `no title: imported as "(no title)"`)
	}
	switch wp.CommentStatus {
	case "", "open":
	case "closed":
		p.CommentStatus = blog.CommentsClosed
	default:
		p.CommentStatus = blog.CommentsClosed
		r.note(name, fmt.Sprintf("comment status %q: comments closed", wp.CommentStatus))
	}
	if wp.Name != "" {
		if s, err := blog.CheckSlug(wp.Name); err == nil {
			p.Slug = s
		} else {
			r.note(name, fmt.Sprintf("slug %q cannot be used (%v): made from the title", wp.Name, err))
		}
	}
	if a := r.ch.authors[wp.Creator]; a != nil {
		p.Author = blog.Author{Name: a.DisplayName, Email: a.Email}
		if p.Author.Name == "" {
			p.Author.Name = a.Login
		}
	} else {
		p.Author.Name = wp.Creator
	}
	if u, ok := wp.MetaValue(metaAuthorURL); ok {
		p.Author.URL = u
	}

	// Dates: a draft's date is when it was written; any other post's is
	// when it was (or will be) published.
	p.CreatedAt = wp.Date
	p.UpdatedAt = wp.Modified
	if status != blog.StatusDraft && status != blog.StatusPending {
		p.PublishedAt = wp.Date
	}
	for key, t := range map[string]*time.Time{metaCreatedAt: &p.CreatedAt, metaUpdatedAt: &p.UpdatedAt, metaPublishedAt: &p.PublishedAt} {
		if v, ok := wp.MetaValue(key); ok {
			if tt, err := time.Parse(time.RFC3339Nano, v); err == nil {
				*t = tt.UTC()
			}
		}
	}
	if !p.UpdatedAt.IsZero() && p.UpdatedAt.Before(p.CreatedAt) {
		p.UpdatedAt = p.CreatedAt
	}

	// Terms.
	for _, t := range wp.Terms {
		term := blog.Term{Name: t.Name, Slug: t.Slug}
		if term.Slug != "" {
			if s, err := blog.CheckSlug(term.Slug); err == nil {
				term.Slug = s
			} else {
				term.Slug = ""
			}
		}
		if term.Slug == "" && blog.Slugify(term.Name) == "" {
			r.note(name, fmt.Sprintf("term %q has no letter or digit: left out", term.Name))
			continue
		}
		switch t.Domain {
		case "category", "":
			p.Categories = append(p.Categories, term)
		case "post_tag", "tag":
			p.Tags = append(p.Tags, term)
		}
	}

	// The body.
	format, _ := wp.MetaValue(metaFormat)
	switch format {
	case "markdown":
		p.Format = blog.FormatMarkdown
		p.Source, _ = wp.MetaValue(metaMarkdown)
		p.Excerpt, _ = wp.MetaValue(metaExcerptMD)
	case "html":
		p.Source, p.Excerpt = wp.Content, wp.Excerpt
	default:
		content := wp.Content
		if r.media != nil {
			content = r.expandGalleries(content, wp.ID)
		}
		c := ConvertContent(content)
		p.Source = c.HTML
		r.sum.Captions += c.Captions
		for _, sc := range c.Shortcodes {
			r.sum.Shortcodes++
			r.note(name, fmt.Sprintf("shortcode %s kept as a placeholder", sc))
		}
		if strings.TrimSpace(wp.Excerpt) != "" {
			p.Excerpt = ConvertContent(wp.Excerpt).HTML
		}
	}
	return p, nil
}

// find returns the post an earlier import made of this one, if any, and
// whether it found one.
func (r *run) find(ctx context.Context, want *blog.Post, wpID int64) (*blog.Post, bool, error) {
	b := r.im.blog
	if b.RedirectsEnabled() && wpID > 0 {
		id, err := b.OldPathPostID(ctx, "/?p="+strconv.FormatInt(wpID, 10))
		switch {
		case err == nil:
			p, err := b.GetPost(ctx, id)
			if err == nil && samePost(p, want) {
				return p, true, nil
			}
			if err != nil && !errors.Is(err, blog.ErrNotFound) {
				return nil, false, fmt.Errorf("wordpress: import: %w", err)
			}
		case !errors.Is(err, blog.ErrNotFound):
			return nil, false, fmt.Errorf("wordpress: import: look up redirect: %w", err)
		}
	}
	base := want.Slug
	if base == "" {
		if base = blog.Slugify(want.Title); base == "" {
			base = string(want.Kind)
		}
	}
	base, err := blog.CheckSlug(base)
	if err != nil {
		return nil, false, nil
	}
	for n := 1; n <= 100; n++ {
		slug := base
		if n > 1 {
			slug = fmt.Sprintf("%s-%d", base, n)
		}
		p, err := b.GetPostBySlug(ctx, slug)
		if errors.Is(err, blog.ErrNotFound) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("wordpress: import: %w", err)
		}
		if p.Slug != slug {
			return nil, false, nil // only an old slug: the current one is free
		}
		if samePost(p, want) {
			return p, true, nil
		}
	}
	return nil, false, nil
}

// samePost reports whether stored p is what importing want made.
func samePost(p, want *blog.Post) bool {
	if p.Kind != want.Kind || p.Title != strings.TrimSpace(want.Title) {
		return false
	}
	if !want.PublishedAt.IsZero() && !p.PublishedAt.Equal(want.PublishedAt.UTC().Truncate(time.Microsecond)) {
		return false
	}
	if !want.CreatedAt.IsZero() && !p.CreatedAt.Equal(want.CreatedAt.UTC().Truncate(time.Microsecond)) {
		return false
	}
	return true
}

// redirect records the old paths of the post.
func (r *run) redirect(ctx context.Context, wp *Post, p *blog.Post, name string) error {
	var paths []string
	if old := oldPath(wp.Link, r.base()); old != "" {
		if cur, err := url.PathUnescape(r.im.blog.PostPath(p)); err == nil && cur == old {
			r.sum.SameLinks++
		} else {
			paths = append(paths, old)
		}
	}
	if wp.ID > 0 {
		id := strconv.FormatInt(wp.ID, 10)
		if !slices.Contains(paths, "/?p="+id) {
			paths = append(paths, "/?p="+id)
		}
		if wp.Type == "page" && !slices.Contains(paths, "/?page_id="+id) {
			paths = append(paths, "/?page_id="+id)
		}
	}
	archives := r.archiveLinks(wp, p)
	if !r.im.blog.RedirectsEnabled() {
		r.sum.RedirectsSkipped += len(paths) + len(archives)
		if !r.noRedir && len(paths) > 0 {
			r.noRedir = true
			r.skip("old links", "the store keeps no redirects (it is not a blog.RedirectStore): old WordPress links will not lead to the imported posts")
		}
		return nil
	}
	for _, path := range paths {
		if err := r.im.blog.AddOldPath(ctx, path, p.ID); err != nil {
			return fmt.Errorf("wordpress: import %s: redirect %q: %w", name, path, err)
		}
		r.sum.Redirects++
	}
	for _, path := range archives {
		if err := r.im.blog.AddOldPath(ctx, path, p.ID); err != nil {
			return fmt.Errorf("wordpress: import %s: redirect %q: %w", name, path, err)
		}
		r.sum.ArchiveLinks++
	}
	return nil
}

// archiveLinks returns the old links of the category and author archives
// that p is the first published post of in this run: "/?cat=ID" with
// "/category/SLUG/?cat=ID" (which of p's categories term ID is), and
// "/?author=ID" with "/author/LOGIN/". They lead to p, from which the HTTP
// layer finds the category or the author.
func (r *run) archiveLinks(wp *Post, p *blog.Post) []string {
	if p.Kind != blog.KindPost || p.Status != blog.StatusPublished {
		return nil
	}
	var paths []string
	for _, c := range p.Categories {
		id := r.ch.catIDs[c.Slug]
		if id <= 0 || r.linked["cat:"+c.Slug] {
			continue
		}
		r.linked["cat:"+c.Slug] = true
		q := "?cat=" + strconv.FormatInt(id, 10)
		paths = append(paths, "/"+q, "/category/"+c.Slug+"/"+q)
	}
	if a := r.ch.authors[wp.Creator]; a != nil && !r.linked["author:"+a.Login] {
		r.linked["author:"+a.Login] = true
		if a.ID > 0 {
			paths = append(paths, "/?author="+strconv.FormatInt(a.ID, 10))
		}
		if nice := blog.Slugify(a.Login); nice != "" {
			paths = append(paths, "/author/"+nice+"/")
		}
	}
	return paths
}

// base is the URL the site's permalinks start with.
func (r *run) base() string {
	if r.ch.site.BaseBlogURL != "" {
		return r.ch.site.BaseBlogURL
	}
	return r.ch.site.Link
}

// oldPath returns the path of link relative to base, decoded, with its
// query; "" for no link or the site's home page.
func oldPath(link, base string) string {
	if link == "" {
		return ""
	}
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	path := u.Path
	if b, err := url.Parse(base); err == nil && (u.Host == "" || strings.EqualFold(u.Host, b.Host)) {
		if bp := strings.TrimRight(b.Path, "/"); bp != "" && (path == bp || strings.HasPrefix(path, bp+"/")) {
			path = path[len(bp):]
		}
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	} else if path == "/" {
		return ""
	}
	return path
}

func (r *run) skipComments(wp *Post, name string) {
	if n := len(wp.Comments); n > 0 {
		r.sum.Comments.Skipped += n
		r.skip(name, fmt.Sprintf("its %d comments are not imported with it", n))
	}
}

// commentKey identifies a comment for idempotency: its author, its time
// and its text.
func commentKey(c *comments.Comment) string {
	who := strings.ToLower(c.Author.Email)
	if who == "" {
		who = "\x00" + c.Author.Name
	}
	return who + "\x00" + c.CreatedAt.UTC().Format(time.RFC3339Nano) + "\x00" + c.Source
}

// importComments creates the comments of post p (made of wp), parents
// before their replies.
func (r *run) importComments(ctx context.Context, wp *Post, p *blog.Post, existed bool, name string) error {
	if len(wp.Comments) == 0 {
		return nil
	}
	if r.im.comments == nil {
		r.sum.Comments.Skipped += len(wp.Comments)
		r.skip(name, fmt.Sprintf("%d comments: no comment store", len(wp.Comments)))
		return nil
	}
	thread := strconv.FormatInt(p.ID, 10)
	have := map[string]int64{}
	if existed {
		q := comments.CommentQuery{Thread: thread, Limit: comments.MaxLimit}
		for {
			list, next, err := r.im.comments.List(ctx, q)
			if err != nil {
				return fmt.Errorf("wordpress: import %s: list comments: %w", name, err)
			}
			for _, c := range list {
				if _, ok := have[commentKey(c)]; !ok {
					have[commentKey(c)] = c.ID
				}
			}
			if next == nil {
				break
			}
			q.After = next
		}
	}

	cs := wp.Comments
	index := make(map[int64]int, len(cs)) // WordPress ID → position
	for i := range cs {
		if cs[i].ID > 0 {
			if _, dup := index[cs[i].ID]; !dup {
				index[cs[i].ID] = i
			}
		}
	}
	created := make(map[int64]int64, len(cs)) // WordPress ID → Folio ID
	handled := make([]bool, len(cs))
	waiting := map[int64][]int{} // parent's WordPress ID → positions of replies
	var stack []int
	emit := func(i int, forceTop bool) error {
		stack = append(stack[:0], i)
		for len(stack) > 0 {
			j := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if handled[j] {
				continue
			}
			handled[j] = true
			if err := r.comment(ctx, &cs[j], thread, name, created, have, forceTop && j == i); err != nil {
				return err
			}
			if id := cs[j].ID; id > 0 && index[id] == j {
				kids := waiting[id]
				delete(waiting, id)
				for k := len(kids) - 1; k >= 0; k-- {
					stack = append(stack, kids[k])
				}
			}
		}
		return nil
	}
	for i := range cs {
		c := &cs[i]
		pi, known := index[c.Parent]
		if c.Parent != 0 && c.Parent != c.ID && known && !handled[pi] {
			waiting[c.Parent] = append(waiting[c.Parent], i)
			continue
		}
		if err := emit(i, false); err != nil {
			return err
		}
	}
	// What still waits is in a cycle of replies: make it top-level.
	for i := range cs {
		if !handled[i] {
			if err := emit(i, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// comment imports one comment.
func (r *run) comment(ctx context.Context, wc *Comment, thread, post string, created map[int64]int64, have map[string]int64, forceTop bool) error {
	name := fmt.Sprintf("comment %d on %s", wc.ID, post)
	for _, w := range wc.Warnings {
		r.note(name, w)
	}
	var typ comments.Type
	switch wc.Type {
	case "", "comment":
		typ = comments.TypeComment
	case "pingback":
		typ = comments.TypePingback
	case "trackback":
		typ = comments.TypeTrackback
	default:
		r.sum.Comments.Skipped++
		r.skip(name, fmt.Sprintf("comment type %q is not imported", wc.Type))
		return nil
	}
	var status comments.Status
	switch wc.Approved {
	case "1", "approve", "approved":
		status = comments.StatusApproved
	case "0", "hold":
		status = comments.StatusPending
	case "spam":
		status = comments.StatusSpam
	case "trash", "post-trashed":
		status = comments.StatusTrash
	default:
		status = comments.StatusPending
		r.note(name, fmt.Sprintf("approval %q: held for moderation", wc.Approved))
	}
	c := &comments.Comment{
		Thread:    thread,
		Type:      typ,
		Author:    comments.Author{Name: wc.Author, Email: wc.AuthorEmail},
		Source:    wc.Content,
		Status:    status,
		Decision:  comments.Decision{Status: status, Rule: "import", Reason: "imported from WordPress"},
		CreatedAt: wc.Date.UTC().Truncate(time.Microsecond),
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = r.im.blog.Now()
		r.note(name, "no date: dated now")
	}
	if v, ok := wc.MetaValue(metaCreatedAt); ok {
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			c.CreatedAt = t.UTC().Truncate(time.Microsecond)
		}
	}
	if wc.AuthorURL != "" {
		if u, ok := comments.SafeURL(wc.AuthorURL); ok {
			c.Author.URL = u
		} else {
			r.note(name, fmt.Sprintf("author URL %q is not a safe http(s) URL: dropped", wc.AuthorURL))
		}
	}
	if wc.AuthorIP != "" {
		if a, err := netip.ParseAddr(wc.AuthorIP); err == nil {
			c.IP = a.String()
		} else {
			r.note(name, fmt.Sprintf("IP %q is not an address: dropped", wc.AuthorIP))
		}
	}
	c.UserAgent = wc.UserAgent
	if v, ok := wc.MetaValue(metaUserAgent); ok {
		c.UserAgent = v
	}
	c.UserAgent = cut(c.UserAgent, comments.MaxUserAgent)
	if v, ok := wc.MetaValue(metaUserID); ok {
		c.Author.UserID = v
	}
	if v, ok := wc.MetaValue(metaVerified); ok {
		c.Author.Verified = v == "1"
	}
	if wc.Parent != 0 {
		if id, ok := created[wc.Parent]; ok && !forceTop {
			c.ParentID = id
		} else {
			r.note(name, fmt.Sprintf("its parent comment %d is not imported: made top-level", wc.Parent))
		}
	}
	bodyHTML := ""
	if md, ok := wc.MetaValue(metaMarkdown); ok {
		c.Source = md // written on Folio: Markdown
	} else {
		bodyHTML = AutoParagraphs(wc.Content)
	}
	if id, ok := have[commentKey(c)]; ok {
		r.sum.Comments.Existing++
		if wc.ID > 0 {
			created[wc.ID] = id
		}
		return nil
	}
	stored, err := r.im.comments.Import(ctx, c, bodyHTML)
	var ve *comments.ValidationError
	switch {
	case errors.As(err, &ve), errors.Is(err, comments.ErrInvalidUTF8), errors.Is(err, comments.ErrHTMLTooLarge):
		r.sum.Comments.Skipped++
		r.skip(name, err.Error())
		return nil
	case err != nil:
		return fmt.Errorf("wordpress: import %s: %w", name, err)
	}
	r.sum.Comments.Imported++
	have[commentKey(stored)] = stored.ID
	if wc.ID > 0 {
		created[wc.ID] = stored.ID
	}
	return nil
}

// cut shortens s to at most n bytes at a character boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// finish counts the terms and authors.
func (r *run) finish() {
	s := r.sum
	s.Categories.Imported = len(r.cats)
	s.Tags.Imported = len(r.tags)
	parents := map[string]string{}
	for _, c := range r.ch.categories {
		parents[c.Slug] = c.Parent
		if !r.cats[checkedSlug(c.Slug)] {
			s.Categories.Skipped++
			r.skip(fmt.Sprintf("category %q", c.Slug), "no imported post is in it")
		}
	}
	for _, c := range r.ch.categories {
		if c.Parent == "" {
			continue
		}
		chain := []string{c.Slug}
		for p := c.Parent; p != "" && len(chain) < 50; p = parents[p] {
			if slices.Contains(chain, p) {
				break
			}
			chain = append(chain, p)
		}
		slices.Reverse(chain)
		s.CategoryPaths = append(s.CategoryPaths, strings.Join(chain, "/"))
	}
	slices.Sort(s.CategoryPaths)
	for _, t := range r.ch.tags {
		if !r.tags[checkedSlug(t.Slug)] {
			s.Tags.Skipped++
			r.skip(fmt.Sprintf("tag %q", t.Slug), "no imported post has it")
		}
	}
	for _, a := range r.ch.authorList {
		if r.authors[a.Login] {
			s.Authors.Imported++
		} else {
			s.Authors.Skipped++
			r.skip(fmt.Sprintf("author %q", a.Login), "no imported post is by them")
		}
	}
}

func checkedSlug(s string) string {
	if c, err := blog.CheckSlug(s); err == nil {
		return c
	}
	return s
}
