// Package bloghttp is what a host mounts on its own mux to serve a Folio
// blog: the pages, the comment form, feeds, the sitemap and the moderation
// screens, with overridable html/template themes.
package bloghttp
