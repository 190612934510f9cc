package pagecache

import (
	"net/http"
	"strconv"
)

// Dependency keys that are not about one post or thread, for [Depends].
const (
	// Lists is any page listing posts: home, archives, tags, categories,
	// feeds, sitemap, search. Every post change evicts it.
	Lists = "lists"
	// All is anything at all: every change evicts it.
	All = "all"
	// Static is nothing a change touches (theme files, robots.txt): only
	// a flush, the end of the change feed, an expiry or the page's age
	// evicts it.
	Static = "static"
)

// Post is the dependency on the content of post id, evicted when the post
// is created, updated or deleted ([blog.ChangePost]).
func Post(id int64) string { return "post:" + strconv.FormatInt(id, 10) }

// Thread is the dependency on the comments of thread key, evicted by a
// [blog.ChangeComment] with that thread.
func Thread(key string) string { return "thread:" + key }

// Like is the dependency on the like count of post id, evicted by a
// [blog.ChangeLike] of that post.
func Like(id int64) string { return "like:" + strconv.FormatInt(id, 10) }

// depender is what the cache's recording ResponseWriter implements.
type depender interface{ addDeps(keys []string) }

// Depends declares, while a handler renders a page into w, that the page
// depends on keys (made by [Post], [Thread], [Like], or the constants
// [Lists], [Static], [All]). It looks through ResponseWriters that
// have an Unwrap method, and does nothing when w is not being recorded by
// a [Cache]. A cached page that declares nothing is evicted by every
// change.
func Depends(w http.ResponseWriter, keys ...string) {
	for {
		if d, ok := w.(depender); ok {
			d.addDeps(keys)
			return
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return
		}
		w = u.Unwrap()
	}
}
