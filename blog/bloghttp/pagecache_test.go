package bloghttp_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog/bloghttp"
	"github.com/folioblog/folio/comments/commentshttp"
)

// TestServer_PageCacheBypassCookies checks that the Server's page cache
// passes by any visitor carrying the moderator's or the remembered
// commenter's cookie, even one whose value the Server cannot read and so
// shows the public page: the cookie alone marks a personal visit.
func TestServer_PageCacheBypassCookies(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	s.post("Congress opens", day(1, 2), nil)
	const target = "/2013/01/02/congress-opens/"
	tests := []struct {
		name   string
		cookie *http.Cookie
		want   string // X-Folio-Cache of the second of two views
	}{
		{name: "no cookie", want: "hit"},
		{name: "unrelated cookie", cookie: &http.Cookie{Name: "theme", Value: "dark"}, want: "hit"},
		{name: "moderator cookie", cookie: &http.Cookie{Name: bloghttp.AdminCookie, Value: "unreadable"}, want: "bypass"},
		{name: "commenter cookie", cookie: &http.Cookie{Name: commentshttp.RememberCookie, Value: "unreadable"}, want: "bypass"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := pageReq{target: target}
			if tt.cookie != nil {
				req.cookies = []*http.Cookie{tt.cookie}
			}
			first := s.do(req)
			require.Equal(t, http.StatusOK, first.Code)
			second := s.do(req)
			require.Equal(t, http.StatusOK, second.Code)
			assert.Equal(t, tt.want, second.Header().Get("X-Folio-Cache"))
			assert.Contains(t, second.Body.String(), `name="author"`, "the public page either way")
			assert.NotContains(t, second.Body.String(), "Logged in as")
		})
	}
}
