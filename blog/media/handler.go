package media

import (
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strings"

	"gocloud.dev/gcerrors"
)

// status is the one error-to-status table of the media endpoints.
func status(err error) int {
	switch {
	case errors.Is(err, ErrUnsupportedType), errors.Is(err, ErrInvalid):
		return http.StatusUnsupportedMediaType
	case errors.Is(err, ErrTooLarge), errors.Is(err, ErrTooManyPixels):
		return http.StatusRequestEntityTooLarge
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// UploadHandler answers a multipart POST whose part "file" is stored through
// [Library.Store]: 201 with Location, 415 for a refused type, 413 for a body
// over the cap or too many pixels. The part is streamed, never buffered twice.
// Authorisation is the host's: wrap the handler.
func (l *Library) UploadHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, l.maxBytes+1<<20)
		mr, err := r.MultipartReader()
		if err != nil {
			http.Error(w, "multipart form expected", http.StatusBadRequest)
			return
		}
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				http.Error(w, `missing part "file"`, http.StatusBadRequest)
				return
			}
			if err != nil {
				http.Error(w, http.StatusText(status(err)), status(err))
				return
			}
			if p.FormName() != "file" {
				continue
			}
			url, err := l.Store(r.Context(), p.FileName(), p)
			if err != nil {
				code := status(err)
				if code == http.StatusInternalServerError {
					slog.ErrorContext(r.Context(), "media: upload", "err", err)
				}
				http.Error(w, http.StatusText(code), code)
				return
			}
			w.Header().Set("Location", url)
			w.WriteHeader(http.StatusCreated)
			return
		}
	})
}

// FileHandler serves stored files under the library's URL prefix (mount it
// with http.StripPrefix or at the prefix itself). Names are content-addressed,
// so files are cached for a year and the ETag is the name's checksum.
func (l *Library) FileHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, l.prefix), "/")
		if key == "" || strings.Contains(key, "..") {
			http.NotFound(w, r)
			return
		}
		rd, err := l.bucket.NewReader(r.Context(), key, nil)
		if gcerrors.Code(err) == gcerrors.NotFound {
			http.NotFound(w, r)
			return
		}
		if err != nil {
			slog.ErrorContext(r.Context(), "media: serve", "key", key, "err", err)
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return
		}
		defer rd.Close()
		etag := `"` + strings.SplitN(key, "-", 2)[0] + `"`
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		ct := rd.ContentType()
		if ct == "" || ct == "application/octet-stream" {
			// A bucket that keeps no metadata (fileblob without its
			// sidecar files): the key's extension is the stored type's.
			if byExt := mime.TypeByExtension(path.Ext(key)); byExt != "" {
				ct = byExt
			}
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		_, _ = io.Copy(w, rd)
	})
}
