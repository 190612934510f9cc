package blog_test

import (
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
)

func TestParsePermalink_rejectsMalformedPatterns(t *testing.T) {
	for _, pattern := range []string{
		"",
		"{year}/{slug}/",           // no leading slash
		"/{year}/",                 // neither slug nor id
		"/{slug}/{slug}/",          // repeated
		"/{year}/{monthh}/{slug}/", // unknown placeholder
		"/post-{slug}/",            // text around a placeholder
		"/{year}//{slug}/",         // empty segment
		"/{day}/{slug}/",           // day without month
		"/{month}/{slug}/",         // month without year
		"/blog post/{slug}/",       // space
		"/a?b/{slug}/",             // query character
	} {
		t.Run(pattern, func(t *testing.T) {
			_, err := blog.ParsePermalink(pattern)
			var ve *blog.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "permalink", ve.Field)
		})
	}
}

func TestPermalink_Path(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	post := &blog.Post{
		ID:          42,
		Slug:        "привет-мир",
		PublishedAt: time.Date(2013, 1, 31, 16, 30, 0, 0, time.UTC), // 1 February 01:30 in Tokyo
	}
	tests := []struct {
		pattern string
		loc     *time.Location
		want    string
	}{
		{blog.DefaultPermalink, time.UTC, "/2013/01/31/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82-%D0%BC%D0%B8%D1%80/"},
		{blog.DefaultPermalink, tokyo, "/2013/02/01/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82-%D0%BC%D0%B8%D1%80/"},
		{"/archives/{id}", time.UTC, "/archives/42"},
		{"/{year}/{month}/{id}/", tokyo, "/2013/02/42/"},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+" "+tt.loc.String(), func(t *testing.T) {
			assert.Equal(t, tt.want, blog.MustParsePermalink(tt.pattern).Path(post, tt.loc))
		})
	}
}

func TestPermalink_Match(t *testing.T) {
	day := blog.MustParsePermalink(blog.DefaultPermalink)
	byID := blog.MustParsePermalink("/archives/{id}/")
	tests := []struct {
		name string
		p    *blog.Permalink
		path string
		want blog.Match
		ok   bool
	}{
		{"default", day, "/2013/01/31/hello/", blog.Match{Year: 2013, Month: 1, Day: 31, Slug: "hello"}, true},
		{"no trailing slash", day, "/2013/01/31/hello", blog.Match{Year: 2013, Month: 1, Day: 31, Slug: "hello"}, true},
		{"unicode slug", day, "/2013/01/31/привет/", blog.Match{Year: 2013, Month: 1, Day: 31, Slug: "привет"}, true},
		{"month 13", day, "/2013/13/01/hello/", blog.Match{}, false},
		{"day 0", day, "/2013/01/00/hello/", blog.Match{}, false},
		{"short year", day, "/213/01/01/hello/", blog.Match{}, false},
		{"signed month", day, "/2013/+1/01/hello/", blog.Match{}, false},
		{"too few segments", day, "/2013/01/hello/", blog.Match{}, false},
		{"too many segments", day, "/2013/01/01/hello/extra/", blog.Match{}, false},
		{"empty slug", day, "/2013/01/01//", blog.Match{}, false},
		{"traversal", day, "/2013/01/01/../", blog.Match{Year: 2013, Month: 1, Day: 1, Slug: ".."}, true},
		{"id", byID, "/archives/42/", blog.Match{ID: 42}, true},
		{"id literal mismatch", byID, "/archive/42/", blog.Match{}, false},
		{"negative id", byID, "/archives/-1/", blog.Match{}, false},
		{"signed id", byID, "/archives/+1/", blog.Match{}, false},
		{"huge id", byID, "/archives/99999999999999999999/", blog.Match{}, false},
		{"relative", byID, "archives/1/", blog.Match{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.p.Match(tt.path)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func FuzzPermalink_Match(f *testing.F) {
	for _, s := range []string{"/2013/01/31/hello/", "/2013/13/01/x/", "/archives/7", "//", "/%/", "/2013/01/31/привет/"} {
		f.Add(blog.DefaultPermalink, s)
		f.Add("/archives/{id}/", s)
	}
	f.Fuzz(func(t *testing.T, pattern, path string) {
		p, err := blog.ParsePermalink(pattern)
		if err != nil {
			return
		}
		m, ok := p.Match(path)
		if !ok {
			return
		}
		// A match is consistent: building the URL of the post it names
		// and matching that again gives the same parts.
		post := &blog.Post{ID: m.ID, Slug: m.Slug}
		if m.Year != 0 {
			month, d := m.Month, m.Day
			if month == 0 {
				month = 1
			}
			if d == 0 {
				d = 1
			}
			post.PublishedAt = time.Date(m.Year, month, d, 12, 0, 0, 0, time.UTC)
			if post.PublishedAt.Day() != d { // 31 February and the like
				return
			}
		}
		if m.Slug != "" && !validSegment(m.Slug) {
			return
		}
		again, ok := p.Match(unescape(t, p.Path(post, time.UTC)))
		require.True(t, ok, "path %q built from match %+v does not match", p.Path(post, time.UTC), m)
		assert.Equal(t, m, again)
	})
}
