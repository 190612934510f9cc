package pgstore

import (
	"time"

	"github.com/folioblog/folio/comments"
)

// Statement is a statement of the comment write path, with arguments, for
// the query-plan tests.
type Statement struct {
	Name string
	SQL  string
	Args []any
}

// WritePathStatements returns the guards' and the redirect's statements as
// s issues them, in s's schema.
func WritePathStatements(s *Store) []Statement {
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	var out []Statement
	for _, tc := range []struct {
		name   string
		author comments.Author
	}{
		{"duplicate look-up", comments.Author{Email: "ann@example.com"}},
		{"duplicate look-up by user", comments.Author{UserID: "u1"}},
		{"duplicate look-up by name", comments.Author{Name: "Ann"}},
	} {
		var a args
		c := &comments.Comment{Thread: "42", Source: "a new comment", Author: tc.author}
		out = append(out, Statement{tc.name, s.sql(`SELECT c.id FROM {S}comments c WHERE ` + duplicateCond(&a, c) +
			` ORDER BY c.listed_at, c.id LIMIT 1`), a.vals})
	}
	out = append(out,
		Statement{"flood look-up by IP or email", s.sql(guardFloodSQL), []any{"192.0.2.1", "ann1@example.com", tsArg(now.Add(-time.Minute))}},
		Statement{"top-level comments before one", s.sql(countRootsSQL), []any{"42", keyArg(now), int64(7)}},
		Statement{"top-level comments near the end", s.sql(rootsNearSQL), []any{"42", keyArg(now), int64(7), 256}},
	)
	return out
}
