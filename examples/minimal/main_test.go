package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMinimal(t *testing.T) {
	h, err := newHandler(context.Background())
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	get := func(path string) (int, string) {
		res, err := client.Get(srv.URL + path)
		require.NoError(t, err)
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res.StatusCode, string(body)
	}

	status, home := get("/")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, home, "Photos from the hills")
	assert.Contains(t, home, "<figcaption>(Photo: Folio)</figcaption>")

	i := strings.Index(home, `href="/`)
	require.Positive(t, i)
	link := home[i+len(`href="`):]
	link = link[:strings.IndexByte(link, '"')]
	status, post := get(link)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, post, `name="folio_token"`)

	status, _ = get("/2001/01/01/missing/")
	assert.Equal(t, http.StatusNotFound, status)

	// A comment without its form token is refused, and says why.
	res, err := client.PostForm(srv.URL+"/comments", url.Values{
		"comment_post_ID": {"1"}, "author": {"Ann"}, "email": {"ann@example.com"}, "comment": {"Hello"},
	})
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusForbidden, res.StatusCode)
}

// TestMinimal_commentThreads checks that comments hang only on posts the
// blog has: a comment on a post that does not exist is refused as not
// found, before its form token is even looked at.
func TestMinimal_commentThreads(t *testing.T) {
	h, err := newHandler(context.Background())
	require.NoError(t, err)
	tests := []struct {
		name   string
		thread string
		want   int
	}{
		{"existing post, no token", "1", http.StatusForbidden},
		{"missing post", "999", http.StatusNotFound},
		{"not a post", "about", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{
				"comment_post_ID": {tt.thread}, "author": {"Ann"}, "email": {"ann@example.com"}, "comment": {"Hello"},
			}
			r := httptest.NewRequest(http.MethodPost, "/comments", strings.NewReader(form.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			assert.Equal(t, tt.want, w.Code, w.Body.String())
		})
	}
}
