package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"strings"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

// errCommentID is returned, wrapped, by CreateComment for a comment that
// already has an ID: the store assigns IDs.
var errCommentID = errors.New("comment ID must be zero on create")

const commentColumns = `c.id, c.thread, c.parent_id, c.type, c.author_name, c.author_email, c.author_url,
	c.author_user_id, c.author_verified, c.source, c.html, c.status,
	c.decision_status, c.decision_rule, c.decision_reason, c.ip, c.user_agent, c.created_at`

func scanComment(sc scanner) (*comments.Comment, error) {
	var (
		c                          comments.Comment
		typ, status, dstatus, html string
		created                    int64
	)
	if err := sc.Scan(&c.ID, &c.Thread, &c.ParentID, &typ, &c.Author.Name, &c.Author.Email, &c.Author.URL,
		&c.Author.UserID, &c.Author.Verified, &c.Source, &html, &status,
		&dstatus, &c.Decision.Rule, &c.Decision.Reason, &c.IP, &c.UserAgent, &created); err != nil {
		return nil, err
	}
	c.Type, c.Status, c.Decision.Status = comments.Type(typ), comments.Status(status), comments.Status(dstatus)
	c.HTML = template.HTML(html)
	c.CreatedAt = fromMicros(created)
	return &c, nil
}

func scanComments(rows *sql.Rows) ([]*comments.Comment, error) {
	defer rows.Close()
	var out []*comments.Comment
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// lowerEmail is the key of case-insensitive email look-ups, written to
// comments.email_lower.
func lowerEmail(email string) string { return strings.ToLower(email) }

const insertCommentSQL = `INSERT INTO comments (thread, parent_id, type, author_name, author_email, email_lower,
	author_url, author_user_id, author_verified, source, html, status,
	decision_status, decision_rule, decision_reason, ip, user_agent, created_at)
	VALUES (?,?,?,?,?,?, ?,?,?,?,?,?, ?,?,?,?,?,?)`

// The fixed statements of comment writes.
const (
	updateCommentSQL = `UPDATE comments SET parent_id=?, type=?, author_name=?, author_email=?, email_lower=?,
	author_url=?, author_user_id=?, author_verified=?, source=?, html=?, status=?,
	decision_status=?, decision_rule=?, decision_reason=?, ip=?, user_agent=?
	WHERE id=? RETURNING thread`
	deleteCommentSQL = `DELETE FROM comments WHERE id = ? RETURNING thread, parent_id`
	reparentSQL      = `UPDATE comments SET parent_id = ? WHERE parent_id = ?`
)

// Columns of the guards of CreateCommentGuarded.
const (
	duplicateCols = "c.id"
	floodCols     = "c.id, c.created_at"
)

// writeStatements returns every statement write transactions issue, to be
// prepared when a Store is built.
func writeStatements() []string {
	out := []string{insertPostSQL, updatePostSQL, postVersionSQL, deletePostSQL, deleteTermsSQL, deleteSlugsSQL,
		insertTermSQL, insertSlugSQL, insertCommentSQL, updateCommentSQL, deleteCommentSQL, reparentSQL,
		postExistsSQL, insertLikeSQL, deleteLikesSQL, putRedirectSQL, deleteRedirectsSQL}
	for _, a := range []comments.Author{{UserID: "u"}, {Email: "e"}, {Name: "n"}} {
		q, _ := duplicateSQL(duplicateCols, &comments.Comment{Author: a})
		out = append(out, q)
	}
	for _, ipEmail := range [][2]string{{"ip", ""}, {"", "e"}, {"ip", "e"}} {
		q, _ := latestSQL(floodCols, ipEmail[0], ipEmail[1])
		out = append(out, q)
	}
	return out
}

func insertComment(ctx context.Context, tx querier, c *comments.Comment) (int64, error) {
	res, err := tx.ExecContext(ctx, insertCommentSQL,
		c.Thread, c.ParentID, string(c.Type), c.Author.Name, c.Author.Email, lowerEmail(c.Author.Email),
		c.Author.URL, c.Author.UserID, c.Author.Verified, c.Source, string(c.HTML), string(c.Status),
		string(c.Decision.Status), c.Decision.Rule, c.Decision.Reason, c.IP, c.UserAgent, toMicros(c.CreatedAt))
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func checkNewComment(c *comments.Comment) error {
	if c == nil {
		return errors.New("nil comment")
	}
	if c.ID != 0 {
		return fmt.Errorf("ID %d: %w", c.ID, errCommentID)
	}
	return nil
}

// CreateComment stores c and assigns c.ID; IDs count up from 1 and are
// never reused. CreatedAt is kept in UTC at microsecond precision. It
// returns an error if c is nil or c.ID is not zero, and ctx's error if ctx
// is done; then nothing is written.
func (s *Store) CreateComment(ctx context.Context, c *comments.Comment) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlitestore: create comment: %w", err)
	}
	if err := checkNewComment(c); err != nil {
		return fmt.Errorf("sqlitestore: create comment: %w", err)
	}
	var id int64
	err := s.inWrite(ctx, func(tx querier) (err error) {
		id, err = insertComment(ctx, tx, c)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlitestore: create comment: %w", err)
	}
	c.ID = id
	s.publish(ctx, blog.Change{Kind: blog.ChangeComment, Thread: c.Thread})
	return nil
}

// GetComment returns the comment with that ID, or an error wrapping
// [comments.ErrNotFound].
func (s *Store) GetComment(ctx context.Context, id int64) (*comments.Comment, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlitestore: get comment %d: %w", id, err)
	}
	c, err := scanComment(s.reader(ctx).QueryRowContext(ctx, `SELECT `+commentColumns+` FROM comments c WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = comments.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: get comment %d: %w", id, err)
	}
	return c, nil
}

// UpdateComment replaces every field of the comment with ID c.ID by c's
// except ID, Thread and CreatedAt, or returns an error wrapping
// [comments.ErrNotFound].
func (s *Store) UpdateComment(ctx context.Context, c *comments.Comment) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlitestore: update comment: %w", err)
	}
	if c == nil {
		return errors.New("sqlitestore: update comment: nil comment")
	}
	var thread string
	err := s.inWrite(ctx, func(tx querier) error {
		err := tx.QueryRowContext(ctx, updateCommentSQL,
			c.ParentID, string(c.Type), c.Author.Name, c.Author.Email, lowerEmail(c.Author.Email),
			c.Author.URL, c.Author.UserID, c.Author.Verified, c.Source, string(c.HTML), string(c.Status),
			string(c.Decision.Status), c.Decision.Rule, c.Decision.Reason, c.IP, c.UserAgent, c.ID).Scan(&thread)
		if errors.Is(err, sql.ErrNoRows) {
			return comments.ErrNotFound
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlitestore: update comment %d: %w", c.ID, err)
	}
	s.publish(ctx, blog.Change{Kind: blog.ChangeComment, Thread: thread})
	return nil
}

// DeleteComment removes the comment with that ID and, in the same
// transaction, moves its replies up to its parent (to the top level for a
// comment that claimed to reply to itself). It returns an error wrapping
// [comments.ErrNotFound] if there is no such comment.
func (s *Store) DeleteComment(ctx context.Context, id int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlitestore: delete comment %d: %w", id, err)
	}
	var thread string
	err := s.inWrite(ctx, func(tx querier) error {
		var parent int64
		err := tx.QueryRowContext(ctx, deleteCommentSQL, id).Scan(&thread, &parent)
		if errors.Is(err, sql.ErrNoRows) {
			return comments.ErrNotFound
		}
		if err != nil {
			return err
		}
		if parent == id {
			parent = 0
		}
		_, err = tx.ExecContext(ctx, reparentSQL, parent, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlitestore: delete comment %d: %w", id, err)
	}
	s.publish(ctx, blog.Change{Kind: blog.ChangeComment, Thread: thread})
	return nil
}

// listCommentsSQL returns the statement listing the comments q selects and
// its arguments. Each shape reads one index in listing order:
// comments_by_thread_status for one thread and one status,
// comments_by_thread for one thread, comments_by_status for one status
// and comments_by_time otherwise; further statuses are filtered on the
// way.
func listCommentsSQL(q *comments.CommentQuery) (string, []any) {
	statuses := dedupe(q.Statuses)
	var (
		w     where
		index string
	)
	switch {
	case q.Thread != "" && len(statuses) == 1:
		index = "comments_by_thread_status"
	case q.Thread != "":
		index = "comments_by_thread"
	case len(statuses) == 1:
		index = "comments_by_status"
	default:
		index = "comments_by_time"
	}
	if q.Thread != "" {
		w.add("c.thread = ?", q.Thread)
	}
	whereIn(&w, "c.status", statuses)
	dir, cmp := "ASC", ">"
	if q.Newest {
		dir, cmp = "DESC", "<"
	}
	if q.After != nil {
		w.add("(c.created_at, c.id) "+cmp+" (?, ?)", toMicros(q.After.CreatedAt), q.After.ID)
	}
	w.args = append(w.args, q.EffectiveLimit())
	return `SELECT ` + commentColumns + ` FROM comments c INDEXED BY ` + index + w.String() +
		` ORDER BY c.created_at ` + dir + `, c.id ` + dir + ` LIMIT ?`, w.args
}

// ListComments returns the comments matching q ordered by (CreatedAt, ID),
// oldest first unless q.Newest, at most q.EffectiveLimit() of them,
// continuing after q.After.
func (s *Store) ListComments(ctx context.Context, q comments.CommentQuery) ([]*comments.Comment, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlitestore: list comments: %w", err)
	}
	query, args := listCommentsSQL(&q)
	rows, err := s.reader(ctx).QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: list comments: %w", err)
	}
	out, err := scanComments(rows)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: list comments: %w", err)
	}
	return out, nil
}

// countChunk is the most threads CountApproved binds in one statement,
// well under SQLite's limit on parameters.
const countChunk = 500

// CountApproved returns the number of approved comments on each of the
// threads, 0 for a thread without any. It reads the
// comments_by_thread_status index only, in one statement per 500 threads,
// all in one read transaction.
func (s *Store) CountApproved(ctx context.Context, threads []string) (map[string]int, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlitestore: count approved comments: %w", err)
	}
	counts := make(map[string]int, len(threads))
	for _, t := range threads {
		counts[t] = 0
	}
	if len(threads) == 0 {
		return counts, nil
	}
	err := s.inRead(ctx, func(tx querier) error {
		for start := 0; start < len(threads); start += countChunk {
			chunk := threads[start:min(start+countChunk, len(threads))]
			var w where
			w.add("c.status = ?", string(comments.StatusApproved))
			whereIn(&w, "c.thread", chunk)
			rows, err := tx.QueryContext(ctx, `SELECT c.thread, count(*) FROM comments c INDEXED BY comments_by_thread_status`+
				w.String()+` GROUP BY c.thread`, w.args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var t string
				var n int
				if err := rows.Scan(&t, &n); err != nil {
					rows.Close()
					return err
				}
				counts[t] = n
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: count approved comments: %w", err)
	}
	return counts, nil
}

// HasApprovedComment reports whether an approved comment carries this
// name, trimmed of spaces, and this email, compared case-insensitively (by
// strings.ToLower). An empty email has none.
func (s *Store) HasApprovedComment(ctx context.Context, name, email string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("sqlitestore: has approved comment: %w", err)
	}
	if email == "" {
		return false, nil
	}
	var one int
	err := s.reader(ctx).QueryRowContext(ctx, `SELECT 1 FROM comments c INDEXED BY comments_by_email_status
		WHERE c.email_lower = ? AND c.status = ? AND trim(c.author_name, ' ') = ? LIMIT 1`,
		lowerEmail(email), string(comments.StatusApproved), strings.Trim(name, " ")).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("sqlitestore: has approved comment: %w", err)
	}
	return true, nil
}

// latestSQL returns the statement selecting cols of the latest comment, by
// (CreatedAt, ID), sent from ip or, if email is not empty, with that email
// compared case-insensitively; "" if both are empty. Each look-up reads
// the end of one index.
func latestSQL(cols, ip, email string) (string, []any) {
	var (
		parts []string
		args  []any
	)
	if ip != "" {
		parts = append(parts, `SELECT id FROM (SELECT c.id FROM comments c INDEXED BY comments_by_ip
			WHERE c.ip = ? ORDER BY c.created_at DESC, c.id DESC LIMIT 1)`)
		args = append(args, ip)
	}
	if email != "" {
		parts = append(parts, `SELECT id FROM (SELECT c.id FROM comments c INDEXED BY comments_by_email
			WHERE c.email_lower = ? ORDER BY c.created_at DESC, c.id DESC LIMIT 1)`)
		args = append(args, lowerEmail(email))
	}
	if len(parts) == 0 {
		return "", nil
	}
	return `SELECT ` + cols + ` FROM comments c WHERE c.id IN (` + strings.Join(parts, " UNION ALL ") + `)
		ORDER BY c.created_at DESC, c.id DESC LIMIT 1`, args
}

// LatestComment returns the most recent comment, by (CreatedAt, ID), of
// any status, sent from ip or, if email is not empty, with that email
// (compared case-insensitively). An empty ip matches nothing. It returns
// an error wrapping [comments.ErrNotFound] if none matches.
func (s *Store) LatestComment(ctx context.Context, ip, email string) (*comments.Comment, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlitestore: latest comment: %w", err)
	}
	query, args := latestSQL(commentColumns, ip, email)
	if query == "" {
		return nil, fmt.Errorf("sqlitestore: latest comment: %w", comments.ErrNotFound)
	}
	c, err := scanComment(s.reader(ctx).QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		err = comments.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: latest comment: %w", err)
	}
	return c, nil
}

// duplicateSQL returns the statement selecting cols of the oldest
// comment, not in the trash, on c.Thread with c.Source and c's author: the
// same UserID if c has one, else the same email (case-insensitively) if c
// has one, else the same name. It searches comments_by_thread_text by the
// thread and the text's first and last 40 characters, so it reads the
// comments of that thread that begin and end alike, not the whole thread.
func duplicateSQL(cols string, c *comments.Comment) (string, []any) {
	var w where
	w.add("c.thread = ?", c.Thread)
	w.add("substr(c.source, 1, 40) = substr(?, 1, 40)", c.Source)
	w.add("substr(c.source, -40) = substr(?, -40)", c.Source)
	w.add("c.status <> ?", string(comments.StatusTrash))
	w.add("c.source = ?", c.Source)
	switch {
	case c.Author.UserID != "":
		w.add("c.author_user_id = ?", c.Author.UserID)
	case c.Author.Email != "":
		w.add("c.email_lower = ?", lowerEmail(c.Author.Email))
	default:
		w.add("c.author_name = ?", c.Author.Name)
	}
	return `SELECT ` + cols + ` FROM comments c INDEXED BY comments_by_thread_text` + w.String() +
		` ORDER BY c.created_at, c.id LIMIT 1`, w.args
}

// FindDuplicate returns the oldest comment, not in the trash, on c.Thread
// with c.Source and c's author: the same UserID if c has one, else the
// same email (compared case-insensitively) if c has one, else the same
// name. It returns an error wrapping [comments.ErrNotFound] if there is
// none.
func (s *Store) FindDuplicate(ctx context.Context, c *comments.Comment) (*comments.Comment, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlitestore: find duplicate comment: %w", err)
	}
	if c == nil {
		return nil, errors.New("sqlitestore: find duplicate comment: nil comment")
	}
	query, args := duplicateSQL(commentColumns, c)
	d, err := scanComment(s.reader(ctx).QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		err = comments.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: find duplicate comment: %w", err)
	}
	return d, nil
}

// isRootSQL is the condition on the comments row c that it shows at the
// top level of its thread, as the comment_roots triggers judge it.
const isRootSQL = `c.status = 'approved' AND (c.parent_id = 0 OR c.parent_id = c.id OR NOT EXISTS (
	SELECT 1 FROM comments p WHERE p.id = c.parent_id AND p.thread = c.thread AND p.status = 'approved'))`

// The statements of CountRootsBefore. rootsNearSQL reads, in one
// snapshot, the thread's count of top-level comments (kept by triggers in
// comment_roots) and the top-level comments from a cursor on, up to a
// limit, from the end of comments_by_thread_status; countRootsSQL counts
// those before a cursor, for a comment far from the end.
const (
	rootTotalSQL = `SELECT coalesce((SELECT n FROM comment_roots WHERE thread = ?), 0)`
	rootsFromSQL = `SELECT count(*) FROM (SELECT 1 FROM comments c INDEXED BY comments_by_thread_status
		WHERE c.thread = ?1 AND c.status = 'approved' AND (c.created_at, c.id) >= (?2, ?3) AND ` + isRootSQL + ` LIMIT ?4)`
	rootsNearSQL  = `SELECT coalesce((SELECT n FROM comment_roots WHERE thread = ?1), 0), (` + rootsFromSQL + `)`
	countRootsSQL = `SELECT count(*) FROM comments c INDEXED BY comments_by_thread_status
		WHERE c.thread = ?1 AND c.status = 'approved' AND (c.created_at, c.id) < (?2, ?3) AND ` + isRootSQL
)

// rootsNearEnd is how many top-level comments from the cursor on
// CountRootsBefore reads before it counts from the start instead.
const rootsNearEnd = 256

// CountRootsBefore returns the number of approved comments on thread
// before at, by (CreatedAt, ID), that a thread page shows at the top
// level ([comments.RootCounter]). For a comment near the end of its
// thread, such as a new one, it takes the thread's count (kept by
// triggers in the comment_roots table) less the top-level comments from
// at on, so its cost does not grow with the thread; for one further back
// it counts the comments before at.
func (s *Store) CountRootsBefore(ctx context.Context, thread string, at comments.Cursor) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("sqlitestore: count top-level comments: %w", err)
	}
	key := toMicros(at.CreatedAt)
	var total, from int
	err := s.reader(ctx).QueryRowContext(ctx, rootsNearSQL, thread, key, at.ID, rootsNearEnd).Scan(&total, &from)
	if err == nil && from < rootsNearEnd {
		return total - from, nil
	}
	var n int
	if err == nil {
		err = s.reader(ctx).QueryRowContext(ctx, countRootsSQL, thread, key, at.ID).Scan(&n)
	}
	if err != nil {
		return 0, fmt.Errorf("sqlitestore: count top-level comments: %w", err)
	}
	return n, nil
}
