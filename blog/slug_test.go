package blog_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
)

func TestSlugify(t *testing.T) {
	tests := []struct {
		name, title, want string
	}{
		{"ascii", "Hello, World!", "hello-world"},
		{"runs of punctuation", "  Go -- 1.26: what's new?  ", "go-1-26-what-s-new"},
		{"cyrillic kept", "Привет, мир", "привет-мир"},
		{"japanese kept", "日本語のブログ", "日本語のブログ"},
		{"accents kept and composed", "Cafe\u0301 crème", "café-crème"},
		{"bidi controls removed", "abc\u202edef\u202c", "abcdef"},
		{"zero width removed", "zero\u200bwidth\u200d", "zerowidth"},
		{"every format character removed", "a\u00adb\u061cc\u2066d\u2069e\U000e0041f\u180eg", "abcdefg"},
		{"hangul fillers removed", "\u3164a\u115fb\u1160c\uffa0", "abc"},
		{"filler-only title", "\u3164\u3164", ""},
		{"digits", "2013 in review", "2013-in-review"},
		{"only punctuation", "!!! ???", ""},
		{"emoji only", "🎉🎉", ""},
		{"upper-case greek", "ΑΘΗΝΑ", "αθηνα"},
		{"invalid utf-8 dropped", "ab\xffcd", "abcd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, blog.Slugify(tt.title))
		})
	}
}

func TestSlugify_longTitlesAreCutAtARuneBoundary(t *testing.T) {
	s := blog.Slugify(strings.Repeat("я", 150)) // 300 bytes
	assert.LessOrEqual(t, len(s), blog.MaxSlugBytes)
	assert.True(t, utf8.ValidString(s))
	assert.NotEmpty(t, s)
}

func TestCheckSlug(t *testing.T) {
	tests := []struct {
		name, slug, want string
		wantErr          bool
	}{
		{"plain", "my-post", "my-post", false},
		{"lower-cased", "My-Post", "my-post", false},
		{"spaces become hyphens", "my post", "my-post", false},
		{"unicode", "привет-мир", "привет-мир", false},
		{"bidi removed", "a\u202eb", "ab", false},
		{"format characters and fillers removed", "a\u00ad\u2066b\u3164c", "abc", false},
		{"only fillers", "\u3164\uffa0", "", true},
		{"empty", "", "", true},
		{"slash", "a/b", "", true},
		{"backslash", `a\b`, "", true},
		{"only punctuation", "---", "", true},
		{"only punctuation mixed", "-._~!", "", true},
		{"control character", "a\x00b", "", true},
		{"query", "a?b", "", true},
		{"percent", "a%2fb", "", true},
		{"invalid utf-8", "a\xffb", "", true},
		{"too long", strings.Repeat("a", blog.MaxSlugBytes+1), "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := blog.CheckSlug(tt.slug)
			if tt.wantErr {
				var ve *blog.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, "slug", ve.Field)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
