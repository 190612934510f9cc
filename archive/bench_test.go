package archive_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/folioblog/folio/archive"
)

// benchTimes returns n publish times spread over 2006 to 2025, the same for
// every call with the same n.
func benchTimes(n int) []time.Time {
	r := rand.New(rand.NewPCG(2013, 1))
	start := time.Date(2006, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	span := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix() - start
	out := make([]time.Time, n)
	for i := range out {
		out[i] = time.Unix(start+r.Int64N(span), 0).UTC()
	}
	return out
}

func benchLoc(b *testing.B) *time.Location {
	b.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		b.Fatal(err)
	}
	return loc
}

var sink int

// BenchmarkBuild compares Build with a bare loop that only buckets the same
// times by local month into a map.
func BenchmarkBuild(b *testing.B) {
	loc := benchLoc(b)
	times := benchTimes(1_000_000)
	b.Run("baseline=map", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			counts := make(map[int]int)
			for _, t := range times {
				y, m, _ := t.In(loc).Date()
				counts[y*12+int(m)-1]++
			}
			sink += len(counts)
		}
	})
	b.Run("subject=Build", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink += archive.Build(times, loc).Total()
		}
	})
}

// BenchmarkBuildPaired runs the baseline loop and Build one after the other
// in every iteration and reports Build's time as a multiple of the
// baseline's, which holds up better on a busy machine than two separate runs.
func BenchmarkBuildPaired(b *testing.B) {
	loc := benchLoc(b)
	times := benchTimes(1_000_000)
	var base, subject time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		counts := make(map[int]int)
		for _, t := range times {
			y, m, _ := t.In(loc).Date()
			counts[y*12+int(m)-1]++
		}
		mid := time.Now()
		ix := archive.Build(times, loc)
		end := time.Now()
		sink += len(counts) + ix.Total()
		base += mid.Sub(start)
		subject += end.Sub(mid)
	}
	b.ReportMetric(float64(subject)/float64(base), "build/baseline")
}

// BenchmarkAdd measures one Add on indexes of different sizes. The times
// added are taken out again, off the clock, every batch so the index keeps
// its size.
func BenchmarkAdd(b *testing.B) {
	loc := benchLoc(b)
	extra := benchTimes(4096 + 7)[7:]
	for _, n := range []int{1_000, 1_000_000} {
		b.Run(fmt.Sprintf("posts=%d", n), func(b *testing.B) {
			ix := archive.Build(benchTimes(n), loc)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				j := i % len(extra)
				ix.Add(extra[j])
				if j == len(extra)-1 || i == b.N-1 {
					b.StopTimer()
					for k := j; k >= 0; k-- {
						if !ix.Remove(extra[k]) {
							b.Fatal("added time missing")
						}
					}
					b.StartTimer()
				}
			}
			if ix.Total() != n {
				b.Fatalf("Total = %d, want %d", ix.Total(), n)
			}
		})
	}
}

// BenchmarkMonths measures Months on indexes of different sizes covering
// the same months.
func BenchmarkMonths(b *testing.B) {
	loc := benchLoc(b)
	for _, n := range []int{1_000, 1_000_000} {
		b.Run(fmt.Sprintf("posts=%d", n), func(b *testing.B) {
			ix := archive.Build(benchTimes(n), loc)
			b.ReportAllocs()
			for b.Loop() {
				sink += len(ix.Months())
			}
		})
	}
}
