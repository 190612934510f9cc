package reliability_test

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/comments/commentshttp"
)

// hostileSite is a running site with what the hostile-input tests need.
type hostileSite struct {
	*siteProc
	data   string
	db     string // the SQLite file
	secret []byte
	mint   tokenMinter
	post   openPost
}

func startHostileSite(t *testing.T) *hostileSite {
	t.Helper()
	secret := newSecret(t)
	data := t.TempDir()
	p := startSite(t, siteOptions{data: data, secret: secret})
	return &hostileSite{siteProc: p, data: data, db: filepath.Join(data, "folio.db"), secret: secret,
		mint: newTokenMinter(secret), post: findOpenPost(t, p.base)}
}

// leakedHeader reports a response header that carries text a visitor
// sent: a header injection.
func leakedHeader(h http.Header) string {
	for k, vs := range h {
		for _, v := range vs {
			l := strings.ToLower(k + ": " + v)
			if strings.ContainsAny(v, "\r\n") || strings.Contains(l, "pwn") || strings.Contains(l, "evil.example") {
				return k + ": " + v
			}
		}
	}
	return ""
}

// TestHostile_CommentForm sends hostile comment forms; each gets its
// status and stores exactly what it should (nothing, for a refusal).
func TestHostile_CommentForm(t *testing.T) {
	s := startHostileSite(t)
	th := s.post.thread
	ready := func() string { return s.mint.ready(t, th) }
	form := func(mod func(url.Values)) func() url.Values {
		return func() url.Values {
			f := commentForm(th, "Ada Visitor", "A perfectly ordinary comment.", ready())
			mod(f)
			return f
		}
	}
	randomToken := base64.RawURLEncoding.EncodeToString([]byte(strings.Repeat("\x01forged!", 10))[:65]) // version 1, a bad signature

	tests := []struct {
		name   string
		form   func() url.Values
		status int
		stored int // comments stored by the row
	}{
		{"OversizedBody", form(func(f url.Values) {
			f.Set(comments.FieldComment, strings.Repeat("x", commentshttp.DefaultMaxFormBytes+1))
		}), http.StatusRequestEntityTooLarge, 0},
		{"InvalidUTF8Author", form(func(f url.Values) { f.Set(comments.FieldAuthor, "Ada \xff\xfe") }), http.StatusUnprocessableEntity, 0},
		{"InvalidUTF8Comment", form(func(f url.Values) { f.Set(comments.FieldComment, "broken \xc3\x28 text") }), http.StatusUnprocessableEntity, 0},
		{"InvalidUTF8URL", form(func(f url.Values) { f.Set(comments.FieldURL, "http://example.com/\xff") }), http.StatusUnprocessableEntity, 0},
		{"NULInAuthor", form(func(f url.Values) { f.Set(comments.FieldAuthor, "Ada\x00Admin") }), http.StatusUnprocessableEntity, 0},
		{"NULInComment", form(func(f url.Values) { f.Set(comments.FieldComment, "before\x00after") }), http.StatusUnprocessableEntity, 0},
		{"NULInEmail", form(func(f url.Values) { f.Set(comments.FieldEmail, "ada\x00@example.com") }), http.StatusUnprocessableEntity, 0},
		{"CRLFInAuthor", form(func(f url.Values) { f.Set(comments.FieldAuthor, "Eve\r\nSet-Cookie: pwn=1") }), http.StatusUnprocessableEntity, 0},
		{"CRLFInURL", form(func(f url.Values) {
			f.Set(comments.FieldURL, "http://site.example/\r\nLocation: http://evil.example/")
		}), http.StatusUnprocessableEntity, 0},
		{"MissingToken", form(func(f url.Values) { f.Del(comments.TokenField) }), http.StatusForbidden, 0},
		{"MalformedToken", form(func(f url.Values) { f.Set(comments.TokenField, "not-a-token") }), http.StatusForbidden, 0},
		{"ForgedToken", form(func(f url.Values) { f.Set(comments.TokenField, randomToken) }), http.StatusForbidden, 0},
		{"TokenSignedWithAnotherKey", form(func(f url.Values) {
			f.Set(comments.TokenField, newTokenMinter(newSecret(t)).ready(t, th))
		}), http.StatusForbidden, 0},
		{"TokenOfAnotherThread", form(func(f url.Values) { f.Set(comments.TokenField, s.mint.ready(t, th+"0")) }), http.StatusForbidden, 0},
		{"ExpiredToken", form(func(f url.Values) {
			f.Set(comments.TokenField, s.mint.token(t, th, time.Now().Add(-comments.DefaultTokenMaxAge-time.Minute)))
		}), http.StatusForbidden, 0},
		{"TooNewToken", form(func(f url.Values) { f.Set(comments.TokenField, s.mint.token(t, th, time.Now())) }), http.StatusForbidden, 0},
		{"SQLInThreadID", form(func(f url.Values) { f.Set(comments.FieldThread, th+" OR 1=1") }), http.StatusNotFound, 0},
		{"SQLInParentID", form(func(f url.Values) { f.Set(comments.FieldParent, "1; DROP TABLE comments") }), http.StatusUnprocessableEntity, 0},
		{"SQLInEveryField", form(func(f url.Values) {
			f.Set(comments.FieldAuthor, "Robert'); DROP TABLE posts; --")
			f.Set(comments.FieldURL, "http://example.com/?q=%27%20OR%201=1--")
			f.Set(comments.FieldComment, `'; DROP TABLE posts; -- and " OR 1=1 -- and \x00 written out`)
		}), http.StatusSeeOther, 1},
		{"OpenRedirectFields", form(func(f url.Values) {
			f.Set(comments.FieldAuthor, "Otto Redirect")
			f.Set(comments.FieldEmail, "otto@example.com")
			f.Set(comments.FieldComment, "Trying to send the next visitor elsewhere.")
			f.Set("redirect_to", "http://evil.example/")
			f.Set("redirect", "//evil.example/")
			f.Set("next", "https://evil.example/%2f..")
		}), http.StatusSeeOther, 1},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := clientFrom(fmt.Sprintf("127.0.1.%d", i+1))
			before := countComments(t, s.db)
			p, err := postForm(c, s.base, "/comments", tt.form())
			require.NoError(t, err)
			assert.Equal(t, tt.status, p.status)
			assert.Equal(t, tt.stored, countComments(t, s.db)-before, "comments stored")
			assert.Empty(t, leakedHeader(p.header), "visitor text in a response header")
			if p.status == http.StatusSeeOther {
				loc := p.header.Get("Location")
				assert.True(t, strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//") && !strings.HasPrefix(loc, "/\\"),
					"Location %q leaves the site", loc)
			}
		})
	}

	t.Run("ReplayedToken", func(t *testing.T) {
		c := clientFrom("127.0.2.1")
		tok := ready()
		before := countComments(t, s.db)
		p, err := postForm(c, s.base, "/comments", commentForm(th, "Rita Replay", "The first use of this form.", tok))
		require.NoError(t, err)
		require.Equal(t, http.StatusSeeOther, p.status)
		p, err = postForm(c, s.base, "/comments", commentForm(th, "Rita Replay", "The same form sent again, new text.", tok))
		require.NoError(t, err)
		assert.Equal(t, http.StatusForbidden, p.status, "the same visitor sends the same token twice")
		assert.Equal(t, 1, countComments(t, s.db)-before)
	})
	t.Run("DuplicateSubmission", func(t *testing.T) {
		f := commentForm(th, "Dora Double", "Said once, said twice: the same words.", ready())
		before := countComments(t, s.db)
		p, err := postForm(clientFrom("127.0.2.2"), s.base, "/comments", f)
		require.NoError(t, err)
		require.Equal(t, http.StatusSeeOther, p.status)
		f.Set(comments.TokenField, ready())
		p, err = postForm(clientFrom("127.0.2.3"), s.base, "/comments", f)
		require.NoError(t, err)
		assert.Equal(t, http.StatusConflict, p.status, "the same body twice")
		assert.Equal(t, 1, countComments(t, s.db)-before)
	})
	t.Run("SearchWithSQL", func(t *testing.T) {
		c := clientFrom("127.0.2.4")
		db := openSQLite(t, s.db)
		var posts int
		require.NoError(t, db.QueryRow("SELECT count(*) FROM posts").Scan(&posts))
		for _, q := range []string{"'; DROP TABLE posts; --", `" OR 1=1 --`, "\x00", "a\x00b", "%", "_", `\`, "NEAR(", `"unbalanced`, "*", "-", "OR", "AND NOT", "\xff\xfe"} {
			p := get(t, c, s.base, "/?s="+url.QueryEscape(q))
			assert.Less(t, p.status, 500, "search %q", q)
		}
		var after int
		require.NoError(t, db.QueryRow("SELECT count(*) FROM posts").Scan(&after))
		assert.Equal(t, posts, after, "posts still there")
		assert.Equal(t, http.StatusOK, get(t, c, s.base, s.post.path).status)
	})
}

var (
	csrfRe      = regexp.MustCompile(`name="folio_csrf" value="([^"]*)"`)
	pendingIDRe = regexp.MustCompile(`id="comment-(\d+)"`)
)

// TestHostile_Moderation checks the moderation forms against forgery and
// open redirects.
func TestHostile_Moderation(t *testing.T) {
	s := startHostileSite(t)
	c := clientFrom("127.0.3.1")

	// A pending comment to moderate.
	list := get(t, c, s.base, "/admin/comments?status=pending", bearer...)
	require.Equal(t, http.StatusOK, list.status)
	m := pendingIDRe.FindStringSubmatch(list.body)
	require.NotNil(t, m, "the sample content has comments awaiting moderation")
	id := m[1]
	approve := "/admin/comments/" + id + "/approve"
	stillPending := func(t *testing.T) {
		t.Helper()
		p := get(t, clientFrom("127.0.3.9"), s.base, "/comments/"+id)
		assert.Equal(t, http.StatusNotFound, p.status, "comment %s is still awaiting moderation", id)
	}

	t.Run("LoginWithoutCSRF", func(t *testing.T) {
		p, err := postForm(c, s.base, "/admin/login", url.Values{"token": {adminToken}})
		require.NoError(t, err)
		assert.Equal(t, http.StatusForbidden, p.status)
		assert.Empty(t, p.header.Values("Set-Cookie"), "no session without the anti-forgery field")
	})

	// Sign in with the form, as a browser does.
	login := get(t, c, s.base, "/admin/login")
	lm := csrfRe.FindStringSubmatch(login.body)
	require.NotNil(t, lm)
	p, err := postForm(c, s.base, "/admin/login", url.Values{"token": {adminToken}, "folio_csrf": {lm[1]},
		"next": {"http://evil.example/"}, "redirect_to": {"//evil.example/"}})
	require.NoError(t, err)
	require.Equal(t, http.StatusSeeOther, p.status)
	assert.Equal(t, "/admin/", p.header.Get("Location"), "login goes to the moderation screen, whatever the form says")
	var session string
	for _, ck := range (&http.Response{Header: p.header}).Cookies() {
		if ck.Name == "folio_admin" {
			session = ck.Name + "=" + ck.Value
			assert.True(t, ck.HttpOnly, "session cookie is HttpOnly")
			assert.Equal(t, http.SameSiteLaxMode, ck.SameSite)
		}
	}
	require.NotEmpty(t, session)
	cookie := []string{"Cookie", session}
	list = get(t, c, s.base, "/admin/comments?status=pending", cookie...)
	require.Equal(t, http.StatusOK, list.status)
	cm := csrfRe.FindStringSubmatch(list.body)
	require.NotNil(t, cm)
	csrf := cm[1]

	tests := []struct {
		name   string
		form   url.Values
		header []string
		status int
	}{
		{"CookieWithoutCSRF", url.Values{}, cookie, http.StatusForbidden},
		{"CookieWithForgedCSRF", url.Values{"folio_csrf": {"1.AAAA"}}, cookie, http.StatusForbidden},
		{"CookieWithLoginCSRF", url.Values{"folio_csrf": {lm[1]}}, cookie, http.StatusForbidden},
		{"CrossSiteWithCSRF", url.Values{"folio_csrf": {csrf}}, append([]string{"Sec-Fetch-Site", "cross-site"}, cookie...), http.StatusForbidden},
		{"CrossOriginHeader", url.Values{"folio_csrf": {csrf}}, append([]string{"Origin", "http://evil.example"}, cookie...), http.StatusForbidden},
		{"CrossSiteWithBearer", url.Values{}, append([]string{"Sec-Fetch-Site", "cross-site"}, bearer...), http.StatusForbidden},
		{"NoAuthority", url.Values{}, nil, http.StatusUnauthorized},
		{"WrongBearer", url.Values{}, []string{"Authorization", "Bearer " + strings.Repeat("x", len(adminToken))}, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := postForm(c, s.base, approve, tt.form, tt.header...)
			require.NoError(t, err)
			assert.Equal(t, tt.status, p.status)
			stillPending(t)
		})
	}

	t.Run("RedirectStaysOnSite", func(t *testing.T) {
		form := url.Values{"folio_csrf": {csrf}, "status": {"pending"},
			"redirect_to": {"http://evil.example/"}, "next": {"//evil.example/"}, "redirect": {"https://evil.example/"}}
		p, err := postForm(c, s.base, approve, form, cookie...)
		require.NoError(t, err)
		require.Equal(t, http.StatusSeeOther, p.status)
		loc := p.header.Get("Location")
		assert.True(t, strings.HasPrefix(loc, "/admin/") && !strings.HasPrefix(loc, "//"), "Location %q", loc)
		assert.Empty(t, leakedHeader(p.header))
		st := get(t, clientFrom("127.0.3.9"), s.base, "/comments/"+id).status
		assert.Contains(t, []int{http.StatusFound, http.StatusSeeOther}, st, "the approved comment is public now")
	})
}

// TestHostile_Paths asks for files outside the static and media
// directories.
func TestHostile_Paths(t *testing.T) {
	s := startHostileSite(t)
	secretHex := fmt.Sprintf("%x", s.secret)
	paths := []string{
		"/static/..%2f..%2fetc/passwd",
		"/static/..%2F..%2F..%2Fetc%2Fpasswd",
		"/static/%2e%2e/%2e%2e/etc/passwd",
		"/static/../../etc/passwd",
		"/static/..\\..\\etc\\passwd",
		"/media/../folio.db",
		"/media/..%2ffolio.db",
		"/media/%2e%2e%2ffolio.db",
		"/media/..%2fsecret.key",
		"/media/%2e%2e/secret.key",
		"/media/folio.db",
		"/media/secret.key",
		"/media/.%2e/folio.db",
		"/media/x.png%00../../folio.db",
		"//etc/passwd",
		"/folio.db",
		"/secret.key",
	}
	c := clientFrom("127.0.4.1")
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			// A raw request line, so no client cleans the path first.
			status, body := rawGet(t, s.base, path)
			assert.NotEqual(t, http.StatusOK, status, "%s answered 200", path)
			assert.NotContains(t, body, "SQLite format 3")
			assert.NotContains(t, body, "root:")
			assert.NotContains(t, body, secretHex)
		})
	}
	// The same routes do serve their own files: the refusals above are
	// the checks at work, not broken routes.
	pg := get(t, c, s.base, s.post.path)
	for _, re := range []*regexp.Regexp{mediaSrcRe, staticHrefRe} {
		m := re.FindStringSubmatch(pg.body)
		require.NotNil(t, m, "the post page links a file matching %s", re)
		assert.Equal(t, http.StatusOK, get(t, c, s.base, m[1]).status, "GET %s", m[1])
	}
}

var (
	mediaSrcRe   = regexp.MustCompile(`src="(/media/[^"?]+)"`)
	staticHrefRe = regexp.MustCompile(`href="(/static/[^"?]+)`)
)

// rawGet sends "GET path HTTP/1.1" exactly as given and returns the
// status and body.
func rawGet(t testing.TB, base, path string) (int, string) {
	t.Helper()
	u, err := url.Parse(base)
	require.NoError(t, err)
	conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	require.NoError(t, err)
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	_, err = fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, u.Host)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestHostile_Connections: oversized headers and a client sending its
// headers slower than the server's ReadHeaderTimeout.
func TestHostile_Connections(t *testing.T) {
	s := startHostileSite(t)
	u, err := url.Parse(s.base)
	require.NoError(t, err)

	t.Run("OversizedHeaders", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodGet, s.base+"/", nil)
		require.NoError(t, err)
		req.Header.Set("X-Padding", strings.Repeat("a", 128<<10)) // past MaxHeaderBytes (64 KiB)
		resp, err := clientFrom("127.0.5.1").Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
	})

	t.Run("SlowHeaders", func(t *testing.T) {
		// examples/site's ReadHeaderTimeout is 5 s.
		const readHeaderTimeout = 5 * time.Second
		conn, err := net.Dial("tcp", u.Host)
		require.NoError(t, err)
		defer conn.Close()
		_, err = fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: %s\r\nX-Slow: ", u.Host)
		require.NoError(t, err)
		closed := make(chan time.Time, 1)
		go func() {
			io.Copy(io.Discard, conn) // returns when the server closes
			closed <- time.Now()
		}()
		start := time.Now()
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case at := <-closed:
				elapsed := at.Sub(start)
				assert.GreaterOrEqual(t, elapsed, readHeaderTimeout-time.Second, "closed before the timeout")
				t.Logf("server closed a byte-by-byte header after %v", elapsed.Round(10*time.Millisecond))
				return
			case <-tick.C:
				if time.Since(start) > readHeaderTimeout+5*time.Second {
					t.Fatalf("the server still reads a header sent byte by byte after %v", time.Since(start))
				}
				if _, err := conn.Write([]byte("a")); err != nil {
					closed <- time.Now()
				}
			}
		}
	})
}
