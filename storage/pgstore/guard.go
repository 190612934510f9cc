package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

// guardLockSQL takes the transaction-scoped advisory locks a guarded
// comment needs: one on its thread (for the duplicate guard), one on its
// address and one on its lower-cased email (for the flood guard). Every
// transaction takes its locks in ascending key order, so two of them never
// wait for each other in a cycle. $1 prefixes every key with the schema,
// so stores in different schemas do not contend.
const guardLockSQL = `
SELECT pg_advisory_xact_lock(k) FROM (
	SELECT DISTINCT hashtextextended(key, 0) AS k
	FROM unnest(ARRAY[
		$1::text || ':thread:' || $2::text,
		CASE WHEN $3::text <> '' THEN $1::text || ':ip:' || $3::text END,
		CASE WHEN $4::text <> '' THEN $1::text || ':email:' || lower($4::text) END
	]) AS key
	WHERE key IS NOT NULL
	ORDER BY k
) AS keys`

// guardFloodSQL returns the creation time of the newest comment from $1
// (an address) or $2 (an email, case-insensitively) created after $3, or
// no row.
const guardFloodSQL = `
SELECT max(created_at) FROM (
	(SELECT created_at FROM {S}comments WHERE $1 <> '' AND ip = $1 AND created_at > $3
	 ORDER BY listed_at DESC, id DESC LIMIT 1)
	UNION ALL
	(SELECT created_at FROM {S}comments WHERE $2 <> '' AND lower(author_email) = lower($2)
	 AND created_at > $3 ORDER BY listed_at DESC, id DESC LIMIT 1)
) AS recent`

// CreateCommentGuarded creates c as [Store.CreateComment] does, unless a
// duplicate of c exists (as [Store.FindDuplicate] finds them; the error
// then wraps [comments.ErrDuplicate]) or, when floodSince is not zero, a
// comment from c.IP or c.Author.Email (compared case-insensitively) was
// created after floodSince (the error is then a [*comments.FloodError],
// matching [comments.ErrFlood], whose RetryAfter is how long after
// floodSince that comment came). The checks and the write are one
// transaction holding advisory locks on the thread, the address and the
// email, so the guards hold across every instance sharing the database.
// Nothing is written when it returns an error.
func (s *Store) CreateCommentGuarded(ctx context.Context, c *comments.Comment, floodSince time.Time) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pgstore: create comment: %w", dbErr(err))
	}
	if err := checkNewComment(c); err != nil {
		return err
	}
	var id int64
	err := pgx.BeginFunc(ctx, s.db(ctx), func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, guardLockSQL, "folio:"+s.cfg.schema,
			cleanText(c.Thread), cleanText(c.IP), cleanText(c.Author.Email)); err != nil {
			return err
		}
		// Each statement below sees every comment committed before the
		// locks were granted (READ COMMITTED takes a snapshot per
		// statement).
		var a args
		var dupID int64
		err := tx.QueryRow(ctx, s.sql(`SELECT c.id FROM {S}comments c WHERE `+duplicateCond(&a, c)+
			` ORDER BY c.listed_at, c.id LIMIT 1`), a.vals...).Scan(&dupID)
		switch {
		case err == nil:
			return fmt.Errorf("thread %q: same as comment %d: %w", c.Thread, dupID, comments.ErrDuplicate)
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		if !floodSince.IsZero() {
			var latest pgtype.Timestamptz
			if err := tx.QueryRow(ctx, s.sql(guardFloodSQL), cleanText(c.IP), cleanText(c.Author.Email),
				tsArg(floodSince)).Scan(&latest); err != nil {
				return err
			}
			if latest.Valid {
				return &comments.FloodError{RetryAfter: timeOf(latest).Sub(floodSince)}
			}
		}
		return tx.QueryRow(ctx, s.sql(insertCommentSQL), append(commentArgs(c), s.channel)...).Scan(&id)
	})
	if err != nil {
		return fmt.Errorf("pgstore: create comment: %w", dbErr(err))
	}
	c.ID = id
	s.publish(ctx, blog.Change{Kind: blog.ChangeComment, Thread: c.Thread})
	return nil
}
