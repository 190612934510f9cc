package commentshttp_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/comments/commentshttp"
	"github.com/folioblog/folio/storage/memstore"
)

func permalink(_ *http.Request, c *comments.Comment) string {
	return "/posts/" + url.PathEscape(c.Thread) + "/#ignored-fragment"
}

// form returns the fields of a valid submission on thread, with a token.
func (h *harness) form(thread string) url.Values {
	return url.Values{
		comments.FieldAuthor:  {"Ann"},
		comments.FieldEmail:   {"ann@example.com"},
		comments.FieldURL:     {"https://ann.example/"},
		comments.FieldComment: {"Hello *there*."},
		comments.FieldThread:  {thread},
		comments.FieldParent:  {"0"},
		comments.TokenField:   {h.svc.NewToken(thread)},
	}
}

func post(t testing.TB, handler http.Handler, form url.Values, edit ...func(*http.Request)) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/comments", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.RemoteAddr = "192.0.2.1:51000"
	for _, e := range edit {
		e(r)
	}
	w := httptest.NewRecorder()
	handler.ServeHTTP(w, r)
	return w
}

func TestNewHandler_success(t *testing.T) {
	t.Parallel()
	h := newHarness(t, comments.WithRules())
	var hooked *comments.Comment
	handler := commentshttp.NewHandler(h.svc, commentshttp.WithRedirect(func(r *http.Request, c *comments.Comment) string {
		hooked = c
		return permalink(r, c)
	}))
	form := h.form("post 1")
	form.Set("redirect_to", "https://evil.example/") // never followed
	w := post(t, handler, form, func(r *http.Request) { r.Header.Set("User-Agent", "Browser/1.0") })

	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
	require.NotNil(t, hooked)
	assert.Equal(t, fmt.Sprintf("/posts/post%%201/#comment-%d", hooked.ID), w.Header().Get("Location"))
	assert.Equal(t, "post 1", hooked.Thread)
	assert.Equal(t, "192.0.2.1", hooked.IP)
	assert.Equal(t, "Browser/1.0", hooked.UserAgent)
	assert.Equal(t, "https://ann.example/", hooked.Author.URL)
	assert.Contains(t, string(hooked.HTML), "<em>there</em>")
}

func TestNewHandler_method(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodHead} {
		w := httptest.NewRecorder()
		commentshttp.NewHandler(h.svc).ServeHTTP(w, httptest.NewRequest(m, "/comments", nil))
		assert.Equal(t, http.StatusMethodNotAllowed, w.Code, m)
		assert.Equal(t, http.MethodPost, w.Header().Get("Allow"))
	}
}

func TestNewHandler_refusals(t *testing.T) {
	t.Parallel()
	threads := comments.ThreadPolicyFunc(func(_ context.Context, key string) (comments.ThreadInfo, error) {
		switch key {
		case "open":
			return comments.ThreadInfo{Open: true}, nil
		case "closed":
			return comments.ThreadInfo{}, nil
		}
		return comments.ThreadInfo{}, comments.ErrNotFound
	})
	tests := []struct {
		name   string
		edit   func(h *harness, f url.Values)
		before func(t *testing.T, h *harness, handler http.Handler) // a first, taken submission
		want   int
		field  string // a field the form marks
	}{
		{"validation", func(_ *harness, f url.Values) { f.Set(comments.FieldEmail, "nope") }, nil, http.StatusUnprocessableEntity, comments.FieldEmail},
		{"bad parent", func(_ *harness, f url.Values) { f.Set(comments.FieldParent, "abc") }, nil, http.StatusUnprocessableEntity, comments.FieldParent},
		{"missing parent", func(_ *harness, f url.Values) { f.Set(comments.FieldParent, "77") }, nil, http.StatusUnprocessableEntity, comments.FieldParent},
		{"no token", func(_ *harness, f url.Values) { f.Del(comments.TokenField) }, nil, http.StatusForbidden, ""},
		{"token for another thread", func(h *harness, f url.Values) { f.Set(comments.TokenField, h.svc.NewToken("closed")) }, nil, http.StatusForbidden, ""},
		{"closed", func(h *harness, f url.Values) {
			f.Set(comments.FieldThread, "closed")
			f.Set(comments.TokenField, h.svc.NewToken("closed"))
		}, nil, http.StatusForbidden, ""},
		{"unknown thread", func(h *harness, f url.Values) {
			f.Set(comments.FieldThread, "gone")
			f.Set(comments.TokenField, h.svc.NewToken("gone"))
		}, nil, http.StatusNotFound, ""},
		{"duplicate", nil, func(t *testing.T, h *harness, handler http.Handler) {
			require.Equal(t, http.StatusSeeOther, post(t, handler, h.form("open")).Code)
			h.clock.Advance(time.Minute)
		}, http.StatusConflict, ""},
		{"flood", func(_ *harness, f url.Values) { f.Set(comments.FieldComment, "Something else.") }, func(t *testing.T, h *harness, handler http.Handler) {
			require.Equal(t, http.StatusSeeOther, post(t, handler, h.form("open")).Code)
			h.clock.Advance(4 * time.Second)
		}, http.StatusTooManyRequests, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarnessThreads(t, threads, comments.WithRules())
			handler := commentshttp.NewHandler(h.svc, commentshttp.WithRedirect(permalink))
			if tt.before != nil {
				tt.before(t, h, handler)
			}
			f := h.form("open")
			if tt.edit != nil {
				tt.edit(h, f)
			}
			w := post(t, handler, f)
			require.Equal(t, tt.want, w.Code, w.Body.String())
			assert.Empty(t, w.Header().Get("Location"))
			body := w.Body.String()
			assert.Contains(t, body, `<form method="post" action="/comments">`, "the form comes back")
			assert.Contains(t, body, ">"+f.Get(comments.FieldComment)+"</textarea>", "with the comment typed")
			if tt.field != "" {
				assert.Regexp(t, `id="`+tt.field+`"|name="`+tt.field+`"`, body)
				assert.Contains(t, body, "<strong>", "with the field's problem")
			}
			if tt.want == http.StatusTooManyRequests {
				assert.Equal(t, "11", w.Header().Get("Retry-After"))
			} else {
				assert.Empty(t, w.Header().Get("Retry-After"))
			}
		})
	}
}

func TestNewHandler_escapesTheFormShownAgain(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var state commentshttp.FormState
	var status int
	capture := commentshttp.WithFormRenderer(func(w http.ResponseWriter, _ *http.Request, code int, f commentshttp.FormState) {
		state, status = f, code
		w.WriteHeader(code)
	})
	const xss = `<script>alert("x")</script>`
	f := h.form("p")
	f.Set(comments.FieldAuthor, xss)
	f.Set(comments.FieldEmail, "bad")
	f.Set(comments.FieldComment, "</textarea>"+xss)

	// The default page escapes every value.
	w := post(t, commentshttp.NewHandler(h.svc), f)
	require.Equal(t, http.StatusUnprocessableEntity, w.Code)
	body := w.Body.String()
	assert.NotContains(t, body, "<script>")
	assert.NotContains(t, body, "</textarea><script")
	assert.Contains(t, body, `value="&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"`)
	assert.Equal(t, "text/html; charset=utf-8", w.Header().Get("Content-Type"))

	// A host's renderer gets the values as sent, the problems and a new token.
	post(t, commentshttp.NewHandler(h.svc, capture), f)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Equal(t, xss, state.Author)
	assert.Equal(t, "bad", state.Email)
	assert.Equal(t, "p", state.Thread)
	assert.Contains(t, state.Errors, comments.FieldEmail)
	assert.NotContains(t, state.Errors, comments.FieldAuthor)
	assert.NotEmpty(t, state.Message)
	require.NotEmpty(t, state.Token)
	assert.NotEqual(t, f.Get(comments.TokenField), state.Token)
	assert.NoError(t, h.svc.VerifyToken(context.Background(), state.Token, "p", "192.0.2.1"), "the new token works")
}

func TestNewHandler_tooLarge(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	f := h.form("p")
	f.Set(comments.FieldComment, strings.Repeat("x", commentshttp.DefaultMaxFormBytes))
	w := post(t, commentshttp.NewHandler(h.svc), f)
	assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code)
	assert.Empty(t, mustList(t, h, "p"))

	f.Set(comments.FieldComment, strings.Repeat("x", 600))
	w = post(t, commentshttp.NewHandler(h.svc, commentshttp.WithMaxFormBytes(512)), f)
	assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code)

	f.Set(comments.FieldComment, strings.Repeat("x", comments.MaxCommentBytes))
	w = post(t, commentshttp.NewHandler(h.svc), f)
	assert.Equal(t, http.StatusSeeOther, w.Code, "a comment at its limit fits in the default")

	h.clock.Advance(time.Minute)
	f = h.form("p")
	f.Set(comments.FieldComment, strings.Repeat("€", comments.MaxCommentBytes/3)) // sent as %E2%82%AC
	w = post(t, commentshttp.NewHandler(h.svc), f)
	assert.Equal(t, http.StatusSeeOther, w.Code, "so does one in a script sent percent-encoded")
}

// failingStore fails to create comments with an error the visitor must
// never see.
type failingStore struct{ *memstore.Store }

func (failingStore) CreateComment(context.Context, *comments.Comment) error {
	return errors.New("pq: password authentication failed for user secret_admin")
}

func (f failingStore) CreateCommentGuarded(ctx context.Context, c *comments.Comment, _ time.Time) error {
	return f.CreateComment(ctx, c)
}

func TestNewHandler_internalError(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	svc, err := comments.NewService(failingStore{memstore.New()}, openThreads, comments.WithRules(), comments.WithTokenKey(testKey),
		comments.WithTokenAge(0, time.Hour), comments.WithLogger(quietLogger()))
	require.NoError(t, err)
	h := &harness{svc: svc}
	w := post(t, commentshttp.NewHandler(svc, commentshttp.WithLogger(slogTo(&logs))), h.form("p"))
	assert.Equal(t, http.StatusInternalServerError, w.Code)
	assert.NotContains(t, w.Body.String(), "secret_admin")
	assert.Contains(t, logs.String(), "secret_admin", "logged for the host")
}

// lostStore fails every write as a store does whose database went away.
type lostStore struct{ *memstore.Store }

func (lostStore) CreateComment(context.Context, *comments.Comment) error {
	return fmt.Errorf("connection reset by peer: %w", comments.ErrUnavailable)
}

func (f lostStore) CreateCommentGuarded(ctx context.Context, c *comments.Comment, _ time.Time) error {
	return f.CreateComment(ctx, c)
}

func TestNewHandler_unavailable(t *testing.T) {
	t.Parallel()
	svc, err := comments.NewService(lostStore{memstore.New()}, openThreads, comments.WithRules(), comments.WithTokenKey(testKey),
		comments.WithTokenAge(0, time.Hour), comments.WithLogger(quietLogger()))
	require.NoError(t, err)
	h := &harness{svc: svc}
	w := post(t, commentshttp.NewHandler(svc), h.form("p"))
	assert.Equal(t, http.StatusServiceUnavailable, w.Code, "a temporary failure asks the visitor to try again")
	assert.Equal(t, "5", w.Header().Get("Retry-After"))
	assert.NotContains(t, w.Body.String(), "connection reset", "no detail is shown")
}

func TestNewHandler_remember(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		remember bool
		tls      bool
	}{
		{"asked", true, false},
		{"asked over TLS", true, true},
		{"not asked", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, comments.WithRules())
			f := h.form("p")
			f.Set(comments.FieldAuthor, "Ann; \"Ä\"")
			if tt.remember {
				f.Set(commentshttp.RememberField, "yes")
			}
			w := post(t, commentshttp.NewHandler(h.svc), f, func(r *http.Request) {
				if tt.tls {
					r.TLS = &tls.ConnectionState{}
				}
			})
			require.Equal(t, http.StatusSeeOther, w.Code)
			cookies := w.Result().Cookies()
			require.Len(t, cookies, 1)
			ck := cookies[0]
			assert.Equal(t, commentshttp.RememberCookie, ck.Name)
			assert.True(t, ck.HttpOnly)
			assert.Equal(t, http.SameSiteLaxMode, ck.SameSite)
			assert.Equal(t, tt.tls, ck.Secure)
			if !tt.remember {
				assert.Negative(t, ck.MaxAge, "cleared")
				assert.Empty(t, ck.Value)
				return
			}
			assert.Positive(t, ck.MaxAge)
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.AddCookie(ck)
			a, ok := commentshttp.Remembered(r)
			require.True(t, ok)
			assert.Equal(t, comments.Author{Name: "Ann; \"Ä\"", Email: "ann@example.com", URL: "https://ann.example/"}, a)
		})
	}
	t.Run("refused submissions leave the cookie alone", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		f := h.form("p")
		f.Set(commentshttp.RememberField, "yes")
		f.Del(comments.FieldEmail)
		w := post(t, commentshttp.NewHandler(h.svc), f)
		require.Equal(t, http.StatusUnprocessableEntity, w.Code)
		assert.Empty(t, w.Result().Cookies())
	})
	t.Run("bad cookies are ignored", func(t *testing.T) {
		t.Parallel()
		for _, v := range []string{"", "!!!", "YXV0aG9yPQ"} {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.AddCookie(&http.Cookie{Name: commentshttp.RememberCookie, Value: v})
			a, ok := commentshttp.Remembered(r)
			if v == "YXV0aG9yPQ" { // "author=": an empty but well-formed cookie
				assert.True(t, ok)
				assert.Zero(t, a)
				continue
			}
			assert.False(t, ok, v)
		}
	})
}

func TestNewHandler_identity(t *testing.T) {
	t.Parallel()
	admin := comments.Author{UserID: "1", Name: "Site Admin", Email: "admin@example.com", Verified: true}
	identity := commentshttp.WithCommenter(func(r *http.Request) (comments.Author, bool, bool) {
		if r.Header.Get("X-Test-User") == "" {
			return comments.Author{}, false, false
		}
		return admin, true, true
	})
	exempt := commentshttp.WithTokenExempt(func(r *http.Request) bool { return r.Header.Get("Authorization") != "" })
	asAdmin := func(r *http.Request) { r.Header.Set("X-Test-User", "1") }
	bearer := func(r *http.Request) { r.Header.Set("Authorization", "Bearer x") }

	h := newHarness(t, comments.WithRules(comments.ManualModeration()))
	var got *comments.Comment
	handler := commentshttp.NewHandler(h.svc, identity, exempt, commentshttp.WithRedirect(func(r *http.Request, c *comments.Comment) string {
		got = c
		return "/p/"
	}))

	f := h.form("p")
	f.Del(comments.TokenField)
	w := post(t, handler, f, asAdmin)
	assert.Equal(t, http.StatusForbidden, w.Code, "a cookie login can be forged cross-site: the token is still needed")

	f.Set(comments.FieldComment, "first note")
	w = post(t, handler, f, asAdmin, bearer)
	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
	assert.Equal(t, admin, got.Author, "the form's author fields are ignored")
	assert.Equal(t, comments.StatusApproved, got.Status)
	assert.Empty(t, w.Result().Cookies(), "no remember cookie for a logged-in user")

	f = h.form("p")
	f.Set(comments.FieldComment, "second note")
	w = post(t, handler, f, asAdmin)
	require.Equal(t, http.StatusSeeOther, w.Code, "a token makes a cookie login fine, and no flood limit applies")
	assert.Equal(t, comments.StatusApproved, got.Status)

	h.clock.Advance(time.Minute) // the admin's comments came from the same IP address
	w = post(t, handler, h.form("p"), bearer)
	require.Equal(t, http.StatusSeeOther, w.Code)
	assert.Equal(t, comments.StatusPending, got.Status, "an anonymous visitor is moderated")
}

func TestNewHandler_honeypotLooksTaken(t *testing.T) {
	t.Parallel()
	h := newHarness(t, comments.WithRules())
	f := h.form("p")
	f.Set(comments.HoneypotField, "https://spam.example")
	w := post(t, commentshttp.NewHandler(h.svc, commentshttp.WithRedirect(permalink)), f)
	require.Equal(t, http.StatusSeeOther, w.Code)
	list := mustList(t, h, "p")
	require.Len(t, list, 1)
	assert.Equal(t, comments.StatusSpam, list[0].Status)
	assert.Equal(t, fmt.Sprintf("/posts/p/#comment-%d", list[0].ID), w.Header().Get("Location"))
}

func TestNewHandler_redirectSafety(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		hook func(*http.Request, *comments.Comment) string
		want string // before the fragment
	}{
		{"no hook", nil, "/"},
		{"header injection", func(*http.Request, *comments.Comment) string { return "/p/\r\nSet-Cookie: x=1" }, "/"},
		{"empty", func(*http.Request, *comments.Comment) string { return "" }, "/"},
		{"absolute URL from the host", func(*http.Request, *comments.Comment) string { return "https://blog.example/p/" }, "https://blog.example/p/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, comments.WithRules())
			opts := []commentshttp.Option{commentshttp.WithLogger(quietLogger())}
			if tt.hook != nil {
				opts = append(opts, commentshttp.WithRedirect(tt.hook))
			}
			w := post(t, commentshttp.NewHandler(h.svc, opts...), h.form("p"))
			require.Equal(t, http.StatusSeeOther, w.Code)
			list := mustList(t, h, "p")
			require.Len(t, list, 1)
			assert.Equal(t, fmt.Sprintf("%s#comment-%d", tt.want, list[0].ID), w.Header().Get("Location"))
			for _, ck := range w.Result().Cookies() {
				assert.Equal(t, commentshttp.RememberCookie, ck.Name, "no header but the handler's own")
			}
		})
	}
}

func TestNewHandler_clientIPAndMultipart(t *testing.T) {
	t.Parallel()
	h := newHarness(t, comments.WithRules())
	handler := commentshttp.NewHandler(h.svc, commentshttp.WithClientIP(func(r *http.Request) string { return r.Header.Get("X-Real-IP") }))
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range h.form("p") {
		require.NoError(t, mw.WriteField(k, vs[0]))
	}
	require.NoError(t, mw.Close())
	r := httptest.NewRequest(http.MethodPost, "/comments", &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.Header.Set("X-Real-IP", "203.0.113.9")
	w := httptest.NewRecorder()
	handler.ServeHTTP(w, r)
	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
	list := mustList(t, h, "p")
	require.Len(t, list, 1)
	assert.Equal(t, "203.0.113.9", list[0].IP)
}

func TestStatusOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		err   error
		want  int
		known bool
	}{
		{"validation", &comments.ValidationError{Fields: []comments.FieldError{{Field: comments.FieldEmail}}}, http.StatusUnprocessableEntity, true},
		{"bad token", fmt.Errorf("submit: %w", comments.ErrBadToken), http.StatusForbidden, true},
		{"too new a token", &comments.TokenError{Problem: comments.TokenTooNew}, http.StatusForbidden, true},
		{"closed", fmt.Errorf("thread: %w", comments.ErrClosed), http.StatusForbidden, true},
		{"no thread", fmt.Errorf("thread: %w", comments.ErrNotFound), http.StatusNotFound, true},
		{"duplicate", comments.ErrDuplicate, http.StatusConflict, true},
		{"flood", &comments.FloodError{RetryAfter: time.Second}, http.StatusTooManyRequests, true},
		{"too large", commentshttp.ErrTooLarge, http.StatusRequestEntityTooLarge, true},
		{"bad form", commentshttp.ErrBadForm, http.StatusBadRequest, true},
		{"store down", fmt.Errorf("store: %w", comments.ErrUnavailable), http.StatusServiceUnavailable, true},
		{"deadline", fmt.Errorf("store: %w", context.DeadlineExceeded), http.StatusServiceUnavailable, true},
		{"anything else", errors.New("disk on fire"), http.StatusInternalServerError, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, msg, known := commentshttp.StatusOf(tt.err)
			assert.Equal(t, tt.want, status)
			assert.Equal(t, tt.known, known)
			assert.NotEmpty(t, msg)
		})
	}
}
