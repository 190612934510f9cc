// Package content reads trees of Markdown files with front matter — a Hugo
// site, a Jekyll site or a plain folder — from any [io/fs.FS] and keeps a
// [blog.Blog] in sync with them.
//
// # Files
//
// [Parse] splits a file into front matter (YAML between "---", TOML between
// "+++", or a JSON object at the start) and a Markdown body, and reads both
// Hugo's and Jekyll's keys into a [FrontMatter]. Dates without a zone take
// the site's zone.
//
// # Sync
//
// [Sync] walks a tree, turns Hugo shortcodes and Liquid tags into Folio
// Markdown, and writes the posts through the Blog service only. Content is
// keyed by its path: a [State] remembers each path's post and content hash,
// so running again updates what changed, leaves what did not and unpublishes
// (never deletes) posts whose file is gone.
package content
