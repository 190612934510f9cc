package blog_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/folioblog/folio/blog"
)

func TestFirstImage(t *testing.T) {
	tests := []struct {
		name, html, want string
	}{
		{"none", "<p>No pictures.</p>", ""},
		{"empty", "", ""},
		{"site-relative", `<figure><img src="/media/a.jpg" alt="A"><figcaption>A</figcaption></figure>`, "/media/a.jpg"},
		{"absolute", `<p><img alt="x" src="https://cdn.example.com/b.png"></p>`, "https://cdn.example.com/b.png"},
		{"relative kept as written", `<img src="pics/c.gif">`, "pics/c.gif"},
		{"first of several", `<img src="/1.jpg"><img src="/2.jpg">`, "/1.jpg"},
		{"entities decoded", `<img src="/d.jpg?w=1&amp;h=2">`, "/d.jpg?w=1&h=2"},
		{"single quotes and self-closing", `<img class='x' src='/e.jpg'/>`, "/e.jpg"},
		{"upper-case tag", `<IMG SRC="/f.jpg">`, "/f.jpg"},
		{"data-src is not src", `<img data-src="/lazy.jpg" src="/g.jpg">`, "/g.jpg"},
		{"no src skipped", `<img alt="none"><img src="/h.jpg">`, "/h.jpg"},
		{"blank src skipped", `<img src="  "><img src="/i.jpg">`, "/i.jpg"},
		{"hidden in noscript", `<noscript><img src="/hidden.jpg"></noscript><img src="/j.jpg">`, "/j.jpg"},
		{"hidden in template", `<template><img src="/hidden.jpg"></template><img src="/k.jpg">`, "/k.jpg"},
		{"in a comment", `<!-- <img src="/old.jpg"> --><img src="/l.jpg">`, "/l.jpg"},
		{"text that looks like a tag", `<pre><code>&lt;img src="/code.jpg"&gt;</code></pre>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, blog.FirstImage(tt.html))
		})
	}
}
