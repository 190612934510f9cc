package wordpress_test

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog/wordpress"
)

// readAll reads every item of a file.
func readAll(tb testing.TB, r io.Reader, opts ...wordpress.ReaderOption) ([]wordpress.Item, error) {
	tb.Helper()
	rd := wordpress.NewReader(r, opts...)
	var items []wordpress.Item
	for {
		it, err := rd.Next()
		if err == io.EOF {
			return items, nil
		}
		if err != nil {
			return items, err
		}
		items = append(items, it)
	}
}

func postsOf(items []wordpress.Item) []*wordpress.Post {
	var out []*wordpress.Post
	for _, it := range items {
		if p, ok := it.(*wordpress.Post); ok {
			out = append(out, p)
		}
	}
	return out
}

func TestReader_Next_versions(t *testing.T) {
	tests := []struct {
		file, version, base, firstTitle, firstContent, creator string
		posts                                                  int
	}{
		{"wxr10.xml", "1.0", "http://garden.example/blog", "First roses", "The first roses opened today & the bees came.", "gardener", 2},
		{"wxr11-https.xml", "1.1", "https://kitchen.example", "Bread & butter", "Knead for <strong>ten</strong> minutes.", "chef", 1},
		{"wxr12.xml", "1.2", "http://fjord.example", "Hello, fjord", "", "ingrid", 14},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			items, err := readAll(t, openFixture(t, tt.file))
			require.NoError(t, err)
			require.NotEmpty(t, items)
			site, ok := items[0].(*wordpress.Site)
			require.True(t, ok, "the site comes first, got %T", items[0])
			assert.Equal(t, tt.version, site.WXRVersion)
			assert.Equal(t, tt.base, site.BaseBlogURL)
			posts := postsOf(items)
			require.Len(t, posts, tt.posts)
			assert.Equal(t, tt.firstTitle, posts[0].Title)
			assert.Equal(t, tt.creator, posts[0].Creator)
			if tt.firstContent != "" {
				assert.Equal(t, tt.firstContent, posts[0].Content)
			}
			assert.NotEmpty(t, posts[0].Content)
		})
	}
}

func TestReader_Next_fields(t *testing.T) {
	items, err := readAll(t, openFixture(t, "wxr12.xml"), wordpress.ReaderLocation(oslo(t)))
	require.NoError(t, err)
	var authors []*wordpress.Author
	var cats []*wordpress.Category
	var tags []*wordpress.Tag
	for _, it := range items {
		switch it := it.(type) {
		case *wordpress.Author:
			authors = append(authors, it)
		case *wordpress.Category:
			cats = append(cats, it)
		case *wordpress.Tag:
			tags = append(tags, it)
		}
	}
	require.Len(t, authors, 3)
	assert.Equal(t, wordpress.Author{ID: 1, Login: "ingrid", Email: "ingrid@fjord.example", DisplayName: "Ingrid Fjell", FirstName: "Ingrid", LastName: "Fjell"}, *authors[0])
	require.Len(t, cats, 5)
	assert.Equal(t, wordpress.Category{ID: 4, Slug: "norway", Parent: "europe", Name: "Norway", Description: "Trips up north"}, *cats[3])
	require.Len(t, tags, 3)
	assert.Equal(t, "Boats", tags[0].Name)

	posts := postsOf(items)
	byID := map[int64]*wordpress.Post{}
	for _, p := range posts {
		byID[p.ID] = p
	}
	hello := byID[10]
	require.NotNil(t, hello)
	assert.Equal(t, time.Date(2013, 1, 15, 8, 30, 0, 0, time.UTC), hello.Date, "the GMT date wins")
	assert.True(t, hello.Sticky)
	assert.Equal(t, "publish", hello.Status)
	assert.Equal(t, "http://fjord.example/2013/01/15/hello-fjord/", hello.Link)
	assert.Contains(t, hello.Content, "<!--more-->")
	assert.Len(t, hello.Comments, 12)
	assert.Equal(t, []wordpress.Term{
		{Domain: "category", Slug: "norway", Name: "Norway"},
		{Domain: "post_tag", Slug: "boats", Name: "Boats"},
		{Domain: "post_tag", Slug: "winter", Name: "Winter"},
	}, hello.Terms)
	v, ok := hello.MetaValue("_edit_last")
	assert.True(t, ok)
	assert.Equal(t, "1", v)
	c := hello.Comments[1]
	assert.Equal(t, int64(102), c.ID)
	assert.Equal(t, int64(101), c.Parent)
	assert.Equal(t, time.Date(2013, 1, 15, 11, 0, 0, 0, time.UTC), c.Date)

	assert.Equal(t, "привет-мир", byID[11].Name, "percent-encoded slugs are decoded")
	assert.Equal(t, "safe\u202ename", byID[12].Name)
	assert.Equal(t, "Safe \u202ename", byID[12].Title, "the title keeps its text")

	draft := byID[13]
	assert.Equal(t, time.Date(2013, 2, 1, 9, 0, 0, 0, time.UTC), draft.Date, "a zero GMT date falls back to the local one, in the site's zone")
	assert.Equal(t, "hunter2", byID[14].Password)
	assert.Equal(t, "attachment", byID[19].Type)
}

func TestReader_Next_dates(t *testing.T) {
	const doc = `<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<item><wp:post_id>1</wp:post_id><wp:post_date>%s</wp:post_date><wp:post_date_gmt>%s</wp:post_date_gmt></item>
</channel></rss>`
	tokyo := time.FixedZone("JST", 9*3600)
	tests := []struct {
		name, local, gmt string
		want             time.Time
		warnings         int
	}{
		{"gmt preferred", "2020-01-01 09:00:00", "2020-01-01 00:00:00", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), 0},
		{"zero gmt uses local in the site zone", "2020-01-01 09:00:00", "0000-00-00 00:00:00", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), 0},
		{"both zero", "0000-00-00 00:00:00", "0000-00-00 00:00:00", time.Time{}, 0},
		{"missing", "", "", time.Time{}, 0},
		{"malformed gmt", "2020-01-01 09:00:00", "yesterday", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), 1},
		{"malformed both", "soon", "later", time.Time{}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(strings.Replace(doc, "%s", tt.local, 1), "%s", tt.gmt, 1)
			items, err := readAll(t, strings.NewReader(src), wordpress.ReaderLocation(tokyo))
			require.NoError(t, err)
			posts := postsOf(items)
			require.Len(t, posts, 1)
			assert.True(t, tt.want.Equal(posts[0].Date), "got %v, want %v", posts[0].Date, tt.want)
			assert.Len(t, posts[0].Warnings, tt.warnings)
		})
	}
}

func TestReader_Next_notWXR(t *testing.T) {
	tests := []struct{ name, src string }{
		{"rss without wp namespace", "testdata/not-wxr-rss.xml"},
		{"html page", "testdata/not-wxr-page.html"},
		{"json", "testdata/not-wxr.json"},
		{"empty", ""},
		{"atom feed", `<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>`},
		{"garbage", "<<<>>>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r io.Reader = strings.NewReader(tt.src)
			if strings.HasPrefix(tt.src, "testdata/") {
				r = openFixture(t, strings.TrimPrefix(tt.src, "testdata/"))
			}
			items, err := readAll(t, r)
			require.Error(t, err)
			assert.ErrorIs(t, err, wordpress.ErrNotWXR)
			assert.Empty(t, postsOf(items))
		})
	}
}

func TestReader_Next_malformed(t *testing.T) {
	tests := []struct {
		file     string
		minLine  int
		okBefore int // posts read before the error
	}{
		{"truncated.xml", 360, 6},
		{"mismatched.xml", 470, 13},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			items, err := readAll(t, openFixture(t, tt.file))
			require.Error(t, err)
			assert.NotErrorIs(t, err, wordpress.ErrNotWXR)
			var se *xml.SyntaxError
			require.True(t, errors.As(err, &se), "want an *xml.SyntaxError, got %v", err)
			assert.GreaterOrEqual(t, se.Line, tt.minLine)
			assert.Len(t, postsOf(items), tt.okBefore, "items before the fault are read: that is why Import checks first")
		})
	}
}
