package pgstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/folioblog/folio/blog"
)

// FuzzStore_SearchPosts checks that no search text makes SearchPosts fail
// and that every snippet is escaped: the only markup in it is <mark>.
func FuzzStore_SearchPosts(f *testing.F) {
	for _, seed := range []string{
		"heron", "'; DROP TABLE posts; --", "&|!():*", `"unbalanced`, "a -b or c",
		"<script>", "\x00", "\xff", "heron:*", "((a", "\uE000heron\uE001",
	} {
		f.Add(seed)
	}
	s := newStore(f)
	p := testPost("fuzz", time.Date(2025, time.May, 1, 0, 0, 0, 0, time.UTC))
	p.Title = "A heron & <b>friends</b>"
	p.Source = "The heron stood in the <i>reeds</i> & waited; \"quotes\" and 'apostrophes' too."
	p.Text = p.Source // text that reads like markup, as a post about HTML has
	mustCreate(f, s, p)
	f.Fuzz(func(t *testing.T, text string) {
		res, err := s.SearchPosts(context.Background(), blog.SearchQuery{Text: text})
		if err != nil {
			t.Fatalf("SearchPosts(%q): %v", text, err)
		}
		for _, r := range res {
			rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(r.Snippet)
			if strings.ContainsAny(rest, "<>\"") {
				t.Fatalf("SearchPosts(%q): unescaped snippet %q", text, r.Snippet)
			}
		}
	})
}
