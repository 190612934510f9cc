package main

import (
	"fmt"
	"net/http"

	"gocloud.dev/blob"

	"github.com/folioblog/folio/blog/media"
)

// uploadsPrefix is where the media library's files are served, and the
// folder of the media bucket they are kept in (so that a backup of the
// media folder holds them).
const uploadsPrefix = "uploads/"

// openLibrary opens the media library for uploads (Micropub's media
// endpoint) in the uploads folder of the media bucket, served under
// BASE/uploads/ with the absolute URLs clients expect. The caller closes
// the bucket returned.
func openLibrary(cfg config) (*media.Library, *blob.Bucket, error) {
	bucket, err := openMedia(cfg, true)
	if err != nil {
		return nil, nil, fmt.Errorf("media library: %w", err)
	}
	uploads := blob.PrefixedBucket(bucket, uploadsPrefix)
	lib, err := media.New(uploads, media.WithURLPrefix(cfg.baseURL+uploadsPrefix))
	if err != nil {
		uploads.Close()
		return nil, nil, fmt.Errorf("media library: %w", err)
	}
	return lib, uploads, nil
}

// mountLibrary serves the library's files under /uploads/.
func mountLibrary(mux *http.ServeMux, lib *media.Library) {
	mux.Handle("GET /"+uploadsPrefix, http.StripPrefix("/"+uploadsPrefix, lib.FileHandler()))
}
