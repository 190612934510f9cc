package blog

import (
	"context"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/folioblog/folio/internal/pagetoken"
)

// ListOptions selects visible posts (of kind post) for a listing page: the
// home page, a tag or category, an archive period.
type ListOptions struct {
	Tag      string // a tag slug
	Category string // a category slug
	Sticky   *bool  // only sticky (or only non-sticky) posts

	// PublishedAt in [From, Before); zero bounds are open. [Blog.Period]
	// gives them for a year, month or day.
	From, Before time.Time

	After string // the Next token of the previous page; "" for the first
	Limit int    // posts per page; DefaultLimit if 0, MaxLimit at most
}

// PostPage is one page of a listing.
type PostPage struct {
	Posts []*Post
	Next  string // token for ListOptions.After; "" on the last page
}

// List returns a page of the posts visitors may see now, newest first,
// matching o. A malformed After token is a [*ValidationError] for the field
// "after".
func (b *Blog) List(ctx context.Context, o ListOptions) (*PostPage, error) {
	q := PostQuery{
		Kinds:    []Kind{KindPost},
		Statuses: []Status{StatusPublished, StatusScheduled},
		Tag:      o.Tag,
		Category: o.Category,
		Sticky:   o.Sticky,
		From:     o.From,
		Before:   b.Now().Add(time.Microsecond),
		Limit:    o.Limit,
	}
	if !o.Before.IsZero() && o.Before.Before(q.Before) {
		q.Before = o.Before
	}
	if o.After != "" {
		c, err := ParseCursor(o.After)
		if err != nil {
			return nil, err
		}
		q.After = c
	}
	limit := q.EffectiveLimit()
	q.Limit = limit + 1
	posts, err := b.store.ListPosts(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("blog: list posts: %w", err)
	}
	page := &PostPage{Posts: posts}
	if len(posts) > limit {
		page.Posts = posts[:limit]
		page.Next = CursorOf(posts[limit-1]).String()
	}
	return page, nil
}

// ListAll returns the posts matching q whatever their status, for the
// site's authors and editors.
func (b *Blog) ListAll(ctx context.Context, q PostQuery) ([]*Post, error) {
	posts, err := b.store.ListPosts(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("blog: list posts: %w", err)
	}
	return posts, nil
}

// Period returns the bounds [from, before) of a year (month 0, day 0), a
// month (day 0) or a day in the site's time zone, for ListOptions. Local
// midnights are used, so a day across a daylight-saving change is 23 or
// 25 hours long.
func (b *Blog) Period(year int, month time.Month, day int) (from, before time.Time) {
	switch {
	case month == 0:
		from = time.Date(year, 1, 1, 0, 0, 0, 0, b.loc)
		before = from.AddDate(1, 0, 0)
	case day == 0:
		from = time.Date(year, month, 1, 0, 0, 0, 0, b.loc)
		before = from.AddDate(0, 1, 0)
	default:
		from = time.Date(year, month, day, 0, 0, 0, 0, b.loc)
		before = from.AddDate(0, 0, 1)
	}
	return from.UTC(), before.UTC()
}

// String encodes the cursor as an opaque token safe in a URL query, the
// same kind of token comment listings use.
func (c *Cursor) String() string { return pagetoken.Encode(c.PublishedAt, c.ID) }

// ParseCursor decodes a token made by [Cursor.String]; anything else is a
// [*ValidationError] for the field "after".
func ParseCursor(token string) (*Cursor, error) {
	at, id, err := pagetoken.Decode(token)
	if err != nil {
		return nil, &ValidationError{Field: "after", Reason: "malformed page token"}
	}
	return &Cursor{PublishedAt: at, ID: id}, nil
}

// Search returns the visible posts whose title or body holds every word of
// text, best match first, with snippets, using the store's own search
// when it has one ([PostSearcher]). Without one it scans the newest
// posts (up to 1,000) for the words, case-insensitively.
func (b *Blog) Search(ctx context.Context, text string, limit int) ([]SearchResult, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	if len(text) > 200 {
		return nil, &ValidationError{Field: "search", Reason: "longer than 200 bytes"}
	}
	q := PostQuery{
		Kinds:    []Kind{KindPost},
		Statuses: []Status{StatusPublished, StatusScheduled},
		Before:   b.Now().Add(time.Microsecond),
		Limit:    limit,
	}
	if s, ok := b.store.(PostSearcher); ok {
		res, err := s.SearchPosts(ctx, SearchQuery{Text: text, Query: q})
		if err != nil {
			return nil, fmt.Errorf("blog: search: %w", err)
		}
		return res, nil
	}
	words := strings.Fields(strings.ToLower(text))
	want := q.EffectiveLimit()
	scan := q
	scan.Limit = MaxLimit
	posts, err := b.store.ListPosts(ctx, scan)
	if err != nil {
		return nil, fmt.Errorf("blog: search: %w", err)
	}
	var res []SearchResult
	for _, p := range posts {
		hay := strings.ToLower(p.Title + "\n" + p.Source)
		all := true
		for _, w := range words {
			if !strings.Contains(hay, w) {
				all = false
				break
			}
		}
		if all {
			res = append(res, SearchResult{Post: p, Snippet: html.EscapeString(p.Description)})
			if len(res) == want {
				break
			}
		}
	}
	return res, nil
}
