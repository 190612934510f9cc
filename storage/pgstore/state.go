package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/folioblog/folio/comments"
)

var _ comments.NonceKeeper = (*Store)(nil)

// The state the instances of a site share besides posts and comments:
// used comment form token nonces (comments.NonceKeeper), ended moderator
// sessions and failed sign-ins (bloghttp.AuthStore). Every row expires;
// each write also deletes up to purgeBatch rows of its table that expired
// more than purgeMargin ago, so the tables stay small without a
// background job. The margin absorbs clock skew between the instances
// and the database.
const (
	purgeBatch  = 100
	purgeMargin = time.Hour
)

// purge is a CTE deleting a few long-expired rows of {S}table.
func purge(table string) string {
	return `purged AS (DELETE FROM {S}` + table + ` WHERE ctid IN (SELECT ctid FROM {S}` + table +
		` WHERE expires_at < now() - interval '` + fmt.Sprint(int(purgeMargin.Seconds())) + ` seconds' LIMIT ` + fmt.Sprint(purgeBatch) + `))`
}

var useNonceSQL = `WITH ` + purge("form_nonces") + `
INSERT INTO {S}form_nonces (nonce, expires_at) VALUES ($1, $2)
ON CONFLICT (nonce) DO NOTHING RETURNING 1`

// UseTokenNonce records the nonce of a comment form token until expires
// and reports whether no instance had recorded it before: true exactly
// once per nonce, however many instances race to use it. It implements
// comments.NonceKeeper, which a comments service over the Store uses in
// place of its in-memory nonce cache.
func (s *Store) UseTokenNonce(ctx context.Context, nonce string, expires time.Time) (bool, error) {
	var one int
	err := s.writeRow(ctx, s.sql(useNonceSQL), []any{nonce, expires.UTC()}, &one)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("pgstore: use token nonce: %w", dbErr(err))
	}
	return true, nil
}

var revokeSessionSQL = `WITH ` + purge("revoked_sessions") + `
INSERT INTO {S}revoked_sessions (id, expires_at) VALUES ($1, $2)
ON CONFLICT (id) DO NOTHING`

// RevokeSession records that the moderator session id was ended before
// expires, when it would have ended anyway; every instance then refuses
// it ([Store.SessionRevoked]).
func (s *Store) RevokeSession(ctx context.Context, id string, expires time.Time) error {
	if _, err := s.db(ctx).Exec(ctx, s.sql(revokeSessionSQL), id, expires.UTC()); err != nil {
		return fmt.Errorf("pgstore: revoke session: %w", dbErr(err))
	}
	return nil
}

// SessionRevoked reports whether the session id was ended by
// [Store.RevokeSession] on any instance.
func (s *Store) SessionRevoked(ctx context.Context, id string) (bool, error) {
	var gone bool
	err := s.db(ctx).QueryRow(ctx, s.sql(`SELECT EXISTS (SELECT 1 FROM {S}revoked_sessions WHERE id = $1)`), id).Scan(&gone)
	if err != nil {
		return false, fmt.Errorf("pgstore: session revoked: %w", dbErr(err))
	}
	return gone, nil
}

var loginFailedSQL = `WITH ` + purge("login_failures") + `
INSERT INTO {S}login_failures AS f (network, failures, first_at, expires_at) VALUES ($1, 1, $2, $3)
ON CONFLICT (network) DO UPDATE SET
	failures   = CASE WHEN f.expires_at <= $2 THEN 1 ELSE f.failures + 1 END,
	first_at   = CASE WHEN f.expires_at <= $2 THEN $2 ELSE f.first_at END,
	expires_at = CASE WHEN f.expires_at <= $2 THEN $3 ELSE f.expires_at END`

// LoginFailed records a failed sign-in of network at now. A network's
// window starts at its first failure and lasts window; a failure after it
// starts a new one.
func (s *Store) LoginFailed(ctx context.Context, network string, now time.Time, window time.Duration) error {
	now = now.UTC()
	if _, err := s.db(ctx).Exec(ctx, s.sql(loginFailedSQL), network, now, now.Add(window)); err != nil {
		return fmt.Errorf("pgstore: login failed: %w", dbErr(err))
	}
	return nil
}

// LoginFailures returns how many times network failed to sign in within
// its current window, and when that window ends; 0 and the zero time if
// it has no window open at now.
func (s *Store) LoginFailures(ctx context.Context, network string, now time.Time) (int, time.Time, error) {
	var n int
	var until time.Time
	err := s.db(ctx).QueryRow(ctx, s.sql(`SELECT failures, expires_at FROM {S}login_failures
		WHERE network = $1 AND expires_at > $2`), network, now.UTC()).Scan(&n, &until)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return 0, time.Time{}, nil
	case err != nil:
		return 0, time.Time{}, fmt.Errorf("pgstore: login failures: %w", dbErr(err))
	}
	return n, until, nil
}

// ForgetLoginFailures drops the failures of network, as after a
// successful sign-in.
func (s *Store) ForgetLoginFailures(ctx context.Context, network string) error {
	if _, err := s.db(ctx).Exec(ctx, s.sql(`DELETE FROM {S}login_failures WHERE network = $1`), network); err != nil {
		return fmt.Errorf("pgstore: forget login failures: %w", dbErr(err))
	}
	return nil
}
