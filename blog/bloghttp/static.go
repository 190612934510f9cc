package bloghttp

import (
	"bytes"
	"net/http"
	"time"

	"github.com/folioblog/folio/blog/bloghttp/internal/pagecache"
)

// handleStatic serves GET /static/{file}: the theme's static files, read
// once at start-up, with a content-hash ETag and a year's caching (pages
// link them with a ?v= query of that hash, so a changed file gets a new
// address). {file} is one path segment naming a file of the theme;
// anything else — a directory, "..", an encoded slash — is 404.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	f := s.theme.Static[r.PathValue("file")]
	if f == nil {
		s.notFound(w, r)
		return
	}
	pagecache.Depends(w, pagecache.Static)
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", f.ETag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.Data))
}
