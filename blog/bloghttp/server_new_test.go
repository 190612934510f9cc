package bloghttp_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/blogcomments"
	"github.com/folioblog/folio/blog/bloghttp"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
)

// TestNew_badOptions: every bad site or option is a *blog.ValidationError
// naming it, as blog.New's are.
func TestNew_badOptions(t *testing.T) {
	st := memstore.New()
	b, err := blog.New(st)
	require.NoError(t, err)
	cs, err := comments.NewService(st, blogcomments.Threads(b))
	require.NoError(t, err)
	good := bloghttp.Site{Title: "Notes", BaseURL: "https://example.com/blog/"}
	for _, c := range []struct {
		name  string
		site  bloghttp.Site
		opts  []bloghttp.Option
		field string
	}{
		{"relative base URL", bloghttp.Site{Title: "Notes", BaseURL: "/blog/"}, nil, "site base URL"},
		{"base URL with a query", bloghttp.Site{Title: "Notes", BaseURL: "https://example.com/?a=1"}, nil, "site base URL"},
		{"no title", bloghttp.Site{BaseURL: "https://example.com/"}, nil, "site title"},
		{"nil logger", good, []bloghttp.Option{bloghttp.WithLogger(nil)}, "logger"},
		{"posts per page", good, []bloghttp.Option{bloghttp.WithPostsPerPage(0)}, "posts per page"},
		{"comments per page", good, []bloghttp.Option{bloghttp.WithCommentsPerPage(-1)}, "comments per page"},
		{"page cache size", good, []bloghttp.Option{bloghttp.WithPageCache(-1)}, "page cache size"},
		{"short secret", good, []bloghttp.Option{bloghttp.WithSecret([]byte("short"))}, "secret"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := bloghttp.New(b, cs, c.site, c.opts...)
			var ve *blog.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, c.field, ve.Field)
		})
	}
	_, err = bloghttp.New(nil, cs, good)
	var ve *blog.ValidationError
	assert.ErrorAs(t, err, &ve, "a nil blog")
}
