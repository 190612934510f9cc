package comments_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
)

func tokenProblem(t testing.TB, err error) comments.TokenProblem {
	t.Helper()
	require.ErrorIs(t, err, comments.ErrBadToken)
	var te *comments.TokenError
	require.ErrorAs(t, err, &te)
	return te.Problem
}

// flip changes one character of tok in its signature.
func flip(tok string) string {
	b := []byte(tok)
	i := len(b) - 10
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

func TestService_VerifyToken(t *testing.T) {
	t.Parallel()
	other, err := comments.NewService(memstore.New(), openThreads, comments.WithTokenKey([]byte(strings.Repeat("k", 32))), comments.WithLogger(quietLogger()))
	require.NoError(t, err)
	tests := []struct {
		name  string
		token func(h *harness) string
		wait  time.Duration
		want  comments.TokenProblem // "" when accepted
	}{
		{"valid", func(h *harness) string { return h.svc.NewToken("post-1") }, 3 * time.Second, ""},
		{"at the min age", func(h *harness) string { return h.svc.NewToken("post-1") }, 2 * time.Second, ""},
		{"at the max age", func(h *harness) string { return h.svc.NewToken("post-1") }, 24 * time.Hour, ""},
		{"missing", func(*harness) string { return "" }, 3 * time.Second, comments.TokenMissing},
		{"garbage", func(*harness) string { return "not-a-token" }, 3 * time.Second, comments.TokenMalformed},
		{"bad base64", func(h *harness) string { return strings.Repeat("*", len(h.svc.NewToken("post-1"))) }, 3 * time.Second, comments.TokenMalformed},
		{"forged signature", func(h *harness) string { return flip(h.svc.NewToken("post-1")) }, 3 * time.Second, comments.TokenForged},
		{"another key", func(*harness) string { return other.NewToken("post-1") }, 3 * time.Second, comments.TokenForged},
		{"another thread", func(h *harness) string { return h.svc.NewToken("post-2") }, 3 * time.Second, comments.TokenOtherThread},
		{"too new", func(h *harness) string { return h.svc.NewToken("post-1") }, 1999 * time.Millisecond, comments.TokenTooNew},
		{"expired", func(h *harness) string { return h.svc.NewToken("post-1") }, 24*time.Hour + time.Millisecond, comments.TokenExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, comments.WithTokenAge(comments.DefaultTokenMinAge, comments.DefaultTokenMaxAge))
			tok := tt.token(h)
			h.clock.Advance(tt.wait)
			err := h.svc.VerifyToken(context.Background(), tok, "post-1", "192.0.2.1")
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.Equal(t, tt.want, tokenProblem(t, err))
		})
	}
}

func TestService_VerifyToken_once(t *testing.T) {
	t.Parallel()
	h := newHarness(t, comments.WithTokenAge(comments.DefaultTokenMinAge, comments.DefaultTokenMaxAge))
	ctx := context.Background()
	tok := h.svc.NewToken("post-1")

	h.clock.Advance(time.Second)
	assert.Equal(t, comments.TokenTooNew, tokenProblem(t, h.svc.VerifyToken(ctx, tok, "post-1", "192.0.2.1")))
	h.clock.Advance(2 * time.Second)
	require.NoError(t, h.svc.VerifyToken(ctx, tok, "post-1", "192.0.2.1"), "a refusal does not use the token up")
	assert.Equal(t, comments.TokenReused, tokenProblem(t, h.svc.VerifyToken(ctx, tok, "post-1", "192.0.2.1")))
	assert.NotEqual(t, tok, h.svc.NewToken("post-1"), "each token has its own nonce")
}

func TestService_Submit_token(t *testing.T) {
	t.Parallel()
	h := newHarness(t, comments.WithRules(), comments.WithTokenAge(comments.DefaultTokenMinAge, comments.DefaultTokenMaxAge))
	ctx := context.Background()
	s := h.sub("post-1", "Ann", "ann@example.com", "hello")
	s.Token = ""
	_, err := h.svc.Submit(ctx, s)
	assert.Equal(t, comments.TokenMissing, tokenProblem(t, err))

	s.Token = h.svc.NewToken("post-1")
	_, err = h.svc.Submit(ctx, s)
	assert.Equal(t, comments.TokenTooNew, tokenProblem(t, err))
	assert.Empty(t, mustList(t, h, "post-1"))

	h.clock.Advance(5 * time.Second)
	_, err = h.svc.Submit(ctx, s)
	require.NoError(t, err)

	h.clock.Advance(time.Minute)
	s.Body = "the same form sent again"
	_, err = h.svc.Submit(ctx, s)
	assert.Equal(t, comments.TokenReused, tokenProblem(t, err))
}

func TestNonceCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := newClock()
	c := comments.NewNonceCache(2, clk.Now)
	use := func(n string, ttl time.Duration) bool {
		t.Helper()
		fresh, err := c.Use(ctx, n, clk.Now().Add(ttl))
		require.NoError(t, err)
		return fresh
	}
	assert.True(t, use("a", time.Hour))
	assert.False(t, use("a", time.Hour))
	assert.True(t, use("b", 2*time.Hour))
	assert.True(t, use("c", 3*time.Hour))
	assert.Equal(t, 2, c.Len(), "never more than the limit")
	assert.True(t, use("a", time.Hour), "the nonce closest to expiry was forgotten first")
	assert.False(t, use("c", 3*time.Hour))

	clk.Advance(3 * time.Hour)
	assert.True(t, use("d", time.Hour))
	assert.Equal(t, 1, c.Len(), "expired nonces are forgotten")
}

func TestService_WithNonceStore(t *testing.T) {
	t.Parallel()
	var got []string
	store := nonceFunc(func(_ context.Context, n string, _ time.Time) (bool, error) {
		got = append(got, n)
		if len(got) > 1 {
			return false, errors.New("nonce table down")
		}
		return true, nil
	})
	h := newHarness(t, comments.WithNonceStore(store))
	ctx := context.Background()
	require.NoError(t, h.svc.VerifyToken(ctx, h.svc.NewToken("p"), "p", "192.0.2.1"))
	err := h.svc.VerifyToken(ctx, h.svc.NewToken("p"), "p", "192.0.2.1")
	require.Error(t, err)
	assert.NotErrorIs(t, err, comments.ErrBadToken, "a store failure is not the visitor's fault")
	assert.Len(t, got, 2)
}

type nonceFunc func(ctx context.Context, nonce string, expires time.Time) (bool, error)

func (f nonceFunc) Use(ctx context.Context, nonce string, expires time.Time) (bool, error) {
	return f(ctx, nonce, expires)
}

func TestService_VerifyToken_oncePerVisitor(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	tok := h.svc.NewToken("post-1")
	h.clock.Advance(time.Minute)
	// A cached page shows one token to many visitors: each may use it once.
	require.NoError(t, h.svc.VerifyToken(ctx, tok, "post-1", "192.0.2.1"))
	require.NoError(t, h.svc.VerifyToken(ctx, tok, "post-1", "192.0.2.2"))
	assert.Equal(t, comments.TokenReused, tokenProblem(t, h.svc.VerifyToken(ctx, tok, "post-1", "192.0.2.1")))
	assert.Equal(t, comments.TokenReused, tokenProblem(t, h.svc.VerifyToken(ctx, tok, "post-1", "192.0.2.2")))
}

func TestService_VerifyToken_oncePerNetwork(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		first, then string
		wantReused  bool
	}{
		{"another address of the same IPv6 /64", "2001:db8:1:2::1", "2001:db8:1:2:ffff::9", true},
		{"the same IPv6 /64 written in full", "2001:db8:1:2::1", "2001:0db8:0001:0002:0000:0000:0000:0001", true},
		{"another IPv6 /64", "2001:db8:1:2::1", "2001:db8:1:3::1", false},
		{"an IPv4 address and its IPv4-mapped IPv6 form", "192.0.2.1", "::ffff:192.0.2.1", true},
		{"IPv4 neighbours", "192.0.2.1", "192.0.2.2", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			ctx := context.Background()
			tok := h.svc.NewToken("post-1")
			h.clock.Advance(time.Minute)
			require.NoError(t, h.svc.VerifyToken(ctx, tok, "post-1", tc.first))
			err := h.svc.VerifyToken(ctx, tok, "post-1", tc.then)
			if tc.wantReused {
				assert.Equal(t, comments.TokenReused, tokenProblem(t, err))
			} else {
				assert.NoError(t, err)
			}
		})
	}
}
