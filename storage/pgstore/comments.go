package pgstore

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

// errCommentID is returned by CreateComment for a comment that already
// has an ID: the store assigns IDs.
var errCommentID = errors.New("comment ID must be zero on create")

// commentColumns are the columns a Comment is read from, in scanComment's
// order, on the comments row c.
const commentColumns = `c.id, c.thread, c.parent_id, c.type, c.author_name, c.author_email,
	c.author_url, c.author_user_id, c.author_verified, c.source, c.html, c.status,
	c.decision_status, c.decision_rule, c.decision_reason, c.ip, c.user_agent, c.created_at`

func scanComment(row pgx.Row) (*comments.Comment, error) {
	var (
		c                           comments.Comment
		typ, status, decisionStatus string
		html                        string
		created                     pgtype.Timestamptz
	)
	err := row.Scan(&c.ID, &c.Thread, &c.ParentID, &typ, &c.Author.Name, &c.Author.Email,
		&c.Author.URL, &c.Author.UserID, &c.Author.Verified, &c.Source, &html, &status,
		&decisionStatus, &c.Decision.Rule, &c.Decision.Reason, &c.IP, &c.UserAgent, &created)
	if err != nil {
		return nil, err
	}
	c.Type, c.Status, c.Decision.Status = comments.Type(typ), comments.Status(status), comments.Status(decisionStatus)
	c.HTML = template.HTML(html)
	c.CreatedAt = timeOf(created)
	return &c, nil
}

// commentNotify is the NOTIFY of a change to a comment on the thread
// named by the column thread. A thread key too long for a NOTIFY payload
// (8000 bytes) is reported as a flush instead, which evicts everything.
const commentNotify = `pg_notify(%s, CASE WHEN octet_length(thread) <= 1000
	THEN json_build_object('kind', 'comment', 'thread', thread)::text
	ELSE '{"kind":"flush"}' END)`

// insertCommentSQL stores a comment and sends its change event in one
// statement; $18 is the channel.
var insertCommentSQL = `
WITH c AS (
	INSERT INTO {S}comments (thread, parent_id, type, author_name, author_email, author_url,
		author_user_id, author_verified, source, html, status, decision_status, decision_rule,
		decision_reason, ip, user_agent, created_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
	RETURNING id, thread
)
SELECT id FROM c, ` + fmt.Sprintf(commentNotify, "$18") + ` AS n`

// commentArgs are the arguments $1…$17 of insertCommentSQL.
func commentArgs(c *comments.Comment) []any {
	return []any{
		c.Thread, c.ParentID, string(c.Type), c.Author.Name, c.Author.Email, c.Author.URL,
		c.Author.UserID, c.Author.Verified, c.Source, string(c.HTML), string(c.Status),
		string(c.Decision.Status), c.Decision.Rule, c.Decision.Reason, c.IP, c.UserAgent,
		tsArg(c.CreatedAt.Truncate(time.Microsecond)),
	}
}

// checkNewComment validates the comment given to CreateComment.
func checkNewComment(c *comments.Comment) error {
	if c == nil {
		return errors.New("pgstore: create comment: nil comment")
	}
	if c.ID != 0 {
		return fmt.Errorf("pgstore: create comment %d: %w", c.ID, errCommentID)
	}
	return nil
}

// CreateComment stores c and assigns c.ID. CreatedAt is stored in UTC at
// microsecond precision. It returns an error if c is nil or c.ID is not
// zero, and ctx's error if ctx is done; nothing is written then.
func (s *Store) CreateComment(ctx context.Context, c *comments.Comment) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pgstore: create comment: %w", dbErr(err))
	}
	if err := checkNewComment(c); err != nil {
		return err
	}
	var id int64
	err := s.writeRow(ctx, s.sql(insertCommentSQL), append(commentArgs(c), s.channel), &id)
	if err != nil {
		return fmt.Errorf("pgstore: create comment: %w", dbErr(err))
	}
	c.ID = id
	s.publish(ctx, blog.Change{Kind: blog.ChangeComment, Thread: c.Thread})
	return nil
}

// GetComment returns the comment with that ID, or an error wrapping
// [comments.ErrNotFound].
func (s *Store) GetComment(ctx context.Context, id int64) (*comments.Comment, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: get comment %d: %w", id, dbErr(err))
	}
	c, err := scanComment(s.db(ctx).QueryRow(ctx, s.sql(`SELECT `+commentColumns+` FROM {S}comments c WHERE c.id = $1`), id))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, fmt.Errorf("pgstore: get comment %d: %w", id, comments.ErrNotFound)
	case err != nil:
		return nil, fmt.Errorf("pgstore: get comment %d: %w", id, dbErr(err))
	}
	return c, nil
}

var updateCommentSQL = `
WITH c AS (
	UPDATE {S}comments SET parent_id = $2, type = $3, author_name = $4, author_email = $5,
		author_url = $6, author_user_id = $7, author_verified = $8, source = $9, html = $10,
		status = $11, decision_status = $12, decision_rule = $13, decision_reason = $14,
		ip = $15, user_agent = $16
	WHERE id = $1
	RETURNING id, thread
)
SELECT thread FROM c, ` + fmt.Sprintf(commentNotify, "$17") + ` AS n`

// UpdateComment replaces every field of the comment with ID c.ID by c's
// except ID, Thread and CreatedAt, which keep their stored values. It
// returns an error wrapping [comments.ErrNotFound] if there is no such
// comment, and ctx's error if ctx is done.
func (s *Store) UpdateComment(ctx context.Context, c *comments.Comment) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pgstore: update comment: %w", dbErr(err))
	}
	if c == nil {
		return errors.New("pgstore: update comment: nil comment")
	}
	var thread string
	err := s.writeRow(ctx, s.sql(updateCommentSQL), []any{
		c.ID, c.ParentID, string(c.Type), c.Author.Name, c.Author.Email, c.Author.URL,
		c.Author.UserID, c.Author.Verified, c.Source, string(c.HTML), string(c.Status),
		string(c.Decision.Status), c.Decision.Rule, c.Decision.Reason, c.IP, c.UserAgent,
		s.channel}, &thread)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("pgstore: update comment %d: %w", c.ID, comments.ErrNotFound)
	case err != nil:
		return fmt.Errorf("pgstore: update comment %d: %w", c.ID, dbErr(err))
	}
	s.publish(ctx, blog.Change{Kind: blog.ChangeComment, Thread: thread})
	return nil
}

// deleteCommentSQL removes comment $1 after moving its replies up to its
// parent (to the top level if it claimed to reply to itself).
var deleteCommentSQL = `
WITH old AS (
	SELECT id, CASE WHEN parent_id = id THEN 0 ELSE parent_id END AS parent_id
	FROM {S}comments WHERE id = $1
), moved AS (
	UPDATE {S}comments r SET parent_id = old.parent_id
	FROM old WHERE r.parent_id = old.id AND r.id <> old.id
), c AS (
	DELETE FROM {S}comments d USING old WHERE d.id = old.id
	RETURNING d.id, d.thread
)
SELECT thread FROM c, ` + fmt.Sprintf(commentNotify, "$2") + ` AS n`

// DeleteComment removes the comment with that ID for good and moves its
// replies up to its parent. It returns an error wrapping
// [comments.ErrNotFound] if there is no such comment, and ctx's error if
// ctx is done.
func (s *Store) DeleteComment(ctx context.Context, id int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pgstore: delete comment %d: %w", id, dbErr(err))
	}
	var thread string
	err := s.writeRow(ctx, s.sql(deleteCommentSQL), []any{id, s.channel}, &thread)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("pgstore: delete comment %d: %w", id, comments.ErrNotFound)
	case err != nil:
		return fmt.Errorf("pgstore: delete comment %d: %w", id, dbErr(err))
	}
	s.publish(ctx, blog.Change{Kind: blog.ChangeComment, Thread: thread})
	return nil
}

// ListComments returns the comments that match q, ordered by (CreatedAt,
// ID), oldest first unless q.Newest, at most q.EffectiveLimit() of them,
// starting after q.After.
func (s *Store) ListComments(ctx context.Context, q comments.CommentQuery) ([]*comments.Comment, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: list comments: %w", dbErr(err))
	}
	if !storable(q.Thread) {
		return nil, nil // no comment can be on such a thread
	}
	var a args
	if q.Thread != "" {
		a.where("c.thread = " + a.add(q.Thread))
	}
	if len(q.Statuses) > 0 {
		statuses := make([]string, len(q.Statuses))
		for i, st := range q.Statuses {
			statuses[i] = string(st)
		}
		a.where("c.status = ANY(" + a.add(statuses) + "::text[])")
	}
	cmp, dir := ">", "ASC"
	if q.Newest {
		cmp, dir = "<", "DESC"
	}
	if q.After != nil {
		a.where("(c.listed_at, c.id) " + cmp + " (" + a.add(keyArg(q.After.CreatedAt)) + "::timestamptz, " +
			a.add(q.After.ID) + "::bigint)")
	}
	query := s.sql(`SELECT ` + commentColumns + ` FROM {S}comments c ` + a.clause() +
		` ORDER BY c.listed_at ` + dir + `, c.id ` + dir + ` LIMIT ` + a.add(q.EffectiveLimit()))
	return s.queryComments(ctx, "list comments", query, a.vals...)
}

func (s *Store) queryComments(ctx context.Context, op, query string, vals ...any) ([]*comments.Comment, error) {
	rows, err := s.db(ctx).Query(ctx, query, vals...)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %s: %w", op, dbErr(err))
	}
	defer rows.Close()
	var out []*comments.Comment
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			return nil, fmt.Errorf("pgstore: %s: %w", op, dbErr(err))
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: %s: %w", op, dbErr(err))
	}
	return out, nil
}

// CountApproved returns the number of approved comments on each of the
// threads, in one query; every thread asked for is in the map, with 0 if
// it has none.
func (s *Store) CountApproved(ctx context.Context, threads []string) (map[string]int, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: count approved comments: %w", dbErr(err))
	}
	counts := make(map[string]int, len(threads))
	keys := make([]string, 0, len(threads))
	for _, th := range threads {
		counts[th] = 0
		if storable(th) {
			keys = append(keys, th) // a key PostgreSQL cannot hold has no comments
		}
	}
	if len(keys) == 0 {
		return counts, nil
	}
	rows, err := s.db(ctx).Query(ctx, s.sql(`SELECT thread, count(*) FROM {S}comments
		WHERE thread = ANY($1::text[]) AND status = 'approved' GROUP BY thread`), keys)
	if err != nil {
		return nil, fmt.Errorf("pgstore: count approved comments: %w", dbErr(err))
	}
	defer rows.Close()
	for rows.Next() {
		var (
			th string
			n  int64
		)
		if err := rows.Scan(&th, &n); err != nil {
			return nil, fmt.Errorf("pgstore: count approved comments: %w", dbErr(err))
		}
		counts[th] = int(n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: count approved comments: %w", dbErr(err))
	}
	return counts, nil
}

// HasApprovedComment reports whether an approved comment carries this
// name, trimmed of spaces, and this email, compared case-insensitively
// (with PostgreSQL's lower()). An empty email has none.
func (s *Store) HasApprovedComment(ctx context.Context, name, email string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("pgstore: has approved comment: %w", dbErr(err))
	}
	name = strings.Trim(name, " ")
	if email == "" || !storable(email) || !storable(name) {
		return false, nil
	}
	var found bool
	err := s.db(ctx).QueryRow(ctx, s.sql(`SELECT EXISTS (SELECT 1 FROM {S}comments
		WHERE lower(author_email) = lower($1) AND status = 'approved' AND btrim(author_name, ' ') = $2)`), email, name).Scan(&found)
	if err != nil {
		return false, fmt.Errorf("pgstore: has approved comment: %w", dbErr(err))
	}
	return found, nil
}

// latestCommentSQL finds the newest comment from $1 (an address) or $2 (an
// email, case-insensitively): each branch is a backward scan of its own
// index that stops at the first row.
const latestCommentSQL = `
SELECT ` + commentColumns + ` FROM (
	(SELECT * FROM {S}comments WHERE $1 <> '' AND ip = $1
	 ORDER BY listed_at DESC, id DESC LIMIT 1)
	UNION ALL
	(SELECT * FROM {S}comments WHERE $2 <> '' AND lower(author_email) = lower($2)
	 ORDER BY listed_at DESC, id DESC LIMIT 1)
) AS c
ORDER BY c.listed_at DESC, c.id DESC
LIMIT 1`

// LatestComment returns the most recent comment, by (CreatedAt, ID), sent
// from ip or, if email is not empty, with that email compared
// case-insensitively. An empty ip matches no comment. It returns an error
// wrapping [comments.ErrNotFound] if none matches.
func (s *Store) LatestComment(ctx context.Context, ip, email string) (*comments.Comment, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: latest comment: %w", dbErr(err))
	}
	c, err := scanComment(s.db(ctx).QueryRow(ctx, s.sql(latestCommentSQL), storableOrEmpty(ip), storableOrEmpty(email)))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, fmt.Errorf("pgstore: latest comment: %w", comments.ErrNotFound)
	case err != nil:
		return nil, fmt.Errorf("pgstore: latest comment: %w", dbErr(err))
	}
	return c, nil
}

// duplicateCond is the condition on the comments row c that finds a
// duplicate of a comment with the given thread, source and author, adding
// its arguments to a.
func duplicateCond(a *args, d *comments.Comment) string {
	src := a.add(d.Source)
	cond := "c.thread = " + a.add(d.Thread) + " AND md5(c.source) = md5(" + src + "::text) AND c.status <> 'trash' AND c.source = " + src
	switch {
	case d.Author.UserID != "":
		cond += " AND c.author_user_id = " + a.add(d.Author.UserID)
	case d.Author.Email != "":
		cond += " AND lower(c.author_email) = lower(" + a.add(d.Author.Email) + ")"
	default:
		cond += " AND c.author_name = " + a.add(d.Author.Name)
	}
	return cond
}

// FindDuplicate returns the oldest comment, not in the trash, on c.Thread
// with c.Source and the same author as c: the same UserID if c has one,
// else the same email (compared case-insensitively) if c has one, else the
// same name. It returns an error wrapping [comments.ErrNotFound] if there
// is none.
func (s *Store) FindDuplicate(ctx context.Context, c *comments.Comment) (*comments.Comment, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: find duplicate comment: %w", dbErr(err))
	}
	if c == nil {
		return nil, errors.New("pgstore: find duplicate comment: nil comment")
	}
	if !storable(c.Thread) || !storable(c.Source) || !storable(c.Author.UserID) ||
		!storable(c.Author.Email) || !storable(c.Author.Name) {
		// No stored comment can have a field PostgreSQL cannot hold.
		return nil, fmt.Errorf("pgstore: find duplicate comment: %w", comments.ErrNotFound)
	}
	var a args
	query := s.sql(`SELECT ` + commentColumns + ` FROM {S}comments c WHERE ` + duplicateCond(&a, c) +
		` ORDER BY c.listed_at, c.id LIMIT 1`)
	d, err := scanComment(s.db(ctx).QueryRow(ctx, query, a.vals...))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, fmt.Errorf("pgstore: find duplicate comment: %w", comments.ErrNotFound)
	case err != nil:
		return nil, fmt.Errorf("pgstore: find duplicate comment: %w", dbErr(err))
	}
	return d, nil
}

// isRootSQL is the condition on the comments row c that it shows at the
// top level of its thread, as the comment_roots trigger judges it.
const isRootSQL = `c.status = 'approved' AND (c.parent_id = 0 OR c.parent_id = c.id OR NOT EXISTS (
	SELECT 1 FROM {S}comments p WHERE p.id = c.parent_id AND p.thread = c.thread AND p.status = 'approved'))`

// The statements of CountRootsBefore. rootsNearSQL reads, in one
// snapshot, the thread's count of top-level comments (kept by a trigger
// in comment_roots) and the top-level comments from a cursor on, up to a
// limit, from the end of the thread's approved comments; countRootsSQL
// counts those before a cursor, for a comment far from the end.
const (
	rootsNearSQL = `SELECT coalesce((SELECT n FROM {S}comment_roots WHERE thread = $1), 0),
	(SELECT count(*) FROM (SELECT 1 FROM {S}comments c
		WHERE c.thread = $1 AND c.status = 'approved' AND (c.listed_at, c.id) >= ($2::timestamptz, $3::bigint)
		AND ` + isRootSQL + ` LIMIT $4) AS near)`
	countRootsSQL = `SELECT
	(SELECT count(*) FROM {S}comments c
		WHERE c.thread = $1 AND c.status = 'approved' AND c.parent_id = 0
		AND c.listed_at <= $2::timestamptz AND (c.listed_at, c.id) < ($2::timestamptz, $3::bigint))
	+ (SELECT count(*) FROM {S}comments c
		WHERE c.thread = $1 AND c.status = 'approved' AND c.parent_id <> 0
		AND (c.listed_at, c.id) < ($2::timestamptz, $3::bigint) AND ` + isRootSQL + `)`
)

// rootsNearEnd is how many top-level comments from the cursor on
// CountRootsBefore reads before it counts from the start instead.
const rootsNearEnd = 256

// CountRootsBefore returns the number of approved comments on thread
// before at, by (CreatedAt, ID), that a thread page shows at the top
// level ([comments.RootCounter]). For a comment near the end of its
// thread, such as a new one, it takes the thread's count (kept by a
// trigger in the comment_roots table) less the top-level comments from
// at on, so its cost does not grow with the thread; for one further back
// it counts the comments before at.
func (s *Store) CountRootsBefore(ctx context.Context, thread string, at comments.Cursor) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("pgstore: count top-level comments: %w", dbErr(err))
	}
	if !storable(thread) {
		return 0, nil
	}
	var total, from int
	err := s.pool.QueryRow(ctx, s.sql(rootsNearSQL), thread, keyArg(at.CreatedAt), at.ID, rootsNearEnd).Scan(&total, &from)
	if err == nil && from < rootsNearEnd {
		return total - from, nil
	}
	var n int
	if err == nil {
		err = s.pool.QueryRow(ctx, s.sql(countRootsSQL), thread, keyArg(at.CreatedAt), at.ID).Scan(&n)
	}
	if err != nil {
		return 0, fmt.Errorf("pgstore: count top-level comments: %w", dbErr(err))
	}
	return n, nil
}
