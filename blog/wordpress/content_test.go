package wordpress_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/wordpress"
)

func TestConvertContent(t *testing.T) {
	tests := []struct {
		name, in, want string
		captions       int
		shortcodes     []string
	}{
		{"empty", "", "", 0, nil},
		{"one paragraph", "Hello.", "<p>Hello.</p>", 0, nil},
		{"blank lines make paragraphs", "One.\n\nTwo.\r\n\r\nThree.", "<p>One.</p>\n<p>Two.</p>\n<p>Three.</p>", 0, nil},
		{"single newline is a break", "One\ntwo", "<p>One<br />\ntwo</p>", 0, nil},
		{"block elements are not wrapped", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n\nAfter.", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<p>After.</p>", 0, nil},
		{"text inside a div gets a paragraph", "<div>In\nside</div>", "<div>In<br />\nside</div>", 0, nil},
		{"pre is left alone", "Code:\n\n<pre>a\n\nb</pre>\n\nEnd.", "<p>Code:</p>\n<pre>a\n\nb</pre>\n<p>End.</p>", 0, nil},
		{"more marker between paragraphs", "Intro.\n<!--more-->\nRest.", "<p>Intro.</p>\n<!--more-->\n<p>Rest.</p>", 0, nil},
		{"inline more marker stays inline", "Intro <!--more--> rest.", "<p>Intro <!--more--> rest.</p>", 0, nil},
		{"blockquote", "<blockquote>Said.</blockquote>", "<blockquote><p>Said.</p></blockquote>", 0, nil},
		{
			"caption", `[caption id="attachment_1" align="alignright" width="200"]<img src="a.jpg" alt="A" /> The caption[/caption]`,
			`<figure class="alignright"><img src="a.jpg" alt="A" /><figcaption>The caption</figcaption></figure>`, 1, nil,
		},
		{
			"caption with link", "Before.\n\n[caption align=\"bogus\"]<a href=\"big.jpg\"><img src=\"a.jpg\"></a> Text <em>here</em>[/caption]",
			"<p>Before.</p>\n<figure><a href=\"big.jpg\"><img src=\"a.jpg\"></a><figcaption>Text <em>here</em></figcaption></figure>", 1, nil,
		},
		{
			"caption attribute (older form)", `[caption id="" align="alignnone" caption="Old style"]<img src="a.jpg" />[/caption]`,
			`<figure class="alignnone"><img src="a.jpg" /><figcaption>Old style</figcaption></figure>`, 1, nil,
		},
		{
			"gallery on its own line", "Look:\n\n[gallery ids=\"1,2,3\"]\n\nNice.",
			"<p>Look:</p>\n<p class=\"folio-shortcode\">[gallery ids=&#34;1,2,3&#34;]</p>\n<p>Nice.</p>", 0, []string{`[gallery ids="1,2,3"]`},
		},
		{
			"known shortcode without attributes", "[gallery]",
			`<p class="folio-shortcode">[gallery]</p>`, 0, []string{"[gallery]"},
		},
		{
			"unknown inline shortcode", `Play [tune id="9"] now.`,
			`<p>Play <span class="folio-shortcode">[tune id=&#34;9&#34;]</span> now.</p>`, 0, []string{`[tune id="9"]`},
		},
		{
			"enclosing unknown shortcode keeps its content", "[box]Inside[/box]",
			`<p><span class="folio-shortcode">[box]</span>Inside<span class="folio-shortcode">[/box]</span></p>`, 0, []string{"[box]"},
		},
		{"bracketed words are text", "He said [sic] and [1].", "<p>He said [sic] and [1].</p>", 0, nil},
		{"escaped shortcode", "Write [[gallery]] to show one.", "<p>Write [gallery] to show one.</p>", 0, nil},
		{"block editor content keeps its markup", "<!-- wp:paragraph -->\n<p>Hi\nthere</p>\n<!-- /wp:paragraph -->", "<!-- wp:paragraph -->\n<p>Hi\nthere</p>\n<!-- /wp:paragraph -->", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wordpress.ConvertContent(tt.in)
			assert.Equal(t, tt.want, got.HTML)
			assert.Equal(t, tt.captions, got.Captions)
			assert.Equal(t, tt.shortcodes, got.Shortcodes)
		})
	}
}

// Converting what ConvertContent made changes nothing: paragraphs and
// figures are not wrapped twice.
func TestConvertContent_idempotent(t *testing.T) {
	inputs := []string{
		"One.\n\nTwo\nthree.",
		"<ul>\n<li>a</li>\n</ul>\n\nText <em>x</em>\nmore",
		"Intro.\n<!--more-->\nRest.",
		"<figure><img src=\"b.jpg\">\n<figcaption>Typed by hand</figcaption></figure>",
		"[caption align=\"alignleft\"]<img src=\"a.jpg\"> Cap[/caption]\n\nAfter.",
	}
	for _, in := range inputs {
		once := wordpress.ConvertContent(in).HTML
		assert.Equal(t, once, wordpress.ConvertContent(once).HTML, "input %q", in)
	}
}

// The post policy keeps what the conversion makes: figures, captions,
// images, links, and the placeholders' class.
func TestConvertContent_survivesPostPolicy(t *testing.T) {
	r, err := blog.NewRenderer()
	if !assert.NoError(t, err) {
		return
	}
	c := wordpress.ConvertContent("[caption align=\"alignleft\"]<a href=\"http://x.example/big.jpg\"><img src=\"http://x.example/a.jpg\" alt=\"A\" width=\"300\" /></a> Cap[/caption]\n\n[gallery ids=\"1\"]")
	out, err := r.Render(blog.FormatHTML, c.HTML, "")
	assert.NoError(t, err)
	assert.Equal(t, `<figure class="alignleft"><a href="http://x.example/big.jpg"><img src="http://x.example/a.jpg" alt="A" width="300"/></a><figcaption>Cap</figcaption></figure>`+"\n"+`<p class="folio-shortcode">[gallery ids=&#34;1&#34;]</p>`, string(out.HTML))
}

func TestAutoParagraphs(t *testing.T) {
	assert.Equal(t, "<p>a<br />\nb</p>\n<p>[gallery]</p>", wordpress.AutoParagraphs("a\nb\n\n[gallery]"))
}
