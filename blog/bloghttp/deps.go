package bloghttp

import (
	"net/http"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/bloghttp/internal/pagecache"
)

// dependsOnPost declares that the page rendered into w shows post p: its
// content, its comments (or their count) and its likes.
func dependsOnPost(w http.ResponseWriter, p *blog.Post) {
	pagecache.Depends(w, pagecache.Post(p.ID), pagecache.Thread(threadKey(p)), pagecache.Like(p.ID))
}
