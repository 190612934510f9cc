package reliability_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog/bloghttp"
)

// signIn signs in with the moderator token on the login form of the site
// at base, as a browser does, and returns the session's Cookie header pair
// and the answer's status.
func signIn(t *testing.T, c *http.Client, base, token string) (cookie []string, status int) {
	t.Helper()
	login := get(t, c, base, "/admin/login")
	require.Equal(t, http.StatusOK, login.status)
	m := csrfRe.FindStringSubmatch(login.body)
	require.NotNil(t, m, "the login form carries its anti-forgery field")
	p, err := postForm(c, base, "/admin/login", url.Values{"token": {token}, "folio_csrf": {m[1]}})
	require.NoError(t, err)
	for _, ck := range (&http.Response{Header: p.header}).Cookies() {
		if ck.Name == bloghttp.AdminCookie && ck.Value != "" {
			cookie = []string{"Cookie", ck.Name + "=" + ck.Value}
		}
	}
	return cookie, p.status
}

// TestPostgres_SharedState: two site processes on one database agree on
// what used to live in each process's memory: used comment form tokens,
// sign-outs and lock-outs.
func TestPostgres_SharedState(t *testing.T) {
	dsn := freshDatabase(t)
	secret := newSecret(t)
	a := startSite(t, siteOptions{db: dsn, secret: secret})
	b := startSite(t, siteOptions{db: dsn, secret: secret})

	t.Run("TokenReplayedOnBForbidden", func(t *testing.T) {
		post := findOpenPost(t, a.base)
		tok := newTokenMinter(secret).ready(t, post.thread)
		c := clientFrom("127.0.7.1")
		p, err := postForm(c, a.base, "/comments", commentForm(post.thread, "Rita Replay", "The first use of this form, on instance A.", tok))
		require.NoError(t, err)
		require.Equal(t, http.StatusSeeOther, p.status, "A takes the comment: %s", tail(p.body, 500))

		p, err = postForm(c, b.base, "/comments", commentForm(post.thread, "Rita Replay", "The same form sent again, to instance B.", tok))
		require.NoError(t, err)
		assert.Equal(t, http.StatusForbidden, p.status, "B refuses the token A used up")

		other := newTokenMinter(secret).ready(t, post.thread)
		p, err = postForm(clientFrom("127.0.7.2"), b.base, "/comments", commentForm(post.thread, "Fred Fresh", "A fresh form, on instance B.", other))
		require.NoError(t, err)
		assert.Equal(t, http.StatusSeeOther, p.status, "B takes a token nobody used")
	})

	t.Run("LogoutOnARefusedOnB", func(t *testing.T) {
		c := clientFrom("127.0.7.3")
		cookie, status := signIn(t, c, a.base, adminToken)
		require.Equal(t, http.StatusSeeOther, status)
		require.NotEmpty(t, cookie)
		onB := get(t, c, b.base, "/admin/comments?status=pending", cookie...)
		require.Equal(t, http.StatusOK, onB.status, "the session signed in on A is valid on B")
		onA := get(t, c, a.base, "/admin/comments?status=pending", cookie...)
		require.Equal(t, http.StatusOK, onA.status)
		m := csrfRe.FindStringSubmatch(onA.body)
		require.NotNil(t, m)

		p, err := postForm(c, a.base, "/admin/logout", url.Values{"folio_csrf": {m[1]}}, cookie...)
		require.NoError(t, err)
		require.Equal(t, http.StatusSeeOther, p.status)

		anonymous := get(t, c, b.base, "/admin/comments?status=pending").status
		require.NotEqual(t, http.StatusOK, anonymous)
		assert.Equal(t, anonymous, get(t, c, b.base, "/admin/comments?status=pending", cookie...).status,
			"B refuses the cookie of a session signed out on A")
		assert.Equal(t, anonymous, get(t, c, a.base, "/admin/comments?status=pending", cookie...).status,
			"A refuses it too")
	})

	t.Run("LockoutOnAHoldsOnB", func(t *testing.T) {
		c := clientFrom("127.0.7.4")
		wrong := strings.Repeat("w", len(adminToken))
		for i := range bloghttp.MaxLoginFailures {
			_, status := signIn(t, c, a.base, wrong)
			require.NotEqual(t, http.StatusSeeOther, status, "attempt %d with a wrong token", i+1)
			require.NotEqual(t, http.StatusTooManyRequests, status, "attempt %d is within the limit", i+1)
		}
		cookie, status := signIn(t, c, b.base, adminToken)
		assert.Equal(t, http.StatusTooManyRequests, status, "B refuses the network locked out on A, even with the right token")
		assert.Empty(t, cookie)

		cookie, status = signIn(t, clientFrom("127.0.7.5"), b.base, adminToken)
		assert.Equal(t, http.StatusSeeOther, status, "another network signs in on B")
		assert.NotEmpty(t, cookie)
	})
}
