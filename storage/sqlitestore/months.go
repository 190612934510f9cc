package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/folioblog/folio/blog"
)

// CountPostsByMonth counts the posts matching q (its After and Limit are
// ignored) by the year and month of their PublishedAt in loc, newest month
// first, leaving out months without posts and posts never published. A nil
// loc means UTC.
//
// The months are cut in Go, where time zones are known: it finds the
// newest and oldest publication times, turns each month between them into
// its span of UTC microseconds in loc (so daylight-saving changes fall
// where they should), and has SQLite count each span through an index in
// one statement. The cost grows with the number of months spanned, not
// with the number of posts read into Go.
func (s *Store) CountPostsByMonth(ctx context.Context, q blog.PostQuery, loc *time.Location) ([]blog.MonthCount, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlitestore: count posts by month: %w", err)
	}
	if loc == nil {
		loc = time.UTC
	}
	var out []blog.MonthCount
	err := s.inRead(ctx, func(tx querier) error {
		// The span of publication times, ignoring q's other filters: two
		// index look-ups on posts_by_time.
		lo, hi := zeroMicros+1, int64(1<<63-1)
		if !q.From.IsZero() {
			lo = max(lo, toMicros(q.From))
		}
		if !q.Before.IsZero() {
			hi = toMicros(q.Before)
		}
		var first, last sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT
			(SELECT min(published_at) FROM posts WHERE published_at >= ?1 AND published_at < ?2),
			(SELECT max(published_at) FROM posts WHERE published_at >= ?1 AND published_at < ?2)`,
			lo, hi).Scan(&first, &last); err != nil {
			return err
		}
		if !first.Valid {
			return nil
		}

		type month struct {
			y int
			m time.Month
		}
		var (
			months []month
			spans  [][2]int64
		)
		y, m, _ := fromMicros(last.Int64).In(loc).Date()
		end := hi
		for {
			start := time.Date(y, m, 1, 0, 0, 0, 0, loc).UnixMicro()
			months = append(months, month{y, m})
			spans = append(spans, [2]int64{max(start, lo), end})
			if start <= first.Int64 {
				break
			}
			end = start
			if m--; m < time.January {
				y, m = y-1, time.December
			}
		}
		js, err := json.Marshal(spans)
		if err != nil {
			return err
		}

		query, args := monthCountSQL(&q, string(js))
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var i, n int
			if err := rows.Scan(&i, &n); err != nil {
				return err
			}
			if n > 0 && i >= 0 && i < len(months) {
				out = append(out, blog.MonthCount{Year: months[i].y, Month: months[i].m, Count: n})
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: count posts by month: %w", err)
	}
	return out, nil
}

// monthCountSQL returns the statement counting, for each [start, end) span
// of the JSON array spans, the posts matching q's filters published in it.
// With a tag or category, the count walks that term's entries in
// post_terms_listing; otherwise an index of posts.
func monthCountSQL(q *blog.PostQuery, spans string) (string, []any) {
	var (
		w    where
		from = "posts p"
		col  = "p.published_at"
	)
	if q.Tag != "" || q.Category != "" {
		tax, slug := taxTag, q.Tag
		if q.Tag == "" {
			tax, slug = taxCategory, q.Category
		}
		from = "post_terms t INDEXED BY post_terms_listing JOIN posts p ON p.id = t.post_id"
		col = "t.published_at"
		w.add("t.taxonomy = ?", tax)
		w.add("t.slug = ?", slug)
		addFilters(&w, q, true)
	} else {
		addFilters(&w, q, false)
	}
	w.conds = append(w.conds,
		col+" >= json_extract(j.value, '$[0]')",
		col+" < json_extract(j.value, '$[1]')")
	args := append(w.args, spans)
	return `SELECT j.key, (SELECT count(*) FROM ` + from + w.String() + `) FROM json_each(?) j ORDER BY j.key`, args
}
