package pgstore

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/folioblog/folio/blog"
)

// Private-use characters ts_headline wraps matches in. They are removed
// from the text first, so any in a snippet are markers; after HTML
// escaping they become <mark> and </mark>. A "<" of the text stands in
// as markLess meanwhile, since ts_headline's parser would take "<b>" in a
// post about HTML for a tag and leave it out.
const (
	markStart = "\uE000"
	markStop  = "\uE001"
	markLess  = "\uE002"
)

// headlineOptions shape snippets: about 15 to 30 words around the best
// match, short words kept.
const headlineOptions = `StartSel="` + markStart + `", StopSel="` + markStop + `", MaxWords=30, MinWords=15, ShortWord=0`

// SearchPosts finds posts whose title or text (the plain text of their
// HTML, [blog.Post].Text: never their markup nor comments hidden from the
// page) match q.Text and that pass q.Query's filters, best match first (by
// ts_rank, a title match weighing more than a text match), then newest first, skipping q.Offset results
// and returning at most q.Query.EffectiveLimit().
//
// The text is read as by PostgreSQL's websearch_to_tsquery with the
// "simple" configuration: words (case-insensitive, not stemmed) must all
// appear, "quoted words" must appear together, a word after "or" is an
// alternative and a word after "-" must not appear. No input is an error:
// text without words finds nothing, and only the first 32 words of a
// longer text are used. Each result's snippet is a stretch of the post's
// text, escaped, with the matched words in <mark>…</mark>.
func (s *Store) SearchPosts(ctx context.Context, q blog.SearchQuery) ([]blog.SearchResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: search posts: %w", dbErr(err))
	}
	text := limitWords(cleanText(q.Text))
	if !strings.ContainsFunc(text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return nil, nil
	}
	var a args
	tsq := "websearch_to_tsquery('simple', " + a.add(text) + "::text)"
	a.where("p.search @@ wq.tsq")
	s.filterPosts(&a, &q.Query, false)
	limit, offset := a.add(q.Query.EffectiveLimit()), a.add(max(q.Offset, 0))
	query := s.sql(`SELECT ` + postColumns + `,
			ts_headline('simple', translate(p.plain_text, E'<\uE000\uE001\uE002', E'\uE002'), wq.tsq, ` + a.add(headlineOptions) + `::text)
		FROM (
			SELECT ` + postRowColumns + `, ts_rank(p.search, wq.tsq) AS rank
			FROM {S}posts p, ` + tsq + ` AS wq(tsq)
			` + a.clause() + `
			ORDER BY rank DESC, ` + postOrder + `
			LIMIT ` + limit + ` OFFSET ` + offset + `
		) AS p ` + postJoins + `
		CROSS JOIN ` + tsq + ` AS wq(tsq)
		ORDER BY p.rank DESC, ` + postOrder)
	rows, err := s.db(ctx).Query(ctx, query, a.vals...)
	if err != nil {
		return nil, fmt.Errorf("pgstore: search posts: %w", dbErr(err))
	}
	defer rows.Close()
	var out []blog.SearchResult
	for rows.Next() {
		var headline string
		p, err := scanPost(rows, &headline)
		if err != nil {
			return nil, fmt.Errorf("pgstore: search posts: %w", dbErr(err))
		}
		out = append(out, blog.SearchResult{Post: p, Snippet: snippet(headline)})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: search posts: %w", dbErr(err))
	}
	return out, nil
}

// Limits on search text: PostgreSQL's ranking and headlines cost grows
// faster than linearly with the words of a query, so only the start of a
// long text is searched.
const (
	maxSearchWords = 32
	maxSearchBytes = 1024
)

// limitWords keeps the first maxSearchWords space-separated words of text,
// and at most maxSearchBytes bytes of them.
func limitWords(text string) string {
	if f := strings.Fields(text); len(f) > maxSearchWords {
		text = strings.Join(f[:maxSearchWords], " ")
	}
	if len(text) > maxSearchBytes {
		text = strings.ToValidUTF8(text[:maxSearchBytes], "")
	}
	return text
}

// snippet turns a ts_headline result into HTML: runs of white space
// collapsed, text escaped, markers replaced by <mark> elements.
func snippet(headline string) string {
	s := html.EscapeString(strings.Join(strings.Fields(headline), " "))
	return strings.NewReplacer(markStart, "<mark>", markStop, "</mark>", markLess, "&lt;").Replace(s)
}

// CountPostsByMonth counts the posts matching q (its After and Limit are
// ignored) by the year and month of their PublishedAt in loc, newest month
// first. Posts never published (a zero PublishedAt) are not counted; a nil
// loc means UTC. The grouping runs in PostgreSQL with the zone's IANA name
// (loc.String()); for a zone PostgreSQL does not know by that name (such
// as time.Local), the times are counted by minute in PostgreSQL and the
// minutes grouped into months in Go.
func (s *Store) CountPostsByMonth(ctx context.Context, q blog.PostQuery, loc *time.Location) ([]blog.MonthCount, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: count posts by month: %w", dbErr(err))
	}
	if loc == nil {
		loc = time.UTC
	}
	if name := loc.String(); loc != time.Local && name != "Local" && name != "" {
		out, err := s.countByMonthIn(ctx, q, name)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "22023" { // 22023: time zone not recognized
			if err != nil {
				return nil, fmt.Errorf("pgstore: count posts by month: %w", dbErr(err))
			}
			return out, nil
		}
	}
	out, err := s.countByMonthInGo(ctx, q, loc)
	if err != nil {
		return nil, fmt.Errorf("pgstore: count posts by month: %w", dbErr(err))
	}
	return out, nil
}

// countByMonthIn groups in PostgreSQL, in the named zone.
func (s *Store) countByMonthIn(ctx context.Context, q blog.PostQuery, zone string) ([]blog.MonthCount, error) {
	var a args
	a.where("p.published_at IS NOT NULL")
	s.filterPosts(&a, &q, false)
	query := s.sql(`SELECT extract(year FROM m)::int, extract(month FROM m)::int, count(*)
		FROM (
			SELECT date_trunc('month', p.published_at AT TIME ZONE ` + a.add(zone) + `::text) AS m
			FROM {S}posts p ` + a.clause() + `
		) AS months
		GROUP BY m ORDER BY m DESC`)
	rows, err := s.db(ctx).Query(ctx, query, a.vals...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []blog.MonthCount
	for rows.Next() {
		var year, month int32
		var n int64
		if err := rows.Scan(&year, &month, &n); err != nil {
			return nil, err
		}
		out = append(out, blog.MonthCount{Year: int(year), Month: time.Month(month), Count: int(n)})
	}
	return out, rows.Err()
}

// countByMonthInGo counts by minute in PostgreSQL, newest first, and
// groups the minutes into months of loc.
func (s *Store) countByMonthInGo(ctx context.Context, q blog.PostQuery, loc *time.Location) ([]blog.MonthCount, error) {
	var a args
	a.where("p.published_at IS NOT NULL")
	s.filterPosts(&a, &q, false)
	query := s.sql(`SELECT date_trunc('minute', p.published_at) AS m, count(*)
		FROM {S}posts p ` + a.clause() + ` GROUP BY m ORDER BY m DESC`)
	rows, err := s.db(ctx).Query(ctx, query, a.vals...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []blog.MonthCount
	for rows.Next() {
		var m pgtype.Timestamptz
		var n int64
		if err := rows.Scan(&m, &n); err != nil {
			return nil, err
		}
		y, mon, _ := timeOf(m).In(loc).Date()
		if k := len(out) - 1; k >= 0 && out[k].Year == y && out[k].Month == mon {
			out[k].Count += int(n)
			continue
		}
		out = append(out, blog.MonthCount{Year: y, Month: mon, Count: int(n)})
	}
	return out, rows.Err()
}
