package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"
)

// maxBody is the most bytes read of one response in the checks.
const maxBody = 32 << 20

// client talks to one server: plain GETs, comment POSTs and moderation,
// never following redirects.
type client struct {
	c     *http.Client
	base  string // http://HOST:PORT
	token string // the moderator's bearer token, or ""
}

// newClient returns a client for base. A non-empty local address makes
// its connections come from that loopback address, so the site sees
// another visitor.
func newClient(base, token, local string) *client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	if local != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(local)}
	}
	tr := &http.Transport{
		DialContext:         d.DialContext,
		DisableCompression:  true,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     30 * time.Second,
	}
	return &client{
		c: &http.Client{
			Transport:     tr,
			Timeout:       60 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		base:  base,
		token: token,
	}
}

// response is one answer, its body read (and decompressed when gzip).
type response struct {
	Status   int
	Header   http.Header
	Raw      []byte // as sent
	Body     []byte // decoded
	Location string
}

// close releases idle connections.
func (c *client) close() { c.c.CloseIdleConnections() }

// get fetches path, asking for gzip when gz is set.
func (c *client) get(ctx context.Context, path string, gz bool) (*response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, err
	}
	if gz {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	return c.do(req)
}

// post sends form to path, as the moderator when bearer is set.
func (c *client) post(ctx context.Context, path string, form url.Values, bearer bool) (*response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if bearer {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return c.do(req)
}

func (c *client) do(req *http.Request) (*response, error) {
	res, err := c.c.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	r := &response{Status: res.StatusCode, Header: res.Header, Raw: raw, Body: raw, Location: res.Header.Get("Location")}
	if strings.EqualFold(res.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("%s %s: gzip: %w", req.Method, req.URL.Path, err)
		}
		if r.Body, err = io.ReadAll(io.LimitReader(zr, maxBody)); err != nil {
			return nil, fmt.Errorf("%s %s: gzip: %w", req.Method, req.URL.Path, err)
		}
	}
	return r, nil
}

// getOK fetches path as get does, and returns an error unless the
// answer is a 200.
func (c *client) getOK(ctx context.Context, path string, gz bool) (*response, error) {
	r, err := c.get(ctx, path, gz)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	if r.Status != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %d: %s", path, r.Status, snippet(r.Body))
	}
	return r, nil
}

// snippet is the start of a body, for error messages.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// postPath matches a post's permalink path: /YYYY/MM/DD/slug/.
var postPath = regexp.MustCompile(`^/\d{4}/\d{2}/\d{2}/[^/?#]+/$`)

// localPath returns the path (with query) of href when it points at base
// or is a path already, and "" otherwise.
func localPath(href, base string) string {
	u, err := url.Parse(href)
	if err != nil {
		return ""
	}
	if u.IsAbs() {
		b, err := url.Parse(base)
		if err != nil || u.Host != b.Host {
			return ""
		}
	}
	if !strings.HasPrefix(u.Path, "/") {
		return ""
	}
	p := u.EscapedPath()
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}

// walk calls f with every start tag of the HTML in b.
func walk(b []byte, f func(tag string, attr map[string]string)) {
	z := html.NewTokenizer(bytes.NewReader(b))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return
		case html.StartTagToken, html.SelfClosingTagToken:
			name, has := z.TagName()
			attr := map[string]string{}
			for has {
				var k, v []byte
				k, v, has = z.TagAttr()
				attr[string(k)] = string(v)
			}
			f(string(name), attr)
		}
	}
}

// postLinks returns the distinct post permalinks linked from the page, in
// order.
func postLinks(b []byte, base string) []string {
	var out []string
	seen := map[string]bool{}
	walk(b, func(tag string, attr map[string]string) {
		if tag != "a" {
			return
		}
		p := localPath(attr["href"], base)
		if postPath.MatchString(p) && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	})
	return out
}

// nextLink returns the page a rel="next" link or anchor points at, or "".
func nextLink(b []byte, base string) string {
	next := ""
	walk(b, func(tag string, attr map[string]string) {
		if next != "" || tag != "a" && tag != "link" {
			return
		}
		for _, r := range strings.Fields(attr["rel"]) {
			if r == "next" {
				next = localPath(attr["href"], base)
			}
		}
	})
	return next
}

// formFields returns the names and values of the comment form's inputs,
// or nil if the page has no comment form (a comment_post_ID input).
func formFields(b []byte) map[string]string {
	fields := map[string]string{}
	walk(b, func(tag string, attr map[string]string) {
		if tag == "input" && attr["name"] != "" {
			if _, dup := fields[attr["name"]]; !dup {
				fields[attr["name"]] = attr["value"]
			}
		}
	})
	if _, ok := fields["comment_post_ID"]; !ok {
		return nil
	}
	return fields
}

// commentIDs returns the IDs of the elements with id="comment-N", in
// page order.
func commentIDs(b []byte) []int64 {
	var ids []int64
	walk(b, func(tag string, attr map[string]string) {
		v, ok := strings.CutPrefix(attr["id"], "comment-")
		if !ok {
			return
		}
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	})
	return ids
}

// hasComment reports whether the page shows the comment id.
func hasComment(b []byte, id int64) bool {
	for _, x := range commentIDs(b) {
		if x == id {
			return true
		}
	}
	return false
}

// locationComment returns the N of "#comment-N" in a redirect's
// Location, or 0.
func locationComment(loc string) int64 {
	_, frag, ok := strings.Cut(loc, "#comment-")
	if !ok {
		return 0
	}
	id, err := strconv.ParseInt(frag, 10, 64)
	if err != nil {
		return 0
	}
	return id
}

// monthPath returns /YYYY/MM/ of a post path /YYYY/MM/DD/slug/.
func monthPath(post string) string { return post[:len("/YYYY/MM/")] }
