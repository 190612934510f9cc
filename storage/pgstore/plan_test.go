package pgstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/storage/pgstore"
)

// TestQueryPlans_guards shows, with EXPLAIN on a thread of 5,000 comments in a table
// of 20,000, that the duplicate guard finds a text through
// comments_thread_text_idx, the flood guard reads the newest row of the
// address and email indexes, and the redirect's count is a count over the
// thread's index entries (the planner picks the thread index it costs
// lowest): no guard reads the thread, and nothing scans the table.
func TestQueryPlans_guards(t *testing.T) {
	schema := newSchema(t)
	s := openStore(t, schema)
	ctx := context.Background()
	pool := adminPool(t)
	tbl := pgx.Identifier{schema, "comments"}.Sanitize()
	_, err := pool.Exec(ctx, `INSERT INTO `+tbl+` (thread, parent_id, type, author_name, author_email, author_url,
		author_user_id, author_verified, source, html, status, decision_status, decision_rule, decision_reason,
		ip, user_agent, created_at)
		SELECT CASE WHEN i % 4 = 0 THEN '42' ELSE 't' || i % 100 END, 0, 'comment', 'Ann', 'ann' || i % 500 || '@example.com',
			'', 'u1', false, 'comment number ' || i, '<p>comment</p>', 'approved', 'approved', 'default', '',
			'192.0.2.' || i % 250, 'test', timestamptz '2024-03-01 12:00:00+00' - (20000 - i) * interval '1 second'
		FROM generate_series(1, 20000) AS i`)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `VACUUM ANALYZE `+tbl)
	require.NoError(t, err)

	want := map[string][]string{
		"duplicate look-up":               {"comments_thread_text_idx"},
		"duplicate look-up by user":       {"comments_thread_text_idx"},
		"duplicate look-up by name":       {"comments_thread_text_idx"},
		"flood look-up by IP or email":    {"comments_ip_listed_idx", "comments_email_listed_idx"},
		"top-level comments before one":   {"Index Cond: ((thread = '42'::text)"},
		"top-level comments near the end": {"comment_roots_pkey"},
	}
	for _, st := range pgstore.WritePathStatements(s) {
		t.Run(st.Name, func(t *testing.T) {
			rows, err := pool.Query(ctx, "EXPLAIN "+st.SQL, st.Args...)
			require.NoError(t, err)
			lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
			require.NoError(t, err)
			plan := strings.Join(lines, "\n")
			t.Logf("plan:\n%s", plan)
			require.Contains(t, want, st.Name)
			for _, w := range want[st.Name] {
				assert.Contains(t, plan, w, "the plan of %s uses %s", st.Name, w)
			}
			assert.NotContains(t, plan, "Seq Scan", "the plan of %s scans the table", st.Name)
			if strings.HasPrefix(st.Name, "top-level comments") {
				return // a count over the thread's index entries, without listing them
			}
			assert.NotContains(t, plan, "comments_thread_listed_idx", "the plan of %s walks the thread", st.Name)
			assert.NotContains(t, plan, "comments_thread_status_listed_idx", "the plan of %s walks the thread", st.Name)
		})
	}
}
