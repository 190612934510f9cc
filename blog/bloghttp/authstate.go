package bloghttp

import (
	"context"
	"time"
)

// AuthStore keeps what a [TokenAuth] knows of ended sessions and failed
// sign-ins where every instance of a site sees it: storage/pgstore's Store
// is one. Without it each process knows only its own, which is right for
// a site served by one process.
//
// Every record expires (a session when it would have ended anyway, a
// network's failures when its window ends) and the store forgets it some
// time after; methods take the time from the caller so that every
// instance judges windows by its own clock. All methods are safe for
// concurrent use.
type AuthStore interface {
	// RevokeSession records that the session id ended before expires.
	RevokeSession(ctx context.Context, id string, expires time.Time) error
	// SessionRevoked reports whether RevokeSession recorded id.
	SessionRevoked(ctx context.Context, id string) (bool, error)
	// LoginFailed records a failure of network at now. A network's window
	// starts at its first failure and lasts window; a failure after the
	// window starts a new one.
	LoginFailed(ctx context.Context, network string, now time.Time, window time.Duration) error
	// LoginFailures returns the failures of network in its window open at
	// now and when that window ends: 0 and the zero time if none is open.
	LoginFailures(ctx context.Context, network string, now time.Time) (n int, until time.Time, err error)
	// ForgetLoginFailures drops the failures of network.
	ForgetLoginFailures(ctx context.Context, network string) error
}

// TokenAuthOption configures a [TokenAuth] made by [NewTokenAuth].
type TokenAuthOption func(*TokenAuth)

// WithAuthStore keeps ended sessions and failed sign-ins in st besides
// this process's memory, so that instances sharing st agree: a sign-out on
// one ends the session on all, and a network locked out on one is locked
// out on all. A session the store cannot be asked about is refused (the
// moderator signs in again once it answers); a failure it cannot record
// still counts in this process.
func WithAuthStore(st AuthStore) TokenAuthOption {
	return func(a *TokenAuth) { a.shared = st }
}

// sharedRevoked reports whether the shared store ended the session, or
// could not say.
func (a *TokenAuth) sharedRevoked(ctx context.Context, nonce string) bool {
	if a.shared == nil {
		return false
	}
	gone, err := a.shared.SessionRevoked(ctx, nonce)
	return gone || err != nil
}

func (a *TokenAuth) sharedRevoke(ctx context.Context, nonce string, expires time.Time) error {
	if a.shared == nil {
		return nil
	}
	return a.shared.RevokeSession(context.WithoutCancel(ctx), nonce, expires)
}

// sharedWait is loginWait by the shared store's count; 0 when it cannot
// say (this process's own count still holds).
func (a *TokenAuth) sharedWait(ctx context.Context, key string, limit int) time.Duration {
	if a.shared == nil {
		return 0
	}
	now := a.now()
	n, until, err := a.shared.LoginFailures(ctx, key, now)
	if err != nil || n < limit {
		return 0
	}
	return until.Sub(now)
}

func (a *TokenAuth) sharedFail(ctx context.Context, key string) {
	if a.shared != nil {
		_ = a.shared.LoginFailed(context.WithoutCancel(ctx), key, a.now(), LoginFailureWindow)
	}
}

func (a *TokenAuth) sharedForget(ctx context.Context, key string) {
	if a.shared != nil {
		_ = a.shared.ForgetLoginFailures(context.WithoutCancel(ctx), key)
	}
}
