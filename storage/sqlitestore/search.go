package sqlitestore

import (
	"context"
	"fmt"
	"html"
	"strings"
	"unicode"

	"github.com/folioblog/folio/blog"
)

// Delimiters snippet() puts around matched words: private-use characters,
// which html.EscapeString leaves alone, replaced by <mark> and </mark>
// after escaping.
const (
	markOpen  = "\uE000"
	markClose = "\uE001"
)

// Search ranking: a match in the title weighs this many times a match in
// the text.
const titleWeight = 10.0

// snippetTokens is the length of a snippet, in words.
const snippetTokens = 30

// ftsQuery turns what a visitor typed into an FTS5 query that matches posts
// holding every word of it: each word (a run of letters and digits, as
// the unicode61 tokenizer sees them) becomes a quoted phrase, so no
// character of the input is ever read as FTS5 syntax — not quotes, not *,
// -, ^, :, parentheses, nor NEAR, AND, OR, NOT. It returns "" when the text
// has no words.
func ftsQuery(text string) string {
	words := strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(w, `"`, `""`)) // none left, but keep the rule
		b.WriteByte('"')
	}
	return b.String()
}

// markSnippet HTML-escapes a snippet from FTS5 and turns each matched word,
// between markOpen and markClose, into <mark>word</mark>. A delimiter not
// part of such a pair (one the post's own text carried) is dropped, so the
// result is always well formed.
func markSnippet(raw string) string {
	esc := html.EscapeString(raw)
	var b strings.Builder
	for {
		i := strings.Index(esc, markOpen)
		if i < 0 {
			b.WriteString(strings.ReplaceAll(esc, markClose, ""))
			return b.String()
		}
		b.WriteString(strings.ReplaceAll(esc[:i], markClose, ""))
		esc = esc[i+len(markOpen):]
		j := strings.Index(esc, markClose)
		k := strings.Index(esc, markOpen)
		if j < 0 || (k >= 0 && k < j) {
			continue // an unpaired opening delimiter: drop it
		}
		b.WriteString("<mark>")
		b.WriteString(esc[:j])
		b.WriteString("</mark>")
		esc = esc[j+len(markClose):]
	}
}

// SearchPosts returns the posts matching every word of q.Text (compared
// ignoring case and diacritics, by the FTS5 unicode61 tokenizer) and q.Query's
// filters, best match first: by BM25 with the title weighing ten times the
// text (the plain text of the post's HTML, [blog.Post].Text: never its
// markup nor comments hidden from the page), then newest first. It skips
// q.Offset results and returns at most q.Query.EffectiveLimit(). Each
// result carries a snippet of the text, HTML-escaped, with the matched
// words in <mark>…</mark>.
//
// The text is never read as FTS5 or SQL syntax: every word becomes a
// quoted phrase and punctuation is dropped. A text without words finds
// nothing.
func (s *Store) SearchPosts(ctx context.Context, q blog.SearchQuery) ([]blog.SearchResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlitestore: search posts: %w", err)
	}
	match := ftsQuery(q.Text)
	if match == "" {
		return nil, nil
	}
	query, args := searchSQL(&q, match)
	rows, err := s.reader(ctx).QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: search posts: %w", err)
	}
	defer rows.Close()
	var out []blog.SearchResult
	for rows.Next() {
		var snip string
		p, err := scanPost(rows, &snip)
		if err != nil {
			return nil, fmt.Errorf("sqlitestore: search posts: %w", err)
		}
		out = append(out, blog.SearchResult{Post: p, Snippet: markSnippet(snip)})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlitestore: search posts: %w", err)
	}
	return out, nil
}

// searchSQL returns the statement finding the posts that match the FTS5
// query match and q's filters, best first, with their snippets. The
// full-text index drives it; posts are read by primary key.
func searchSQL(q *blog.SearchQuery, match string) (string, []any) {
	var w where
	w.add("posts_fts MATCH ?", match)
	addTimeBounds(&w, "p.published_at", &q.Query)
	addFilters(&w, &q.Query, false)
	args := append([]any{markOpen, markClose, snippetTokens}, w.args...)
	args = append(args, q.Query.EffectiveLimit(), max(q.Offset, 0))
	return `SELECT ` + postColumns + `,
			snippet(posts_fts, 1, ?, ?, '…', ?)
		FROM posts_fts JOIN posts p ON p.id = posts_fts.rowid` + w.String() + `
		ORDER BY bm25(posts_fts, ` + fmt.Sprint(titleWeight) + `, 1.0), p.published_at DESC, p.id DESC
		LIMIT ? OFFSET ?`, args
}
