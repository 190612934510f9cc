package micropub

import (
	"errors"
	"net/http"
)

// MediaHandler serves the media endpoint: a multipart "file" stored through
// the Config's MediaStore, answered 201 with its Location.
func (h *Handler) MediaHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			writeError(w, &apiError{http.StatusMethodNotAllowed, "invalid_request", "method not allowed"})
			return
		}
		tok, _ := bearer(r)
		if err := h.authorize(r, tok, ScopeMedia); err != nil {
			writeError(w, err)
			return
		}
		if h.c.Media == nil {
			writeError(w, &apiError{http.StatusNotFound, "invalid_request", "no media endpoint"})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, h.c.MaxMediaBytes)
		mr, err := r.MultipartReader()
		if err != nil {
			writeError(w, badRequest("the body must be multipart/form-data"))
			return
		}
		for {
			part, err := mr.NextPart()
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					writeError(w, &apiError{http.StatusRequestEntityTooLarge, "invalid_request", "the file is too large"})
					return
				}
				writeError(w, badRequest("no file part"))
				return
			}
			if part.FormName() != "file" {
				continue
			}
			u, err := h.c.Media.Store(r.Context(), part.FileName(), part)
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					writeError(w, &apiError{http.StatusRequestEntityTooLarge, "invalid_request", "the file is too large"})
					return
				}
				writeError(w, &apiError{http.StatusUnsupportedMediaType, "invalid_request", "the file was refused"})
				return
			}
			w.Header().Set("Location", u)
			w.WriteHeader(http.StatusCreated)
			return
		}
	})
}
