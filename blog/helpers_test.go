package blog_test

import (
	"net/url"
	"strings"
	"testing"
)

func unescape(t testing.TB, p string) string {
	t.Helper()
	u, err := url.PathUnescape(p)
	if err != nil {
		t.Fatalf("unescape %q: %v", p, err)
	}
	return u
}

// validSegment reports whether s survives as one path segment.
func validSegment(s string) bool { return s != "" && !strings.Contains(s, "/") }
