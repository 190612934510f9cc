package sqlitestore_test

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/folioblog/folio/blog"
)

// FuzzSearchPosts stores a post with a fuzzed body and searches with fuzzed
// text: a search never fails, whatever the text, and a snippet is always
// escaped text with balanced <mark> elements.
func FuzzSearchPosts(f *testing.F) {
	for _, seed := range [][2]string{
		{"Tomatoes need sun.", "sun"},
		{"<b>bold</b> & <script>x</script>", "bold script"},
		{"Robert'); DROP TABLE posts; --", "'; DROP TABLE posts; --"},
		{"near NEAR(a b) OR AND NOT", `NEAR( "a" * - OR`},
		{"\uE000odd\uE001 \uE001 \uE000", "odd \uE000"},
		{"title:x ^y {a b}: c", "title:x ^y {a b}: c"},
		{"", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	s := openStore(f)
	ctx := context.Background()
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, source, text string) {
		p := &blog.Post{Kind: blog.KindPost, Slug: "fuzz-" + strconv.FormatInt(n.Add(1), 10),
			Title: "Fuzz", Source: source, Text: source, Status: blog.StatusPublished}
		if err := s.CreatePost(ctx, p); err != nil {
			t.Fatal(err)
		}
		res, err := s.SearchPosts(ctx, blog.SearchQuery{Text: text})
		if err != nil {
			t.Fatalf("SearchPosts(%q): %v", text, err)
		}
		for _, r := range res {
			rest := r.Snippet
			depth := 0
			for rest != "" {
				switch {
				case strings.HasPrefix(rest, "<mark>"):
					depth++
					rest = rest[len("<mark>"):]
				case strings.HasPrefix(rest, "</mark>"):
					depth--
					rest = rest[len("</mark>"):]
				case rest[0] == '<' || rest[0] == '>':
					t.Fatalf("snippet %q has unescaped markup", r.Snippet)
				default:
					rest = rest[1:]
				}
				if depth < 0 || depth > 1 {
					t.Fatalf("snippet %q has unbalanced <mark>", r.Snippet)
				}
			}
			if depth != 0 {
				t.Fatalf("snippet %q leaves <mark> open", r.Snippet)
			}
			if utf8.ValidString(source) && strings.ContainsAny(r.Snippet, "\uE000\uE001") {
				t.Fatalf("snippet %q keeps a delimiter", r.Snippet)
			}
		}
	})
}
