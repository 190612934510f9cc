package bloghttp_test

import (
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/bloghttp"
)

func TestLikes(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	p := s.post("Likeable", day(1, 2), nil)
	draft := s.post("Draft", day(1, 3), func(p *blog.Post) { p.Status = blog.StatusDraft })
	like := func(id int64, remote, ua string, header http.Header) *http.Response {
		h := http.Header{"User-Agent": {ua}}
		for k, v := range header {
			h[k] = v
		}
		return s.do(pageReq{method: http.MethodPost, target: "/likes/" + itoa(id), remote: remote, header: h}).Result()
	}
	count := func() int {
		n, err := s.store.CountLikes(t.Context(), []int64{p.ID})
		require.NoError(t, err)
		return n[p.ID]
	}

	steps := []struct {
		name   string
		id     int64
		remote string
		ua     string
		header http.Header
		status int
		count  int
	}{
		{"first like", p.ID, "192.0.2.1:1234", "Firefox", nil, http.StatusSeeOther, 1},
		{"same visitor again", p.ID, "192.0.2.1:5555", "Firefox", nil, http.StatusSeeOther, 1},
		{"same visitor, cookies dropped or not, counts once", p.ID, "192.0.2.1:5556", "Firefox", http.Header{"Cookie": {"folio_visitor=forged"}}, http.StatusSeeOther, 1},
		{"another address", p.ID, "192.0.2.2:1234", "Firefox", nil, http.StatusSeeOther, 2},
		{"another browser on the same address counts once", p.ID, "192.0.2.1:1234", "Chrome", nil, http.StatusSeeOther, 2},
		{"same IPv6 /64", p.ID, "[2001:db8:1:2::1]:80", "Firefox", nil, http.StatusSeeOther, 3},
		{"same IPv6 /64, other host", p.ID, "[2001:db8:1:2::ffff]:80", "Firefox", nil, http.StatusSeeOther, 3},
		{"same IPv6 /64, other host and browser", p.ID, "[2001:db8:1:2:a:b:c:d]:80", "Safari", nil, http.StatusSeeOther, 3},
		{"IPv4-mapped IPv6 is its IPv4 address", p.ID, "[::ffff:192.0.2.2]:80", "Edge", nil, http.StatusSeeOther, 3},
		{"cross-site", p.ID, "192.0.2.3:1", "Firefox", http.Header{"Sec-Fetch-Site": {"cross-site"}}, http.StatusForbidden, 3},
		{"foreign origin", p.ID, "192.0.2.3:1", "Firefox", http.Header{"Origin": {"https://evil.example"}}, http.StatusForbidden, 3},
		{"draft", draft.ID, "192.0.2.3:1", "Firefox", nil, http.StatusNotFound, 3},
		{"missing", 999, "192.0.2.3:1", "Firefox", nil, http.StatusNotFound, 3},
	}
	t.Run("the cookie keeps a browser's key across networks", func(t *testing.T) {
		q := s.post("Travelling", day(1, 4), nil)
		first := s.do(pageReq{method: http.MethodPost, target: "/likes/" + itoa(q.ID), remote: "198.51.100.7:1", header: http.Header{"User-Agent": {"Phone"}}}).Result()
		require.Equal(t, http.StatusSeeOther, first.StatusCode)
		var cookie *http.Cookie
		for _, c := range first.Cookies() {
			if c.Name == bloghttp.VisitorCookie {
				cookie = c
			}
		}
		require.NotNil(t, cookie, "a first like gives the visitor their key")
		assert.True(t, cookie.HttpOnly)
		assert.Equal(t, http.SameSiteLaxMode, cookie.SameSite)
		again := s.do(pageReq{method: http.MethodPost, target: "/likes/" + itoa(q.ID), remote: "203.0.113.9:1", header: http.Header{"User-Agent": {"Phone"}}, cookies: []*http.Cookie{cookie}}).Result()
		require.Equal(t, http.StatusSeeOther, again.StatusCode)
		n, err := s.store.CountLikes(t.Context(), []int64{q.ID})
		require.NoError(t, err)
		assert.Equal(t, 1, n[q.ID], "the same browser on another network likes once")
		forged := &http.Cookie{Name: bloghttp.VisitorCookie, Value: "0123456789abcdef0123456789abcdef.00000000000000000000000000000000"}
		s.do(pageReq{method: http.MethodPost, target: "/likes/" + itoa(q.ID), remote: "198.51.100.7:1", header: http.Header{"User-Agent": {"Phone"}}, cookies: []*http.Cookie{forged}})
		n, err = s.store.CountLikes(t.Context(), []int64{q.ID})
		require.NoError(t, err)
		assert.Equal(t, 1, n[q.ID], "a forged cookie falls back to the network key")
	})
	for _, st := range steps {
		res := like(st.id, st.remote, st.ua, st.header)
		assert.Equal(t, st.status, res.StatusCode, st.name)
		if st.status == http.StatusSeeOther {
			assert.Equal(t, "/2013/01/02/likeable/#likes", res.Header.Get("Location"), st.name)
		}
		assert.Equal(t, st.count, count(), st.name)
	}
	assert.Contains(t, s.get("/2013/01/02/likeable/").Body.String(), "3 people like this.")
	assert.Contains(t, s.get("/").Body.String(), "3 likes")

	t.Run("GET is not a like", func(t *testing.T) {
		w := s.get("/likes/" + itoa(p.ID))
		assert.NotEqual(t, http.StatusSeeOther, w.Code)
		assert.Equal(t, 3, count())
	})
}

func TestLikes_rotatingUserAgents(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	p := s.post("Likeable", day(1, 2), nil)
	for i := range 20 {
		res := s.do(pageReq{method: http.MethodPost, target: "/likes/" + itoa(p.ID), remote: "192.0.2.50:" + itoa(int64(1000+i)),
			header: http.Header{"User-Agent": {"Browser/" + itoa(int64(i))}}}).Result()
		require.Equal(t, http.StatusSeeOther, res.StatusCode, "like %d", i+1)
	}
	n, err := s.store.CountLikes(t.Context(), []int64{p.ID})
	require.NoError(t, err)
	assert.Equal(t, 1, n[p.ID], "twenty user agents from one address, without the cookie, are one visitor")
}

func TestLikes_storeWithout(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{plain: true})
	p := s.post("Plain", day(1, 2), nil)
	w := s.do(pageReq{method: http.MethodPost, target: "/likes/" + itoa(p.ID)})
	assert.Equal(t, http.StatusNotFound, w.Code)
	body := s.get(s.srv.PostPath(p)).Body.String()
	assert.NotContains(t, body, "like-button")
	assert.Contains(t, body, "Leave a Reply", "the page works without likes")
	assert.Contains(t, s.get("/").Body.String(), "0 Comments", "counts come from the comment threads")
}

// TestLikes_likedStateAndUndo checks that a visitor who liked a post sees
// so on its page, uncached, and can take the like back; nobody else sees
// their state.
func TestLikes_likedStateAndUndo(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{opts: []bloghttp.Option{bloghttp.WithPageCache(1 << 20)}})
	p := s.post("Likeable", day(1, 2), nil)
	other := s.post("Other", day(1, 3), nil)
	const me, them = "192.0.2.10:1", "192.0.2.20:1"
	page := func(post *blog.Post, remote string, cookies []*http.Cookie) *http.Response {
		return s.do(pageReq{target: s.srv.PostPath(post), remote: remote, cookies: cookies}).Result()
	}
	body := func(res *http.Response) string {
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return string(b)
	}
	require.Contains(t, body(page(p, them, nil)), "Be the first to like this.", "a cached page before any like")

	liked := s.do(pageReq{method: http.MethodPost, target: "/likes/" + itoa(p.ID), remote: me}).Result()
	require.Equal(t, http.StatusSeeOther, liked.StatusCode)
	jar := liked.Cookies()
	names := []string{}
	for _, c := range jar {
		names = append(names, c.Name)
	}
	require.Contains(t, names, bloghttp.LikedCookie)

	mine := page(p, me, jar)
	assert.Equal(t, "bypass", mine.Header.Get("X-Folio-Cache"), "the liked state is personal: never cached")
	b := body(mine)
	assert.Contains(t, b, `aria-pressed="true"`)
	assert.Contains(t, b, "You like this.")
	assert.Contains(t, b, `name="undo" value="1"`)

	b = body(page(p, them, nil))
	assert.Contains(t, b, "One person likes this.", "another visitor sees the count")
	assert.NotContains(t, b, "You like this", "and not my state")
	assert.NotContains(t, body(page(other, me, jar)), "You like this", "a post I did not like")

	forged := []*http.Cookie{{Name: bloghttp.LikedCookie, Value: itoa(other.ID) + ".0000"}}
	assert.NotContains(t, body(page(other, me, append(forged, jar[0]))), "You like this", "a forged list is ignored")

	undo := s.do(pageReq{method: http.MethodPost, target: "/likes/" + itoa(p.ID), remote: me, cookies: jar,
		form: url.Values{"undo": {"1"}}}).Result()
	require.Equal(t, http.StatusSeeOther, undo.StatusCode)
	n, err := s.store.CountLikes(t.Context(), []int64{p.ID})
	require.NoError(t, err)
	assert.Zero(t, n[p.ID], "undo takes the like back")
	for _, c := range undo.Cookies() {
		if c.Name == bloghttp.LikedCookie {
			assert.Negative(t, c.MaxAge, "the list is dropped once empty")
		}
	}
	b = body(page(p, them, nil))
	assert.Contains(t, b, "Be the first to like this.", "the cached page was evicted")
}
