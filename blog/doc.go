// Package blog is the heart of Folio: posts, the [Store] they are kept in,
// and the [Blog] service that writes, publishes and finds them.
//
// # Posts
//
// A [Post] holds what its author wrote (Markdown by default, or HTML from a
// trusted author or an import) beside the HTML rendered from it, an
// excerpt, tags and categories, a [Status] and a Version for optimistic
// concurrency. Times are UTC at microsecond precision; the site has one
// time zone ([WithLocation]) that dates permalinks and archives.
//
// # The service
//
// [New] builds a [Blog] over a Store with options for the time zone, the
// clock, the logger, the renderer and the permalink pattern:
//
//	b, err := blog.New(memstore.New(), blog.WithLocation(loc))
//	p, err := b.CreatePost(ctx, &blog.Post{Title: "Hello", Source: "…", Status: blog.StatusPublished})
//
// [Blog.CreatePost] and [Blog.UpdatePost] validate, render and store a post
// in one step: bad input is a [*ValidationError] naming the field, and
// nothing is stored. Updates carry the Version they read; a stale one is
// [ErrConflict]. [Blog.Publish], [Blog.Schedule] and [Blog.Unpublish] move
// a post between statuses. A scheduled post becomes visible when its time
// comes, with no background job: every read for visitors compares with
// the clock, and [Blog.NextScheduledChange] tells a cache when to expire.
//
// Reads for visitors — [Blog.List], [Blog.PublicPost], [Blog.Resolve],
// [Blog.Search] — never return a draft, a pending, private or future post;
// [Blog.GetPost] and [Blog.ListAll] are for the site's authors.
//
// # Rendering
//
// Posts are rendered when they are saved, never when a page is viewed: a
// [Renderer], built once with [NewRenderer] and shared by every goroutine,
// turns a post's source into [Rendered] HTML, a Summary, a plain-text
// Description and a WordCount. Markdown is CommonMark with GFM tables,
// strikethrough, autolinks and task lists, footnotes, smart punctuation,
// heading ids that keep Unicode letters, and [Figures]: an image alone in
// its paragraph becomes a figure whose caption is the image's title
// (![Delegates arrive](a.jpg "(Photo: KCNA)")). Raw HTML is left out unless
// [WithRawHTML] is given, and HTML sources and raw HTML always pass through
// the post policy ([PostPolicy], replaceable with [WithPolicy]), which
// removes scripts, styles, frames, event handlers and unsafe URLs.
//
// The Summary is the hand-written excerpt if there is one, else what
// precedes a <!--more--> marker, else the first 55 words
// ([WithExcerptWords]) followed by "…"; it is always balanced HTML, and
// HasMore says whether anything was left out. Chinese, Japanese and Korean
// text is counted a character per word. [Post.ReadingTime] follows from the
// word count.
//
// # Slugs and permalinks
//
// [Slugify] makes a slug from a title the way WordPress does, keeping
// Unicode letters; the service makes it unique with "-2", "-3", …, and an
// explicit slug another post has is [ErrSlugTaken]. A [Permalink] pattern
// such as [DefaultPermalink] ("/{year}/{month}/{day}/{slug}/") builds a
// post's path and parses a path back; [Blog.Resolve] follows old slugs and
// wrong dates to the canonical path for a permanent redirect.
//
// # Storage
//
// [Store] is a small contract that storage/memstore, storage/sqlitestore
// and storage/pgstore implement and storage/storagetest checks. Optional
// capabilities — [PostSearcher] for full-text search and [MonthCounter]
// for archive counts — are found by type assertion.
package blog
