package micropub

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/folioblog/folio/blog"
)

// Request is a parsed Micropub POST, form-encoded or JSON.
type Request struct {
	Type        string           // "entry" for h-entry
	Action      string           // "", "update", "delete" or "undelete"
	URL         string           // the post an action names
	AccessToken string           // the access_token form field, if any
	Properties  map[string][]any // create: values are strings or maps
	Replace     map[string][]any
	Add         map[string][]any
	Delete      map[string][]any // delete of values
	DeleteKeys  []string         // delete of whole properties
}

// ParseRequest reads a Micropub POST body. Errors are invalid_request.
func ParseRequest(r *http.Request) (*Request, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		return parseJSON(r)
	case "application/x-www-form-urlencoded", "multipart/form-data":
		if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			return nil, badRequest("the form cannot be read")
		}
		return parseForm(r.PostForm)
	}
	return nil, badRequest("unsupported content type %q", ct)
}

func parseForm(f url.Values) (*Request, error) {
	req := &Request{Properties: map[string][]any{}}
	for k, vs := range f {
		k = strings.TrimSuffix(k, "[]")
		switch k {
		case "h":
			req.Type = first(vs)
		case "action":
			req.Action = first(vs)
		case "url":
			req.URL = first(vs)
		case "access_token":
			req.AccessToken = first(vs)
		default:
			for _, v := range vs {
				req.Properties[k] = append(req.Properties[k], v)
			}
		}
	}
	if req.Action == "" && req.Type == "" {
		req.Type = "entry"
	}
	return req, nil
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

func parseJSON(r *http.Request) (*Request, error) {
	var body struct {
		Type       []string         `json:"type"`
		Action     string           `json:"action"`
		URL        string           `json:"url"`
		Properties map[string][]any `json:"properties"`
		Replace    map[string][]any `json:"replace"`
		Add        map[string][]any `json:"add"`
		Delete     json.RawMessage  `json:"delete"`
	}
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(&body); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &apiError{http.StatusRequestEntityTooLarge, "invalid_request", "the request is too large"}
		}
		return nil, badRequest("the JSON body cannot be read")
	}
	req := &Request{Action: body.Action, URL: body.URL, Properties: body.Properties,
		Replace: body.Replace, Add: body.Add}
	if req.Properties == nil {
		req.Properties = map[string][]any{}
	}
	if len(body.Type) > 0 {
		req.Type = strings.TrimPrefix(body.Type[0], "h-")
	} else if req.Action == "" {
		return nil, badRequest("type is required")
	}
	if len(body.Delete) > 0 {
		if err := json.Unmarshal(body.Delete, &req.DeleteKeys); err != nil {
			if err := json.Unmarshal(body.Delete, &req.Delete); err != nil {
				return nil, badRequest("delete must be a list of properties or a map of values")
			}
		}
	}
	if req.Action == "update" {
		for _, m := range []map[string][]any{req.Replace, req.Add, req.Delete} {
			for k, v := range m {
				if v == nil {
					return nil, badRequest("the values of %q must be a list", k)
				}
			}
		}
	}
	return req, nil
}

func text(v any) (string, bool) {
	s, ok := v.(string)
	return s, ok
}

// setProperties writes Micropub properties onto p.
func setProperties(p *blog.Post, props map[string][]any) error {
	var photos []string
	for k, vs := range props {
		switch k {
		case "name":
			s, _ := text(firstAny(vs))
			p.Title = s
		case "content":
			switch c := firstAny(vs).(type) {
			case string:
				p.Format, p.Source = blog.FormatMarkdown, c
			case map[string]any:
				if h, ok := c["html"].(string); ok {
					p.Format, p.Source = blog.FormatHTML, h
				} else if v, ok := c["value"].(string); ok {
					p.Format, p.Source = blog.FormatMarkdown, v
				} else {
					return badRequest("content must be text or {\"html\": …}")
				}
			case nil:
			default:
				return badRequest("content must be text or {\"html\": …}")
			}
		case "category":
			p.Tags = nil
			for _, v := range vs {
				if s, ok := text(v); ok && strings.TrimSpace(s) != "" {
					p.Tags = append(p.Tags, blog.Term{Name: strings.TrimSpace(s)})
				}
			}
		case "photo":
			for _, v := range vs {
				fig, err := figure(v)
				if err != nil {
					return err
				}
				photos = append(photos, fig)
			}
		case "post-status":
			s, _ := text(firstAny(vs))
			switch s {
			case "draft":
				p.Status = blog.StatusDraft
			case "published", "":
				p.Status = blog.StatusPublished
			default:
				return badRequest("post-status must be draft or published")
			}
		case "published":
			s, _ := text(firstAny(vs))
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return badRequest("published must be an RFC 3339 time")
			}
			p.PublishedAt = t.UTC().Truncate(time.Microsecond)
		case "mp-slug":
			s, _ := text(firstAny(vs))
			p.Slug = s
		}
	}
	if len(photos) > 0 {
		p.Source = strings.Join(photos, "\n\n") + "\n\n" + p.Source
		if p.Format == "" {
			p.Format = blog.FormatMarkdown
		}
	}
	return nil
}

func firstAny(vs []any) any {
	if len(vs) == 0 {
		return nil
	}
	return vs[0]
}

// figure is the Markdown for a photo: an image alone in its paragraph,
// which the renderer makes a figure.
func figure(v any) (string, error) {
	var src, alt string
	switch x := v.(type) {
	case string:
		src = x
	case map[string]any:
		src, _ = x["value"].(string)
		alt, _ = x["alt"].(string)
	}
	u, err := url.Parse(src)
	if err != nil || src == "" || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "") {
		return "", badRequest("photo must be an http(s) URL")
	}
	esc := strings.NewReplacer("[", `\[`, "]", `\]`, "\n", " ")
	return fmt.Sprintf("![%s](<%s>)", esc.Replace(alt), strings.NewReplacer("<", "%3C", ">", "%3E", "\n", "").Replace(src)), nil
}

// applyUpdate applies replace, add and delete to p.
func applyUpdate(p *blog.Post, req *Request) error {
	if len(req.Replace)+len(req.Add)+len(req.Delete)+len(req.DeleteKeys) == 0 {
		return badRequest("an update needs replace, add or delete")
	}
	if err := setProperties(p, req.Replace); err != nil {
		return err
	}
	for k, vs := range req.Add {
		if k != "category" {
			if err := setProperties(p, map[string][]any{k: vs}); err != nil {
				return err
			}
			continue
		}
		for _, v := range vs {
			if s, ok := text(v); ok && s != "" && !hasTerm(p.Tags, s) && !hasTerm(p.Categories, s) {
				p.Tags = append(p.Tags, blog.Term{Name: s})
			}
		}
	}
	for _, k := range req.DeleteKeys {
		switch k {
		case "category":
			p.Tags, p.Categories = nil, nil
		case "name":
			p.Title = ""
		default:
			return badRequest("property %q cannot be deleted", k)
		}
	}
	for k, vs := range req.Delete {
		if k != "category" {
			return badRequest("values of %q cannot be deleted", k)
		}
		for _, v := range vs {
			s, _ := text(v)
			p.Tags = dropTerm(p.Tags, s)
			p.Categories = dropTerm(p.Categories, s)
		}
	}
	return nil
}

func hasTerm(ts []blog.Term, name string) bool {
	for _, t := range ts {
		if strings.EqualFold(t.Name, name) {
			return true
		}
	}
	return false
}

func dropTerm(ts []blog.Term, name string) []blog.Term {
	var out []blog.Term
	for _, t := range ts {
		if !strings.EqualFold(t.Name, name) {
			out = append(out, t)
		}
	}
	return out
}
