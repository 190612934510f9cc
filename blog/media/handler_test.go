package media_test

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog/media"
)

func upload(t *testing.T, h http.Handler, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	require.NoError(t, mw.WriteField("alt", "a square"))
	fw, err := mw.CreateFormFile("file", "photo.png")
	require.NoError(t, err)
	_, err = fw.Write(body)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	req := httptest.NewRequest(http.MethodPost, "/media/", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestLibrary_UploadHandler(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		want int
	}{
		{"png", pngBytes(t, 16, 16), http.StatusCreated},
		{"disguised html", []byte("<html><script>alert(1)</script></html>"), http.StatusUnsupportedMediaType},
		{"bomb", pngHeader(t, 20000, 20000), http.StatusRequestEntityTooLarge},
		{"over the cap", noisyPNG(t, 64, 64), http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, _ := newLib(t, media.WithMaxBytes(1000))
			rec := upload(t, l.UploadHandler(), tt.body)
			assert.Equal(t, tt.want, rec.Code)
		})
	}
}

func TestLibrary_FileHandler(t *testing.T) {
	l, _ := newLib(t)
	rec := upload(t, l.UploadHandler(), pngBytes(t, 16, 16))
	require.Equal(t, http.StatusCreated, rec.Code)
	loc := rec.Header().Get("Location")

	get := func(etag string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, loc, nil)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		rec := httptest.NewRecorder()
		l.FileHandler().ServeHTTP(rec, req)
		return rec
	}
	first := get("")
	require.Equal(t, http.StatusOK, first.Code)
	assert.Equal(t, "image/png", first.Header().Get("Content-Type"))
	assert.Contains(t, first.Header().Get("Cache-Control"), "immutable")
	require.NotEmpty(t, first.Header().Get("ETag"))
	assert.Equal(t, http.StatusNotModified, get(first.Header().Get("ETag")).Code)

	req := httptest.NewRequest(http.MethodGet, "/media/nothing.png", nil)
	missing := httptest.NewRecorder()
	l.FileHandler().ServeHTTP(missing, req)
	assert.Equal(t, http.StatusNotFound, missing.Code)
}

// noisyPNG is a w×h PNG that does not compress: w*h bytes or more.
func noisyPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	x := uint32(1)
	for i := range img.Pix {
		x = x*1664525 + 1013904223
		img.Pix[i] = byte(x >> 24)
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}
