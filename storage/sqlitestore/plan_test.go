package sqlitestore_test

import (
	"database/sql"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/storage/sqlitestore"
)

// fullScan matches a query-plan line that reads a whole table, posts or
// comments (aliased p and c in the statements), rather than searching or
// walking an index.
var fullScan = regexp.MustCompile(`^SCAN (posts|comments|p|c)( |$)`)

func TestQueryPlans_useIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "folio.db")
	s, err := sqlitestore.Open(path)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()

	for _, st := range sqlitestore.Statements() {
		t.Run(st.Name, func(t *testing.T) {
			rows, err := db.Query("EXPLAIN QUERY PLAN "+st.SQL, st.Args...)
			require.NoError(t, err)
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, notused int
				var detail string
				require.NoError(t, rows.Scan(&id, &parent, &notused, &detail))
				plan = append(plan, detail)
			}
			require.NoError(t, rows.Err())
			require.NotEmpty(t, plan)
			t.Logf("plan:\n%s", strings.Join(plan, "\n"))
			if st.Name == "sticky posts" {
				assert.Contains(t, strings.Join(plan, "\n"), "posts_sticky",
					"sticky posts are found through their partial index, not by walking every published post")
			}
			if strings.HasPrefix(st.Name, "ascending") && !strings.Contains(strings.Join(plan, "\n"), "COMPOUND QUERY") {
				assert.NotContains(t, strings.Join(plan, "\n"), "TEMP B-TREE",
					"an ascending listing walks its index forwards instead of sorting")
			}
			for _, line := range plan {
				if fullScan.MatchString(line) {
					assert.Contains(t, line, "USING", "a full table scan in the plan of %s: %q", st.Name, line)
				}
			}
		})
	}
}

// TestQueryPlans_guards shows that the write path's look-ups search an
// index by their whole key: the duplicate guard by thread and text, the
// flood guard by address or email (one row from the end of each), the
// redirect's count from the thread's kept count and the end of its
// approved comments; no guard walks a thread.
func TestQueryPlans_guards(t *testing.T) {
	path := filepath.Join(t.TempDir(), "folio.db")
	s, err := sqlitestore.Open(path)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()

	want := map[string][]*regexp.Regexp{
		"duplicate look-up":         {regexp.MustCompile(`^SEARCH c USING INDEX comments_by_thread_text \(thread=\? AND <expr>=\? AND <expr>=\?\)$`)},
		"duplicate look-up by user": {regexp.MustCompile(`^SEARCH c USING INDEX comments_by_thread_text \(thread=\? AND <expr>=\? AND <expr>=\?\)$`)},
		"duplicate look-up by name": {regexp.MustCompile(`^SEARCH c USING INDEX comments_by_thread_text \(thread=\? AND <expr>=\? AND <expr>=\?\)$`)},
		"flood look-up by IP or email": {
			regexp.MustCompile(`^SEARCH c USING COVERING INDEX comments_by_ip \(ip=\?\)$`),
			regexp.MustCompile(`^SEARCH c USING COVERING INDEX comments_by_email \(email_lower=\?\)$`),
		},
		"flood look-up by email": {regexp.MustCompile(`^SEARCH c USING COVERING INDEX comments_by_email \(email_lower=\?\)$`)},
		"top-level comments before one": {
			regexp.MustCompile(`^SEARCH c USING INDEX comments_by_thread_status \(thread=\? AND status=\? AND created_at<\?\)$`),
		},
		"top-level comments from one on": {
			regexp.MustCompile(`^SEARCH c USING INDEX comments_by_thread_status \(thread=\? AND status=\? AND created_at>\?\)$`),
		},
		"top-level comments of a thread": {regexp.MustCompile(`^SEARCH comment_roots USING PRIMARY KEY \(thread=\?\)$`)},
	}
	stmts := map[string]sqlitestore.Statement{}
	for _, st := range sqlitestore.Statements() {
		stmts[st.Name] = st
	}
	for name, patterns := range want {
		t.Run(name, func(t *testing.T) {
			st, ok := stmts[name]
			require.True(t, ok, "no statement named %q", name)
			plan := explain(t, db, st)
			t.Logf("plan:\n%s", strings.Join(plan, "\n"))
			for _, p := range patterns {
				assert.True(t, slices.ContainsFunc(plan, p.MatchString), "the plan of %s has no line matching %s", name, p)
			}
			for _, line := range plan {
				assert.NotContains(t, line, "comments_by_thread ", "the plan of %s walks the thread", name)
				assert.NotRegexp(t, fullScan, line, "the plan of %s scans a table", name)
			}
		})
	}
}

func explain(t *testing.T, db *sql.DB, st sqlitestore.Statement) []string {
	t.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+st.SQL, st.Args...)
	require.NoError(t, err)
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &notused, &detail))
		plan = append(plan, detail)
	}
	require.NoError(t, rows.Err())
	return plan
}
