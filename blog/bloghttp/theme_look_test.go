package bloghttp_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/blogcomments"
	"github.com/folioblog/folio/blog/bloghttp"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
)

// TestAvatars_spreadEvenly checks that initials avatars use every colour
// the stylesheet defines about equally, and that the colours differ.
func TestAvatars_spreadEvenly(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	css := s.get("/static/folio.css").Body.String()
	rules := regexp.MustCompile(`\.avatar-(\d+)\s*\{\s*background:\s*(#[0-9a-f]{6})`).FindAllStringSubmatch(css, -1)
	require.Len(t, rules, bloghttp.AvatarColours, "folio.css defines one rule per colour class")
	for i, a := range rules {
		for _, b := range rules[i+1:] {
			d := math.Abs(hue(t, a[2]) - hue(t, b[2]))
			d = math.Min(d, 360-d)
			assert.GreaterOrEqual(t, d, 20.0, "avatar-%s (%s) and avatar-%s (%s) look alike", a[1], a[2], b[1], b[2])
		}
	}

	const emails = 2000
	counts := map[string]int{}
	for i := range emails {
		counts[s.srv.AvatarClass("Reader", fmt.Sprintf("reader%d@example.com", i))]++
	}
	require.Len(t, counts, bloghttp.AvatarColours, "every colour is used")
	want := emails / bloghttp.AvatarColours
	for class, n := range counts {
		assert.InDelta(t, want, n, float64(want)/3, "%s: %d of %d avatars", class, n, emails)
	}
}

// hue returns the hue, in degrees, of a colour written #rrggbb.
func hue(t *testing.T, hex string) float64 {
	var r, g, b int
	_, err := fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b)
	require.NoError(t, err)
	rf, gf, bf := float64(r)/255, float64(g)/255, float64(b)/255
	hi, lo := math.Max(rf, math.Max(gf, bf)), math.Min(rf, math.Min(gf, bf))
	c := hi - lo
	var h float64
	switch {
	case c == 0:
		return 0
	case hi == rf:
		h = math.Mod((gf-bf)/c, 6)
	case hi == gf:
		h = (bf-rf)/c + 2
	default:
		h = (rf-gf)/c + 4
	}
	return math.Mod(h*60+360, 360)
}

// TestFigures_styledOnLists checks that the stylesheet styles figures in
// summaries (home, archives, tags, search) as on the post page, and knows
// WordPress's alignment classes.
func TestFigures_styledOnLists(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	p := s.post("Harbour", day(1, 2), func(p *blog.Post) {
		p.Source = "![Boats](/boats.jpg \"(Photo: Folio)\")\n\nThe harbour at dawn."
	})
	home := s.get("/").Body.String()
	require.Contains(t, home, `class="entry-summary"`)
	require.Contains(t, home, "<figcaption>(Photo: Folio)</figcaption>", "the list shows the figure of %s", p.Title)

	css := s.get("/static/folio.css").Body.String()
	for _, sel := range []string{"figure", "figcaption"} {
		assert.Regexp(t, `:is\(\.entry-content, \.entry-summary\) `+sel+` \{`, css, "%s styled in summaries too", sel)
	}
	for _, class := range []string{"aligncenter", "alignleft", "alignright", "alignwide", "wp-caption", "gallery-item"} {
		assert.Regexp(t, `\.`+class+`\b[^{]*\{`, css, "folio.css styles .%s", class)
	}
}

// TestNotFound_offersWaysOn checks that the 404 page shows what it
// promises: a search box, recent posts and the archives.
func TestNotFound_offersWaysOn(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	p := s.post("Harbour at dawn", day(1, 2), nil)
	res := s.get("/no/such/page/")
	require.Equal(t, http.StatusNotFound, res.Code)
	body := res.Body.String()
	assert.Contains(t, body, `<input type="search" id="error-s" name="s"`)
	assert.Contains(t, body, "Recent posts")
	assert.Contains(t, body, `<a href="`+s.srv.PostPath(p)+`">Harbour at dawn</a>`)
	assert.Contains(t, body, "Archives")
	assert.Regexp(t, `<a href="/2013/01/">January 2013</a>`, body)
}

// TestYearArchive_calendarShowsLastMonth checks that a year's archive
// shows the calendar of that year's last month with posts, not today's.
func TestYearArchive_calendarShowsLastMonth(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	s.post("Spring", time.Date(2012, 3, 4, 12, 0, 0, 0, time.UTC), nil)
	s.post("Autumn", time.Date(2012, 10, 9, 12, 0, 0, 0, time.UTC), nil)
	s.post("Winter", time.Date(2013, 1, 2, 12, 0, 0, 0, time.UTC), nil)
	for _, c := range []struct{ path, want string }{
		{"/2012/", "<caption>October 2012</caption>"},
		{"/2013/", "<caption>January 2013</caption>"},
	} {
		res := s.get(c.path)
		require.Equal(t, http.StatusOK, res.Code, c.path)
		assert.Contains(t, res.Body.String(), c.want, c.path)
	}
	assert.NotContains(t, s.get("/2012/").Body.String(), `aria-current`, "no month is marked as the page's own on a year page")
}

// TestAuthorLinks checks that a post's author links to their archive,
// which lists the post.
func TestAuthorLinks(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	p := s.post("Harbour", day(1, 2), func(p *blog.Post) { p.Author = blog.Author{Name: "Ana María"} })
	for _, path := range []string{"/", s.srv.PostPath(p)} {
		body := s.get(path).Body.String()
		assert.Contains(t, body, `<a class="url fn n" href="/author/ana-mar%C3%ADa/">Ana María</a>`, path)
	}
	res := s.get("/author/ana-mar%C3%ADa/")
	require.Equal(t, http.StatusOK, res.Code)
	assert.Contains(t, res.Body.String(), "Harbour")
}

// TestSidebar_categoriesAndTagCloud checks the Categories widget and the
// tag cloud: visible posts only, counts, links, sizes by use.
func TestSidebar_categoriesAndTagCloud(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	terms := func(names ...string) []blog.Term {
		out := make([]blog.Term, len(names))
		for i, n := range names {
			out[i] = blog.Term{Name: n}
		}
		return out
	}
	for i := range 4 {
		s.post(fmt.Sprint("Walk ", i), day(1, i+1), func(p *blog.Post) {
			p.Categories, p.Tags = terms("Walks"), terms("Sea")
		})
	}
	s.post("Supper", day(1, 9), func(p *blog.Post) { p.Categories, p.Tags = terms("Food"), terms("Bread", "Sea") })
	s.post("Unwritten", day(1, 10), func(p *blog.Post) {
		p.Status, p.Categories, p.Tags = blog.StatusDraft, terms("Secret"), terms("Hidden")
	})

	body := s.get("/").Body.String()
	assert.Contains(t, body, `<li class="cat-item"><a href="/category/food/">Food</a> (1)</li>`)
	assert.Contains(t, body, `<li class="cat-item"><a href="/category/walks/">Walks</a> (4)</li>`)
	assert.Less(t, strings.Index(body, "/category/food/"), strings.Index(body, "/category/walks/"), "by name")
	assert.Contains(t, body, `<a class="tag-cloud-link tag-size-5" href="/tag/sea/" aria-label="Sea (5 posts)">Sea</a>`, "the most used tag is the largest")
	assert.Contains(t, body, `<a class="tag-cloud-link tag-size-1" href="/tag/bread/" aria-label="Bread (1 post)">Bread</a>`)
	assert.NotContains(t, body, "Secret", "a draft's category is not listed")
	assert.NotContains(t, body, "Hidden", "nor its tag")
}

// TestWithLinks checks that discovery links reach every page's <head> and
// Link header, and that a malformed one is refused.
func TestWithLinks(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{opts: []bloghttp.Option{bloghttp.WithLinks(
		bloghttp.Link{Rel: "micropub", Href: "https://example.com/micropub"},
		bloghttp.Link{Rel: "media-endpoint", Href: "/micropub/media"},
	)}})
	p := s.post("Harbour", day(1, 2), nil)
	for _, path := range []string{"/", s.srv.PostPath(p)} {
		res := s.get(path)
		assert.Equal(t, []string{`<https://example.com/micropub>; rel="micropub"`, `</micropub/media>; rel="media-endpoint"`}, res.Header().Values("Link"), path)
		assert.Contains(t, res.Body.String(), `<link rel="micropub" href="https://example.com/micropub">`, path)
	}
	for _, bad := range []bloghttp.Link{{Rel: "micropub"}, {Href: "/x"}, {Rel: "micropub", Href: `/x>; rel="evil`}} {
		_, err := bloghttp.New(s.blog, s.cs, bloghttp.Site{Title: "T", BaseURL: "http://example.com/"}, bloghttp.WithLinks(bad))
		var ve *blog.ValidationError
		assert.ErrorAs(t, err, &ve, "%+v", bad)
	}
}

// lostTermsStore is a store whose term counts fail as a dropped database
// connection does.
type lostTermsStore struct{ blog.Store }

func (lostTermsStore) CountTerms(context.Context, string, time.Time) ([]blog.TermCount, error) {
	return nil, fmt.Errorf("terms: connection reset: %w", blog.ErrUnavailable)
}

// TestSidebar_storeLost checks that a sidebar widget that loses the store
// answers 503 with Retry-After, as any other read does, not 500.
func TestSidebar_storeLost(t *testing.T) {
	st := memstore.New()
	b, err := blog.New(lostTermsStore{st})
	require.NoError(t, err)
	cs, err := comments.NewService(st, blogcomments.Threads(b), comments.WithTokenKey([]byte(strings.Repeat("k", 32))))
	require.NoError(t, err)
	srv, err := bloghttp.New(b, cs, bloghttp.Site{Title: "Notes", BaseURL: "http://example.com/"},
		bloghttp.WithSecret([]byte(strings.Repeat("s", 32))), bloghttp.WithLogger(discardLogger()))
	require.NoError(t, err)
	_, err = b.CreatePost(t.Context(), &blog.Post{Title: "Harbour", Source: "x", Status: blog.StatusPublished})
	require.NoError(t, err)

	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	assert.Equal(t, http.StatusServiceUnavailable, w.Code)
	assert.NotEmpty(t, w.Header().Get("Retry-After"))
}
