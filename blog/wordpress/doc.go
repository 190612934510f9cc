// Package wordpress moves a blog from WordPress to Folio, and back: it
// reads WordPress's export format (WXR), imports posts, pages, comments,
// categories, tags and authors into a [blog.Blog] and a [comments.Service]
// keeping the old links working, and writes a Folio blog as a WXR file
// that WordPress's importer reads.
//
// # Reading
//
// A [Reader] reads a WXR file — versions 1.0, 1.1 and 1.2, with http or
// https namespace URIs — token by token with encoding/xml, so a large
// export never sits in memory: [Reader.Next] returns the [*Site], then
// each [*Author], [*Category], [*Tag] and [*Post] (an <item> of any post
// type, with its comments) one at a time, and io.EOF at the end. Text and
// CDATA read alike; percent-encoded slugs are decoded; dates prefer the
// GMT value and otherwise read the local one in the site's zone
// ([ReaderLocation]); WordPress's zero date "0000-00-00 00:00:00" is the
// zero time. A file that is not an export — an RSS feed without the
// WordPress namespace, an HTML page, JSON — is an error wrapping
// [ErrNotWXR]; malformed XML is an error wrapping the [*xml.SyntaxError]
// that names the line.
//
// # Importing
//
// [NewImporter] takes the Blog the posts go through (so they are
// validated and rendered as any post is, by [blog.Blog.ImportPost], which
// keeps their own dates) and the comment store. [Importer.Import] reads
// the file twice: a first pass only parses it, cheaply and streaming, to
// check it and count its items, so that a malformed or foreign file is
// refused before anything is written, however late the fault; the second
// pass imports one item at a time and reports [Progress] (items done of
// the total, bytes read) to the hook given by [WithProgress]. Each post is
// created whole before its comments; comments are created parents first,
// whatever order the file lists them in.
//
// An import is idempotent and resumable: running it again creates nothing
// twice, and completes an import an error or a cancellation stopped. A
// post is recognised by its old "/?p=ID" link when the store keeps
// redirects, otherwise by its slug (or the slug with "-2", "-3", …), kind,
// title and dates; a comment by its author, time and text on that post.
//
// The [Summary] counts what was imported, found already there, or
// skipped, lists each skipped item with the reason and each change made
// on the way (Notes), and prints as a readable report.
//
// # What maps to what
//
//   - Post types: post → [blog.KindPost], page → [blog.KindPage] (unless
//     WithPages(false)); attachments are brought as media with [WithMedia]
//     (see Media) and skipped without it, as menu items, revisions and
//     every other type are.
//   - Statuses: publish → published (scheduled if dated in the future),
//     draft → draft, pending → pending, future → scheduled, private →
//     private; trash, auto-draft and inherit are skipped.
//   - Password-protected posts become private by default, so nothing
//     protected turns public; [WithProtected] makes them drafts or skips
//     them. The password is not kept: Folio has none.
//   - Dates: a published, scheduled or private post's date is its
//     PublishedAt and CreatedAt; a draft's or pending post's date is only
//     its CreatedAt. wp:post_modified, when present, is UpdatedAt.
//   - Slugs: wp:post_name, percent-decoded, Unicode kept, invisible and
//     bidirectional control characters removed (the title keeps them); a
//     slug another post has gets "-2", "-3", …; an empty one is made from
//     the title.
//   - Authors: dc:creator is a login, credited by the wp:author's display
//     name and email.
//   - Categories and tags: a post keeps the categories WordPress gave it —
//     the leaf of a hierarchy, not its parents, as WordPress shows them;
//     the hierarchy is listed in Summary.CategoryPaths. Other taxonomies
//     are ignored.
//   - Sticky: wp:is_sticky. Comments open or closed: wp:comment_status.
//   - Bodies: HTML ([blog.FormatHTML]) after [ConvertContent]: paragraphs
//     made as WordPress's wpautop makes them, [caption] made a figure with
//     a figcaption, any other shortcode kept visibly as a placeholder and
//     counted; <!--more--> is kept and ends the excerpt. The post policy
//     sanitises the result when the post is rendered.
//   - Comments: statuses 1 → approved, 0 → pending, spam → spam, trash and
//     post-trashed → trash; types pingback and trackback kept, other
//     types skipped; the body, made paragraphs, goes through
//     [comments.RenderHTML] (the source keeps the original); website
//     addresses that [comments.SafeURL] refuses, and IPs that do not parse,
//     are dropped with a note; a reply whose parent is missing becomes
//     top-level with a note.
//
// # Old links
//
// Every imported post answers at the path of its old permalink (relative
// to the export's base_blog_url), at "/?p=ID" and, for a page,
// "/?page_id=ID": the importer records them with [blog.Blog.AddOldPath]
// when the Blog's store keeps old paths, for the HTTP layer to redirect
// permanently. An old path
// equal to the post's new one needs no redirect and is only counted. A
// store without redirects imports all the same; the paths not recorded
// are counted and reported.
//
// Category and author archives keep their old query links too: the first
// published post of each category records "/?cat=ID" and
// "/category/SLUG/?cat=ID" (ID being WordPress's term ID), and the first
// of each author "/?author=ID" and "/author/LOGIN/", from which the HTTP
// layer finds the category or the author (blog/bloghttp answers them).
//
// # Media
//
// With [WithMedia], the import brings the photos too, into a [MediaStore]
// the host supplies (the importer owns no storage): the file of every
// attachment (wp:attachment_url) and every image of a post on the
// export's own host (img src, and links to image files). Each is read
// from a local copy of wp-content/uploads ([WithUploads]) or downloaded
// with a timeout ([WithHTTPClient]), refused above a size
// ([WithMediaMaxBytes], 25 MiB by default) or when its content does not
// sniff as JPEG, PNG, GIF or WebP, and stored; the post's URLs are then
// rewritten to the local ones, and an img loses the srcset listing the
// old site's resized copies. [gallery] and [gallery ids="…"] become
// figures of the post's attachments (or the ones listed), captioned with
// their excerpts. A file that cannot be brought is one entry in
// Summary.Skipped, and its post keeps the old URL; running the import
// again brings what is missing and rewrites such posts, unless they were
// edited since. [WithMediaProgress] reports each file.
//
// # Exporting
//
// [Export] writes every post and page with its comments as a WXR 1.2 file:
// authors, categories and tags, then each post with its dates, slug,
// status, type, comment status, sticky flag, terms, content and excerpt,
// and its comments threaded by wp:comment_parent. Markdown posts are
// exported as their rendered HTML, since WordPress stores HTML, with the
// Markdown kept in the post meta _folio_markdown; Folio's importer reads
// that meta back, so a Folio-to-Folio round trip restores every field it
// holds, sources and microsecond times included.
package wordpress
