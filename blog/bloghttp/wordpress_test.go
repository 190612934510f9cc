package bloghttp_test

import (
	"html"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/bloghttp"
	"github.com/folioblog/folio/comments"
)

// TestPages_oldQueryLinks checks the query links every WordPress site
// answers: 301 to the Folio page, imported IDs before Folio's own, 404 for
// what names nothing.
func TestPages_oldQueryLinks(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	ctx := t.Context()
	travel := []blog.Term{{Name: "Travel", Slug: "travel"}, {Name: "Food", Slug: "food"}}
	imported := s.post("Imported", day(1, 2), func(p *blog.Post) {
		p.Categories = travel
		p.Author.Name = "Ann Author"
	})
	own := s.post("Own", day(1, 3), nil)
	about := s.post("About", day(1, 1), func(p *blog.Post) { p.Kind = blog.KindPage })
	draft := s.post("Draft", day(1, 4), func(p *blog.Post) { p.Status = blog.StatusDraft })

	// What an import records: the WordPress ID of imported is Folio's ID
	// of own, as in every real migration.
	wpID := strconv.FormatInt(own.ID, 10)
	for path, id := range map[string]int64{
		"/?p=" + wpID:             imported.ID,
		"/?page_id=90":            about.ID,
		"/?cat=7":                 imported.ID,
		"/category/food/?cat=7":   imported.ID,
		"/?cat=8":                 imported.ID,
		"/category/travel/?cat=8": imported.ID,
		"/?author=3":              imported.ID,
		"/?p=500":                 draft.ID,
	} {
		require.NoError(t, s.store.PutRedirect(ctx, path, id))
	}
	// A Folio ID no import recorded.
	free := s.post("Free", day(1, 5), nil)
	require.NotEqual(t, own.ID, free.ID)

	tests := []struct {
		name     string
		target   string
		status   int
		location string
	}{
		{"recorded ID wins over Folio's own", "/?p=" + wpID, http.StatusMovedPermanently, "/2013/01/02/imported/"},
		{"Folio's own ID where none recorded", "/?p=" + strconv.FormatInt(free.ID, 10), http.StatusMovedPermanently, "/2013/01/05/free/"},
		{"recorded post not visible", "/?p=500", http.StatusNotFound, ""},
		{"unknown ID", "/?p=9999", http.StatusNotFound, ""},
		{"not an ID", "/?p=x", http.StatusNotFound, ""},
		{"huge ID", "/?p=99999999999999999999999", http.StatusNotFound, ""},
		{"post comments feed", "/?p=" + wpID + "&feed=rss2", http.StatusMovedPermanently, "/2013/01/02/imported/feed/"},
		{"page", "/?page_id=90", http.StatusMovedPermanently, "/about/"},
		{"page by Folio ID", "/?page_id=" + strconv.FormatInt(about.ID, 10), http.StatusMovedPermanently, "/about/"},
		{"page_id of a post", "/?page_id=" + strconv.FormatInt(free.ID, 10), http.StatusNotFound, ""},
		{"unknown page", "/?page_id=91", http.StatusNotFound, ""},
		{"category", "/?cat=7", http.StatusMovedPermanently, "/category/food/"},
		{"another category of the same post", "/?cat=8", http.StatusMovedPermanently, "/category/travel/"},
		{"category feed", "/?cat=8&feed=rss2", http.StatusMovedPermanently, "/category/travel/feed/"},
		{"unknown category", "/?cat=9", http.StatusNotFound, ""},
		{"tag", "/?tag=night-ferry", http.StatusMovedPermanently, "/tag/night-ferry/"},
		{"bad tag", "/?tag=a%2Fb", http.StatusNotFound, ""},
		{"author", "/?author=3", http.StatusMovedPermanently, "/author/ann-author/"},
		{"unknown author", "/?author=4", http.StatusNotFound, ""},
		{"month", "/?m=201301", http.StatusMovedPermanently, "/2013/01/"},
		{"year", "/?m=2013", http.StatusMovedPermanently, "/2013/"},
		{"day", "/?m=20130102", http.StatusMovedPermanently, "/2013/01/02/"},
		{"no such month", "/?m=201313", http.StatusNotFound, ""},
		{"no such day", "/?m=20130230", http.StatusNotFound, ""},
		{"odd length", "/?m=20131", http.StatusNotFound, ""},
		{"feed rss2", "/?feed=rss2", http.StatusMovedPermanently, "/feed/"},
		{"feed rss", "/?feed=rss", http.StatusMovedPermanently, "/feed/"},
		{"feed atom", "/?feed=atom", http.StatusMovedPermanently, "/feed/atom/"},
		{"comments feed", "/?feed=comments-rss2", http.StatusMovedPermanently, "/comments/feed/"},
		{"unknown feed", "/?feed=nonsense", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := s.get(tt.target)
			assert.Equal(t, tt.status, w.Code)
			assert.Equal(t, tt.location, w.Header().Get("Location"))
		})
	}

	t.Run("under a prefix", func(t *testing.T) {
		p := newPageSite(t, pageSiteConfig{base: "http://example.com/blog/"})
		p.post("Hello", day(1, 2), nil)
		w := p.get("/blog/?m=201301")
		assert.Equal(t, http.StatusMovedPermanently, w.Code)
		assert.Equal(t, "/blog/2013/01/", w.Header().Get("Location"))
	})
	t.Run("a store without redirects", func(t *testing.T) {
		p := newPageSite(t, pageSiteConfig{plain: true})
		q := p.post("Hello", day(1, 2), nil)
		assert.Equal(t, http.StatusNotFound, p.get("/?cat=1").Code)
		w := p.get("/?p=" + strconv.FormatInt(q.ID, 10))
		assert.Equal(t, http.StatusMovedPermanently, w.Code)
	})
}

func TestPages_homePageN(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{opts: []bloghttp.Option{bloghttp.WithPostsPerPage(2)}})
	var ids []int64 // newest first
	for d := 9; d >= 1; d-- {
		ids = append(ids, s.post("P"+strconv.Itoa(d), day(1, d), nil).ID)
	}
	st := s.post("Sticky", day(1, 1), func(p *blog.Post) { p.Sticky = true })

	assert.Equal(t, []int64{st.ID, ids[0], ids[1]}, postOrder(s.get("/").Body.String()))
	tests := []struct {
		path   string
		status int
		posts  []int64
		older  string
	}{
		{"/page/2/", http.StatusOK, ids[2:4], "/page/3/"},
		{"/page/3/", http.StatusOK, ids[4:6], "/page/4/"},
		{"/page/5/", http.StatusOK, ids[8:9], ""},
		{"/page/6/", http.StatusNotFound, nil, ""},
		{"/page/999999999/", http.StatusNotFound, nil, ""},
		{"/page/99999999999999999999/", http.StatusNotFound, nil, ""},
		{"/page/0/", http.StatusNotFound, nil, ""},
		{"/page/02/", http.StatusNotFound, nil, ""},
		{"/page/x/", http.StatusNotFound, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			w := s.get(tt.path)
			require.Equal(t, tt.status, w.Code)
			if tt.status != http.StatusOK {
				return
			}
			body := w.Body.String()
			assert.Equal(t, tt.posts, postOrder(body))
			assert.Contains(t, body, `<link rel="canonical" href="http://example.com`+tt.path+`">`)
			m := olderRE.FindStringSubmatch(body)
			if tt.older == "" {
				assert.Nil(t, m)
			} else if assert.NotNil(t, m) {
				assert.Equal(t, tt.older, m[1])
			}
		})
	}
	t.Run("page 1 is the home page", func(t *testing.T) {
		w := s.get("/page/1/")
		assert.Equal(t, http.StatusMovedPermanently, w.Code)
		assert.Equal(t, "/", w.Header().Get("Location"))
	})
}

func TestPages_authorArchive(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{opts: []bloghttp.Option{bloghttp.WithPostsPerPage(2)}})
	by := func(name string) func(*blog.Post) { return func(p *blog.Post) { p.Author.Name = name } }
	a1 := s.post("A1", day(1, 1), by("Ann Author"))
	s.post("B1", day(1, 2), by("Bob Builder"))
	a2 := s.post("A2", day(1, 3), by("Ann Author"))
	a3 := s.post("A3", day(1, 4), by("Ann Author"))
	s.post("A4 draft", day(1, 5), func(p *blog.Post) { p.Author.Name, p.Status = "Ann Author", blog.StatusDraft })
	b2 := s.post("B2", day(1, 6), by("Bob Builder"))
	// An import recorded Bob's WordPress login.
	require.NoError(t, s.store.PutRedirect(t.Context(), "/author/bobby/", b2.ID))

	w := s.get("/author/ann-author/")
	require.Equal(t, http.StatusOK, w.Code)
	body := w.Body.String()
	assert.Equal(t, []int64{a3.ID, a2.ID}, postOrder(body))
	assert.Contains(t, body, "Author: Ann Author")
	m := olderRE.FindStringSubmatch(body)
	require.NotNil(t, m)
	w = s.get(html.UnescapeString(m[1]))
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, []int64{a1.ID}, postOrder(w.Body.String()))
	assert.NotRegexp(t, olderRE, w.Body.String())

	w = s.get("/author/bobby/")
	require.Equal(t, http.StatusOK, w.Code)
	assert.Len(t, postOrder(w.Body.String()), 2, "the recorded login names Bob")

	assert.Equal(t, http.StatusNotFound, s.get("/author/nobody/").Code)
	assert.Equal(t, http.StatusBadRequest, s.get("/author/ann-author/?after=%21").Code)

	t.Run("feed", func(t *testing.T) {
		w := s.get("/author/ann-author/feed/")
		require.Equal(t, http.StatusOK, w.Code)
		f := parseFeed(t, w.Body.String())
		assert.Equal(t, []string{"A3", "A2", "A1"}, itemTitles(f))
		assert.Equal(t, http.StatusNotFound, s.get("/author/nobody/feed/").Code)
		f = parseFeed(t, s.get("/author/ann-author/feed/?type=atom").Body.String())
		assert.Equal(t, "atom", f.FeedType)
	})
}

func TestServer_siteCommentsFeed(t *testing.T) {
	e := newModSite(t)
	p := e.post("Discussed", 2, nil)
	hidden := e.post("Hidden", 2, func(p *blog.Post) { p.Status = blog.StatusDraft })
	other := e.post("Other", 3, nil)
	first := e.comment(p, comments.StatusApproved, "Ann", "First", 1)
	e.comment(p, comments.StatusPending, "Held", "held back", 2)
	e.comment(hidden, comments.StatusApproved, "Secret", "on a draft", 3)
	last := e.comment(other, comments.StatusApproved, "Bob", "On other", 4)

	for _, tc := range []struct{ query, feedType string }{{"", "rss"}, {"?type=atom", "atom"}, {"?type=json", "json"}} {
		t.Run(tc.feedType, func(t *testing.T) {
			w := e.get("/blog/comments/feed/" + tc.query)
			require.Equal(t, http.StatusOK, w.Code)
			f := parseFeed(t, w.Body.String())
			assert.Equal(t, tc.feedType, f.FeedType)
			assert.Equal(t, []string{"Comment on Other by Bob", "Comment on Discussed by Ann"}, itemTitles(f),
				"approved comments on visible posts, newest first")
			assert.Equal(t, "https://example.com/blog/comments/"+strconv.FormatInt(last.ID, 10), f.Items[0].Link)
			assert.Equal(t, "https://example.com/blog/comments/"+strconv.FormatInt(first.ID, 10), f.Items[1].Link)
			assert.NotContains(t, w.Body.String(), commenterEmail)
		})
	}
	t.Run("empty site", func(t *testing.T) {
		w := newModSite(t).get("/blog/comments/feed/")
		require.Equal(t, http.StatusOK, w.Code)
		assert.Empty(t, parseFeed(t, w.Body.String()).Items)
	})
}
