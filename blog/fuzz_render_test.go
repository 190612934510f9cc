package blog_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/folioblog/folio/blog"
	"golang.org/x/net/html"
)

// FuzzRender renders arbitrary text as Markdown (with and without raw
// HTML) and as HTML, and checks what must hold for any input: no panic,
// valid UTF-8 out, a balanced body and summary, and nothing that runs
// script.
//
//	go test -run '^$' -fuzz '^FuzzRender$' -fuzztime 60s ./blog/
func FuzzRender(f *testing.F) {
	seeds := []string{
		"",
		"# Title\n\nSome *text* with a [link](https://example.com).",
		"![Delegates arrive](a.jpg \"(Photo: KCNA)\")",
		"[![alt](a.jpg \"cap\")](big.jpg)",
		"Intro\n\n<!--more-->\n\nRest",
		"a <!-- more --> b\n\n```\n<!--more-->\n```",
		"<div onclick=\"x()\"><script>alert(1)</script>**bold",
		"<a href=\"javascript:alert(1)\">x</a> [y](javascript&colon;alert(1))",
		"<img src=x onerror=alert(1)> <svg><script>alert(1)</script></svg>",
		"日本語の文章です。とても長い文章。한국어 텍스트",
		"| a | b |\n|---|---|\n| *c | d* |",
		"- [x] done\n- [ ] *todo",
		"text[^1]\n\n[^1]: note <!--more-->",
		"<table><tr><td>x<p>y</table><a><a>z",
		"> quote *emph\n> more** text",
		strings.Repeat("word *emph* ", 40),
	}
	for i, s := range seeds {
		f.Add(s, uint8(i))
	}

	safe, err := blog.NewRenderer(blog.WithExcerptWords(7))
	if err != nil {
		f.Fatal(err)
	}
	raw, err := blog.NewRenderer(blog.WithRawHTML(), blog.WithExcerptWords(5))
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, source string, mode uint8) {
		r := safe
		if mode&1 == 1 {
			r = raw
		}
		format := blog.FormatMarkdown
		if mode&2 == 2 {
			format = blog.FormatHTML
		}
		excerpt := ""
		if mode&4 == 4 {
			excerpt = source[:len(source)/2]
		}
		out, err := r.Render(format, source, excerpt)
		if !utf8.ValidString(source) || !utf8.ValidString(excerpt) {
			var ve *blog.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("invalid UTF-8: got %v, want a *ValidationError", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		for name, s := range map[string]string{
			"HTML": string(out.HTML), "Summary": string(out.Summary), "Description": out.Description,
		} {
			if !utf8.ValidString(s) {
				t.Fatalf("%s is not valid UTF-8: %q", name, s)
			}
		}
		for name, s := range map[string]string{"HTML": string(out.HTML), "Summary": string(out.Summary)} {
			if err := balanced(s); err != nil {
				t.Fatalf("%s is not balanced: %v\n%q", name, err, s)
			}
			if err := scriptFree(s); err != nil {
				t.Fatalf("%s: %v\n%q", name, err, s)
			}
		}
		if n := utf8.RuneCountInString(out.Description); n > 160 {
			t.Fatalf("Description has %d characters: %q", n, out.Description)
		}
		if !out.HasMore && out.Summary != out.HTML {
			t.Fatalf("HasMore is false but Summary differs from HTML")
		}
	})
}

// scriptFree reports an element or attribute of s through which a browser
// could run script.
func scriptFree(s string) error {
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return nil
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "style", "iframe", "object", "embed", "svg", "math", "form", "base", "meta", "link":
				return errors.New("element <" + tok.Data + ">")
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					return errors.New("attribute " + a.Key)
				}
				v := strings.ToLower(strings.TrimSpace(a.Val))
				for _, scheme := range []string{"javascript:", "vbscript:", "data:"} {
					if (a.Key == "href" || a.Key == "src") && strings.HasPrefix(v, scheme) {
						return errors.New("URL " + a.Val)
					}
				}
			}
		}
	}
}
