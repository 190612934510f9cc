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
