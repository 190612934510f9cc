package bloghttp_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog/bloghttp"
)

func TestServer_PageCacheStats(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	s.post("Congress opens", day(1, 2), nil)
	const target = "/2013/01/02/congress-opens/"
	before, on := s.srv.PageCacheStats()
	require.True(t, on)
	for range 3 {
		require.Equal(t, http.StatusOK, s.do(pageReq{target: target}).Code)
	}
	after, _ := s.srv.PageCacheStats()
	assert.Equal(t, before.Misses+1, after.Misses, "the first view fills the cache")
	assert.Equal(t, before.Hits+2, after.Hits, "the next two are served from it")
	assert.Positive(t, after.Bytes)
	assert.Positive(t, after.Entries)

	off := newPageSite(t, pageSiteConfig{opts: []bloghttp.Option{bloghttp.WithPageCache(0)}})
	_, on = off.srv.PageCacheStats()
	assert.False(t, on, "no stats when the cache is off")
}
