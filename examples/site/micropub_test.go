package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A post made by a Micropub client shows on its page; an update changes the
// cached page; a delete takes it off the site.
func TestSite_Micropub(t *testing.T) {
	s := openSite(t, testConfig(t.TempDir()))
	h := s.handler
	res, body := request(t, h, http.MethodPost, "/micropub",
		url.Values{"h": {"entry"}, "name": {"From a client"}, "content": {"First words"}}, bearer())
	require.Equal(t, http.StatusCreated, res.StatusCode, body)
	u, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)

	res, page := get(t, h, u.Path)
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, page, "First words")

	res, body = request(t, h, http.MethodPost, "/micropub", url.Values{"h": {"entry"}, "content": {"x"}}, nil)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, body)

	r, _ := request(t, h, http.MethodPost, "/micropub",
		url.Values{"action": {"update"}, "url": {u.String()}}, bearer())
	assert.Equal(t, http.StatusBadRequest, r.StatusCode)

	upd := `{"action":"update","url":"` + u.String() + `","replace":{"content":["Second words"]}}`
	rq := http.Header{"Authorization": bearer()["Authorization"], "Content-Type": {"application/json"}}
	res, body = requestBody(t, h, "/micropub", upd, rq)
	require.Less(t, res.StatusCode, 300, body)
	_, page = get(t, h, u.Path)
	assert.Contains(t, page, "Second words")
	assert.NotContains(t, page, "First words")

	res, body = request(t, h, http.MethodPost, "/micropub",
		url.Values{"action": {"delete"}, "url": {u.String()}}, bearer())
	require.Equal(t, http.StatusNoContent, res.StatusCode, body)
	res, _ = get(t, h, u.Path)
	assert.Contains(t, []int{http.StatusNotFound, http.StatusGone}, res.StatusCode)
}

func requestBody(t testing.TB, h http.Handler, target, body string, header http.Header) (*http.Response, string) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	r.Header = header
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result(), w.Body.String()
}
