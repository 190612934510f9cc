package memstore

import (
	"context"
	"fmt"
	"html"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/folioblog/folio/blog"
)

var (
	_ blog.PostSearcher = (*Store)(nil)
	_ blog.MonthCounter = (*Store)(nil)
)

// postTable holds the posts of a Store with the indexes its queries need.
// Every field is guarded by mu. A stored post is never changed: an update
// stores a new copy in its place.
type postTable struct {
	mu     sync.RWMutex
	nextID int64
	byID   map[int64]*blog.Post
	// bySlug maps a current slug to its post's ID.
	bySlug map[string]int64
	// byPrevSlug maps a previous slug to the IDs of the posts listing it.
	byPrevSlug map[string]map[int64]struct{}
	// order holds every post in ascending listing key (PublishedAt, ID):
	// the oldest first, so that publishing a new post usually appends.
	// A listing walks it from the end.
	order []entry
}

// key is a post's place in a listing: its PublishedAt (as seconds and
// nanoseconds since 1970, so that comparing needs no pointer) and its ID.
type key struct {
	sec  int64
	nsec int32
	id   int64
}

func keyOf(t time.Time, id int64) key {
	return key{sec: t.Unix(), nsec: int32(t.Nanosecond()), id: id}
}

// less reports whether k sorts before o in ascending order, that is
// whether it is the older of the two.
func (k key) less(o key) bool {
	if k.sec != o.sec {
		return k.sec < o.sec
	}
	if k.nsec != o.nsec {
		return k.nsec < o.nsec
	}
	return k.id < o.id
}

// entry is a post in t.order, with its key kept beside it so that
// searching and counting touch no post.
type entry struct {
	key
	post *blog.Post
}

func (t *postTable) init() {
	t.nextID = 1
	t.byID = make(map[int64]*blog.Post)
	t.bySlug = make(map[string]int64)
	t.byPrevSlug = make(map[string]map[int64]struct{})
	t.order = nil
}

// seek returns the index of the first post in t.order whose key is not
// less than (pub, id).
func (t *postTable) seek(pub time.Time, id int64) int {
	k := keyOf(pub, id)
	lo, hi := 0, len(t.order)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.order[m].less(k) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// insert stores p (owned by t) in every index. The caller holds mu and has
// checked that its slug is free.
func (t *postTable) insert(p *blog.Post) {
	t.index(p)
	i := t.seek(p.PublishedAt, p.ID)
	t.order = slices.Insert(t.order, i, entry{keyOf(p.PublishedAt, p.ID), p})
}

// remove drops p, the stored post, from every index. The caller holds mu.
func (t *postTable) remove(p *blog.Post) {
	t.unindex(p)
	if i := t.seek(p.PublishedAt, p.ID); i < len(t.order) && t.order[i].id == p.ID {
		t.order = slices.Delete(t.order, i, i+1)
	}
}

// replace puts p, the new version of old, in old's place in every index.
// The caller holds mu and has checked that p's slug is free.
func (t *postTable) replace(old, p *blog.Post) {
	k := keyOf(p.PublishedAt, p.ID)
	if k != keyOf(old.PublishedAt, old.ID) {
		t.remove(old)
		t.insert(p)
		return
	}
	// The post keeps its place in the listing: no need to move the
	// entries after it.
	t.unindex(old)
	t.index(p)
	if i := t.seek(p.PublishedAt, p.ID); i < len(t.order) && t.order[i].id == p.ID {
		t.order[i].post = p
	}
}

// index adds p to the maps. The caller holds mu.
func (t *postTable) index(p *blog.Post) {
	t.byID[p.ID] = p
	t.bySlug[p.Slug] = p.ID
	for _, s := range p.PreviousSlugs {
		ids := t.byPrevSlug[s]
		if ids == nil {
			ids = make(map[int64]struct{}, 1)
			t.byPrevSlug[s] = ids
		}
		ids[p.ID] = struct{}{}
	}
}

// unindex removes p from the maps. The caller holds mu.
func (t *postTable) unindex(p *blog.Post) {
	delete(t.byID, p.ID)
	if t.bySlug[p.Slug] == p.ID {
		delete(t.bySlug, p.Slug)
	}
	for _, s := range p.PreviousSlugs {
		if ids := t.byPrevSlug[s]; ids != nil {
			delete(ids, p.ID)
			if len(ids) == 0 {
				delete(t.byPrevSlug, s)
			}
		}
	}
}

// stored returns a copy of p for the table to own. Monotonic clock
// readings are dropped, as a database would, so that the times handed back
// compare by their wall clock alone.
func stored(p *blog.Post) *blog.Post {
	c := p.Clone()
	c.CreatedAt = c.CreatedAt.Round(0)
	c.UpdatedAt = c.UpdatedAt.Round(0)
	c.PublishedAt = c.PublishedAt.Round(0)
	return c
}

// CreatePost stores a copy of p and sets p.ID, from a counter starting at
// 1, and p.Version to 1. It returns an error wrapping [blog.ErrSlugTaken]
// if another post has p.Slug as its current slug, a
// [*blog.ValidationError] if p is nil or p.ID is not zero, or ctx.Err().
func (s *Store) CreatePost(ctx context.Context, p *blog.Post) error {
	defer s.enter(ctx)()
	if err := s.posts.create(ctx, p); err != nil {
		return err
	}
	s.publish(ctx, blog.Change{Kind: blog.ChangePost, PostID: p.ID})
	return nil
}

func (t *postTable) create(ctx context.Context, p *blog.Post) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: create post: %w", err)
	}
	if p == nil {
		return fmt.Errorf("memstore: create post: %w", &blog.ValidationError{Field: "post", Reason: "nil post"})
	}
	if p.ID != 0 {
		return fmt.Errorf("memstore: create post %q: %w", p.Slug,
			&blog.ValidationError{Field: "id", Reason: fmt.Sprintf("must be zero on create, got %d", p.ID)})
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: create post %q: %w", p.Slug, err)
	}
	if _, taken := t.bySlug[p.Slug]; taken {
		return fmt.Errorf("memstore: create post %q: %w", p.Slug, blog.ErrSlugTaken)
	}
	c := stored(p)
	c.ID = t.nextID
	c.Version = 1
	t.nextID++
	t.insert(c)
	p.ID, p.Version = c.ID, c.Version
	return nil
}

// UpdatePost replaces the post with ID p.ID by a copy of p if its stored
// Version equals p.Version, and increments p.Version. It returns an error
// wrapping [blog.ErrNotFound] if there is no such post, [blog.ErrConflict]
// if the versions differ, [blog.ErrSlugTaken] if another post has p.Slug
// as its current slug, or ctx.Err(); nothing is changed then.
func (s *Store) UpdatePost(ctx context.Context, p *blog.Post) error {
	defer s.enter(ctx)()
	if err := s.posts.update(ctx, p); err != nil {
		return err
	}
	s.publish(ctx, blog.Change{Kind: blog.ChangePost, PostID: p.ID})
	return nil
}

func (t *postTable) update(ctx context.Context, p *blog.Post) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: update post: %w", err)
	}
	if p == nil {
		return fmt.Errorf("memstore: update post: %w", &blog.ValidationError{Field: "post", Reason: "nil post"})
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: update post %d: %w", p.ID, err)
	}
	old, ok := t.byID[p.ID]
	if !ok {
		return fmt.Errorf("memstore: update post %d: %w", p.ID, blog.ErrNotFound)
	}
	if old.Version != p.Version {
		return fmt.Errorf("memstore: update post %d: version %d, stored %d: %w",
			p.ID, p.Version, old.Version, blog.ErrConflict)
	}
	if id, taken := t.bySlug[p.Slug]; taken && id != p.ID {
		return fmt.Errorf("memstore: update post %d: slug %q: %w", p.ID, p.Slug, blog.ErrSlugTaken)
	}
	c := stored(p)
	c.Version = old.Version + 1
	t.replace(old, c)
	p.Version = c.Version
	return nil
}

// DeletePost removes the post with that ID, freeing its slugs. It returns
// an error wrapping [blog.ErrNotFound] if there is none, or ctx.Err().
func (s *Store) DeletePost(ctx context.Context, id int64) error {
	defer s.enter(ctx)()
	if err := s.posts.delete(ctx, id); err != nil {
		return err
	}
	s.extras.forgetPost(id)
	s.publish(ctx, blog.Change{Kind: blog.ChangePost, PostID: id})
	return nil
}

func (t *postTable) delete(ctx context.Context, id int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: delete post %d: %w", id, err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: delete post %d: %w", id, err)
	}
	p, ok := t.byID[id]
	if !ok {
		return fmt.Errorf("memstore: delete post %d: %w", id, blog.ErrNotFound)
	}
	t.remove(p)
	return nil
}

// GetPost returns a copy of the post with that ID, or an error wrapping
// [blog.ErrNotFound] or ctx.Err().
func (s *Store) GetPost(ctx context.Context, id int64) (*blog.Post, error) {
	return s.posts.get(ctx, id)
}

func (t *postTable) get(ctx context.Context, id int64) (*blog.Post, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: get post %d: %w", id, err)
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	p, ok := t.byID[id]
	if !ok {
		return nil, fmt.Errorf("memstore: get post %d: %w", id, blog.ErrNotFound)
	}
	return p.Clone(), nil
}

// GetPostBySlug returns a copy of the post whose current slug is slug or,
// failing that, of the post listing slug among its PreviousSlugs (the most
// recently published, then the highest ID). It returns an error wrapping
// [blog.ErrNotFound] if there is neither, or ctx.Err().
func (s *Store) GetPostBySlug(ctx context.Context, slug string) (*blog.Post, error) {
	return s.posts.getBySlug(ctx, slug)
}

func (t *postTable) getBySlug(ctx context.Context, slug string) (*blog.Post, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: get post %q: %w", slug, err)
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	if id, ok := t.bySlug[slug]; ok {
		return t.byID[id].Clone(), nil
	}
	var best *blog.Post
	for id := range t.byPrevSlug[slug] {
		p := t.byID[id]
		if best == nil || keyOf(best.PublishedAt, best.ID).less(keyOf(p.PublishedAt, p.ID)) {
			best = p
		}
	}
	if best == nil {
		return nil, fmt.Errorf("memstore: get post %q: %w", slug, blog.ErrNotFound)
	}
	return best.Clone(), nil
}

// ListPosts returns copies of the posts matching q, newest first, as
// [blog.Store.ListPosts] describes, or ctx.Err(). The first page of a
// listing and a page continued with q.After cost about the same: both start
// with a binary search of the posts in listing order.
func (s *Store) ListPosts(ctx context.Context, q blog.PostQuery) ([]*blog.Post, error) {
	return s.posts.list(ctx, q)
}

func (t *postTable) list(ctx context.Context, q blog.PostQuery) ([]*blog.Post, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: list posts: %w", err)
	}
	limit := q.EffectiveLimit()
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []*blog.Post
	if q.Ascending {
		lo, hi := t.bounds(q, false)
		if q.After != nil && q.After.ID < math.MaxInt64 {
			lo = max(lo, t.seek(q.After.PublishedAt, q.After.ID+1))
		} else if q.After != nil {
			lo = max(lo, t.seek(q.After.PublishedAt.Add(time.Microsecond), math.MinInt64))
		}
		for i := lo; i < hi && len(out) < limit; i++ {
			if p := t.order[i].post; matches(&q, p) {
				out = append(out, p.Clone())
			}
		}
		return out, nil
	}
	lo, hi := t.bounds(q, true)
	for i := hi - 1; i >= lo && len(out) < limit; i-- {
		if p := t.order[i].post; matches(&q, p) {
			out = append(out, p.Clone())
		}
	}
	return out, nil
}

// bounds returns the range [lo, hi) of t.order that q's From, Before and,
// if useAfter, After bounds allow. The caller holds mu.
func (t *postTable) bounds(q blog.PostQuery, useAfter bool) (lo, hi int) {
	hi = len(t.order)
	if useAfter && q.After != nil {
		hi = t.seek(q.After.PublishedAt, q.After.ID)
	}
	if !q.Before.IsZero() {
		hi = min(hi, t.seek(q.Before, math.MinInt64))
	}
	if !q.From.IsZero() {
		lo = t.seek(q.From, math.MinInt64)
	} else if !q.Before.IsZero() {
		// A post never published has no date to be before anything.
		lo = t.seek(time.Time{}, math.MaxInt64)
	}
	return lo, hi
}

// matches reports whether p passes q's filters other than its time bounds.
func matches(q *blog.PostQuery, p *blog.Post) bool {
	if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, p.Kind) {
		return false
	}
	if len(q.Statuses) > 0 && !slices.Contains(q.Statuses, p.Status) {
		return false
	}
	if q.Sticky != nil && p.Sticky != *q.Sticky {
		return false
	}
	if q.Tag != "" && !hasTerm(p.Tags, q.Tag) {
		return false
	}
	if q.Category != "" && !hasTerm(p.Categories, q.Category) {
		return false
	}
	return true
}

func hasTerm(terms []blog.Term, slug string) bool {
	for _, t := range terms {
		if t.Slug == slug {
			return true
		}
	}
	return false
}

// CountPostsByMonth counts the posts matching q's filters and time bounds
// by the month of their PublishedAt in loc (UTC if nil), newest month
// first, as [blog.MonthCounter] describes; it returns only ctx.Err() as an
// error. Posts with a zero PublishedAt, never published, belong to no month
// and are not counted.
func (s *Store) CountPostsByMonth(ctx context.Context, q blog.PostQuery, loc *time.Location) ([]blog.MonthCount, error) {
	return s.posts.countByMonth(ctx, q, loc)
}

func (t *postTable) countByMonth(ctx context.Context, q blog.PostQuery, loc *time.Location) ([]blog.MonthCount, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: count posts by month: %w", err)
	}
	if loc == nil {
		loc = time.UTC
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	var (
		out   []blog.MonthCount
		start key // the start of out[len(out)-1]'s month in loc
	)
	filtered := len(q.Kinds) > 0 || len(q.Statuses) > 0 || q.Tag != "" || q.Category != "" || q.Sticky != nil
	zero := keyOf(time.Time{}, 0)
	lo, hi := t.bounds(q, false)
	// Walking newest first, a post belongs to the current month as long as
	// it is not older than that month's start: only a new month needs a
	// conversion to loc, and without filters no post is read.
	for i := hi - 1; i >= lo; i-- {
		e := &t.order[i]
		if e.sec == zero.sec && e.nsec == zero.nsec {
			continue // never published: no month
		}
		if filtered && !matches(&q, e.post) {
			continue
		}
		if len(out) > 0 && !e.less(start) {
			out[len(out)-1].Count++
			continue
		}
		y, m, _ := e.post.PublishedAt.In(loc).Date()
		start = keyOf(time.Date(y, m, 1, 0, 0, 0, 0, loc), math.MinInt64)
		out = append(out, blog.MonthCount{Year: y, Month: m, Count: 1})
	}
	return out, nil
}

// SearchPosts implements [blog.PostSearcher] with a simple scan: the text
// is split into words (runs of letters and digits), and a post matches when
// every word equals, ignoring case, a word of its Title or Text (the plain
// text of its HTML, never its markup). Results come with the most words
// found in the title first, then newest first, from q.Offset on and at
// most q.Query.EffectiveLimit() of them; each Snippet is about 30 words of
// the Text around the first match,
// HTML-escaped, with the matched words in <mark>. A text without words
// finds nothing. The only error is ctx.Err().
func (s *Store) SearchPosts(ctx context.Context, q blog.SearchQuery) ([]blog.SearchResult, error) {
	return s.posts.search(ctx, q)
}

func (t *postTable) search(ctx context.Context, q blog.SearchQuery) ([]blog.SearchResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: search posts: %w", err)
	}
	var words []string
	for _, w := range splitWords(q.Text) {
		words = append(words, q.Text[w.start:w.end])
	}
	if len(words) == 0 {
		return nil, nil
	}
	type hit struct {
		p          *blog.Post
		titleWords int
	}
	var hits []hit
	t.mu.RLock()
	lo, hi := t.bounds(q.Query, false)
	for i := hi - 1; i >= lo; i-- {
		p := t.order[i].post
		if !matches(&q.Query, p) {
			continue
		}
		title, body := splitWords(p.Title), splitWords(p.Text)
		inTitle, all := 0, true
		for _, w := range words {
			switch {
			case containsWord(p.Title, title, w):
				inTitle++
			case containsWord(p.Text, body, w):
			default:
				all = false
			}
			if !all {
				break
			}
		}
		if all {
			hits = append(hits, hit{p, inTitle})
		}
	}
	t.mu.RUnlock()
	// Stored posts are never changed, only replaced, so they may be read
	// and cloned without the lock from here on.
	//
	// hits is newest first; a stable sort keeps that order among posts
	// with as many words in their titles.
	slices.SortStableFunc(hits, func(a, b hit) int { return b.titleWords - a.titleWords })

	offset := max(q.Offset, 0)
	if offset >= len(hits) {
		return nil, nil
	}
	hits = hits[offset:min(len(hits), offset+q.Query.EffectiveLimit())]
	out := make([]blog.SearchResult, len(hits))
	for i, h := range hits {
		out[i] = blog.SearchResult{Post: h.p.Clone(), Snippet: snippet(h.p.Text, words)}
	}
	return out, nil
}

// span is the byte range of a word in a text.
type span struct{ start, end int }

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// splitWords returns the words of s: maximal runs of letters and digits.
func splitWords(s string) []span {
	var out []span
	start := -1
	for i, r := range s {
		switch {
		case isWordRune(r) && start < 0:
			start = i
		case !isWordRune(r) && start >= 0:
			out = append(out, span{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, span{start, len(s)})
	}
	return out
}

func containsWord(s string, spans []span, w string) bool {
	for _, sp := range spans {
		if strings.EqualFold(s[sp.start:sp.end], w) {
			return true
		}
	}
	return false
}

func isQueryWord(w string, words []string) bool {
	for _, q := range words {
		if strings.EqualFold(w, q) {
			return true
		}
	}
	return false
}

// Snippet sizes, in words of the text.
const (
	snippetBefore = 8
	snippetWords  = 30
)

// snippet returns a window of about snippetWords words of src around its
// first word among words (or its start), HTML-escaped, with runs of white
// space collapsed and every query word wrapped in <mark>.
func snippet(src string, words []string) string {
	spans := splitWords(src)
	if len(spans) == 0 {
		return ""
	}
	first := 0
	for i, sp := range spans {
		if isQueryWord(src[sp.start:sp.end], words) {
			first = max(i-snippetBefore, 0)
			break
		}
	}
	last := min(first+snippetWords, len(spans)) - 1
	var b strings.Builder
	if first > 0 {
		b.WriteString("… ")
	} else {
		b.WriteString(strings.TrimLeftFunc(collapseSpace(html.EscapeString(src[:spans[0].start])), unicode.IsSpace))
	}
	for i := first; i <= last; i++ {
		if i > first {
			b.WriteString(collapseSpace(html.EscapeString(src[spans[i-1].end:spans[i].start])))
		}
		w := src[spans[i].start:spans[i].end]
		if isQueryWord(w, words) {
			b.WriteString("<mark>")
			b.WriteString(html.EscapeString(w))
			b.WriteString("</mark>")
		} else {
			b.WriteString(html.EscapeString(w))
		}
	}
	if last < len(spans)-1 {
		b.WriteString(" …")
	} else {
		b.WriteString(strings.TrimRightFunc(collapseSpace(html.EscapeString(src[spans[last].end:])), unicode.IsSpace))
	}
	return b.String()
}

// collapseSpace replaces each run of white space in s by one space.
func collapseSpace(s string) string {
	if !strings.ContainsFunc(s, unicode.IsSpace) {
		return s
	}
	var b strings.Builder
	space := false
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		s = s[n:]
		if unicode.IsSpace(r) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
