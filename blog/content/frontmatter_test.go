package content_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog/content"
)

var paris = mustLoc("Europe/Paris")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

func TestParse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, src string
		want      content.FrontMatter
		body      string
	}{
		{"yaml hugo", "---\ntitle: Hello\ndate: 2024-03-01T10:00:00\ndraft: true\nslug: hi\naliases: [/old/hi/]\ntags: [go, web]\ncategories: [notes]\nweight: 3\n---\nBody\n",
			content.FrontMatter{Title: "Hello", Date: time.Date(2024, 3, 1, 10, 0, 0, 0, paris), Draft: true, Slug: "hi", Aliases: []string{"/old/hi/"}, Tags: []string{"go", "web"}, Categories: []string{"notes"}, Weight: 3}, "Body\n"},
		{"yaml zoned date", "---\ndate: 2024-03-01T10:00:00Z\n---\nB",
			content.FrontMatter{Date: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)}, "B"},
		{"toml", "+++\ntitle = \"T\"\ndate = 2024-03-01\npublishDate = 2024-03-02T08:00:00\nexpiryDate = 2025-01-01T00:00:00+02:00\ntags = [\"a\"]\nsummary = \"S\"\ndescription = \"D\"\nurl = \"/x/\"\n+++\nBody",
			content.FrontMatter{Title: "T", Date: time.Date(2024, 3, 1, 0, 0, 0, 0, paris), PublishDate: time.Date(2024, 3, 2, 8, 0, 0, 0, paris), ExpiryDate: time.Date(2025, 1, 1, 0, 0, 0, 0, time.FixedZone("", 7200)), Tags: []string{"a"}, Summary: "S", Description: "D", URL: "/x/"}, "Body"},
		{"json", "{\"title\": \"J\", \"date\": \"2024-03-01 09:30\", \"tags\": [\"x\"]}\n\nBody",
			content.FrontMatter{Title: "J", Date: time.Date(2024, 3, 1, 9, 30, 0, 0, paris), Tags: []string{"x"}}, "Body"},
		{"jekyll", "---\ntitle: J\ndate: 2024-03-01 09:30:00 +0100\ncategories: go web\npublished: false\npermalink: /p/\nexcerpt_separator: <!--cut-->\n---\nBody",
			content.FrontMatter{Title: "J", Date: time.Date(2024, 3, 1, 9, 30, 0, 0, time.FixedZone("", 3600)), Categories: []string{"go", "web"}, Draft: true, Permalink: "/p/", ExcerptSeparator: "<!--cut-->"}, "Body"},
		{"none", "Just text", content.FrontMatter{}, "Just text"},
		{"empty yaml", "---\n---\nB", content.FrontMatter{}, "B"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fm, body, err := content.Parse("f.md", []byte(tc.src), paris)
			require.NoError(t, err)
			assert.Equal(t, tc.body, string(body))
			for _, d := range []*[2]time.Time{{tc.want.Date, fm.Date}, {tc.want.PublishDate, fm.PublishDate}, {tc.want.ExpiryDate, fm.ExpiryDate}} {
				assert.True(t, d[0].Equal(d[1]), "want %v, got %v", d[0], d[1])
			}
			tc.want.Date, tc.want.PublishDate, tc.want.ExpiryDate = time.Time{}, time.Time{}, time.Time{}
			fm.Date, fm.PublishDate, fm.ExpiryDate = time.Time{}, time.Time{}, time.Time{}
			assert.Equal(t, tc.want, fm)
		})
	}
}

func TestParseMalformed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, src string
		line      int
	}{
		{"yaml syntax", "---\ntitle: ok\nbad: a: b\n---\nB", 3},
		{"yaml unclosed", "---\ntitle: x\nbody", 1},
		{"toml syntax", "+++\ntitle = \"ok\"\ntags = = 1\n+++\nB", 3},
		{"json syntax", "{\"title\": \n\"x\",, }\nB", 2},
		{"bad date", "---\ndate: yesterday\n---\nB", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := content.Parse("posts/x.md", []byte(tc.src), paris)
			var pe *content.ParseError
			require.True(t, errors.As(err, &pe), "got %v", err)
			assert.Equal(t, "posts/x.md", pe.File)
			assert.Equal(t, tc.line, pe.Line)
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"---\ntitle: a\n---\nb", "+++\ntitle = 'a'\n+++\n", "{\"title\":1}", "---\n", "plain"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fm, body, err := content.Parse("f.md", src, paris)
		if err != nil {
			var pe *content.ParseError
			require.True(t, errors.As(err, &pe))
			return
		}
		_ = fm
		require.LessOrEqual(t, len(body), len(src))
	})
}
