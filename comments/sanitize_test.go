package comments_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
)

func TestRenderHTML(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"allowed tags kept", `<p>Nice <strong>photo</strong>, <em>really</em>.</p>`, `<p>Nice <strong>photo</strong>, <em>really</em>.</p>`},
		{"links get rel", `<a href="https://example.com/">me</a>`, `<a href="https://example.com/" rel="nofollow ugc noopener">me</a>`},
		{"given rel replaced", `<a href="https://example.com/" rel="dofollow">me</a>`, `<a href="https://example.com/" rel="nofollow ugc noopener">me</a>`},
		{"script removed", `hi<script>alert(1)</script>`, `hi`},
		{"handler removed", `<b onclick="alert(1)">x</b>`, `x`},
		{"javascript link removed", `<a href="javascript:alert(1)">x</a>`, `x`},
		{"image dropped", `<img src="https://example.com/a.jpg" onerror="alert(1)">`, ``},
		{"style removed", `<p style="color:red">x</p>`, `<p>x</p>`},
		{"empty", "  ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := comments.RenderHTML(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
			assertSafeHTML(t, tt.in, string(got), false)
		})
	}
	_, err := comments.RenderHTML("bad \xff")
	assert.ErrorIs(t, err, comments.ErrInvalidUTF8)
}
