package bloghttp_test

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/bloghttp"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/comments/commentshttp"
)

// commentForm is the form a visitor sends from post p's page.
func commentForm(p *blog.Post, token, name, body string, edit func(v map[string][]string)) url.Values {
	v := url.Values{
		"author":               {name},
		"email":                {strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.net"},
		"url":                  {""},
		"comment":              {body},
		"comment_post_ID":      {strconv.FormatInt(p.ID, 10)},
		"comment_parent":       {"0"},
		comments.TokenField:    {token},
		comments.HoneypotField: {""},
	}
	if edit != nil {
		edit(v)
	}
	return v
}

var locationIDRE = regexp.MustCompile(`#comment-(\d+)$`)

// post sends a comment form, with the cookies given, and returns the
// response.
func (f *pageSite) postComment(t testing.TB, p *blog.Post, name, body string, edit func(v map[string][]string), cookies ...*http.Cookie) *http.Response {
	t.Helper()
	page := f.get(f.srv.PostPath(p)).Body.String()
	w := f.do(pageReq{method: http.MethodPost, target: "/comments", form: commentForm(p, formToken(t, page), name, body, edit), cookies: cookies})
	return w.Result()
}

func TestComments_endToEnd(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	p := s.post("Talk", day(1, 2), nil)

	res := s.postComment(t, p, "New Visitor", "My **first** comment", nil)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	loc := res.Header.Get("Location")
	m := locationIDRE.FindStringSubmatch(loc)
	require.NotNil(t, m, loc)
	id := m[1]
	require.Regexp(t, `^/2013/01/02/talk/\?unapproved=`+id+`&moderation-hash=[0-9a-f]{32}#comment-`+id+`$`, loc,
		"a first comment is held: the author is sent to the page that shows it to them")

	c, err := s.cs.Get(t.Context(), mustInt(t, id))
	require.NoError(t, err)
	require.Equal(t, comments.StatusPending, c.Status)

	own := strings.TrimSuffix(loc, "#comment-"+id)
	t.Run("the author sees it awaiting moderation", func(t *testing.T) {
		w := s.get(own)
		require.Equal(t, http.StatusOK, w.Code)
		body := w.Body.String()
		assert.Contains(t, body, `<li id="comment-`+id+`" class="comment depth-1 comment-pending">`)
		assert.Contains(t, body, "Your comment is awaiting moderation.")
		assert.Contains(t, body, "<strong>first</strong>")
		assert.Equal(t, "private, no-store", w.Header().Get("Cache-Control"))
		assert.Equal(t, "bypass", w.Header().Get("X-Folio-Cache"))
	})
	t.Run("other visitors do not", func(t *testing.T) {
		body := s.get(s.srv.PostPath(p)).Body.String()
		assert.NotContains(t, body, `id="comment-`+id+`"`)
		assert.NotContains(t, body, "awaiting moderation")
	})
	t.Run("a wrong hash shows nothing", func(t *testing.T) {
		for _, target := range []string{
			"/2013/01/02/talk/?unapproved=" + id + "&moderation-hash=00000000000000000000000000000000",
			"/2013/01/02/talk/?unapproved=" + id,
			strings.Replace(own, "unapproved="+id, "unapproved="+strconv.FormatInt(mustInt(t, id)+1, 10), 1),
		} {
			w := s.get(target)
			require.Equal(t, http.StatusOK, w.Code)
			assert.NotContains(t, w.Body.String(), "awaiting moderation", target)
			assert.Equal(t, "bypass", w.Header().Get("X-Folio-Cache"), "the page varies with the query")
		}
	})
	t.Run("once approved, the same name and email without the site's cookie are held", func(t *testing.T) {
		_, err := s.cs.Approve(t.Context(), c.ID)
		require.NoError(t, err)
		res := s.postComment(t, p, "New Visitor", "Second comment", nil)
		require.Equal(t, http.StatusSeeOther, res.StatusCode)
		loc := res.Header.Get("Location")
		assert.Contains(t, loc, "?unapproved=", "held: anyone may type a name and email")
	})
	t.Run("honeypot looks the same as pending", func(t *testing.T) {
		res := s.postComment(t, p, "Spam Bot", "Buy things", func(v map[string][]string) {
			v[comments.HoneypotField] = []string{"http://spam.example/"}
		})
		require.Equal(t, http.StatusSeeOther, res.StatusCode)
		loc := res.Header.Get("Location")
		assert.Regexp(t, `^/2013/01/02/talk/\?unapproved=\d+&moderation-hash=[0-9a-f]{32}#comment-\d+$`, loc)
		m := locationIDRE.FindStringSubmatch(loc)
		require.NotNil(t, m)
		c, err := s.cs.Get(t.Context(), mustInt(t, m[1]))
		require.NoError(t, err)
		assert.Equal(t, comments.StatusSpam, c.Status)
	})
}

func mustInt(t testing.TB, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	require.NoError(t, err)
	return n
}

func TestComments_formErrors(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	p := s.post("Talk", day(1, 2), nil)
	res := s.postComment(t, p, `"><script>alert(1)</script>`, "", func(v map[string][]string) {
		v["email"] = []string{"not an email"}
	})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	w := new(strings.Builder)
	_, _ = ioCopy(w, res)
	body := w.String()
	assert.Contains(t, body, `<h1 class="entry-title">Talk</h1>`, "the post page again")
	assert.Contains(t, body, "Please correct the fields marked below.")
	assert.Contains(t, body, `value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`, "the name kept, escaped")
	assert.NotContains(t, body, "<script>alert(1)")
	assert.Contains(t, body, `value="not an email"`)
	assert.Regexp(t, `<label for="email">Email <span class="required">\*</span></label><strong class="field-error">[^<]+</strong>`, body)
	assert.Regexp(t, `<strong class="field-error">[^<]+</strong>\s*<textarea`, body, "the comment field's problem")
	assert.Contains(t, body, `name="folio_token" value="`, "a new token")
	assert.Equal(t, "bypass", res.Header.Get("X-Folio-Cache"))
	assert.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"))

	t.Run("closed", func(t *testing.T) {
		closed := s.post("Closed", day(1, 3), func(p *blog.Post) { p.CommentStatus = blog.CommentsClosed })
		form := commentForm(closed, "x", "Someone", "Hello", nil)
		w := s.do(pageReq{method: http.MethodPost, target: "/comments", form: form})
		assert.Equal(t, http.StatusForbidden, w.Code)
		assert.Contains(t, w.Body.String(), "Comments are closed.")
	})
	t.Run("no such post", func(t *testing.T) {
		form := commentForm(&blog.Post{ID: 999}, "x", "Someone", "Hello", nil)
		w := s.do(pageReq{method: http.MethodPost, target: "/comments", form: form})
		assert.Equal(t, http.StatusNotFound, w.Code)
	})
	t.Run("cross-origin post refused", func(t *testing.T) {
		page := s.get(s.srv.PostPath(p)).Body.String()
		form := commentForm(p, formToken(t, page), "Someone", "Hello", nil)
		w := s.do(pageReq{method: http.MethodPost, target: "/comments", form: form, header: http.Header{"Sec-Fetch-Site": {"cross-site"}}})
		assert.Equal(t, http.StatusForbidden, w.Code)
		w = s.do(pageReq{method: http.MethodPost, target: "/comments", form: form, header: http.Header{"Origin": {"https://evil.example"}}})
		assert.Equal(t, http.StatusForbidden, w.Code)
	})
}

func TestComments_moderator(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	p := s.post("Talk", day(1, 2), nil)
	bearer := http.Header{"Authorization": {"Bearer " + pageModToken}}

	t.Run("by header, no token needed", func(t *testing.T) {
		form := commentForm(p, "", "ignored", "Moderator speaking", nil)
		w := s.do(pageReq{method: http.MethodPost, target: "/comments", form: form, header: bearer})
		require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
		m := locationIDRE.FindStringSubmatch(w.Header().Get("Location"))
		require.NotNil(t, m)
		assert.Equal(t, "/2013/01/02/talk/#comment-"+m[1], w.Header().Get("Location"))
		c, err := s.cs.Get(t.Context(), mustInt(t, m[1]))
		require.NoError(t, err)
		assert.Equal(t, comments.StatusApproved, c.Status)
		assert.Equal(t, "Editor", c.Author.Name)
		assert.Equal(t, "moderator:Editor", c.Author.UserID)
	})
	t.Run("by cookie, token needed", func(t *testing.T) {
		form := commentForm(p, "", "ignored", "Moderator by cookie", nil)
		w := s.do(pageReq{method: http.MethodPost, target: "/comments", form: form, cookies: []*http.Cookie{{Name: "mod", Value: "yes"}}})
		assert.Equal(t, http.StatusForbidden, w.Code)
	})
}

func TestComments_permalink(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{opts: []bloghttp.Option{bloghttp.WithCommentsPerPage(1)}})
	p := s.post("Talk", day(1, 2), nil)
	first := s.comment(p, 0, "Ann", "One", comments.StatusApproved)
	second := s.comment(p, 0, "Bob", "Two", comments.StatusApproved)
	reply := s.comment(p, first.ID, "Cy", "Re", comments.StatusApproved)
	held := s.comment(p, 0, "Dee", "Held", comments.StatusPending)
	draft := s.post("Draft", day(1, 3), func(p *blog.Post) { p.Status = blog.StatusDraft })
	onDraft := s.comment(draft, 0, "Eve", "Hidden", comments.StatusApproved)
	mod := http.Header{"Authorization": {"Bearer " + pageModToken}}

	tests := []struct {
		name     string
		id       string
		header   http.Header
		status   int
		location string
	}{
		{"first page", itoa(first.ID), nil, http.StatusFound, "/2013/01/02/talk/#comment-" + itoa(first.ID)},
		{"second page", itoa(second.ID), nil, http.StatusFound, "/2013/01/02/talk/?cpage=2#comment-" + itoa(second.ID)},
		{"reply on its parent's page", itoa(reply.ID), nil, http.StatusFound, "/2013/01/02/talk/#comment-" + itoa(reply.ID)},
		{"held, visitor", itoa(held.ID), nil, http.StatusNotFound, ""},
		{"on a draft", itoa(onDraft.ID), nil, http.StatusNotFound, ""},
		{"missing", "9999", nil, http.StatusNotFound, ""},
		{"not a number", "abc", nil, http.StatusNotFound, ""},
		{"approved, moderator", itoa(second.ID), mod, http.StatusFound, "/2013/01/02/talk/?cpage=2#comment-" + itoa(second.ID)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := s.do(pageReq{target: "/comments/" + tt.id, header: tt.header})
			assert.Equal(t, tt.status, w.Code)
			assert.Equal(t, tt.location, w.Header().Get("Location"))
		})
	}
	t.Run("held, moderator", func(t *testing.T) {
		w := s.do(pageReq{target: "/comments/" + itoa(held.ID), header: mod})
		require.Equal(t, http.StatusFound, w.Code)
		loc := w.Header().Get("Location")
		assert.Regexp(t, `^/2013/01/02/talk/\?unapproved=`+itoa(held.ID)+`&moderation-hash=[0-9a-f]{32}#comment-`+itoa(held.ID)+`$`, loc)
		page := s.get(strings.TrimSuffix(loc, "#comment-"+itoa(held.ID))).Body.String()
		assert.Contains(t, page, `id="comment-`+itoa(held.ID)+`"`)
	})
}

func TestComments_hostIdentity(t *testing.T) {
	reader := func(r *http.Request) (comments.Author, bool) {
		if c, err := r.Cookie("host_user"); err == nil && c.Value == "dana" {
			return comments.Author{Name: "Dana Reader", Email: "dana@example.com", UserID: "host:dana", Verified: true}, true
		}
		return comments.Author{}, false
	}
	s := newPageSite(t, pageSiteConfig{opts: []bloghttp.Option{bloghttp.WithIdentity(reader)}})
	p := s.post("Members", day(1, 2), nil)
	signedIn := []*http.Cookie{{Name: "host_user", Value: "dana"}}

	w := s.do(pageReq{target: s.srv.PostPath(p), cookies: signedIn})
	require.Equal(t, http.StatusOK, w.Code)
	body := w.Body.String()
	assert.Contains(t, body, "Logged in as Dana Reader.")
	assert.NotContains(t, body, `name="email"`, "a signed-in reader is not asked for an email")
	assert.Equal(t, "bypass", w.Header().Get("X-Folio-Cache"), "a page naming its reader is not cached")

	form := url.Values{
		"comment_post_ID":   {pageThread(p)},
		"author":            {"Someone Else"},
		"email":             {"else@example.com"},
		"comment":           {"Hello from a member"},
		comments.TokenField: {formToken(t, body)},
	}
	res := s.do(pageReq{method: http.MethodPost, target: "/comments", form: form, cookies: signedIn})
	require.Equal(t, http.StatusSeeOther, res.Code, res.Body.String())
	m := locationIDRE.FindStringSubmatch(res.Header().Get("Location"))
	require.NotNil(t, m)
	c, err := s.cs.Get(t.Context(), mustInt(t, m[1]))
	require.NoError(t, err)
	assert.Equal(t, "Dana Reader", c.Author.Name, "the host's identity wins over the form's fields")
	assert.Equal(t, "host:dana", c.Author.UserID)
	assert.NotEqual(t, comments.RuleTrusted, c.Decision.Rule, "a reader is not a moderator: moderation rules apply")

	delete(form, comments.TokenField)
	res = s.do(pageReq{method: http.MethodPost, target: "/comments", form: form, cookies: signedIn})
	assert.Equal(t, http.StatusForbidden, res.Code, "a signed-in reader still needs the form token")
}

// A comment written in WordPress's HTML is shown with its text and tags;
// one whose HTML would be far larger than a comment may be is refused
// with 422 and the form again, and nothing is stored.
func TestComments_htmlAndOversized(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	p := s.post("Talk", day(1, 2), nil)
	assert.Contains(t, s.get(s.srv.PostPath(p)).Body.String(), "Markdown or basic HTML", "the form says what is allowed")

	res := s.postComment(t, p, "Html Writer", "<blockquote>Quoted words</blockquote>Nice <b>idea</b>.", nil)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	m := locationIDRE.FindStringSubmatch(res.Header.Get("Location"))
	require.NotNil(t, m)
	c, err := s.cs.Get(t.Context(), mustInt(t, m[1]))
	require.NoError(t, err)
	assert.Equal(t, template.HTML("<blockquote>Quoted words</blockquote>Nice <b>idea</b>."), c.HTML)

	res = s.postComment(t, p, "Deep Quoter", strings.Repeat(">", comments.MaxCommentBytes), nil)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	w := new(strings.Builder)
	_, _ = ioCopy(w, res)
	assert.Contains(t, w.String(), "Please correct the fields marked below.")
	list, _, err := s.cs.List(t.Context(), comments.CommentQuery{Thread: strconv.FormatInt(p.ID, 10)})
	require.NoError(t, err)
	assert.Len(t, list, 1, "the refused comment is not stored")
}

// A returning commenter goes straight to the page only when the site's
// signed cookie names an approved comment their browser wrote under the
// same name and email; a guessed name and email, a forged cookie or one
// earned under another name are held.
func TestComments_returningCommenter(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	p := s.post("Talk", day(1, 2), nil)
	remember := func(v map[string][]string) { v[commentshttp.RememberField] = []string{"yes"} }
	held := func(t *testing.T, res *http.Response) bool {
		t.Helper()
		require.Equal(t, http.StatusSeeOther, res.StatusCode)
		return strings.Contains(res.Header.Get("Location"), "?unapproved=")
	}
	commenterCookie := func(t *testing.T, res *http.Response) *http.Cookie {
		t.Helper()
		for _, c := range res.Cookies() {
			if c.Name == bloghttp.CommenterCookie {
				return c
			}
		}
		t.Fatalf("no %s cookie set", bloghttp.CommenterCookie)
		return nil
	}

	idOf := func(t *testing.T, res *http.Response) int64 {
		t.Helper()
		m := locationIDRE.FindStringSubmatch(res.Header.Get("Location"))
		require.NotNil(t, m)
		return mustInt(t, m[1])
	}

	res := s.postComment(t, p, "Rosa Reader", "First visit", remember)
	require.True(t, held(t, res), "a first comment is held")
	first := idOf(t, res)
	rosa := commenterCookie(t, res)
	assert.True(t, rosa.HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, rosa.SameSite)
	assert.NotContains(t, rosa.Value, "rosa", "the cookie holds no name or email")

	res = s.postComment(t, p, "Rosa Reader", "Before approval", remember, rosa)
	assert.True(t, held(t, res), "the cookie vouches for nothing before its comment is approved")
	rosa2 := commenterCookie(t, res)

	malloryFirst := idOf(t, s.postComment(t, p, "Mallory", "Mine", remember))
	_, err := s.cs.Approve(t.Context(), first)
	require.NoError(t, err)
	_, err = s.cs.Approve(t.Context(), malloryFirst)
	require.NoError(t, err)
	malloryRes := s.postComment(t, p, "Mallory", "Mine again", remember)
	mallory := commenterCookie(t, malloryRes)

	tests := []struct {
		name, author, email string
		cookie              *http.Cookie
		held                bool
	}{
		{"the cookie of an approved comment", "Rosa Reader", "rosa.reader@example.net", rosa, false},
		{"email in another case", "Rosa Reader", "Rosa.Reader@Example.NET", rosa, false},
		{"the cookie of a comment still held", "Rosa Reader", "rosa.reader@example.net", rosa2, true},
		{"no cookie", "Rosa Reader", "rosa.reader@example.net", nil, true},
		{"a forged signature", "Rosa Reader", "rosa.reader@example.net",
			&http.Cookie{Name: bloghttp.CommenterCookie, Value: strings.Split(rosa.Value, ".")[0] + ".00000000000000000000000000000000"}, true},
		{"another approved commenter's cookie", "Rosa Reader", "rosa.reader@example.net", mallory, true},
		{"the right cookie under another name", "Rosa R.", "rosa.reader@example.net", rosa, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cookies []*http.Cookie
			if tt.cookie != nil {
				cookies = append(cookies, tt.cookie)
			}
			res := s.postComment(t, p, tt.author, fmt.Sprintf("Comment %d", i), func(v map[string][]string) {
				v["email"] = []string{tt.email}
			}, cookies...)
			assert.Equal(t, tt.held, held(t, res))
		})
	}
}

// The colour of an initials avatar is keyed by the site's secret, so it
// tells nothing of the email to anyone without the secret.
func TestAvatar_colourKeyedBySecret(t *testing.T) {
	classes := func(secret string) []string {
		s := newPageSite(t, pageSiteConfig{opts: []bloghttp.Option{bloghttp.WithSecret([]byte(secret))}})
		p := s.post("Talk", day(1, 2), nil)
		for i := range 16 {
			s.comment(p, 0, fmt.Sprintf("Person %d", i), "Hi", comments.StatusApproved)
		}
		body := s.get(s.srv.PostPath(p)).Body.String()
		return avatarClassRE.FindAllString(body, -1)
	}
	a := classes(strings.Repeat("a", 32))
	b := classes(strings.Repeat("b", 32))
	require.Len(t, a, 16)
	require.Len(t, b, 16)
	assert.NotEqual(t, a, b, "the same emails get other colours under another secret")
	assert.Equal(t, a, classes(strings.Repeat("a", 32)), "and the same colours under the same secret")
}

var avatarClassRE = regexp.MustCompile(`avatar avatar-\d`)
