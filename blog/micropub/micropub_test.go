package micropub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/micropub"
	"github.com/folioblog/folio/storage/memstore"
)

const base = "https://example.com"

var tokens = map[string][]string{
	"all":    {"create", "update", "delete", "media"},
	"create": {"create"},
}

type fakeMedia struct{ got []byte }

func (m *fakeMedia) Store(_ context.Context, name string, r io.Reader) (string, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return "", err
	}
	if bytes.HasPrefix(b, []byte("<html")) {
		return "", errors.New("refused")
	}
	m.got = b
	return base + "/media/" + name, nil
}

func setup(t *testing.T) (*blog.Blog, *micropub.Handler, *fakeMedia) {
	t.Helper()
	b, err := blog.New(memstore.New())
	require.NoError(t, err)
	m := &fakeMedia{}
	h, err := micropub.New(micropub.Config{
		Blog: b, BaseURL: base, Media: m, MediaURL: base + "/micropub/media",
		Auth: micropub.AuthorizerFunc(func(_ context.Context, tok string) ([]string, error) {
			s, ok := tokens[tok]
			if !ok {
				return nil, micropub.ErrUnauthorized
			}
			return s, nil
		}),
	})
	require.NoError(t, err)
	return b, h, m
}

func form(tok string, v url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/micropub", strings.NewReader(v.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if tok != "" {
		r.Header.Set("Authorization", "Bearer "+tok)
	}
	return r
}

func jsonReq(tok, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/micropub", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if tok != "" {
		r.Header.Set("Authorization", "Bearer "+tok)
	}
	return r
}

func do(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func created(t *testing.T, b *blog.Blog, w *httptest.ResponseRecorder) *blog.Post {
	t.Helper()
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	loc := w.Header().Get("Location")
	require.True(t, strings.HasPrefix(loc, base+"/"), loc)
	m, ok := b.Permalink().Match(strings.TrimPrefix(loc, base))
	require.True(t, ok, loc)
	p, err := b.GetPostBySlug(context.Background(), m.Slug)
	require.NoError(t, err)
	return p
}

func tagNames(p *blog.Post) []string {
	var s []string
	for _, t := range p.Tags {
		s = append(s, t.Name)
	}
	return s
}

// The creation cases of micropub.rocks (1xx form, 2xx JSON).
func TestCreate(t *testing.T) {
	tests := []struct {
		name  string
		req   func() *http.Request
		check func(t *testing.T, p *blog.Post)
	}{
		{"100 form h-entry", func() *http.Request {
			return form("all", url.Values{"h": {"entry"}, "content": {"Micropub test of creating a basic h-entry"}})
		}, func(t *testing.T, p *blog.Post) {
			assert.Contains(t, string(p.HTML), "Micropub test of creating a basic h-entry")
			assert.Equal(t, blog.StatusPublished, p.Status)
		}},
		{"101 form categories", func() *http.Request {
			return form("all", url.Values{"h": {"entry"}, "content": {"cats"}, "category[]": {"test1", "test2"}})
		}, func(t *testing.T, p *blog.Post) {
			assert.ElementsMatch(t, []string{"test1", "test2"}, tagNames(p))
		}},
		{"104 form photo URL", func() *http.Request {
			return form("all", url.Values{"h": {"entry"}, "content": {"Nice"}, "photo": {"https://micropub.rocks/media/sunset.jpg"}})
		}, func(t *testing.T, p *blog.Post) {
			assert.Contains(t, string(p.HTML), "<figure")
			assert.Contains(t, string(p.HTML), "https://micropub.rocks/media/sunset.jpg")
		}},
		{"form name, slug, draft", func() *http.Request {
			return form("all", url.Values{"h": {"entry"}, "name": {"Hello"}, "content": {"**bold**"}, "mp-slug": {"my-slug"}, "post-status": {"draft"}})
		}, func(t *testing.T, p *blog.Post) {
			assert.Equal(t, "Hello", p.Title)
			assert.Equal(t, "my-slug", p.Slug)
			assert.Equal(t, blog.StatusDraft, p.Status)
			assert.Contains(t, string(p.HTML), "<strong>bold</strong>")
		}},
		{"form access_token field", func() *http.Request {
			return form("", url.Values{"h": {"entry"}, "content": {"tok in body"}, "access_token": {"all"}})
		}, func(t *testing.T, p *blog.Post) { assert.Contains(t, p.Source, "tok in body") }},
		{"200 JSON h-entry", func() *http.Request {
			return jsonReq("all", `{"type":["h-entry"],"properties":{"content":["Micropub test of creating an h-entry with a JSON request"]}}`)
		}, func(t *testing.T, p *blog.Post) { assert.Contains(t, string(p.HTML), "JSON request") }},
		{"201 JSON categories", func() *http.Request {
			return jsonReq("all", `{"type":["h-entry"],"properties":{"content":["x"],"category":["test1","test2"]}}`)
		}, func(t *testing.T, p *blog.Post) { assert.ElementsMatch(t, []string{"test1", "test2"}, tagNames(p)) }},
		{"202 JSON HTML content sanitised", func() *http.Request {
			return jsonReq("all", `{"type":["h-entry"],"properties":{"name":["H"],"content":[{"html":"<p>This post has <b>bold</b><script>alert(1)</script></p>"}]}}`)
		}, func(t *testing.T, p *blog.Post) {
			assert.Contains(t, string(p.HTML), "<b>bold</b>")
			assert.NotContains(t, string(p.HTML), "<script")
		}},
		{"203 and 205 JSON photos with alt", func() *http.Request {
			return jsonReq("all", `{"type":["h-entry"],"properties":{"content":["two"],"photo":["https://a.example/1.jpg",{"value":"https://a.example/2.jpg","alt":"Delegates arrive"}]}}`)
		}, func(t *testing.T, p *blog.Post) {
			assert.Equal(t, 2, strings.Count(string(p.HTML), "<figure"))
			assert.Contains(t, string(p.HTML), `alt="Delegates arrive"`)
		}},
		{"JSON published", func() *http.Request {
			return jsonReq("all", `{"type":["h-entry"],"properties":{"name":["Old"],"content":["x"],"published":["2013-01-05T10:00:00Z"]}}`)
		}, func(t *testing.T, p *blog.Post) { assert.Equal(t, 2013, p.PublishedAt.Year()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, h, _ := setup(t)
			tt.check(t, created(t, b, do(h, tt.req())))
		})
	}
}

func errCode(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	var e struct {
		Error string `json:"error"`
		Desc  string `json:"error_description"`
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &e), w.Body.String())
	assert.NotEmpty(t, e.Desc)
	return e.Error
}

// The 8xx authentication cases and malformed requests.
func TestErrors(t *testing.T) {
	tests := []struct {
		name   string
		req    *http.Request
		status int
		code   string
	}{
		{"800 no token", form("", url.Values{"h": {"entry"}, "content": {"x"}}), 401, "unauthorized"},
		{"801 bad token", form("nope", url.Values{"h": {"entry"}, "content": {"x"}}), 401, "unauthorized"},
		{"803 scope", jsonReq("create", `{"action":"delete","url":"https://example.com/x/"}`), 403, "insufficient_scope"},
		{"bad JSON", jsonReq("all", `{"type":`), 400, "invalid_request"},
		{"not h-entry", jsonReq("all", `{"type":["h-event"],"properties":{"name":["x"]}}`), 400, "invalid_request"},
		{"empty", form("all", url.Values{"h": {"entry"}}), 400, "invalid_request"},
		{"bad photo", form("all", url.Values{"h": {"entry"}, "photo": {"javascript:alert(1)"}}), 400, "invalid_request"},
		{"bad published", form("all", url.Values{"h": {"entry"}, "content": {"x"}, "published": {"yesterday"}}), 400, "invalid_request"},
		{"update unknown post", jsonReq("all", `{"action":"update","url":"https://example.com/2020/01/01/none/","replace":{"content":["x"]}}`), 400, "invalid_request"},
		{"update values not a list", jsonReq("all", `{"action":"update","url":"https://example.com/2020/01/01/none/","replace":{"content":"x"}}`), 400, "invalid_request"},
		{"unknown query", httptest.NewRequest(http.MethodGet, "/micropub?q=nothing", nil), 401, "unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, h, _ := setup(t)
			w := do(h, tt.req)
			assert.Equal(t, tt.status, w.Code, w.Body.String())
			assert.Equal(t, tt.code, errCode(t, w))
		})
	}
}

func TestBodyLimit(t *testing.T) {
	_, h, _ := setup(t)
	big := `{"type":["h-entry"],"properties":{"content":["` + strings.Repeat("a", micropub.DefaultMaxBodyBytes) + `"]}}`
	w := do(h, jsonReq("all", big))
	assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code)
}

func createOne(t *testing.T, b *blog.Blog, h http.Handler) (string, *blog.Post) {
	t.Helper()
	w := do(h, jsonReq("all", `{"type":["h-entry"],"properties":{"name":["Orig"],"content":["Original"],"category":["a","b"]}}`))
	p := created(t, b, w)
	return w.Header().Get("Location"), p
}

// The 4xx update, 5xx delete cases.
func TestUpdateDelete(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, p *blog.Post)
	}{
		{"400 replace", `{"action":"update","url":"%s","replace":{"content":["Updated"]}}`, func(t *testing.T, p *blog.Post) {
			assert.Equal(t, "Updated", p.Source)
		}},
		{"401 add", `{"action":"update","url":"%s","add":{"category":["c"]}}`, func(t *testing.T, p *blog.Post) {
			assert.ElementsMatch(t, []string{"a", "b", "c"}, tagNames(p))
		}},
		{"402 delete value", `{"action":"update","url":"%s","delete":{"category":["a"]}}`, func(t *testing.T, p *blog.Post) {
			assert.Equal(t, []string{"b"}, tagNames(p))
		}},
		{"403 delete property", `{"action":"update","url":"%s","delete":["category"]}`, func(t *testing.T, p *blog.Post) {
			assert.Empty(t, p.Tags)
		}},
		{"500 delete", `{"action":"delete","url":"%s"}`, func(t *testing.T, p *blog.Post) {
			assert.NotEqual(t, blog.StatusPublished, p.Status)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, h, _ := setup(t)
			loc, p := createOne(t, b, h)
			w := do(h, jsonReq("all", strings.Replace(tt.body, "%s", loc, 1)))
			require.Less(t, w.Code, 300, w.Body.String())
			got, err := b.GetPost(context.Background(), p.ID)
			require.NoError(t, err)
			tt.check(t, got)
		})
	}
}

func TestDeleteUndeleteForm(t *testing.T) {
	b, h, _ := setup(t)
	loc, p := createOne(t, b, h)
	ctx := context.Background()
	require.Equal(t, http.StatusNoContent, do(h, form("all", url.Values{"action": {"delete"}, "url": {loc}})).Code)
	_, err := b.PublicPost(ctx, p.ID)
	require.ErrorIs(t, err, blog.ErrNotFound)
	require.Equal(t, http.StatusNoContent, do(h, form("all", url.Values{"action": {"undelete"}, "url": {loc}})).Code)
	_, err = b.PublicPost(ctx, p.ID)
	require.NoError(t, err)
}

func get(t *testing.T, h http.Handler, q string) map[string]any {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/micropub?"+q, nil)
	r.Header.Set("Authorization", "Bearer all")
	w := do(h, r)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var v map[string]any
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &v))
	return v
}

// The 6xx query cases.
func TestQueries(t *testing.T) {
	b, h, _ := setup(t)
	loc, _ := createOne(t, b, h)
	assert.Equal(t, base+"/micropub/media", get(t, h, "q=config")["media-endpoint"])
	assert.Equal(t, []any{}, get(t, h, "q=syndicate-to")["syndicate-to"])
	src := get(t, h, "q=source&url="+url.QueryEscape(loc))
	props := src["properties"].(map[string]any)
	assert.Equal(t, []any{"Original"}, props["content"])
	assert.Equal(t, []any{"Orig"}, props["name"])
	only := get(t, h, "q=source&properties[]=name&url="+url.QueryEscape(loc))["properties"].(map[string]any)
	assert.Equal(t, map[string]any{"name": []any{"Orig"}}, only)
}

func TestMedia(t *testing.T) {
	tests := []struct {
		name   string
		tok    string
		body   string
		status int
	}{
		{"stored", "all", "GIF89a...", http.StatusCreated},
		{"no scope", "create", "GIF89a", http.StatusForbidden},
		{"refused", "all", "<html><script>", http.StatusUnsupportedMediaType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, h, m := setup(t)
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			fw, err := mw.CreateFormFile("file", "a.gif")
			require.NoError(t, err)
			_, _ = fw.Write([]byte(tt.body))
			require.NoError(t, mw.Close())
			r := httptest.NewRequest(http.MethodPost, "/micropub/media", &buf)
			r.Header.Set("Content-Type", mw.FormDataContentType())
			r.Header.Set("Authorization", "Bearer "+tt.tok)
			w := do(h.MediaHandler(), r)
			require.Equal(t, tt.status, w.Code, w.Body.String())
			if tt.status == http.StatusCreated {
				assert.Equal(t, base+"/media/a.gif", w.Header().Get("Location"))
				assert.Equal(t, tt.body, string(m.got))
			}
		})
	}
}

func FuzzParseRequest(f *testing.F) {
	f.Add("application/json", `{"type":["h-entry"],"properties":{"content":["x"],"photo":[{"value":"https://a/b.jpg","alt":"a"}]}}`)
	f.Add("application/json", `{"action":"update","url":"https://e/x/","delete":["category"]}`)
	f.Add("application/x-www-form-urlencoded", "h=entry&content=x&category[]=a&photo=https://a/b.jpg")
	f.Fuzz(func(t *testing.T, ct, body string) {
		r := httptest.NewRequest(http.MethodPost, "/micropub", strings.NewReader(body))
		r.Header.Set("Content-Type", ct)
		req, err := micropub.ParseRequest(r)
		if err != nil {
			return
		}
		require.NotNil(t, req.Properties)
	})
}
