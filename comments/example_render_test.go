package comments_test

import (
	"fmt"

	"github.com/folioblog/folio/comments"
)

func ExampleRender() {
	html, err := comments.Render("Nice post! See [my notes](https://notes.example/lake)\n" +
		"and <b>this</b><img src=x onerror=alert(2)> [too](javascript:alert(1)).")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(html)
	// Output:
	// <p>Nice post! See <a href="https://notes.example/lake" rel="nofollow ugc noopener">my notes</a><br>
	// and <b>this</b>  too.</p>
}

func ExampleNewRenderer() {
	r := comments.NewRenderer(comments.WithImages())
	html, err := r.Render("![The lake](https://photos.example/lake.jpg \"January\")\n" +
		"![tracker](data:image/png;base64,iVBORw0KGgo=)")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(html)
	// Output:
	// <p><img src="https://photos.example/lake.jpg" alt="The lake" title="January"><br>
	// tracker</p>
}

func ExampleSafeURL() {
	for _, raw := range []string{"HTTPS://Example.COM/about", "javascript:alert(1)", "http://user:pass@example.com/"} {
		u, ok := comments.SafeURL(raw)
		fmt.Printf("%q %v\n", u, ok)
	}
	// Output:
	// "https://example.com/about" true
	// "" false
	// "" false
}
