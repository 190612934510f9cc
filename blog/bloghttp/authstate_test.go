package bloghttp_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog/bloghttp"
)

// sharedAuth is an in-memory bloghttp.AuthStore standing in for a
// database several instances share; failing makes every call fail.
type sharedAuth struct {
	mu       sync.Mutex
	revoked  map[string]time.Time
	failures map[string][]time.Time // network → [first, until, …one per failure]
	failing  bool
}

var errSharedDown = errors.New("shared store down")

func newSharedAuth() *sharedAuth {
	return &sharedAuth{revoked: map[string]time.Time{}, failures: map[string][]time.Time{}}
}

func (s *sharedAuth) RevokeSession(_ context.Context, id string, expires time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failing {
		return errSharedDown
	}
	s.revoked[id] = expires
	return nil
}

func (s *sharedAuth) SessionRevoked(_ context.Context, id string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failing {
		return false, errSharedDown
	}
	_, ok := s.revoked[id]
	return ok, nil
}

func (s *sharedAuth) LoginFailed(_ context.Context, network string, now time.Time, window time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failing {
		return errSharedDown
	}
	f := s.failures[network]
	if len(f) == 0 || !now.Before(f[1]) {
		f = []time.Time{now, now.Add(window)}
	}
	s.failures[network] = append(f, now)
	return nil
}

func (s *sharedAuth) LoginFailures(_ context.Context, network string, now time.Time) (int, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failing {
		return 0, time.Time{}, errSharedDown
	}
	f := s.failures[network]
	if len(f) == 0 || !now.Before(f[1]) {
		return 0, time.Time{}, nil
	}
	return len(f) - 2, f[1], nil
}

func (s *sharedAuth) ForgetLoginFailures(_ context.Context, network string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failing {
		return errSharedDown
	}
	delete(s.failures, network)
	return nil
}

// instance returns another Server over e's blog and comments (another
// instance of the same site) whose TokenAuth keeps its state in st too.
func (e *modSite) instance(st bloghttp.AuthStore) *modSite {
	e.t.Helper()
	o := *e
	var err error
	o.auth, err = bloghttp.NewTokenAuth(modToken, "Mod Erator", []byte(strings.Repeat("k", 32)), bloghttp.WithAuthStore(st))
	require.NoError(e.t, err)
	o.srv, err = bloghttp.New(e.blog, e.cs, bloghttp.Site{
		Title: "Field Notes", Tagline: "Things seen", BaseURL: "https://example.com/blog/",
	}, bloghttp.WithLogger(slog.New(slog.DiscardHandler)), bloghttp.WithAuthorizer(o.auth), bloghttp.WithSecret([]byte(strings.Repeat("s", 32))))
	require.NoError(e.t, err)
	return &o
}

func TestTokenAuth_WithAuthStore(t *testing.T) {
	t.Run("LogoutOnAEndsSessionOnB", func(t *testing.T) {
		st := newSharedAuth()
		base := newModSite(t)
		a, b := base.instance(st), base.instance(st)
		c := a.login()
		require.Equal(t, http.StatusOK, b.get("/blog/admin/comments", cookieHeader(c)...).Code, "a session of A is valid on B")
		csrf := csrfIn(t, a.get("/blog/admin/comments", cookieHeader(c)...).Body.String())
		require.Equal(t, http.StatusSeeOther, a.send("/blog/admin/logout", url.Values{"folio_csrf": {csrf}}, cookieHeader(c)...).Code)
		assert.Equal(t, http.StatusSeeOther, b.get("/blog/admin/comments", cookieHeader(c)...).Code, "B sends the signed-out cookie to the login form")
	})
	t.Run("LockoutOnAHoldsOnB", func(t *testing.T) {
		st := newSharedAuth()
		base := newModSite(t)
		a, b := base.instance(st), base.instance(st)
		csrf := csrfIn(t, a.get("/blog/admin/login").Body.String())
		for i := range bloghttp.MaxLoginFailures {
			require.Equal(t, http.StatusUnauthorized, a.loginFrom(csrf, wrongToken, "192.0.2.7:1000").Code, "attempt %d", i+1)
		}
		assert.Equal(t, http.StatusTooManyRequests, b.loginFrom(csrf, modToken, "192.0.2.7:2000").Code)
		assert.Equal(t, http.StatusSeeOther, b.loginFrom(csrf, modToken, "192.0.2.8:2000").Code, "another network signs in")
	})
	t.Run("StoreDown", func(t *testing.T) {
		st := newSharedAuth()
		e := newModSite(t).instance(st)
		c := e.login()
		st.mu.Lock()
		st.failing = true
		st.mu.Unlock()
		assert.Equal(t, http.StatusSeeOther, e.get("/blog/admin/comments", cookieHeader(c)...).Code,
			"a session the store cannot vouch for is refused")
		assert.Equal(t, http.StatusOK, e.get("/blog/admin/comments", "Authorization", "Bearer "+modToken).Code,
			"the token in a header needs no store")
		csrf := csrfIn(t, e.get("/blog/admin/login").Body.String())
		for i := range bloghttp.MaxLoginFailures {
			require.Equal(t, http.StatusUnauthorized, e.loginFrom(csrf, wrongToken, "192.0.2.9:1000").Code, "attempt %d", i+1)
		}
		assert.Equal(t, http.StatusTooManyRequests, e.loginFrom(csrf, modToken, "192.0.2.9:1000").Code,
			"this process's own count still holds")
	})
}
