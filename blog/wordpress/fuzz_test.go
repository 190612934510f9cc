package wordpress_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/folioblog/folio/blog/wordpress"
)

// FuzzReader reads arbitrary bytes as a WXR file: the Reader must never
// panic, must end (with io.EOF or an error) within a bounded number of
// items, and must keep returning its error once it has one. The content
// conversion runs over every post body read.
func FuzzReader(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		if st, err := os.Stat(name); err != nil || st.IsDir() {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		// Large seeds make the mutator slow: the start of a file
		// exercises the same paths.
		if len(data) > 4096 {
			data = data[:4096]
		}
		f.Add(data)
	}
	f.Add([]byte(`<rss xmlns:wp="https://wordpress.org/export/1.2/"><channel><item><wp:post_id>1</wp:post_id><content:encoded>[caption]<img src=x>[/caption] [[x]] [a b=1]</content:encoded></item></channel></rss>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rd := wordpress.NewReader(bytes.NewReader(data))
		for n := 0; ; n++ {
			if n > len(data)+2 {
				t.Fatalf("%d items from %d bytes: the reader does not end", n, len(data))
			}
			it, err := rd.Next()
			if err != nil {
				if _, again := rd.Next(); again != err {
					t.Fatalf("after %v, Next returned %v", err, again)
				}
				if err != io.EOF && it != nil {
					t.Fatalf("an item with an error")
				}
				return
			}
			if p, ok := it.(*wordpress.Post); ok {
				wordpress.ConvertContent(p.Content)
				for _, c := range p.Comments {
					wordpress.AutoParagraphs(c.Content)
				}
			}
		}
	})
}
