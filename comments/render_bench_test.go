package comments_test

import (
	"bytes"
	"errors"
	"html/template"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"

	"github.com/folioblog/folio/comments"
)

// benchComment is a typical comment of about 1 KB: two paragraphs, a link,
// a bare URL, emphasis, a short list and a line break.
const benchComment = `Thanks for writing this up! I walked the same loop around the lake last
January and the light was exactly as you describe it: *flat* in the morning
and **golden** for about twenty minutes before sunset. The photo with the
frozen jetty is my favourite; the caption made me laugh.

A few things that helped us, in case anyone else plans the trip:

- start from the north car park, it is plowed first
- bring crampons, the boardwalk is ~~safe~~ very slippery after noon
- the café by the bridge closes at 4pm in winter

If you go back, the [regional trail map](https://maps.example.org/trails/lake-loop?season=winter)
has the shortcut through the birch wood marked, and the visitor centre posts
ice reports on www.lakeside.example every morning. I'd also recommend the
little museum in town: it has old photos of the ice harvest from the 1920s,
which would make a great follow-up post. Looking forward to the spring one!
Mail me at reader@example.com if you want the GPS track.
`

// directPipeline is the baseline: goldmark and bluemonday called directly,
// with the same Markdown extensions and the same allowlist as Folio's
// Renderer, but none of its link handling.
func directPipeline() func(string) template.HTML {
	md := goldmark.New(
		goldmark.WithExtensions(
			extension.Strikethrough,
			extension.NewLinkify(extension.WithLinkifyAllowedProtocols([]string{"http:", "https:"})),
		),
		goldmark.WithRendererOptions(html.WithHardWraps()),
	)
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li")
	p.AllowAttrs("start").Matching(regexp.MustCompile(`^[0-9]{1,9}$`)).OnElements("ol")
	p.AllowAttrs("href", "title").OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^nofollow ugc noopener$`)).OnElements("a")
	p.RequireNoFollowOnLinks(true)
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	web := func(u *url.URL) bool { return u.Host != "" && u.User == nil && u.Opaque == "" }
	p.AllowURLSchemeWithCustomPolicy("http", web)
	p.AllowURLSchemeWithCustomPolicy("https", web)
	p.AllowURLSchemeWithCustomPolicy("mailto", func(u *url.URL) bool { return u.Opaque != "" && u.Host == "" })
	p.AddSpaceWhenStrippingTag(true)

	return func(s string) template.HTML {
		var buf bytes.Buffer
		if err := md.Convert([]byte(s), &buf); err != nil {
			panic(err)
		}
		return template.HTML(p.SanitizeBytes(buf.Bytes()))
	}
}

func BenchmarkRender(b *testing.B) {
	b.Run("folio", func(b *testing.B) {
		if _, err := comments.Render(benchComment); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.SetBytes(int64(len(benchComment)))
		for b.Loop() {
			if _, err := comments.Render(benchComment); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("direct", func(b *testing.B) {
		render := directPipeline()
		b.ReportAllocs()
		b.SetBytes(int64(len(benchComment)))
		for b.Loop() {
			_ = render(benchComment)
		}
	})
}

// BenchmarkRender_Pathological renders, with the default renderer, texts
// of the largest size a comment may have whose shapes once cost time in
// the square of their length, beside an ordinary comment of the same size
// (benchComment repeated): the ratio of each to "ordinary" is what
// BENCHMARKS.md records. A text refused as too large still costs its
// rendering.
func BenchmarkRender_Pathological(b *testing.B) {
	size := comments.MaxCommentBytes - 16
	shapes := pathological(size)
	shapes["ordinary"] = strings.Repeat(benchComment, size/len(benchComment))
	names := slices.Sorted(maps.Keys(shapes))
	for _, name := range names {
		in := shapes[name]
		b.Run(strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				if _, err := comments.Render(in); err != nil && !errors.Is(err, comments.ErrHTMLTooLarge) {
					b.Fatal(err)
				}
			}
		})
	}
}
