package wordpress

import (
	"fmt"
	"strings"
)

// Count is how many things of one kind an import created, found already
// there, or left out.
type Count struct {
	Imported int // created by this import (for terms and authors: carried by imported posts)
	Existing int // there from an earlier import of the same file: left as they were
	Skipped  int // not imported; Summary.Skipped says why
}

// String formats the count as "2 imported, 1 already there, 0 skipped".
func (c Count) String() string {
	return fmt.Sprintf("%d imported, %d already there, %d skipped", c.Imported, c.Existing, c.Skipped)
}

// Entry is one item of a Summary's lists: what it is about and why.
type Entry struct {
	Item   string // `post 12 "Hello"`, `comment 7 on post 12 "Hello"`, `tag "go"`, …
	Reason string
}

// Summary reports what an [Importer.Import] did.
type Summary struct {
	Posts    Count
	Pages    Count
	Comments Count
	// Other counts items of other post types (attachments, menu items,
	// revisions, …), which are never imported as posts; each is in
	// Skipped. With WithMedia, attachments are counted in Media instead.
	Other int

	// Categories, Tags and Authors are not stored on their own in Folio:
	// one is imported when an imported post carries it, and skipped when
	// the file defines it but no imported post carries it.
	Categories Count
	Tags       Count
	Authors    Count
	// CategoryPaths lists each nested category of the file with its
	// ancestors, as slugs from the top: "travel/europe/norway". Posts
	// carry only the categories WordPress gave them, not their parents.
	CategoryPaths []string

	Captions   int // [caption] shortcodes made into figures
	Shortcodes int // other shortcodes kept as visible placeholders; each is in Notes

	// Media counts the files brought with WithMedia: stored, found stored
	// by an earlier run, or not brought (each in Skipped, as "media URL").
	Media        Count
	Galleries    int // [gallery] shortcodes made into figures of their attachments
	MediaUpdated int // posts of an earlier run given the media missing then

	Redirects        int // old paths recorded (old permalinks, /?p=ID, /?page_id=ID)
	SameLinks        int // old permalinks equal to the new ones: no redirect needed
	RedirectsSkipped int // old paths not recorded because the store keeps no redirects
	// ArchiveLinks counts the old links of category and author archives
	// recorded (/?cat=ID, /?author=ID, /author/LOGIN/), each leading to
	// the first published post of that category or author.
	ArchiveLinks int

	// Skipped lists what was not imported, and why.
	Skipped []Entry
	// Notes lists what was imported with a change: a password-protected
	// post made private, an invalid URL dropped, an orphan reply made
	// top-level, a shortcode kept as a placeholder.
	Notes []Entry
}

// String formats the summary as a readable report, one fact a line, with
// the skipped items and the notes listed last.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "posts:      %v\n", s.Posts)
	fmt.Fprintf(&b, "pages:      %v\n", s.Pages)
	fmt.Fprintf(&b, "comments:   %v\n", s.Comments)
	fmt.Fprintf(&b, "categories: %d used, %d unused\n", s.Categories.Imported, s.Categories.Skipped)
	fmt.Fprintf(&b, "tags:       %d used, %d unused\n", s.Tags.Imported, s.Tags.Skipped)
	fmt.Fprintf(&b, "authors:    %d credited, %d without posts\n", s.Authors.Imported, s.Authors.Skipped)
	if s.Other > 0 {
		fmt.Fprintf(&b, "other items skipped: %d\n", s.Other)
	}
	fmt.Fprintf(&b, "captions made figures: %d; shortcodes kept as placeholders: %d\n", s.Captions, s.Shortcodes)
	if s.Media != (Count{}) {
		fmt.Fprintf(&b, "media:      %v; galleries made figures: %d; posts given missing media: %d\n", s.Media, s.Galleries, s.MediaUpdated)
	}
	fmt.Fprintf(&b, "redirects recorded: %d", s.Redirects)
	if s.ArchiveLinks > 0 {
		fmt.Fprintf(&b, "; archive links: %d", s.ArchiveLinks)
	}
	if s.SameLinks > 0 {
		fmt.Fprintf(&b, "; links unchanged: %d", s.SameLinks)
	}
	if s.RedirectsSkipped > 0 {
		fmt.Fprintf(&b, "; not recorded (no redirect store): %d", s.RedirectsSkipped)
	}
	b.WriteByte('\n')
	if len(s.CategoryPaths) > 0 {
		fmt.Fprintf(&b, "category hierarchy:\n")
		for _, p := range s.CategoryPaths {
			fmt.Fprintf(&b, "  %s\n", p)
		}
	}
	if len(s.Skipped) > 0 {
		fmt.Fprintf(&b, "skipped:\n")
		for _, e := range s.Skipped {
			fmt.Fprintf(&b, "  %s: %s\n", e.Item, e.Reason)
		}
	}
	if len(s.Notes) > 0 {
		fmt.Fprintf(&b, "notes:\n")
		for _, e := range s.Notes {
			fmt.Fprintf(&b, "  %s: %s\n", e.Item, e.Reason)
		}
	}
	return b.String()
}
