package bloghttp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog/bloghttp"
	"github.com/folioblog/folio/comments"
)

var bearer = []string{"Authorization", "Bearer " + modToken}

func commentPath(c *comments.Comment, action string) string {
	return "/blog/admin/comments/" + strconv.FormatInt(c.ID, 10) + "/" + action
}

func commentElement(c *comments.Comment) string {
	return `id="comment-` + strconv.FormatInt(c.ID, 10) + `"`
}

func (e *modSite) status(c *comments.Comment) comments.Status {
	e.t.Helper()
	got, err := e.cs.Get(context.Background(), c.ID)
	require.NoError(e.t, err)
	return got.Status
}

func TestServer_adminUnauthorised(t *testing.T) {
	e := newModSite(t)
	p := e.post("Post", 1, nil)
	c := e.comment(p, comments.StatusPending, "Vis", "hello", 1)

	for _, path := range []string{"/blog/admin/", "/blog/admin/comments", commentPath(c, "edit")} {
		w := e.get(path)
		assert.Equal(t, http.StatusSeeOther, w.Code, path)
		assert.Equal(t, "/blog/admin/login", w.Header().Get("Location"), path)
	}
	for _, action := range []string{"approve", "spam", "trash", "restore", "delete", "edit"} {
		w := e.send(commentPath(c, action), url.Values{"comment": {"x"}})
		assert.Equal(t, http.StatusUnauthorized, w.Code, action)
		assert.Equal(t, `Bearer realm="folio"`, w.Header().Get("WWW-Authenticate"))
	}
	w := e.send("/blog/admin/comments/bulk", url.Values{"action": {"approve"}, "ids[]": {strconv.FormatInt(c.ID, 10)}})
	assert.Equal(t, http.StatusUnauthorized, w.Code)
	w = e.get("/blog/admin/comments", "Authorization", "Bearer wrong-token-wrong-token")
	assert.Equal(t, http.StatusUnauthorized, w.Code, "a script gets no login form")
	assert.Equal(t, comments.StatusPending, e.status(c), "nothing changed")

	t.Run("without a TokenAuth", func(t *testing.T) {
		f := newModSite(t, bloghttp.WithAuthorizer(bloghttp.AuthorizerFunc(func(*http.Request) (bloghttp.Moderator, bool) {
			return bloghttp.Moderator{}, false
		})))
		w := f.get("/blog/admin/comments")
		assert.Equal(t, http.StatusUnauthorized, w.Code)
		assert.Equal(t, http.StatusNotFound, f.get("/blog/admin/login").Code, "no login form to offer")
	})
}

func TestServer_adminList(t *testing.T) {
	e := newModSite(t)
	p := e.post("The post", 1, nil)
	held := e.comment(p, comments.StatusPending, `<script>alert("x")</script> Mallory`, "Check [this](https://spam.example/)", 1)
	older := e.comment(p, comments.StatusPending, "Older", "first", 0)
	shown := e.comment(p, comments.StatusApproved, "Shown", "approved one", 2)

	w := e.get("/blog/admin/comments", bearer...)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, "private, no-store", w.Header().Get("Cache-Control"))
	assert.Equal(t, "bypass", w.Header().Get("X-Folio-Cache"))
	body := w.Body.String()
	assert.Contains(t, body, commentElement(held))
	assert.Contains(t, body, commentElement(older))
	assert.NotContains(t, body, commentElement(shown), "pending by default")
	assert.Less(t, strings.Index(body, commentElement(held)), strings.Index(body, commentElement(older)), "newest first")
	assert.NotContains(t, body, `<script>alert("x")</script>`)
	assert.Contains(t, body, html.EscapeString(`<script>alert("x")</script> Mallory`))
	assert.Contains(t, body, `<b class="fn"><bdi>`+html.EscapeString(`<script>alert("x")</script> Mallory`)+`</bdi></b>`,
		"names are isolated, so no direction they carry runs past them")
	assert.Contains(t, body, "&lt;<bdi>"+commenterEmail+"</bdi>&gt;", "the moderator sees the email")
	assert.Contains(t, body, "192.0.2.7")
	assert.Contains(t, body, `<span class="comment-decision-rule">links</span>: <span class="comment-decision-reason">held: 3 links, limit 2</span>`)
	assert.Contains(t, body, `href="/blog`+e.blog.PostPath(p)+`">The post</a>`)
	assert.Contains(t, body, `action="`+commentPath(held, "approve")+`"`)
	assert.Contains(t, body, `<a href="https://spam.example/" rel="nofollow ugc noopener">this</a>`)
	assert.Contains(t, body, "Pending <span class=\"count\">(2)</span>")

	w = e.get("/blog/admin/comments?status=approved", bearer...)
	require.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Body.String(), commentElement(shown))
	assert.NotContains(t, w.Body.String(), commentElement(held))

	for _, bad := range []string{"?status=bogus", "?after=!!!", "?after=bm90LWEtY3Vyc29y"} {
		assert.Equal(t, http.StatusBadRequest, e.get("/blog/admin/comments"+bad, bearer...).Code, bad)
	}
}

func TestServer_adminListPages(t *testing.T) {
	e := newModSite(t)
	p := e.post("Busy post", 1, nil)
	n := comments.DefaultLimit + 5
	var all []*comments.Comment
	for i := range n {
		all = append(all, e.comment(p, comments.StatusPending, "V"+strconv.Itoa(i), "comment "+strconv.Itoa(i), i))
	}
	seen := 0
	path := "/blog/admin/comments?status=pending"
	for pages := 0; path != ""; pages++ {
		require.Less(t, pages, 3)
		w := e.get(path, bearer...)
		require.Equal(t, http.StatusOK, w.Code)
		body := w.Body.String()
		seen += strings.Count(body, `class="comment admin-comment`)
		path = ""
		if i := strings.Index(body, `class="next" href="`); i >= 0 {
			rest := body[i+len(`class="next" href="`):]
			path = html.UnescapeString(rest[:strings.IndexByte(rest, '"')])
		}
	}
	assert.Equal(t, n, seen)
	assert.Contains(t, e.get("/blog/admin/comments", bearer...).Body.String(), commentElement(all[n-1]))
}

func TestServer_adminModerateWithBearer(t *testing.T) {
	cases := []struct {
		action string
		from   comments.Status
		want   string
	}{
		{"approve", comments.StatusPending, "approved"},
		{"spam", comments.StatusPending, "spam"},
		{"trash", comments.StatusApproved, "trash"},
		{"restore", comments.StatusTrash, "pending"},
		{"restore", comments.StatusSpam, "pending"},
		{"delete", comments.StatusSpam, "deleted"},
	}
	for _, tc := range cases {
		t.Run(tc.action+" "+string(tc.from), func(t *testing.T) {
			e := newModSite(t)
			p := e.post("Post", 1, nil)
			c := e.comment(p, tc.from, "Vis", "hello there", 1)
			w := e.send(commentPath(c, tc.action), nil, bearer...)
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			assert.Equal(t, "application/json; charset=utf-8", w.Header().Get("Content-Type"))
			var res struct {
				ID     int64
				Status string
			}
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &res))
			assert.Equal(t, c.ID, res.ID)
			assert.Equal(t, tc.want, res.Status)
			got, err := e.cs.Get(context.Background(), c.ID)
			if tc.want == "deleted" {
				assert.ErrorIs(t, err, comments.ErrNotFound)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, comments.Status(tc.want), got.Status)
			assert.Equal(t, comments.RuleModerator, got.Decision.Rule)
		})
	}
	t.Run("approved comment joins the thread", func(t *testing.T) {
		e := newModSite(t)
		p := e.post("Post", 1, nil)
		c := e.comment(p, comments.StatusPending, "Vis", "now visible", 1)
		tp, err := e.cs.Thread(context.Background(), strconv.FormatInt(p.ID, 10), 1, 0)
		require.NoError(t, err)
		require.Zero(t, tp.Total)
		page := e.get(e.srv.PostPath(p))
		require.Equal(t, http.StatusOK, page.Code)
		assert.NotContains(t, page.Body.String(), commentElement(c), "held: not on the page")
		require.Equal(t, http.StatusOK, e.send(commentPath(c, "approve"), nil, bearer...).Code)
		page = e.get(e.srv.PostPath(p))
		require.Equal(t, http.StatusOK, page.Code)
		assert.Contains(t, page.Body.String(), commentElement(c))
		assert.Contains(t, page.Body.String(), "now visible")
		tp, err = e.cs.Thread(context.Background(), strconv.FormatInt(p.ID, 10), 1, 0)
		require.NoError(t, err)
		require.Len(t, tp.Nodes, 1)
		assert.Equal(t, c.ID, tp.Nodes[0].Comment.ID)
	})
	t.Run("missing comment", func(t *testing.T) {
		e := newModSite(t)
		assert.Equal(t, http.StatusNotFound, e.send("/blog/admin/comments/999/approve", nil, bearer...).Code)
		assert.Equal(t, http.StatusNotFound, e.send("/blog/admin/comments/x1/approve", nil, bearer...).Code)
	})
}

func TestServer_adminAntiForgery(t *testing.T) {
	e := newModSite(t)
	p := e.post("Post", 1, nil)
	c := e.comment(p, comments.StatusPending, "Vis", "hello", 1)
	session := e.login()
	list := e.get("/blog/admin/comments", cookieHeader(session)...)
	require.Equal(t, http.StatusOK, list.Code)
	csrf := csrfIn(t, list.Body.String())

	cases := []struct {
		name   string
		form   url.Values
		header []string
	}{
		{"no field", url.Values{"status": {"pending"}}, nil},
		{"empty field", url.Values{"folio_csrf": {""}}, nil},
		{"forged field", url.Values{"folio_csrf": {csrf[:len(csrf)-2] + "AA"}}, nil},
		{"future hour", url.Values{"folio_csrf": {"99999999." + strings.SplitN(csrf, ".", 2)[1]}}, nil},
		{"cross-site", url.Values{"folio_csrf": {csrf}}, []string{"Sec-Fetch-Site", "cross-site"}},
		{"other origin", url.Values{"folio_csrf": {csrf}}, []string{"Origin", "https://evil.example"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := e.send(commentPath(c, "approve"), tc.form, append(cookieHeader(session), tc.header...)...)
			assert.Equal(t, http.StatusForbidden, w.Code)
			assert.Equal(t, comments.StatusPending, e.status(c), "nothing changed")
		})
	}
	t.Run("bearer cross-site", func(t *testing.T) {
		w := e.send(commentPath(c, "approve"), nil, append(bearer, "Sec-Fetch-Site", "cross-site")...)
		assert.Equal(t, http.StatusForbidden, w.Code)
		assert.Equal(t, comments.StatusPending, e.status(c))
	})
	t.Run("with the field", func(t *testing.T) {
		w := e.send(commentPath(c, "approve"), url.Values{"folio_csrf": {csrf}, "status": {"pending"}}, cookieHeader(session)...)
		require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
		assert.Equal(t, "/blog/admin/comments?status=pending", w.Header().Get("Location"))
		assert.Equal(t, comments.StatusApproved, e.status(c))
	})
	t.Run("a token of another session", func(t *testing.T) {
		second := e.login()
		w := e.send(commentPath(c, "spam"), url.Values{"folio_csrf": {csrf}}, cookieHeader(second)...)
		assert.Equal(t, http.StatusForbidden, w.Code)
		assert.Equal(t, comments.StatusApproved, e.status(c))
	})
}

func TestServer_adminNoOpenRedirect(t *testing.T) {
	e := newModSite(t)
	p := e.post("Post", 1, nil)
	session := e.login()
	csrf := csrfIn(t, e.get("/blog/admin/comments", cookieHeader(session)...).Body.String())
	cases := []struct {
		name     string
		form     url.Values
		query    string
		location string
	}{
		{"redirect_to field", url.Values{"redirect_to": {"https://evil.example/"}}, "", "/blog/admin/comments?status=pending"},
		{"redirect_to query", nil, "?redirect_to=https%3A%2F%2Fevil.example%2F", "/blog/admin/comments?status=pending"},
		{"bad status", url.Values{"status": {"//evil.example"}}, "", "/blog/admin/comments?status=pending"},
		{"bad after", url.Values{"status": {"spam"}, "after": {"https://evil.example"}}, "", "/blog/admin/comments?status=spam"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := e.comment(p, comments.StatusPending, "Vis", "hello "+tc.name, 1)
			form := url.Values{"folio_csrf": {csrf}}
			for k, v := range tc.form {
				form[k] = v
			}
			w := e.send(commentPath(c, "trash")+tc.query, form, append(cookieHeader(session), "Referer", "https://evil.example/")...)
			require.Equal(t, http.StatusSeeOther, w.Code)
			assert.Equal(t, tc.location, w.Header().Get("Location"))
			assert.Equal(t, comments.StatusTrash, e.status(c))
		})
	}
}

func TestServer_adminEdit(t *testing.T) {
	e := newModSite(t)
	p := e.post("Post", 1, nil)
	c := e.comment(p, comments.StatusApproved, "Vis", "original *text*", 1)
	session := e.login()

	form := e.get(commentPath(c, "edit"), cookieHeader(session)...)
	require.Equal(t, http.StatusOK, form.Code, form.Body.String())
	assert.Contains(t, form.Body.String(), "original *text*</textarea>")
	assert.Contains(t, form.Body.String(), commentElement(c))
	csrf := csrfIn(t, form.Body.String())

	evil := `Hi <script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)> **bold**`
	w := e.send(commentPath(c, "edit"), url.Values{"folio_csrf": {csrf}, "comment": {evil}}, cookieHeader(session)...)
	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
	assert.Equal(t, "/blog/admin/comments?status=approved", w.Header().Get("Location"))
	got, err := e.cs.Get(context.Background(), c.ID)
	require.NoError(t, err)
	assert.Equal(t, evil, got.Source)
	assert.Contains(t, string(got.HTML), "<strong>bold</strong>")
	for _, bad := range []string{"<script", "javascript:", "onerror", "<img"} {
		assert.NotContains(t, string(got.HTML), bad)
	}
	assert.Equal(t, comments.StatusApproved, got.Status)

	t.Run("empty body", func(t *testing.T) {
		w := e.send(commentPath(c, "edit"), url.Values{"folio_csrf": {csrf}, "comment": {"  "}}, cookieHeader(session)...)
		assert.Equal(t, http.StatusUnprocessableEntity, w.Code, "as a refused comment from the form")
		assert.Contains(t, w.Body.String(), "<textarea")
		w = e.send(commentPath(c, "edit"), url.Values{"comment": {"  "}}, bearer...)
		assert.Equal(t, http.StatusUnprocessableEntity, w.Code, "the same status by bearer")
		again, err := e.cs.Get(context.Background(), c.ID)
		require.NoError(t, err)
		assert.Equal(t, evil, again.Source, "nothing changed")
	})
	t.Run("bearer", func(t *testing.T) {
		w := e.send(commentPath(c, "edit"), url.Values{"comment": {"by script"}}, bearer...)
		require.Equal(t, http.StatusOK, w.Code)
		assert.JSONEq(t, fmt.Sprintf(`{"id": %d, "status": "approved"}`, c.ID), w.Body.String())
	})
	t.Run("without the field", func(t *testing.T) {
		w := e.send(commentPath(c, "edit"), url.Values{"comment": {"forged"}}, cookieHeader(session)...)
		assert.Equal(t, http.StatusForbidden, w.Code)
	})
}

func TestServer_adminBulk(t *testing.T) {
	e := newModSite(t)
	p := e.post("Post", 1, nil)
	a := e.comment(p, comments.StatusPending, "A", "one", 1)
	b := e.comment(p, comments.StatusPending, "B", "two", 2)
	keep := e.comment(p, comments.StatusPending, "C", "three", 3)
	id := func(c *comments.Comment) string { return strconv.FormatInt(c.ID, 10) }

	w := e.send("/blog/admin/comments/bulk", url.Values{"action": {"spam"}, "ids[]": {id(a), id(b), "4242"}}, bearer...)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.JSONEq(t, fmt.Sprintf(`{"action": "spam", "done": [%d, %d], "missing": [4242]}`, a.ID, b.ID), w.Body.String())
	assert.Equal(t, comments.StatusSpam, e.status(a))
	assert.Equal(t, comments.StatusSpam, e.status(b))
	assert.Equal(t, comments.StatusPending, e.status(keep))

	session := e.login()
	list := e.get("/blog/admin/comments?status=spam", cookieHeader(session)...)
	require.Equal(t, http.StatusOK, list.Code)
	assert.Contains(t, list.Body.String(), `name="ids[]" value="`+id(a)+`" form="bulk"`)
	csrf := csrfIn(t, list.Body.String())
	w = e.send("/blog/admin/comments/bulk", url.Values{"folio_csrf": {csrf}, "status": {"spam"}, "action": {"restore"}, "ids[]": {id(a), id(b)}}, cookieHeader(session)...)
	require.Equal(t, http.StatusSeeOther, w.Code)
	assert.Equal(t, "/blog/admin/comments?status=spam", w.Header().Get("Location"))
	assert.Equal(t, comments.StatusPending, e.status(a))
	assert.Equal(t, comments.StatusPending, e.status(b))

	for name, form := range map[string]url.Values{
		"unknown action": {"action": {"burn"}, "ids[]": {id(a)}},
		"bad id":         {"action": {"trash"}, "ids[]": {"x"}},
	} {
		w := e.send("/blog/admin/comments/bulk", form, bearer...)
		assert.Equal(t, http.StatusBadRequest, w.Code, name)
	}
	assert.Equal(t, comments.StatusPending, e.status(a))
}

// TestServer_adminHostAuthorizer checks moderation with a host's own
// cookie-based Authorizer: forms still need the anti-forgery field.
func TestServer_adminHostAuthorizer(t *testing.T) {
	auth := bloghttp.AuthorizerFunc(func(r *http.Request) (bloghttp.Moderator, bool) {
		c, err := r.Cookie("host_session")
		if err != nil || c.Value != "editor" {
			return bloghttp.Moderator{}, false
		}
		return bloghttp.Moderator{Name: "Editor"}, true
	})
	e := newModSite(t, bloghttp.WithAuthorizer(auth))
	p := e.post("Post", 1, nil)
	c := e.comment(p, comments.StatusPending, "Vis", "hello", 1)
	session := []string{"Cookie", "host_session=editor"}

	list := e.get("/blog/admin/comments", session...)
	require.Equal(t, http.StatusOK, list.Code)
	assert.NotContains(t, list.Body.String(), "/admin/logout", "the host signs its users out")
	csrf := csrfIn(t, list.Body.String())

	assert.Equal(t, http.StatusForbidden, e.send(commentPath(c, "approve"), nil, session...).Code)
	assert.Equal(t, http.StatusUnauthorized, e.send(commentPath(c, "approve"), url.Values{"folio_csrf": {csrf}}).Code)
	assert.Equal(t, comments.StatusPending, e.status(c))
	assert.Equal(t, http.StatusSeeOther, e.send(commentPath(c, "approve"), url.Values{"folio_csrf": {csrf}}, session...).Code)
	assert.Equal(t, comments.StatusApproved, e.status(c))
}
