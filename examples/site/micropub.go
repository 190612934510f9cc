package main

import (
	"context"
	"crypto/subtle"
	"net/http"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/micropub"
)

// mountMicropub serves Micropub at /micropub for clients holding the admin
// token, and the media endpoint at /micropub/media when media is not nil.
func mountMicropub(mux *http.ServeMux, b *blog.Blog, baseURL, token string, author blog.Author, media micropub.MediaStore) error {
	c := micropub.Config{
		Blog: b, BaseURL: baseURL, Author: author,
		Auth: micropub.AuthorizerFunc(func(_ context.Context, tok string) ([]string, error) {
			if subtle.ConstantTimeCompare([]byte(tok), []byte(token)) != 1 {
				return nil, micropub.ErrUnauthorized
			}
			return []string{micropub.ScopeCreate, micropub.ScopeUpdate, micropub.ScopeDelete, micropub.ScopeMedia}, nil
		}),
	}
	if media != nil {
		c.Media, c.MediaURL = media, baseURL+"/micropub/media"
	}
	h, err := micropub.New(c)
	if err != nil {
		return err
	}
	mux.Handle("/micropub", h)
	if media != nil {
		mux.Handle("/micropub/media", h.MediaHandler())
	}
	return nil
}
