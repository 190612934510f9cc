//go:build unix

package blog_test

import (
	"bytes"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/folioblog/folio/blog"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

func readBenchPost(b *testing.B) string {
	b.Helper()
	src, err := os.ReadFile(benchPost)
	if err != nil {
		b.Fatal(err)
	}
	return string(src)
}

// cpuTime returns the CPU time the process has used so far, all threads
// (the garbage collector's included).
func cpuTime(b *testing.B) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs f b.N times and reports, beside the wall time, the CPU
// time per operation, which other processes on a busy machine disturb
// much less.
func measure(b *testing.B, size int, f func()) {
	b.SetBytes(int64(size))
	b.ReportAllocs()
	start := cpuTime(b)
	n := 0
	for b.Loop() {
		f()
		n++
	}
	b.ReportMetric(float64(cpuTime(b)-start)/float64(n), "cpu-ns/op")
}

// BenchmarkRender compares the whole pipeline (Renderer.Render: parse,
// word count, excerpt, description, and the policy where it runs) with
// plain goldmark converting the same text with the same extensions. Run
// them together and compare ns/op:
//
//	go test -run '^$' -bench 'BenchmarkRender' -benchmem -count 6 ./blog/
func BenchmarkRender(b *testing.B) {
	src := readBenchPost(b)

	b.Run("goldmark", func(b *testing.B) {
		md := goldmark.New(
			goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.Typographer, blog.Figures),
			goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		)
		in := []byte(src)
		var buf bytes.Buffer
		measure(b, len(src), func() {
			buf.Reset()
			if err := md.Convert(in, &buf); err != nil {
				b.Fatal(err)
			}
			_ = buf.String()
		})
	})

	for _, c := range []struct {
		name string
		opts []blog.RenderOption
	}{
		{"Renderer", nil},
		{"RendererPolicy", []blog.RenderOption{blog.WithPolicy(blog.PostPolicy())}},
		{"RendererRaw", []blog.RenderOption{blog.WithRawHTML()}},
	} {
		b.Run(c.name, func(b *testing.B) {
			r, err := blog.NewRenderer(c.opts...)
			if err != nil {
				b.Fatal(err)
			}
			measure(b, len(src), func() {
				if _, err := r.Render(blog.FormatMarkdown, src, ""); err != nil {
					b.Fatal(err)
				}
			})
		})
	}

	b.Run("RendererHTMLSource", func(b *testing.B) {
		r, err := blog.NewRenderer()
		if err != nil {
			b.Fatal(err)
		}
		out, err := r.Render(blog.FormatMarkdown, src, "")
		if err != nil {
			b.Fatal(err)
		}
		in := string(out.HTML)
		measure(b, len(in), func() {
			if _, err := r.Render(blog.FormatHTML, in, ""); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// BenchmarkRenderRatio alternates plain goldmark and Renderer.Render on
// the same post, one operation each in turn, and reports their times per
// operation and the ratio between them: drifts in the machine's load hit
// both alike, so the ratio holds steadier than two separate benchmarks.
//
//	go test -run '^$' -bench 'BenchmarkRenderRatio' -benchmem -count 6 ./blog/
func BenchmarkRenderRatio(b *testing.B) {
	src := readBenchPost(b)
	in := []byte(src)
	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.Typographer, blog.Figures),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	)
	r, err := blog.NewRenderer()
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	var plain, full time.Duration
	b.ReportAllocs()
	convert := func() time.Duration {
		t := time.Now()
		buf.Reset()
		if err := md.Convert(in, &buf); err != nil {
			b.Fatal(err)
		}
		_ = buf.String()
		return time.Since(t)
	}
	render := func() time.Duration {
		t := time.Now()
		if _, err := r.Render(blog.FormatMarkdown, src, ""); err != nil {
			b.Fatal(err)
		}
		return time.Since(t)
	}
	i := 0
	for b.Loop() {
		// Alternate the order too, so that neither always runs first.
		if i%2 == 0 {
			plain += convert()
			full += render()
		} else {
			full += render()
			plain += convert()
		}
		i++
	}
	b.ReportMetric(float64(plain.Nanoseconds())/float64(b.N), "goldmark-ns/op")
	b.ReportMetric(float64(full.Nanoseconds())/float64(b.N), "render-ns/op")
	b.ReportMetric(float64(full)/float64(plain), "ratio")
}
