package content_test

import (
	"context"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/content"
	"github.com/folioblog/folio/storage/memstore"
)

func TestShortcodes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body, want string
		placeholders     int
	}{
		{"figure", `{{< figure src="/a.jpg" alt="A [b]" caption="Say \"hi\"" >}}`, `![A \[b\]](/a.jpg "Say \"hi\"")`, 0},
		{"figure percent", `{{% figure src="a.jpg" %}}`, `![](a.jpg)`, 0},
		{"highlight", "{{< highlight python \"linenos=table\" >}}\nprint(1)\n{{< /highlight >}}", "```python\nprint(1)\n```", 0},
		{"liquid highlight", "{% highlight ruby linenos %}\nputs 1\n{% endhighlight %}", "```ruby\nputs 1\n```", 0},
		{"ref", `[x]({{< ref "other.md" >}})`, "[x](/2021/01/01/other/)", 0},
		{"ref missing", `{{< ref "nowhere" >}}`, "[unsupported shortcode: ref nowhere]", 1},
		{"unknown paired", "{{< warning >}}Careful{{< /warning >}}", "[unsupported shortcode: warning]Careful", 2},
		{"unknown liquid", "{% include x.html %}", "[unsupported shortcode: include]", 1},
		{"unreadable opener", "a {{< b", "a [unsupported shortcode: {<] b", 1},
		{"go template left alone outside Jekyll", "`{{ .Title }}`", "`{{ .Title }}`", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fsys := fstest.MapFS{
				"post.md":  {Data: []byte("---\ntitle: Post\ndate: 2021-01-02\n---\n" + tc.body + "\n")},
				"other.md": {Data: []byte("---\ntitle: Other\ndate: 2021-01-01T12:00:00\n---\nx\n")},
			}
			b, _ := newBlog(t)
			sum, err := content.Sync(context.Background(), b, fsys, content.Options{})
			require.NoError(t, err)
			assert.Equal(t, tc.placeholders, sum.Placeholders)
			assert.Contains(t, bySlug(t, b, "post").Source, tc.want)
		})
	}
}

// FuzzShortcodes checks that no shortcode or Liquid opener reaches a post.
func FuzzShortcodes(f *testing.F) {
	for _, s := range []string{`{{< figure src="a" >}}`, "{% highlight go %}\nx\n{% endhighlight %}", `{{< ref "x" >}}`, "{{% a %}}{{< /a >}}", "{%{{<"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		b, err := blog.New(memstore.New(), blog.WithLocation(time.UTC))
		require.NoError(t, err)
		fsys := fstest.MapFS{"_config.yml": {Data: []byte("title: x\n")}, "_posts/2020-01-01-p.md": {Data: []byte("---\ntitle: P\n---\n" + body)}}
		_, err = content.Sync(context.Background(), b, fsys, content.Options{})
		require.NoError(t, err)
		p, err := b.GetPostBySlug(context.Background(), "p")
		if err != nil {
			return // refused by the blog's validation
		}
		for _, o := range []string{"{{<", "{{%", "{%"} {
			require.NotContains(t, p.Source, o)
		}
	})
}
