// Package pagecache keeps whole rendered pages in memory and evicts them
// exactly, by the dependencies each page declares.
//
// # Model
//
// A [Cache] wraps a handler ([Cache.Wrap]). It keeps each cacheable page
// with a gzip copy compressed once when it is stored, and answers repeat
// requests from there with ETag, Last-Modified and 304 Not Modified.
//
// Eviction is exact rather than time-based. While a handler renders, it
// declares what its page shows with [Depends] and the dependency keys
// [Post], [Thread], [Like], [Lists], [Static] and [All]. Each change a
// store reports ([blog.Change], given to [Cache.Apply] or followed from a
// [blog.ChangeFeed] with [Cache.Watch]) evicts exactly the pages that
// depend on what changed:
//
//   - a post change evicts that post's pages and every listing;
//   - a comment change evicts the pages of its thread;
//   - a like evicts the pages showing that post's like count;
//   - a flush, or a kind of change the cache does not know, evicts
//     everything.
//
// A page that declared nothing goes with every change. A render that
// overlaps the eviction of something it depends on is served but not kept,
// so a change is visible on the very next request. Time still bounds a
// page's stay: [WithMaxAge], and [Cache.ExpireAt] for a moment when
// everything changes at once (a scheduled post becoming visible).
//
// # What is cached
//
// GET and HEAD requests without an Authorization header, without any of
// the cookies of [WithBypassCookies], not refused by [WithBypass], whose
// query keys are all in [WithQueryKeys], answered 200 with no Set-Cookie,
// no Content-Encoding, no Vary beyond Accept-Encoding, no
// "Cache-Control: private" or "no-store", and no "X-Folio-Cache: bypass"
// (which a personalised page sets). Every answer that passes through
// carries X-Folio-Cache: hit, miss or bypass.
package pagecache
