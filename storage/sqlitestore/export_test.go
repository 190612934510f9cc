package sqlitestore

import (
	"database/sql"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

// Statement is one SQL statement the Store issues, with example
// arguments, for the query-plan tests.
type Statement struct {
	Name string
	SQL  string
	Args []any
}

// Statements returns the listing and look-up statements the Store issues
// on its hot paths, built by the same code the methods use.
func Statements() []Statement {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	home := blog.PostQuery{
		Kinds:    []blog.Kind{blog.KindPost},
		Statuses: []blog.Status{blog.StatusPublished, blog.StatusScheduled},
		Before:   now,
	}
	var out []Statement
	add := func(name, sql string, args []any) { out = append(out, Statement{name, sql, args}) }

	q, a := listPostsSQL(&home, 10)
	add("home listing", q, a)
	deep := home
	deep.After = &blog.Cursor{PublishedAt: now.Add(-1000 * time.Hour), ID: 5000}
	q, a = listPostsSQL(&deep, 10)
	add("home listing, deep cursor", q, a)
	sticky, yes := home, true
	sticky.Sticky = &yes
	q, a = listPostsSQL(&sticky, 10)
	add("sticky posts", q, a)
	one := blog.PostQuery{Statuses: []blog.Status{blog.StatusDraft}}
	q, a = listPostsSQL(&one, 10)
	add("drafts listing", q, a)
	q, a = listPostsSQL(&blog.PostQuery{}, 10)
	add("everything listing", q, a)
	tag := home
	tag.Tag = "go"
	tag.After = deep.After
	q, a = listPostsSQL(&tag, 10)
	add("tag listing", q, a)
	cat := home
	cat.Category = "travel"
	q, a = listPostsSQL(&cat, 10)
	add("category listing", q, a)
	next := home
	next.Ascending, next.From, next.After = true, deep.After.PublishedAt, deep.After
	q, a = listPostsSQL(&next, 1)
	add("ascending: the next newer post", q, a)
	nextTag := next
	nextTag.Tag = "go"
	q, a = listPostsSQL(&nextTag, 10)
	add("ascending: tag listing", q, a)
	nextAll := blog.PostQuery{Ascending: true, After: deep.After}
	q, a = listPostsSQL(&nextAll, 10)
	add("ascending: everything listing", q, a)
	add("post by ID", `SELECT `+postColumns+` FROM posts p WHERE p.id=?`, []any{1})
	add("post by slug or previous slug", getBySlugSQL, []any{"old-slug"})

	q, a = listCommentsSQL(&comments.CommentQuery{Thread: "42", Statuses: []comments.Status{comments.StatusApproved}})
	add("thread listing, approved", q, a)
	q, a = listCommentsSQL(&comments.CommentQuery{Thread: "42", Newest: true, After: &comments.Cursor{CreatedAt: now, ID: 7}})
	add("thread listing, newest first, cursor", q, a)
	q, a = listCommentsSQL(&comments.CommentQuery{Statuses: []comments.Status{comments.StatusPending}})
	add("moderation queue", q, a)
	q, a = latestSQL(commentColumns, "192.0.2.1", "ann@example.com")
	add("flood look-up by IP or email", q, a)
	q, a = latestSQL(commentColumns, "192.0.2.1", "")
	add("flood look-up by IP", q, a)
	c := &comments.Comment{Thread: "42", Source: "hi", Author: comments.Author{Email: "ann@example.com"}}
	q, a = duplicateSQL(commentColumns, c)
	add("duplicate look-up", q, a)
	q, a = duplicateSQL(commentColumns, &comments.Comment{Thread: "42", Source: "hi", Author: comments.Author{UserID: "u1"}})
	add("duplicate look-up by user", q, a)
	q, a = duplicateSQL(commentColumns, &comments.Comment{Thread: "42", Source: "hi", Author: comments.Author{Name: "Ann"}})
	add("duplicate look-up by name", q, a)
	q, a = latestSQL(floodCols, "", "ann@example.com")
	add("flood look-up by email", q, a)
	add("top-level comments before one", countRootsSQL, []any{"42", now.UnixMicro(), 7})
	add("top-level comments from one on", rootsFromSQL, []any{"42", now.UnixMicro(), 7, 256})
	add("top-level comments of a thread", rootTotalSQL, []any{"42"})
	add("top-level comments near the end", rootsNearSQL, []any{"42", now.UnixMicro(), 7, 256})
	add("count approved per thread", `SELECT c.thread, count(*) FROM comments c INDEXED BY comments_by_thread_status
		WHERE c.status = ? AND c.thread IN (?,?,?) GROUP BY c.thread`, []any{"approved", "1", "2", "3"})
	add("has approved comment", `SELECT 1 FROM comments c INDEXED BY comments_by_email_status
		WHERE c.email_lower = ? AND c.status = ? LIMIT 1`, []any{"ann@example.com", "approved"})
	q, a = monthCountSQL(&blog.PostQuery{Kinds: home.Kinds, Statuses: home.Statuses}, "[[1,2],[2,3]]")
	add("month counts", q, a)
	q, a = monthCountSQL(&blog.PostQuery{}, "[[1,2],[2,3]]")
	add("month counts, no filter", q, a)
	q, a = monthCountSQL(&blog.PostQuery{Tag: "go"}, "[[1,2],[2,3]]")
	add("month counts of a tag", q, a)
	sq := blog.SearchQuery{Text: "tomatoes", Query: blog.PostQuery{Statuses: home.Statuses, Tag: "go"}}
	q, a = searchSQL(&sq, ftsQuery(sq.Text))
	add("search", q, a)
	add("like count", `SELECT post_id, count(*) FROM post_likes WHERE post_id IN (?,?) GROUP BY post_id`, []any{1, 2})
	add("redirect look-up", lookupRedirectSQL, []any{"/?p=12"})
	return out
}

// PragmaInt returns the value of an integer pragma on the writer
// connection of s.
func PragmaInt(tb testing.TB, s *Store, name string) int {
	tb.Helper()
	var v int
	if err := s.write.QueryRow("PRAGMA " + name).Scan(&v); err != nil {
		tb.Fatal(err)
	}
	return v
}

// CreateAtVersion creates a database at path with only the first n
// embedded migrations applied, as an older release of the package left
// it, so that a test can open it with the current one.
func CreateAtVersion(tb testing.TB, path string, n int) {
	tb.Helper()
	ms, err := loadMigrations()
	if err != nil {
		tb.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	for _, m := range ms[:n] {
		if _, err := db.Exec(m.SQL); err != nil {
			tb.Fatalf("%s: %v", m.Name, err)
		}
	}
	if _, err := db.Exec("PRAGMA user_version = " + strconv.Itoa(n)); err != nil {
		tb.Fatal(err)
	}
}

// MigrationVersion returns the version of the embedded migration called
// name (its file name without the number and .sql), or fails the test.
func MigrationVersion(tb testing.TB, name string) int {
	tb.Helper()
	ms, err := loadMigrations()
	if err != nil {
		tb.Fatal(err)
	}
	for _, m := range ms {
		if m.Name == name || strings.HasSuffix(m.Name, "_"+name) || strings.HasSuffix(m.Name, name+".sql") {
			return m.Version
		}
	}
	tb.Fatalf("no migration %q", name)
	return 0
}

// HoldWriter makes s's comment writer call began with the size of each
// group before it begins the group's transaction, and holds the
// process's writer until release is called, so that a test can line
// comments up behind it.
func HoldWriter(s *Store, began func(n int)) (release func()) {
	s.writer.began = began
	s.writeMu.Lock()
	return s.writeMu.Unlock
}

// Queued returns the number of guarded comments waiting for a group.
func Queued(s *Store) int { return len(s.writer.queue) }
