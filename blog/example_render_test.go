package blog_test

import (
	"bytes"
	"fmt"

	"github.com/folioblog/folio/blog"
	"github.com/yuin/goldmark"
)

func ExampleRenderer_Render() {
	r, err := blog.NewRenderer(blog.WithExcerptWords(13))
	if err != nil {
		panic(err)
	}
	const source = `Delegates from every province arrived in the capital on Monday for the
congress, the first in five years.

![Delegates arrive](delegates.jpg "(Photo: KCNA)")

The congress closes on Friday.`

	out, err := r.Render(blog.FormatMarkdown, source, "")
	if err != nil {
		panic(err)
	}
	fmt.Print(out.HTML)
	fmt.Println("---")
	fmt.Print(out.Summary)
	fmt.Println("---")
	fmt.Println(out.HasMore, out.WordCount)
	fmt.Println(out.Description)
	// Output:
	// <p>Delegates from every province arrived in the capital on Monday for the
	// congress, the first in five years.</p>
	// <figure><img src="delegates.jpg" alt="Delegates arrive" loading="lazy"><figcaption>(Photo: KCNA)</figcaption></figure>
	// <p>The congress closes on Friday.</p>
	// ---
	// <p>Delegates from every province arrived in the capital on Monday for the
	// congress,…</p>
	// ---
	// true 25
	// Delegates from every province arrived in the capital on Monday for the congress,…
}

func ExampleRenderer_Render_more() {
	r, err := blog.NewRenderer()
	if err != nil {
		panic(err)
	}
	const source = "An *introduction* for the front page.\n\n<!--more-->\n\nThe rest of the post."

	out, err := r.Render(blog.FormatMarkdown, source, "")
	if err != nil {
		panic(err)
	}
	fmt.Print(out.Summary)
	fmt.Println(out.HasMore, out.Description)
	// Output:
	// <p>An <em>introduction</em> for the front page.</p>
	// true An introduction for the front page.
}

func ExampleFigures() {
	// Figures works in any goldmark instance, not only Folio's.
	md := goldmark.New(goldmark.WithExtensions(blog.Figures))
	var buf bytes.Buffer
	src := "[![The cape](cape.jpg \"At dusk (Photo: M. Lind)\")](cape-large.jpg)\n\nAn ![icon](i.png) inline."
	if err := md.Convert([]byte(src), &buf); err != nil {
		panic(err)
	}
	fmt.Print(buf.String())
	// Output:
	// <figure><a href="cape-large.jpg"><img src="cape.jpg" alt="The cape" loading="lazy"></a><figcaption>At dusk (Photo: M. Lind)</figcaption></figure>
	// <p>An <img src="i.png" alt="icon" loading="lazy"> inline.</p>
}
