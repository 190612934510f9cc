package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"time"

	"github.com/folioblog/folio/storage/sqlitestore"
)

// profileFlags are -cpuprofile and -memprofile: pprof profiles of the
// whole time the site serves, written when it shuts down, as go test
// writes them. A load test uses them to see where the time goes.
type profileFlags struct {
	cpu, mem string
}

// addProfileFlags registers -cpuprofile and -memprofile on fs.
func addProfileFlags(fs *flag.FlagSet, cfg *config) {
	fs.StringVar(&cfg.profile.cpu, "cpuprofile", "", "write a CPU profile of the whole run to `FILE` at shut-down")
	fs.StringVar(&cfg.profile.mem, "memprofile", "", "write an allocation profile to `FILE` at shut-down")
	fs.DurationVar(&cfg.slowRequest, "slow-request", 0, "log every goroutine's stack when a request runs longer than `D` (default off)")
}

// startProfiles starts the CPU profile if asked for and returns the
// function that stops it and writes the allocation profile.
func startProfiles(p profileFlags) (stop func() error, err error) {
	var cpu *os.File
	if p.cpu != "" {
		if cpu, err = os.Create(p.cpu); err != nil {
			return nil, fmt.Errorf("-cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			cpu.Close()
			return nil, fmt.Errorf("-cpuprofile: %w", err)
		}
	}
	return func() error {
		if cpu != nil {
			pprof.StopCPUProfile()
			if err := cpu.Close(); err != nil {
				return fmt.Errorf("-cpuprofile: %w", err)
			}
		}
		if p.mem == "" {
			return nil
		}
		f, err := os.Create(p.mem)
		if err != nil {
			return fmt.Errorf("-memprofile: %w", err)
		}
		runtime.GC()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			f.Close()
			return fmt.Errorf("-memprofile: %w", err)
		}
		return f.Close()
	}, nil
}

// slowRequests is -slow-request: when a request is still running after
// after, the log gets a dump of every goroutine's stack, taken while it
// waits (at most one dump every slowDumpGap), to show what it waits for.
func slowRequests(cfg config, h http.Handler) http.Handler {
	after := cfg.slowRequest
	if after <= 0 {
		return h
	}
	var last atomic.Int64 // unix nanoseconds of the last dump
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		t := time.AfterFunc(after, func() {
			now := time.Now().UnixNano()
			prev := last.Load()
			if now-prev < int64(slowDumpGap) || !last.CompareAndSwap(prev, now) {
				return
			}
			var b strings.Builder
			pprof.Lookup("goroutine").WriteTo(&b, 1)
			cfg.log.Warn("site: slow request; goroutines follow", "method", r.Method, "path", r.URL.Path,
				"running", time.Since(start).Round(time.Millisecond), "goroutines", b.String())
		})
		defer t.Stop()
		h.ServeHTTP(w, r)
	})
}

// slowDumpGap is the least time between two goroutine dumps.
const slowDumpGap = 10 * time.Second

// writeStatser is a store that keeps histograms of where its writes
// waited (storage/sqlitestore).
type writeStatser interface {
	WriteStats() sqlitestore.WriteStats
}

// logWriteStats logs the store's write wait times, if it keeps them.
func logWriteStats(cfg config, st any) {
	ws, ok := st.(writeStatser)
	if !ok {
		return
	}
	s := ws.WriteStats()
	q := func(h sqlitestore.Histogram) string {
		return fmt.Sprintf("n=%d p50≤%v p99≤%v max=%v", h.Count, h.Quantile(0.5), h.Quantile(0.99), h.Max)
	}
	cfg.log.Info("site: write wait times", "writer_lock", q(s.LockWait), "sqlite_busy", q(s.Busy),
		"group_wait", q(s.QueueWait), "group_commit", q(s.Commit), "checkpoint", q(s.Checkpoint),
		"comments_per_group", fmt.Sprintf("n=%d max=%d", s.BatchSize.Count, int64(s.BatchSize.Max)),
		"wal_frames_max", int64(s.WALFrames.Max))
}
