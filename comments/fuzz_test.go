package comments_test

import (
	"context"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/folioblog/folio/comments"
)

// FuzzRender checks that whatever the text, Render either rejects it as
// invalid UTF-8 or returns valid UTF-8 HTML that passes the safety
// checker, with and without images.
func FuzzRender(f *testing.F) {
	for _, tc := range readXSSCases(f) {
		f.Add(tc.input)
	}
	for _, tc := range controlCharCases {
		f.Add(tc.input)
	}
	for _, shape := range pathological(4 << 10) {
		f.Add(shape)
	}
	for _, seed := range []string{
		"<p>Hello</p>",
		"<blockquote>Quoted</blockquote>Nice idea. <b>bold</b> <q>q</q> <abbr title=\"t\">a</abbr>",
		"",
		"plain *text* with [a link](https://a.example/ \"t\") and www.b.example",
		"- a\n- b\n\n1. c\n\n> q\n\n```\ncode\n```",
		"![i](https://i.example/i.png) ![j](data:image/png;base64,AAAA)",
		"[x](<http://a.example/\"><svg onload=alert(1)>>)",
		"<a href=\"http://a.example/\" rel=\"nofollow\">x</a>",
		"bad \xff utf-8",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		for _, r := range renderers {
			out, err := r.render(input)
			if !utf8.ValidString(input) {
				if !errors.Is(err, comments.ErrInvalidUTF8) {
					t.Fatalf("%s: invalid UTF-8 %q: got error %v, want ErrInvalidUTF8", r.name, input, err)
				}
				if out != "" {
					t.Fatalf("%s: invalid UTF-8 %q gave output %q", r.name, input, out)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %q: unexpected error %v", r.name, input, err)
			}
			if !utf8.ValidString(out) {
				t.Fatalf("%s: %q: output is not valid UTF-8: %q", r.name, input, out)
			}
			assertSafeHTML(t, input, out, r.images)
		}
	})
}

// FuzzService_Submit checks that any submission is either refused with a
// clear error or stored within every limit, and never panics.
func FuzzService_Submit(f *testing.F) {
	f.Add("Ann", "ann@example.com", "https://ann.example", "Hello *world*")
	f.Add("", "", "", "")
	f.Add("<script>", "a@b.c", "javascript:alert(1)", "\x00")
	f.Add("é\xff", "Ann <ann@example.com>", "http://[::1]:80/", "[x](javascript:alert(1))")
	f.Fuzz(func(t *testing.T, name, email, site, body string) {
		h := newHarness(t, comments.WithRules())
		s := h.sub("p", name, email, body)
		s.Author.URL = site
		c, err := h.svc.Submit(context.Background(), s)
		if err != nil {
			var ve *comments.ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) == 0 {
				t.Fatalf("refused without a *ValidationError: %v", err)
			}
			return
		}
		a := c.Author
		if len(a.Name) > comments.MaxAuthorBytes || len(a.Email) > comments.MaxEmailBytes ||
			len(a.URL) > comments.MaxURLBytes || len(c.Source) > comments.MaxCommentBytes {
			t.Fatalf("stored beyond a limit: %+v", c)
		}
		for _, v := range []string{a.Name, a.Email, a.URL, c.Source, string(c.HTML)} {
			if !utf8.ValidString(v) {
				t.Fatalf("stored invalid UTF-8: %q", v)
			}
		}
		if a.Name == "" || a.Email == "" || c.Source == "" {
			t.Fatalf("stored without a required field: %+v", c)
		}
	})
}

// FuzzService_VerifyToken checks that no token signed with another key, or
// no token at all, is accepted, and that none makes it panic.
func FuzzService_VerifyToken(f *testing.F) {
	h := newHarness(f)
	f.Add(h.svc.NewToken("p"))
	f.Add("")
	f.Add("AQ")
	f.Fuzz(func(t *testing.T, tok string) {
		h := newHarness(t, comments.WithTokenKey([]byte("another key of 32 bytes or more..")))
		err := h.svc.VerifyToken(context.Background(), tok, "p", "192.0.2.1")
		if err == nil {
			t.Fatalf("accepted a token this Service never issued: %q", tok)
		}
		if !errors.Is(err, comments.ErrBadToken) {
			t.Fatalf("not ErrBadToken: %v", err)
		}
	})
}
