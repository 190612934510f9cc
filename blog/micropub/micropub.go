// Package micropub serves the W3C Micropub protocol (https://www.w3.org/TR/micropub/)
// over a [blog.Blog]: create, update, delete and undelete posts from any
// Micropub client, the config, source and syndicate-to queries, and a media
// endpoint over a host-supplied [MediaStore]. It is an adapter: it speaks
// HTTP and calls the Blog service, never its store.
package micropub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/folioblog/folio/blog"
)

// Scopes a token may carry.
const (
	ScopeCreate = "create"
	ScopeUpdate = "update"
	ScopeDelete = "delete"
	ScopeMedia  = "media"
)

// Default body limits.
const (
	DefaultMaxBodyBytes  = 1 << 20
	DefaultMaxMediaBytes = 25 << 20
)

// ErrUnauthorized is what an [Authorizer] returns for a missing or unknown
// token; the handler answers 401.
var ErrUnauthorized = errors.New("micropub: unauthorized")

// Authorizer checks a bearer token and returns the scopes it grants.
// Any error answers 401.
type Authorizer interface {
	Authorize(ctx context.Context, token string) (scopes []string, err error)
}

// AuthorizerFunc adapts a function to [Authorizer].
type AuthorizerFunc func(ctx context.Context, token string) ([]string, error)

// Authorize calls f.
func (f AuthorizerFunc) Authorize(ctx context.Context, token string) ([]string, error) {
	return f(ctx, token)
}

// MediaStore keeps an uploaded file and returns the URL it is served at.
// It refuses unsafe content with an error.
type MediaStore interface {
	Store(ctx context.Context, filename string, r io.Reader) (url string, err error)
}

// Config is what a Handler needs.
type Config struct {
	Blog *blog.Blog
	Auth Authorizer
	// BaseURL is the site's absolute URL without a trailing slash
	// ("https://example.com"); Location headers and source URLs use it.
	BaseURL string
	// Media, if set, serves the media endpoint at MediaURL.
	Media    MediaStore
	MediaURL string
	// Author credits created posts.
	Author        blog.Author
	MaxBodyBytes  int64 // DefaultMaxBodyBytes if zero
	MaxMediaBytes int64 // DefaultMaxMediaBytes if zero
}

// Handler serves the Micropub endpoint; MediaHandler serves the media endpoint.
type Handler struct{ c Config }

// New returns a Handler for c.
func New(c Config) (*Handler, error) {
	if c.Blog == nil || c.Auth == nil {
		return nil, errors.New("micropub: Blog and Auth are required")
	}
	c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxMediaBytes <= 0 {
		c.MaxMediaBytes = DefaultMaxMediaBytes
	}
	return &Handler{c: c}, nil
}

// apiError is a Micropub error answer.
type apiError struct {
	status int
	code   string
	desc   string
}

func (e *apiError) Error() string { return e.code + ": " + e.desc }

func badRequest(format string, a ...any) *apiError {
	return &apiError{http.StatusBadRequest, "invalid_request", fmt.Sprintf(format, a...)}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		var ve *blog.ValidationError
		switch {
		case errors.As(err, &ve):
			ae = badRequest("%s: %s", ve.Field, ve.Reason)
		case errors.Is(err, blog.ErrNotFound):
			ae = badRequest("no such post")
		case errors.Is(err, blog.ErrSlugTaken):
			ae = badRequest("mp-slug is taken")
		case errors.Is(err, blog.ErrConflict):
			ae = &apiError{http.StatusConflict, "invalid_request", "the post changed; try again"}
		default:
			ae = &apiError{http.StatusInternalServerError, "server_error", "the post could not be saved"}
		}
	}
	if ae.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer`)
	}
	writeJSON(w, ae.status, map[string]string{"error": ae.code, "error_description": ae.desc})
}

// authorize checks the token against scope.
func (h *Handler) authorize(r *http.Request, token, scope string) error {
	if token == "" {
		return &apiError{http.StatusUnauthorized, "unauthorized", "no access token"}
	}
	scopes, err := h.c.Auth.Authorize(r.Context(), token)
	if err != nil {
		return &apiError{http.StatusUnauthorized, "unauthorized", "the access token is not valid"}
	}
	if scope != "" && !slices.Contains(scopes, scope) {
		return &apiError{http.StatusForbidden, "insufficient_scope", "the token lacks the " + scope + " scope"}
	}
	return nil
}

func bearer(r *http.Request) (string, bool) {
	a := r.Header.Get("Authorization")
	if a == "" {
		return "", false
	}
	if len(a) > 7 && strings.EqualFold(a[:7], "Bearer ") {
		return strings.TrimSpace(a[7:]), true
	}
	return "", true
}

// ServeHTTP answers GET queries and POST actions.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		tok, _ := bearer(r)
		if err := h.authorize(r, tok, ""); err != nil {
			writeError(w, err)
			return
		}
		h.query(w, r)
	case http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, h.c.MaxBodyBytes)
		req, err := ParseRequest(r)
		if err != nil {
			writeError(w, err)
			return
		}
		tok, had := bearer(r)
		if had && req.AccessToken != "" {
			writeError(w, badRequest("the token is in both the header and the body"))
			return
		}
		if !had {
			tok = req.AccessToken
		}
		scope := ScopeCreate
		switch req.Action {
		case "update":
			scope = ScopeUpdate
		case "delete", "undelete":
			scope = ScopeDelete
		}
		if err := h.authorize(r, tok, scope); err != nil {
			writeError(w, err)
			return
		}
		h.act(w, r, req)
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		writeError(w, &apiError{http.StatusMethodNotAllowed, "invalid_request", "method not allowed"})
	}
}

func (h *Handler) query(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch q.Get("q") {
	case "config":
		cfg := map[string]any{"syndicate-to": []any{}}
		if h.c.Media != nil && h.c.MediaURL != "" {
			cfg["media-endpoint"] = h.c.MediaURL
		}
		writeJSON(w, http.StatusOK, cfg)
	case "syndicate-to":
		writeJSON(w, http.StatusOK, map[string]any{"syndicate-to": []any{}})
	case "source":
		p, err := h.find(r.Context(), q.Get("url"))
		if err != nil {
			writeError(w, err)
			return
		}
		props := h.properties(p)
		want := append(q["properties"], q["properties[]"]...)
		if len(want) > 0 {
			only := map[string]any{}
			for _, k := range want {
				if v, ok := props[k]; ok {
					only[k] = v
				}
			}
			writeJSON(w, http.StatusOK, map[string]any{"properties": only})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"type": []string{"h-entry"}, "properties": props})
	default:
		writeError(w, badRequest("unknown query %q", q.Get("q")))
	}
}

// properties is a post as Micropub properties.
func (h *Handler) properties(p *blog.Post) map[string]any {
	props := map[string]any{}
	if p.Title != "" {
		props["name"] = []string{p.Title}
	}
	if p.Format == blog.FormatMarkdown || p.Format == "" {
		props["content"] = []string{p.Source}
	} else {
		props["content"] = []any{map[string]string{"html": p.Source}}
	}
	var cats []string
	for _, t := range p.Categories {
		cats = append(cats, t.Name)
	}
	for _, t := range p.Tags {
		cats = append(cats, t.Name)
	}
	if len(cats) > 0 {
		props["category"] = cats
	}
	props["mp-slug"] = []string{p.Slug}
	status := "published"
	if p.Status != blog.StatusPublished && p.Status != blog.StatusScheduled {
		status = "draft"
	}
	props["post-status"] = []string{status}
	if !p.PublishedAt.IsZero() {
		props["published"] = []string{p.PublishedAt.Format(time.RFC3339)}
	}
	props["url"] = []string{h.c.BaseURL + h.c.Blog.PostPath(p)}
	return props
}

// find resolves a post URL of this site: the permalink's slug or ID.
func (h *Handler) find(ctx context.Context, raw string) (*blog.Post, error) {
	if raw == "" {
		return nil, badRequest("url is required")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, badRequest("url is not a URL")
	}
	m, ok := h.c.Blog.Permalink().Match(u.Path)
	if !ok {
		return nil, badRequest("url is not a post of this site")
	}
	var p *blog.Post
	if m.ID != 0 {
		p, err = h.c.Blog.GetPost(ctx, m.ID)
	} else {
		p, err = h.c.Blog.GetPostBySlug(ctx, m.Slug)
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (h *Handler) act(w http.ResponseWriter, r *http.Request, req *Request) {
	ctx := r.Context()
	switch req.Action {
	case "":
		p, err := h.create(ctx, req)
		if err != nil {
			writeError(w, err)
			return
		}
		w.Header().Set("Location", h.c.BaseURL+h.c.Blog.PostPath(p))
		w.WriteHeader(http.StatusCreated)
	case "delete", "undelete":
		p, err := h.find(ctx, req.URL)
		if err != nil {
			writeError(w, err)
			return
		}
		if req.Action == "delete" {
			_, err = h.c.Blog.Unpublish(ctx, p.ID)
		} else {
			_, err = h.c.Blog.Publish(ctx, p.ID)
		}
		if err != nil {
			writeError(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case "update":
		p, err := h.find(ctx, req.URL)
		if err != nil {
			writeError(w, err)
			return
		}
		oldPath := h.c.Blog.PostPath(p)
		if err := applyUpdate(p, req); err != nil {
			writeError(w, err)
			return
		}
		p, err = h.c.Blog.UpdatePost(ctx, p)
		if err != nil {
			writeError(w, err)
			return
		}
		if np := h.c.Blog.PostPath(p); np != oldPath {
			w.Header().Set("Location", h.c.BaseURL+np)
			w.WriteHeader(http.StatusCreated)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		writeError(w, badRequest("unknown action %q", req.Action))
	}
}

func (h *Handler) create(ctx context.Context, req *Request) (*blog.Post, error) {
	if req.Type != "entry" {
		return nil, badRequest("only h-entry is supported, not %q", req.Type)
	}
	p := &blog.Post{Kind: blog.KindPost, Author: h.c.Author, Status: blog.StatusPublished}
	if err := setProperties(p, req.Properties); err != nil {
		return nil, err
	}
	if p.Title == "" && strings.TrimSpace(p.Source) == "" {
		return nil, badRequest("a post needs a name, content or a photo")
	}
	if p.Title == "" {
		p.Title = blog.PlainText(firstLine(p.Source))
		if p.Title == "" {
			p.Title = "Photo"
		}
	}
	return h.c.Blog.CreatePost(ctx, p)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return s
}
