package sitemap_test

import (
	"encoding/xml"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog/bloghttp/internal/sitemap"
)

func TestEncode(t *testing.T) {
	at := time.Date(2013, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))
	body, err := sitemap.Encode(&sitemap.URLSet{URLs: []sitemap.URL{
		{Loc: "https://example.com/"},
		{Loc: "https://example.com/a?b=1&c=2", LastMod: sitemap.Time(at)},
	}})
	require.NoError(t, err)
	assert.Contains(t, string(body), `<urlset xmlns="`+sitemap.NS+`">`)
	assert.Contains(t, string(body), "<lastmod>2013-01-02T02:04:05Z</lastmod>", "W3C time in UTC")
	assert.Contains(t, string(body), "a?b=1&amp;c=2", "URLs are escaped")
	assert.NotContains(t, string(body), "<lastmod></lastmod>", "an unknown change is left out")

	var back sitemap.URLSet
	require.NoError(t, xml.Unmarshal(body, &back))
	assert.Len(t, back.URLs, 2)

	body, err = sitemap.Encode(&sitemap.Index{Sitemaps: []sitemap.URL{{Loc: "https://example.com/sitemaps/2013.xml"}}})
	require.NoError(t, err)
	assert.Contains(t, string(body), `<sitemapindex xmlns="`+sitemap.NS+`">`)
}
