package sqlitestore_test

import (
	"database/sql"
	"path/filepath"
	"regexp"
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
