package main

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"path/filepath"
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
	home, homePage := get(t, h, "/")
	assert.Contains(t, home.Header.Values("Link"), `<http://127.0.0.1:8080/micropub>; rel="micropub"`, "discovery by header")
	assert.Contains(t, homePage, `<link rel="micropub" href="http://127.0.0.1:8080/micropub">`, "and in the page")

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

// A photo sent to the media endpoint lands in the media library under the
// media folder (so backups hold it), stripped and served from its URL; an
// HTML file is refused.
func TestSite_MicropubMedia(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(dir)
	cfg.seed = false
	s := openSite(t, cfg)

	upload := func(name string, data []byte, auth http.Header) *http.Response {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, err := mw.CreateFormFile("file", name)
		require.NoError(t, err)
		_, err = fw.Write(data)
		require.NoError(t, err)
		require.NoError(t, mw.Close())
		r := httptest.NewRequest(http.MethodPost, "/micropub/media", &body)
		r.Header.Set("Content-Type", mw.FormDataContentType())
		for k, v := range auth {
			r.Header[k] = v
		}
		w := httptest.NewRecorder()
		s.handler.ServeHTTP(w, r)
		return w.Result()
	}
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	var pngData bytes.Buffer
	require.NoError(t, png.Encode(&pngData, img))

	assert.Equal(t, http.StatusUnauthorized, upload("a.png", pngData.Bytes(), nil).StatusCode)
	assert.Equal(t, http.StatusUnsupportedMediaType, upload("a.png", []byte("<html><script>x</script></html>"), bearer()).StatusCode)

	res := upload("harbour.png", pngData.Bytes(), bearer())
	require.Equal(t, http.StatusCreated, res.StatusCode)
	loc := res.Header.Get("Location")
	require.True(t, strings.HasPrefix(loc, cfg.baseURL+"uploads/"), loc)
	u, err := url.Parse(loc)
	require.NoError(t, err)
	got, body := get(t, s.handler, u.Path)
	require.Equal(t, http.StatusOK, got.StatusCode)
	assert.Equal(t, "image/png", got.Header.Get("Content-Type"))
	cfgImg, err := png.DecodeConfig(strings.NewReader(body))
	require.NoError(t, err)
	assert.Equal(t, 8, cfgImg.Width)
	assert.FileExists(t, filepath.Join(dir, mediaDir, uploadsPrefix, path.Base(u.Path)), "kept in the media folder, which backups copy")
}
