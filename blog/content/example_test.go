package content_test

import (
	"context"
	"fmt"
	"testing/fstest"
	"time"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/content"
	"github.com/folioblog/folio/storage/memstore"
)

func ExampleSync() {
	ctx := context.Background()
	b, _ := blog.New(memstore.New(), blog.WithLocation(time.UTC))
	posts := fstest.MapFS{
		"hello.md": {Data: []byte("---\ntitle: Hello\ndate: 2024-01-02\ntags: [go]\n---\nSee {{< ref \"world\" >}}.\n")},
		"world.md": {Data: []byte("+++\ntitle = \"World\"\ndate = 2024-01-03\n+++\n{{< tweet 1 >}}\n")},
	}
	state := &content.MemState{}
	sum, err := content.Sync(ctx, b, posts, content.Options{State: state})
	if err != nil {
		panic(err)
	}
	fmt.Println("imported:", sum.Imported, "placeholders:", sum.Placeholders)
	p, _ := b.GetPostBySlug(ctx, "hello")
	fmt.Print(p.Source)

	sum, _ = content.Sync(ctx, b, posts, content.Options{State: state})
	fmt.Println("again, unchanged:", sum.Unchanged)
	// Output:
	// imported: 2 placeholders: 1
	// See /2024/01/03/world/.
	// again, unchanged: 2
}
