package bloghttp_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog/bloghttp"
)

// loginFrom posts token on the login form from the address addr.
func (e *modSite) loginFrom(csrf, token, addr string) *httptest.ResponseRecorder {
	e.t.Helper()
	r := httptest.NewRequest(http.MethodPost, "https://example.com/blog/admin/login",
		strings.NewReader(url.Values{"token": {token}, "folio_csrf": {csrf}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.RemoteAddr = addr
	return e.do(r)
}

// bearerFrom asks for the moderation queue with token from addr.
func (e *modSite) bearerFrom(token, addr string) *httptest.ResponseRecorder {
	e.t.Helper()
	r := httptest.NewRequest(http.MethodGet, "https://example.com/blog/admin/comments", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	r.RemoteAddr = addr
	return e.do(r)
}

const wrongToken = "wrong-token-wrong-token"

func TestServer_loginRateLimit_perNetwork(t *testing.T) {
	tests := []struct {
		name         string
		failing, ask string
		refused      bool
	}{
		{"another address of the same IPv6 /64", "[2001:db8:1:2::1]:5555", "[2001:db8:1:2:ffff::9]:5555", true},
		{"an IPv4 address and its IPv4-mapped IPv6 form", "192.0.2.1:5555", "[::ffff:192.0.2.1]:5555", true},
		{"another IPv6 /64", "[2001:db8:1:2::1]:5555", "[2001:db8:1:3::1]:5555", false},
		{"IPv4 neighbours", "192.0.2.1:5555", "192.0.2.2:5555", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newModSite(t)
			csrf := csrfIn(t, e.get("/blog/admin/login").Body.String())
			for i := range bloghttp.MaxLoginFailures {
				require.Equal(t, http.StatusUnauthorized, e.loginFrom(csrf, wrongToken, tc.failing).Code, "attempt %d", i+1)
			}
			w := e.loginFrom(csrf, modToken, tc.ask)
			if tc.refused {
				assert.Equal(t, http.StatusTooManyRequests, w.Code)
			} else {
				assert.Equal(t, http.StatusSeeOther, w.Code)
			}
		})
	}
}

func TestServer_loginRateLimit_fullTable(t *testing.T) {
	defer bloghttp.SetMaxTrackedAddrs(3)()
	e := newModSite(t)
	csrf := csrfIn(t, e.get("/blog/admin/login").Body.String())
	// More networks fail than the table holds, each until it is refused.
	for n := range 5 {
		addr := "198.51.100." + strconv.Itoa(n+1) + ":5555"
		for range bloghttp.MaxLoginFailures {
			require.Equal(t, http.StatusUnauthorized, e.loginFrom(csrf, wrongToken, addr).Code, "network %d", n+1)
		}
		require.Equal(t, http.StatusTooManyRequests, e.loginFrom(csrf, wrongToken, addr).Code, "network %d", n+1)
	}
	newcomer := "203.0.113.7:5555"
	assert.Equal(t, http.StatusUnauthorized, e.loginFrom(csrf, wrongToken, newcomer).Code,
		"a network that never failed is told the token is wrong, not refused")
	assert.Equal(t, http.StatusSeeOther, e.loginFrom(csrf, modToken, newcomer).Code,
		"a network that never failed signs in")
	assert.Equal(t, http.StatusTooManyRequests, e.loginFrom(csrf, modToken, "198.51.100.5:5555").Code,
		"the latest network refused is still refused")
}

func TestServer_bearerLimit(t *testing.T) {
	e := newModSite(t)
	attacker := func(i int) string { return "[2001:db8:1:2::" + strconv.FormatInt(int64(i+1), 16) + "]:443" }
	for i := range bloghttp.MaxBearerFailures {
		w := e.bearerFrom(wrongToken, attacker(i))
		require.Equal(t, http.StatusUnauthorized, w.Code, "attempt %d", i+1)
	}
	for i := range 50 {
		w := e.bearerFrom(wrongToken, attacker(bloghttp.MaxBearerFailures+i))
		require.Equal(t, http.StatusTooManyRequests, w.Code, "attempt %d past the limit", i+1)
		retry, err := strconv.Atoi(w.Header().Get("Retry-After"))
		require.NoError(t, err, "Retry-After is whole seconds")
		require.Positive(t, retry)
		require.LessOrEqual(t, retry, int(bloghttp.LoginFailureWindow.Seconds()))
	}
	t.Run("the right token from the same network still works", func(t *testing.T) {
		assert.Equal(t, http.StatusOK, e.bearerFrom(modToken, attacker(99)).Code)
		assert.Equal(t, http.StatusTooManyRequests, e.bearerFrom(wrongToken, attacker(100)).Code,
			"and does not lift the limit for wrong ones")
	})
	t.Run("wrong tokens on public pages count too", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodGet, "https://example.com/blog/", nil)
		r.Header.Set("Authorization", "Bearer "+wrongToken)
		r.RemoteAddr = attacker(101)
		assert.Equal(t, http.StatusTooManyRequests, e.do(r).Code)
	})
	t.Run("another network is not refused", func(t *testing.T) {
		assert.Equal(t, http.StatusUnauthorized, e.bearerFrom(wrongToken, "[2001:db8:1:3::1]:443").Code)
		assert.Equal(t, http.StatusUnauthorized, e.bearerFrom(wrongToken, "192.0.2.1:443").Code)
	})
	t.Run("the login form shares the count", func(t *testing.T) {
		csrf := csrfIn(t, e.get("/blog/admin/login").Body.String())
		assert.Equal(t, http.StatusTooManyRequests, e.loginFrom(csrf, wrongToken, attacker(102)).Code)
	})
	t.Run("other schemes are not counted", func(t *testing.T) {
		for range bloghttp.MaxBearerFailures + 1 {
			r := httptest.NewRequest(http.MethodGet, "https://example.com/blog/admin/comments", nil)
			r.Header.Set("Authorization", "Basic "+wrongToken)
			r.RemoteAddr = "192.0.2.9:443"
			require.Equal(t, http.StatusUnauthorized, e.do(r).Code)
		}
	})
}
