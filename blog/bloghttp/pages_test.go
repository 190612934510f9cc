package bloghttp_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/bloghttp"
	"github.com/folioblog/folio/comments"
)

func day(m time.Month, d int) time.Time { return time.Date(2013, m, d, 10, 0, 0, 0, time.UTC) }

// postOrder returns the IDs of the articles of a listing, in page order.
func postOrder(body string) []int64 {
	var ids []int64
	for _, m := range regexp.MustCompile(`<article id="post-(\d+)"`).FindAllStringSubmatch(body, -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		ids = append(ids, id)
	}
	return ids
}

var olderRE = regexp.MustCompile(`class="next" href="([^"]+)"`)

func TestPages_homeStickyAndPagination(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{opts: []bloghttp.Option{bloghttp.WithPostsPerPage(2)}})
	a := s.post("A", day(1, 1), nil)
	b := s.post("B", day(1, 2), nil)
	c := s.post("C", day(1, 3), nil)
	d := s.post("D", day(1, 4), nil)
	st := s.post("Sticky", day(1, 1).Add(-time.Hour), func(p *blog.Post) { p.Sticky = true })
	s.comment(c, 0, "Bob", "Nice", comments.StatusApproved)
	s.comment(c, 0, "Cy", "Held", comments.StatusPending)

	w := s.get("/")
	require.Equal(t, http.StatusOK, w.Code)
	body := w.Body.String()
	assert.Equal(t, []int64{st.ID, d.ID, c.ID}, postOrder(body), "sticky first, then the newest")
	assert.Contains(t, body, "1 Comment", "only approved comments are counted")
	m := olderRE.FindStringSubmatch(body)
	require.NotNil(t, m, "an Older posts link")
	next := html.UnescapeString(m[1])
	assert.Equal(t, "/page/2/", next, "the home page continues at WordPress's numbered pages")
	assert.NotContains(t, body, "Newer posts", "nothing is newer than the home page")

	w = s.get(next)
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, []int64{b.ID, a.ID}, postOrder(w.Body.String()), "no sticky post after the first page")
	assert.NotRegexp(t, olderRE, w.Body.String(), "the last page has no Older link")
	assert.Contains(t, w.Body.String(), `<a class="prev nav-next" href="/" rel="prev">Newer posts →</a>`, "page 2 leads back home")

	// A token from an older link keeps working.
	w = s.get("/?after=" + url.QueryEscape(blog.CursorOf(c).String()))
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, []int64{b.ID, a.ID}, postOrder(w.Body.String()))

	t.Run("bad token", func(t *testing.T) {
		assert.Equal(t, http.StatusBadRequest, s.get("/?after=%21%21nonsense").Code)
	})
	t.Run("empty blog", func(t *testing.T) {
		e := newPageSite(t, pageSiteConfig{})
		w := e.get("/")
		assert.Equal(t, http.StatusOK, w.Code)
		assert.Empty(t, postOrder(w.Body.String()))
	})
}

func TestPages_postIDRedirect(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	p := s.post("Hello world", day(1, 2), nil)
	draft := s.post("Draft", day(1, 3), func(p *blog.Post) { p.Status = blog.StatusDraft })
	require.NoError(t, s.store.PutRedirect(t.Context(), "/?p=777", p.ID))

	tests := []struct {
		name     string
		target   string
		status   int
		location string
	}{
		{"own ID", "/?p=" + strconv.FormatInt(p.ID, 10), http.StatusMovedPermanently, "/2013/01/02/hello-world/"},
		{"imported ID", "/?p=777", http.StatusMovedPermanently, "/2013/01/02/hello-world/"},
		{"unknown", "/?p=778", http.StatusNotFound, ""},
		{"draft", "/?p=" + strconv.FormatInt(draft.ID, 10), http.StatusNotFound, ""},
		{"not a number", "/?p=abc", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := s.get(tt.target)
			assert.Equal(t, tt.status, w.Code)
			assert.Equal(t, tt.location, w.Header().Get("Location"))
		})
	}
}

func TestPages_search(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	s.post("Pyongyang congress", day(1, 2), func(p *blog.Post) { p.Source = "Delegates arrive in Pyongyang." })
	s.post("Other things", day(1, 3), nil)

	t.Run("match", func(t *testing.T) {
		w := s.get("/?s=delegates")
		require.Equal(t, http.StatusOK, w.Code)
		body := w.Body.String()
		assert.Contains(t, body, "Pyongyang congress")
		assert.NotContains(t, body, "Other things</a></h2>")
		assert.Contains(t, body, `value="delegates"`, "the search box keeps the words")
	})
	t.Run("no match", func(t *testing.T) {
		w := s.get("/?s=zebra")
		require.Equal(t, http.StatusOK, w.Code)
		assert.Contains(t, w.Body.String(), "Nothing matched")
	})
	t.Run("markup in the query is escaped", func(t *testing.T) {
		w := s.get("/?s=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%3E")
		require.Equal(t, http.StatusOK, w.Code)
		body := w.Body.String()
		assert.NotContains(t, body, "<script>alert(1)")
		assert.Contains(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;")
	})
	t.Run("long query is cut, not refused", func(t *testing.T) {
		w := s.get("/?s=" + strings.Repeat("é", 300))
		assert.Equal(t, http.StatusOK, w.Code)
	})
}

func TestPages_archiveDropdown(t *testing.T) {
	for _, prefix := range []string{"", "/blog"} {
		s := newPageSite(t, pageSiteConfig{base: "http://example.com" + prefix + "/"})
		tests := []struct {
			archive  string
			status   int
			location string
		}{
			{prefix + "/2013/01/", http.StatusSeeOther, prefix + "/2013/01/"},
			{"https://evil.example/", http.StatusBadRequest, ""},
			{"//evil.example", http.StatusBadRequest, ""},
			{"//evil.example/2013/01/", http.StatusBadRequest, ""},
			{"http://example.com" + prefix + "/2013/01/", http.StatusBadRequest, ""},
			{prefix + "/2013/13/", http.StatusBadRequest, ""},
			{prefix + "/2013/01", http.StatusBadRequest, ""},
			{prefix + "/2013/01/../../x/", http.StatusBadRequest, ""},
			{"/\\evil.example/", http.StatusBadRequest, ""},
			{"", http.StatusBadRequest, ""},
		}
		for _, tt := range tests {
			t.Run(prefix+tt.archive, func(t *testing.T) {
				w := s.get(prefix + "/?archive=" + urlQueryEscape(tt.archive))
				assert.Equal(t, tt.status, w.Code)
				assert.Equal(t, tt.location, w.Header().Get("Location"))
			})
		}
	}
}

func TestPages_tagsAndCategories(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	goPost := s.post("Go post", day(1, 2), func(p *blog.Post) {
		p.Tags = []blog.Term{{Name: "Go Lang", Slug: "go"}}
		p.Categories = []blog.Term{{Name: "Programming"}}
	})
	other := s.post("Other post", day(1, 3), func(p *blog.Post) { p.Tags = []blog.Term{{Name: "Travel"}} })

	tests := []struct {
		path    string
		status  int
		heading string
		ids     []int64
	}{
		{"/tag/go/", http.StatusOK, "Tag: Go Lang", []int64{goPost.ID}},
		{"/tag/travel/", http.StatusOK, "Tag: Travel", []int64{other.ID}},
		{"/category/programming/", http.StatusOK, "Category: Programming", []int64{goPost.ID}},
		{"/tag/nothing/", http.StatusNotFound, "", nil},
		{"/category/nothing/", http.StatusNotFound, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			w := s.get(tt.path)
			require.Equal(t, tt.status, w.Code)
			if tt.status == http.StatusOK {
				assert.Contains(t, w.Body.String(), `<h1 class="page-title">`+tt.heading+`</h1>`)
				assert.Equal(t, tt.ids, postOrder(w.Body.String()))
			}
		})
	}
}

func TestPages_periods(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	jan2 := s.post("Jan two", day(1, 2), nil)
	jan20 := s.post("Jan twenty", day(1, 20), nil)
	mar := s.post("March", day(3, 1), nil)

	tests := []struct {
		path    string
		status  int
		ids     []int64
		heading string
	}{
		{"/2013/", http.StatusOK, []int64{mar.ID, jan20.ID, jan2.ID}, "Yearly Archives: 2013"},
		{"/2013/01/", http.StatusOK, []int64{jan20.ID, jan2.ID}, "Monthly Archives: January 2013"},
		{"/2013/01/02/", http.StatusOK, []int64{jan2.ID}, "Daily Archives: January 2, 2013"},
		{"/2013/03/", http.StatusOK, []int64{mar.ID}, "Monthly Archives: March 2013"},
		{"/2012/", http.StatusNotFound, nil, ""},
		{"/2013/02/", http.StatusNotFound, nil, ""},
		{"/2013/01/03/", http.StatusNotFound, nil, ""},
		{"/2013/02/30/", http.StatusNotFound, nil, ""},
		{"/2013/13/", http.StatusNotFound, nil, ""},
		{"/2013/00/", http.StatusNotFound, nil, ""},
		{"/0000/", http.StatusNotFound, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			w := s.get(tt.path)
			require.Equal(t, tt.status, w.Code)
			if tt.status == http.StatusOK {
				assert.Equal(t, tt.ids, postOrder(w.Body.String()))
				assert.Contains(t, w.Body.String(), tt.heading)
			}
		})
	}
	t.Run("month is marked in the widgets", func(t *testing.T) {
		body := s.get("/2013/01/").Body.String()
		assert.Contains(t, body, `<a href="/2013/01/" aria-current="page">January 2013</a>`)
		assert.Contains(t, body, `<caption>January 2013</caption>`, "the calendar shows the page's month")
	})
}
