package blog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on what an author may store, unless options change them.
const (
	DefaultMaxSourceBytes = 1 << 20 // 1 MiB of Markdown or HTML
	MaxTitleBytes         = 1000
	maxSlugAttempts       = 100
)

// Blog is the service a site runs its posts through: it validates and
// renders posts when they are written, gives them unique slugs and
// permalinks, publishes and schedules them, and answers the questions
// pages ask — with visitors never seeing a draft, a pending, private or
// future post. A Blog is safe for concurrent use.
type Blog struct {
	store     Store
	loc       *time.Location
	now       func() time.Time
	log       *slog.Logger
	renderer  *Renderer
	permalink *Permalink
	maxSource int
	arch      archiveState

	// The store's optional capabilities, detected by New.
	likes     LikeStore
	redirects RedirectStore
	hook      ChangeHook
	feed      func(context.Context) <-chan Change // writes the hook does not report; nil if none
	changes   changeState
}

type config struct {
	loc       *time.Location
	now       func() time.Time
	log       *slog.Logger
	renderer  *Renderer
	renderOps []RenderOption
	permalink string
	maxSource int
}

// Option configures a [Blog].
type Option func(*config)

// WithLocation sets the site's time zone, which dates permalinks and
// archives. The default is UTC.
func WithLocation(loc *time.Location) Option { return func(c *config) { c.loc = loc } }

// WithClock sets the function the Blog asks for the time; tests pass a
// fixed or stepping clock. The default is time.Now.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithLogger sets the logger for what the Blog cannot return as an error.
// The default is slog.Default(), as every Folio package's.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.log = l } }

// WithRenderer sets the renderer posts go through when they are written.
// The default is NewRenderer() with no options.
func WithRenderer(r *Renderer) Option { return func(c *config) { c.renderer = r } }

// WithRenderOptions builds the Blog's renderer with these options; it is
// ignored when WithRenderer is given too.
func WithRenderOptions(opts ...RenderOption) Option {
	return func(c *config) { c.renderOps = append(c.renderOps, opts...) }
}

// WithPermalink sets the URL pattern of posts (see [ParsePermalink]). The
// default is DefaultPermalink.
func WithPermalink(pattern string) Option { return func(c *config) { c.permalink = pattern } }

// WithMaxSourceBytes sets the largest source (and excerpt) a post may
// have. The default is DefaultMaxSourceBytes.
func WithMaxSourceBytes(n int) Option { return func(c *config) { c.maxSource = n } }

// New returns a Blog that keeps its posts in store. It applies defaults,
// then opts, then validates them: a bad option is a [*ValidationError]
// naming it.
func New(store Store, opts ...Option) (*Blog, error) {
	if store == nil {
		return nil, &ValidationError{Field: "store", Reason: "nil"}
	}
	c := config{
		loc:       time.UTC,
		now:       time.Now,
		log:       slog.Default(),
		permalink: DefaultPermalink,
		maxSource: DefaultMaxSourceBytes,
	}
	for _, opt := range opts {
		opt(&c)
	}
	switch {
	case c.loc == nil:
		return nil, &ValidationError{Field: "location", Reason: "nil"}
	case c.now == nil:
		return nil, &ValidationError{Field: "clock", Reason: "nil"}
	case c.log == nil:
		return nil, &ValidationError{Field: "logger", Reason: "nil"}
	case c.maxSource < 1:
		return nil, &ValidationError{Field: "max source bytes", Reason: fmt.Sprintf("%d is not positive", c.maxSource)}
	}
	pl, err := ParsePermalink(c.permalink)
	if err != nil {
		return nil, err
	}
	if c.renderer == nil {
		if c.renderer, err = NewRenderer(c.renderOps...); err != nil {
			return nil, err
		}
	}
	b := &Blog{
		store:     store,
		loc:       c.loc,
		now:       c.now,
		log:       c.log,
		renderer:  c.renderer,
		permalink: pl,
		maxSource: c.maxSource,
	}
	b.detect()
	return b, nil
}

// Location returns the site's time zone.
func (b *Blog) Location() *time.Location { return b.loc }

// Permalink returns the site's URL pattern for posts.
func (b *Blog) Permalink() *Permalink { return b.permalink }

// Now returns the Blog's clock reading in UTC at microsecond precision,
// the precision every stored time has.
func (b *Blog) Now() time.Time { return b.now().UTC().Truncate(time.Microsecond) }

// PostPath returns the path of p relative to where the blog is mounted: a post's
// under the site's permalink pattern, a page's at "/SLUG/" (undated, as
// WordPress does).
func (b *Blog) PostPath(p *Post) string {
	if p.Kind == KindPage {
		return "/" + url.PathEscape(p.Slug) + "/"
	}
	return b.permalink.Path(p, b.loc)
}

// CreatePost validates p, renders it, gives it a slug and stores it as a
// new post, returning what was stored (p itself is not changed).
//
// An empty Slug is made from the title and made unique with "-2", "-3", …;
// an explicit Slug that another post has is ErrSlugTaken. An empty Status
// is a draft, empty Kind a post, empty Format Markdown, empty
// CommentStatus open. A published post without a date is dated now, and
// one dated in the future is scheduled instead; a scheduled post needs a
// date. Bad input is a [*ValidationError] naming the field, and nothing
// is stored.
func (b *Blog) CreatePost(ctx context.Context, p *Post) (*Post, error) {
	if p == nil {
		return nil, &ValidationError{Field: "post", Reason: "nil"}
	}
	q := p.Clone()
	q.ID, q.Version = 0, 0
	now := b.Now()
	q.CreatedAt, q.UpdatedAt = now, now
	explicit := q.Slug != ""
	if err := b.prepare(q, now); err != nil {
		return nil, err
	}
	if err := b.insert(ctx, q, explicit); err != nil {
		return nil, err
	}
	b.noteWrite()
	return q, nil
}

// insert stores the prepared post q, trying "-2", "-3", … after its slug
// when the slug was not chosen explicitly and is taken.
func (b *Blog) insert(ctx context.Context, q *Post, explicit bool) error {
	if explicit {
		if err := b.store.CreatePost(ctx, q); err != nil {
			return fmt.Errorf("blog: create post: %w", err)
		}
		return nil
	}
	base := q.Slug
	for n := 1; n <= maxSlugAttempts; n++ {
		if n > 1 {
			q.Slug = suffixSlug(base, n)
		}
		err := b.store.CreatePost(ctx, q)
		if err == nil {
			return nil
		}
		if !errors.Is(err, ErrSlugTaken) {
			return fmt.Errorf("blog: create post: %w", err)
		}
	}
	return fmt.Errorf("blog: create post: no free slug after %q-%d: %w", base, maxSlugAttempts, ErrSlugTaken)
}

func suffixSlug(base string, n int) string {
	suffix := fmt.Sprintf("-%d", n)
	if len(base)+len(suffix) > MaxSlugBytes {
		base = truncateSlug(base[:MaxSlugBytes-len(suffix)])
	}
	return base + suffix
}

// UpdatePost validates and re-renders p and replaces the stored post with
// the same ID, provided nobody changed it since p was read (p.Version):
// otherwise ErrConflict. A post that was public keeps its old slug as a
// previous slug when the slug changes, so old links redirect. It returns
// the stored post with its new Version; ErrNotFound if there is none.
func (b *Blog) UpdatePost(ctx context.Context, p *Post) (*Post, error) {
	if p == nil {
		return nil, &ValidationError{Field: "post", Reason: "nil"}
	}
	old, err := b.store.GetPost(ctx, p.ID)
	if err != nil {
		return nil, fmt.Errorf("blog: update post %d: %w", p.ID, err)
	}
	if old.Version != p.Version {
		return nil, fmt.Errorf("blog: update post %d: version %d, stored %d: %w", p.ID, p.Version, old.Version, ErrConflict)
	}
	q := p.Clone()
	now := b.Now()
	q.CreatedAt, q.UpdatedAt = old.CreatedAt, now
	if q.Slug == "" {
		q.Slug = old.Slug
	}
	if err := b.prepare(q, now); err != nil {
		return nil, err
	}
	q.PreviousSlugs = slices.DeleteFunc(q.PreviousSlugs, func(s string) bool { return s == q.Slug })
	if q.Slug != old.Slug && old.Status != StatusDraft && old.Status != StatusPending && !slices.Contains(q.PreviousSlugs, old.Slug) {
		q.PreviousSlugs = append(q.PreviousSlugs, old.Slug)
	}
	if err := b.store.UpdatePost(ctx, q); err != nil {
		return nil, fmt.Errorf("blog: update post %d: %w", p.ID, err)
	}
	b.noteWrite()
	return q, nil
}

// prepare validates q in place, fills its defaults and derived fields and
// renders it. now is the time of the write.
func (b *Blog) prepare(q *Post, now time.Time) error {
	bad := func(field, format string, args ...any) error {
		return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	q.Title = strings.TrimSpace(q.Title)
	switch {
	case !utf8.ValidString(q.Title):
		return bad("title", "not valid UTF-8")
	case q.Title == "":
		return bad("title", "empty")
	case len(q.Title) > MaxTitleBytes:
		return bad("title", "%d bytes, limit %d", len(q.Title), MaxTitleBytes)
	case len(q.Source) > b.maxSource:
		return bad("source", "%d bytes, limit %d", len(q.Source), b.maxSource)
	case len(q.Excerpt) > b.maxSource:
		return bad("excerpt", "%d bytes, limit %d", len(q.Excerpt), b.maxSource)
	case !utf8.ValidString(q.Source):
		return bad("source", "not valid UTF-8")
	case !utf8.ValidString(q.Excerpt):
		return bad("excerpt", "not valid UTF-8")
	case !utf8.ValidString(q.Author.Name) || !utf8.ValidString(q.Author.Email) || !utf8.ValidString(q.Author.URL):
		return bad("author", "not valid UTF-8")
	}
	if q.Kind == "" {
		q.Kind = KindPost
	}
	if q.Format == "" {
		q.Format = FormatMarkdown
	}
	if q.Status == "" {
		q.Status = StatusDraft
	}
	if q.CommentStatus == "" {
		q.CommentStatus = CommentsOpen
	}
	switch {
	case !q.Kind.Valid():
		return bad("kind", "unknown kind %q", q.Kind)
	case !q.Format.Valid():
		return bad("format", "unknown format %q", q.Format)
	case !q.Status.Valid():
		return bad("status", "unknown status %q", q.Status)
	case !q.CommentStatus.Valid():
		return bad("comment status", "unknown comment status %q", q.CommentStatus)
	}

	if q.Slug == "" {
		if q.Slug = Slugify(q.Title); q.Slug == "" {
			q.Slug = string(q.Kind)
		}
	} else {
		s, err := CheckSlug(q.Slug)
		if err != nil {
			return err
		}
		q.Slug = s
	}
	for i, s := range q.PreviousSlugs {
		c, err := CheckSlug(s)
		if err != nil {
			return bad("previous slugs", "%q: %v", s, err.(*ValidationError).Reason)
		}
		q.PreviousSlugs[i] = c
	}
	q.PreviousSlugs = dedupe(q.PreviousSlugs)
	var err error
	if q.Tags, err = checkTerms("tags", q.Tags); err != nil {
		return err
	}
	if q.Categories, err = checkTerms("categories", q.Categories); err != nil {
		return err
	}

	if !q.PublishedAt.IsZero() {
		q.PublishedAt = q.PublishedAt.UTC().Truncate(time.Microsecond)
	}
	switch q.Status {
	case StatusPublished:
		if q.PublishedAt.IsZero() {
			q.PublishedAt = now
		} else if q.PublishedAt.After(now) {
			q.Status = StatusScheduled
		}
	case StatusScheduled:
		if q.PublishedAt.IsZero() {
			return bad("published at", "a scheduled post needs a publication time")
		}
	}

	r, err := b.renderer.Render(q.Format, q.Source, q.Excerpt)
	if err != nil {
		return err
	}
	q.HTML, q.Summary, q.HasMore, q.Description, q.Text, q.Image, q.WordCount = r.HTML, r.Summary, r.HasMore, r.Description, r.Text, r.Image, r.WordCount
	return nil
}

func dedupe(s []string) []string {
	out := s[:0]
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// checkTerms trims names, makes missing slugs from names, checks given
// ones and drops later duplicates of a slug.
func checkTerms(field string, terms []Term) ([]Term, error) {
	out := make([]Term, 0, len(terms))
	for _, t := range terms {
		t.Name = strings.TrimSpace(t.Name)
		if !utf8.ValidString(t.Name) || t.Name == "" {
			return nil, &ValidationError{Field: field, Reason: fmt.Sprintf("term name %q is empty or not valid UTF-8", t.Name)}
		}
		if t.Slug == "" {
			if t.Slug = Slugify(t.Name); t.Slug == "" {
				return nil, &ValidationError{Field: field, Reason: fmt.Sprintf("term %q has no letter or digit to make a slug of", t.Name)}
			}
		} else {
			s, err := CheckSlug(t.Slug)
			if err != nil {
				return nil, &ValidationError{Field: field, Reason: fmt.Sprintf("term %q: %v", t.Name, err.(*ValidationError).Reason)}
			}
			t.Slug = s
		}
		if !slices.ContainsFunc(out, func(u Term) bool { return u.Slug == t.Slug }) {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// change reads post id, applies f to it and writes it back, reading again
// and retrying when another writer got there first: for status changes
// that do not depend on the rest of the post.
func (b *Blog) change(ctx context.Context, op string, id int64, f func(p *Post) error) (*Post, error) {
	for attempt := 0; ; attempt++ {
		p, err := b.store.GetPost(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("blog: %s post %d: %w", op, id, err)
		}
		if err := f(p); err != nil {
			return nil, err
		}
		q, err := b.UpdatePost(ctx, p)
		if errors.Is(err, ErrConflict) && attempt < 3 {
			continue
		}
		return q, err
	}
}

// Publish makes post id public now, or at the date it already has if
// that is still to come (then it is scheduled). Publishing a public post
// changes nothing. ErrNotFound if there is no such post.
func (b *Blog) Publish(ctx context.Context, id int64) (*Post, error) {
	return b.change(ctx, "publish", id, func(p *Post) error {
		if p.Status == StatusPublished {
			return nil
		}
		if p.Status != StatusScheduled || p.PublishedAt.IsZero() {
			p.PublishedAt = time.Time{}
		}
		p.Status = StatusPublished
		return nil
	})
}

// Schedule sets post id to be published at the given time. No background
// job is needed: the post becomes visible when the clock passes at, and
// [Blog.NextScheduledChange] tells a cache when that is. A time already
// past publishes the post with that date.
func (b *Blog) Schedule(ctx context.Context, id int64, at time.Time) (*Post, error) {
	if at.IsZero() {
		return nil, &ValidationError{Field: "published at", Reason: "a scheduled post needs a publication time"}
	}
	return b.change(ctx, "schedule", id, func(p *Post) error {
		p.PublishedAt = at
		p.Status = StatusScheduled
		if !at.After(b.now()) {
			p.Status = StatusPublished
		}
		return nil
	})
}

// Unpublish takes post id back to a draft, hiding it from visitors. Its
// date is kept, so publishing it again restores it where it was.
func (b *Blog) Unpublish(ctx context.Context, id int64) (*Post, error) {
	return b.change(ctx, "unpublish", id, func(p *Post) error {
		p.Status = StatusDraft
		return nil
	})
}

// DeletePost removes post id for good, or returns ErrNotFound.
func (b *Blog) DeletePost(ctx context.Context, id int64) error {
	if err := b.store.DeletePost(ctx, id); err != nil {
		return fmt.Errorf("blog: delete post %d: %w", id, err)
	}
	b.noteWrite()
	return nil
}

// GetPost returns post id whatever its status, for the site's authors and
// editors; ErrNotFound if there is none. Pages for visitors use
// [Blog.PublicPost].
func (b *Blog) GetPost(ctx context.Context, id int64) (*Post, error) {
	p, err := b.store.GetPost(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("blog: get post %d: %w", id, err)
	}
	return p, nil
}

// GetPostBySlug returns the post whatever its status whose current slug
// is slug, failing that the one that had it as a previous slug (see
// [Store.GetPostBySlug]), for the site's authors and importers;
// ErrNotFound if there is none.
func (b *Blog) GetPostBySlug(ctx context.Context, slug string) (*Post, error) {
	p, err := b.store.GetPostBySlug(ctx, slug)
	if err != nil {
		return nil, fmt.Errorf("blog: get post %q: %w", slug, err)
	}
	return p, nil
}

// PublicPost returns post id if visitors may see it now, and ErrNotFound
// otherwise, so that a draft is indistinguishable from a missing post.
func (b *Blog) PublicPost(ctx context.Context, id int64) (*Post, error) {
	p, err := b.store.GetPost(ctx, id)
	if err == nil && !p.VisibleAt(b.now()) {
		err = ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("blog: post %d: %w", id, err)
	}
	return p, nil
}

// PublicPostBySlug returns the visible post whose current or previous slug
// is slug; the caller compares the post's Slug to know whether to
// redirect. ErrNotFound otherwise.
func (b *Blog) PublicPostBySlug(ctx context.Context, slug string) (*Post, error) {
	p, err := b.store.GetPostBySlug(ctx, slug)
	if err == nil && !p.VisibleAt(b.now()) {
		err = ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("blog: post %q: %w", slug, err)
	}
	return p, nil
}

// Resolve finds the visible post a visitor's path names under the site's
// permalink pattern. When the path is not the post's canonical one — an
// old slug (under any date), a missing trailing slash — it also returns
// the canonical path to redirect to (permanently); otherwise redirect is
// "". A path that does not fit the pattern, or names no visible post, is
// ErrNotFound; so is the current slug under another date, which names a
// different post that does not exist.
func (b *Blog) Resolve(ctx context.Context, path string) (p *Post, redirect string, err error) {
	m, ok := b.permalink.Match(path)
	if !ok {
		return b.resolvePage(ctx, path)
	}
	if m.ID != 0 {
		p, err = b.PublicPost(ctx, m.ID)
		if err == nil && m.Slug != "" && m.Slug != p.Slug && !slices.Contains(p.PreviousSlugs, m.Slug) {
			err = fmt.Errorf("blog: resolve %q: slug does not match: %w", path, ErrNotFound)
		}
	} else {
		p, err = b.PublicPostBySlug(ctx, m.Slug)
		if err == nil && p.Slug == m.Slug && !m.matchesDate(p.PublishedAt, b.loc) {
			// The current slug with the wrong date: a different, missing post.
			err = fmt.Errorf("blog: resolve %q: date does not match: %w", path, ErrNotFound)
		}
	}
	if err != nil {
		return nil, "", err
	}
	canonical := b.PostPath(p)
	if canonical != escapePath(path) {
		return p, canonical, nil
	}
	return p, "", nil
}

// resolvePage finds the visible page at "/SLUG/", for a path that is not
// a permalink.
func (b *Blog) resolvePage(ctx context.Context, path string) (*Post, string, error) {
	slug := strings.Trim(path, "/")
	if slug == "" || strings.Contains(slug, "/") || !strings.HasPrefix(path, "/") {
		return nil, "", fmt.Errorf("blog: resolve %q: %w", path, ErrNotFound)
	}
	p, err := b.PublicPostBySlug(ctx, slug)
	if err == nil && p.Kind != KindPage {
		err = fmt.Errorf("blog: resolve %q: not a page: %w", path, ErrNotFound)
	}
	if err != nil {
		return nil, "", err
	}
	if canonical := b.PostPath(p); canonical != escapePath(path) {
		return p, canonical, nil
	}
	return p, "", nil
}

// escapePath percent-encodes a decoded path the way Permalink.Path does.
func escapePath(path string) string {
	parts := strings.Split(path, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// NextScheduledChange returns the earliest time after now at which a
// scheduled post becomes visible, so that a cache of listings knows when
// to expire; ok is false when nothing is scheduled.
func (b *Blog) NextScheduledChange(ctx context.Context) (at time.Time, ok bool, err error) {
	now := b.Now()
	q := PostQuery{Statuses: []Status{StatusScheduled}, From: now.Add(time.Microsecond), Ascending: true, Limit: 1}
	posts, err := b.store.ListPosts(ctx, q)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("blog: next scheduled change: %w", err)
	}
	if len(posts) == 0 {
		return time.Time{}, false, nil
	}
	return posts[0].PublishedAt, true, nil
}
