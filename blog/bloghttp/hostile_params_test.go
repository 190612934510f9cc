package bloghttp_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog/bloghttp"
	"github.com/folioblog/folio/comments"
)

// hostileNumbers are values a visitor may put where a number is expected:
// past every integer range, negative, zero, not decimal, digits of other
// scripts, very long.
var hostileNumbers = []string{
	"", "0", "-1", "+1", "01", "1.5", "1e3", "0x10", "NaN", "Inf", " 1", "1 ",
	"2147483648", "4294967296",
	"4611686018427387904", // (page-1)*perPage overflows
	"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
	"99999999999999999999999999999999",
	"١٢", "１２", "²", "\x00", "%", "1%00",
	strings.Repeat("9", 10000),
}

// TestHostileParameters sends every query parameter and path value the
// blog parses each hostile value: the answer may refuse it (4xx) or
// ignore it (2xx, 3xx), never fail (5xx) or panic.
func TestHostileParameters(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{opts: []bloghttp.Option{bloghttp.WithCommentsPerPage(2)}})
	p := s.post("Threaded", day(1, 2), nil)
	for i := range 5 {
		s.comment(p, 0, "Ann", "Comment "+itoa(int64(i)), comments.StatusApproved)
	}
	post := "/2013/01/02/threaded/"
	mod := http.Header{"Authorization": {"Bearer " + pageModToken}}
	targets := []struct {
		name   string
		method string
		target func(v string) string
		header http.Header
		form   func(v string) url.Values
	}{
		{"cpage", http.MethodGet, func(v string) string { return post + "?cpage=" + v }, nil, nil},
		{"cpage with replytocom", http.MethodGet, func(v string) string { return post + "?replytocom=1&cpage=" + v }, nil, nil},
		{"replytocom", http.MethodGet, func(v string) string { return post + "?replytocom=" + v }, nil, nil},
		{"unapproved", http.MethodGet, func(v string) string { return post + "?unapproved=" + v + "&moderation-hash=" + v }, nil, nil},
		{"p", http.MethodGet, func(v string) string { return "/?p=" + v }, nil, nil},
		{"page_id", http.MethodGet, func(v string) string { return "/?page_id=" + v }, nil, nil},
		{"cat", http.MethodGet, func(v string) string { return "/?cat=" + v }, nil, nil},
		{"m", http.MethodGet, func(v string) string { return "/?m=" + v }, nil, nil},
		{"archive", http.MethodGet, func(v string) string { return "/?archive=" + v }, nil, nil},
		{"s", http.MethodGet, func(v string) string { return "/?s=" + v }, nil, nil},
		{"home after", http.MethodGet, func(v string) string { return "/?after=" + v }, nil, nil},
		{"month after", http.MethodGet, func(v string) string { return "/2013/01/?after=" + v }, nil, nil},
		{"tag after", http.MethodGet, func(v string) string { return "/tag/x/?after=" + v }, nil, nil},
		{"feed type", http.MethodGet, func(v string) string { return "/feed/?type=" + v }, nil, nil},
		{"year", http.MethodGet, func(v string) string { return "/" + v + "/" }, nil, nil},
		{"month", http.MethodGet, func(v string) string { return "/2013/" + v + "/" }, nil, nil},
		{"day", http.MethodGet, func(v string) string { return "/2013/01/" + v + "/" }, nil, nil},
		{"sitemap year", http.MethodGet, func(v string) string { return "/sitemaps/" + v + ".xml" }, nil, nil},
		{"comment permalink", http.MethodGet, func(v string) string { return "/comments/" + v }, nil, nil},
		{"like", http.MethodPost, func(v string) string { return "/likes/" + v }, nil, nil},
		{"admin after", http.MethodGet, func(v string) string { return "/admin/comments?after=" + v }, mod, nil},
		{"admin status", http.MethodGet, func(v string) string { return "/admin/comments?status=" + v }, mod, nil},
		{"admin edit form", http.MethodGet, func(v string) string { return "/admin/comments/" + v + "/edit" }, mod, nil},
		{"admin approve", http.MethodPost, func(v string) string { return "/admin/comments/" + v + "/approve" }, mod, nil},
		{"admin bulk ids", http.MethodPost, func(string) string { return "/admin/comments/bulk" }, mod,
			func(v string) url.Values { return url.Values{"action": {"approve"}, "ids[]": {v}} }},
		{"comment post ID", http.MethodPost, func(string) string { return "/comments" }, mod,
			func(v string) url.Values {
				return url.Values{comments.FieldThread: {v}, comments.FieldComment: {"Hello " + v}}
			}},
		{"comment parent", http.MethodPost, func(string) string { return "/comments" }, mod,
			func(v string) url.Values {
				return url.Values{comments.FieldThread: {itoa(p.ID)}, comments.FieldParent: {v}, comments.FieldComment: {"Reply " + v}}
			}},
	}
	for _, tc := range targets {
		t.Run(tc.name, func(t *testing.T) {
			for _, v := range hostileNumbers {
				target := tc.target(url.QueryEscape(v))
				var form url.Values
				if tc.form != nil {
					form = tc.form(v)
				}
				w := s.do(pageReq{method: tc.method, target: target, header: tc.header, form: form})
				assert.Less(t, w.Code, 500, "%s %.80s", tc.method, target)
			}
		})
	}
}

// TestPostPage_cpage checks which comment pages a post has: page 1 always,
// the pages its comments fill, and no other.
func TestPostPage_cpage(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{opts: []bloghttp.Option{bloghttp.WithCommentsPerPage(2)}})
	p := s.post("Threaded", day(1, 2), nil)
	for i := range 5 {
		s.comment(p, 0, "Ann", "Comment "+itoa(int64(i)), comments.StatusApproved)
	}
	post := "/2013/01/02/threaded/"
	tests := []struct {
		cpage string
		want  int
	}{
		{"", http.StatusOK},
		{"1", http.StatusOK},
		{"2", http.StatusOK},
		{"3", http.StatusOK},
		{"4", http.StatusNotFound}, // past the last page
		{"0", http.StatusNotFound},
		{"-1", http.StatusNotFound},
		{"+2", http.StatusNotFound},
		{"02", http.StatusNotFound},
		{"two", http.StatusNotFound},
		{"２", http.StatusNotFound},
		{"4611686018427387904", http.StatusNotFound},
		{"9223372036854775807", http.StatusNotFound},
		{"9223372036854775808", http.StatusNotFound},
		{strings.Repeat("9", 10000), http.StatusNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.cpage, func(t *testing.T) {
			w := s.get(post + "?cpage=" + url.QueryEscape(tc.cpage))
			require.Equal(t, tc.want, w.Code)
		})
	}
	t.Run("a post without comments has page 1", func(t *testing.T) {
		s.post("Quiet", day(1, 3), nil)
		assert.Equal(t, http.StatusOK, s.get("/2013/01/03/quiet/?cpage=1").Code)
		assert.Equal(t, http.StatusNotFound, s.get("/2013/01/03/quiet/?cpage=2").Code)
	})
}

// FuzzPostQuery checks that no query string makes a post page fail.
func FuzzPostQuery(f *testing.F) {
	for _, seed := range []string{
		"cpage=2", "cpage=9223372036854775808", "cpage=4611686018427387904", "cpage=-1",
		"replytocom=1&cpage=3", "unapproved=1&moderation-hash=00", "replytocom=99999999999999999999",
	} {
		f.Add(seed)
	}
	s := newPageSite(f, pageSiteConfig{opts: []bloghttp.Option{bloghttp.WithCommentsPerPage(2)}})
	p := s.post("Threaded", day(1, 2), nil)
	for i := range 3 {
		s.comment(p, 0, "Ann", "Comment "+itoa(int64(i)), comments.StatusApproved)
	}
	f.Fuzz(func(t *testing.T, query string) {
		u, err := url.Parse("/2013/01/02/threaded/")
		if err != nil {
			t.Fatal(err)
		}
		u.RawQuery = query
		w := serveGet(s.srv, u.String())
		if w.Code >= 500 {
			t.Fatalf("?%s: status %d", query, w.Code)
		}
	})
}
