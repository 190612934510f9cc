package comments_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/folioblog/folio/comments"
)

const benchBody = "Thanks for the *write-up*. I tried the second step and it worked,\n\n> but the first one\n\nneeded `sudo`. See https://example.com/notes for details."

// BenchmarkSubmit compares the whole submission pipeline with its
// baseline, rendering the body alone.
func BenchmarkSubmit(b *testing.B) {
	b.Run("render only", func(b *testing.B) {
		b.ReportAllocs()
		r := comments.NewRenderer()
		for b.Loop() {
			if _, err := r.Render(benchBody); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("submit", func(b *testing.B) {
		b.ReportAllocs()
		// Rules that read no store, and a thread per comment, so that the
		// in-memory store's scans do not grow with b.N.
		h := newHarness(b, comments.WithFloodInterval(0), comments.WithRules(comments.LinkLimit(2), comments.ModerationWords("casino")))
		i := 0
		for b.Loop() {
			i++
			s := h.sub(fmt.Sprint("p", i), "Ann", "ann@example.com", benchBody)
			if _, err := h.svc.Submit(context.Background(), s); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkToken measures issuing and checking a form token.
func BenchmarkToken(b *testing.B) {
	h := newHarness(b)
	b.Run("new", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = h.svc.NewToken("p")
		}
	})
	b.Run("new and verify", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := h.svc.VerifyToken(context.Background(), h.svc.NewToken("p"), "p", "192.0.2.1"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkBuildTree arranges a thread of 1000 comments, a third of them
// replies.
func BenchmarkBuildTree(b *testing.B) {
	list := make([]*comments.Comment, 1000)
	for i := range list {
		c := &comments.Comment{ID: int64(i + 1), CreatedAt: start.Add(time.Duration(i) * time.Second)}
		if i%3 == 2 {
			c.ParentID = int64(i - 1)
		}
		list[i] = c
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = comments.BuildTree(list)
	}
}
