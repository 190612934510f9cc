package bloghttp_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/archive"
)

func TestStatic(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	tests := []struct {
		path, contentType, contains string
	}{
		{"/static/folio.css", "text/css; charset=utf-8", ".comment-form-trap"},
		{"/static/archive.js", "text/javascript; charset=utf-8", archive.DropdownScript},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			w := s.get(tt.path)
			require.Equal(t, http.StatusOK, w.Code)
			assert.Equal(t, tt.contentType, w.Header().Get("Content-Type"))
			assert.Contains(t, w.Body.String(), tt.contains)
			assert.Contains(t, w.Header().Get("Cache-Control"), "max-age=31536000")
			etag := w.Header().Get("ETag")
			require.Regexp(t, `^"[0-9a-f]{32}"$`, etag)
			w = s.do(pageReq{target: tt.path, header: http.Header{"If-None-Match": {etag}}})
			assert.Equal(t, http.StatusNotModified, w.Code)
			assert.Empty(t, w.Body.String())
		})
	}
	t.Run("pages link the versioned file", func(t *testing.T) {
		etag := s.get("/static/folio.css").Header().Get("ETag")
		assert.Contains(t, s.get("/").Body.String(), `href="/static/folio.css?v=`+strings.Trim(etag, `"`)[:12]+`"`)
	})
}

func TestStatic_traversal(t *testing.T) {
	for _, base := range []string{"http://example.com/", "http://example.com/blog/"} {
		s := newPageSite(t, pageSiteConfig{base: base})
		prefix := strings.TrimSuffix(strings.TrimPrefix(base, "http://example.com"), "/")
		for _, path := range []string{
			"/static/..%2fserver.go",
			"/static/%2e%2e/server.go",
			"/static/%2e%2e%2fserver.go",
			"/static/..%5cserver.go",
			"/static/../server.go",
			"/static/",
			"/static/nope.css",
			"/static/folio.css/",
			"/static/.",
			"/static/layout.html",
			"/static/..%2f..%2fgo.mod",
			"/static/%2fetc%2fpasswd",
		} {
			t.Run(prefix+path, func(t *testing.T) {
				w := s.get(prefix + path)
				assert.NotEqual(t, http.StatusOK, w.Code)
				assert.NotContains(t, w.Body.String(), "package bloghttp")
				assert.NotContains(t, w.Body.String(), "module github.com")
			})
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	p := s.post("Hello", day(1, 2), nil)
	for _, r := range []pageReq{
		{target: "/"},
		{target: s.srv.PostPath(p)},
		{target: "/2013/"},
		{target: "/tag/none/"},
		{target: "/?s=x"},
		{target: "/static/folio.css"},
		{target: "/static/..%2fx"},
		{target: "/no/such/page"},
		{target: "/comments/1"},
		{method: http.MethodPost, target: "/likes/" + itoa(p.ID)},
		{method: http.MethodPost, target: "/comments", form: map[string][]string{"comment": {"x"}}},
	} {
		t.Run(r.method+r.target, func(t *testing.T) {
			h := s.do(r).Header()
			assert.Contains(t, h.Get("Content-Security-Policy"), "script-src 'self'")
			assert.Equal(t, "nosniff", h.Get("X-Content-Type-Options"))
			assert.Equal(t, "DENY", h.Get("X-Frame-Options"))
			assert.NotEmpty(t, h.Get("Referrer-Policy"))
		})
	}
}

func TestServer_cleansPathsUnderThePrefix(t *testing.T) {
	h := newPageSite(t, pageSiteConfig{base: "http://example.com/blog/"}).srv
	for _, tc := range []struct{ path, want string }{
		{"/blog/static/../tag/x/", "/blog/tag/x/"},
		{"/blog//2013/01/", "/blog/2013/01/"},
		{"/blog/a/./b", "/blog/a/b"},
	} {
		req := httptest.NewRequest(http.MethodGet, tc.path, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		assert.Equal(t, http.StatusMovedPermanently, rec.Code, tc.path)
		assert.Equal(t, tc.want, rec.Header().Get("Location"), tc.path)
	}
}
