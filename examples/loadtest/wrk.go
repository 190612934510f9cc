package main

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// wrkResult is what one wrk run printed.
type wrkResult struct {
	Requests int64
	Elapsed  time.Duration
	Rate     float64
	P50, P99 time.Duration
	Errors   int64 // non-2xx/3xx answers and socket errors
}

// errNoWrk means wrk is not on the PATH.
var errNoWrk = errors.New("wrk is not installed (Debian: apt-get install wrk)")

// wrkRun runs wrk against t for d with conns connections and parses what
// it prints.
func wrkRun(ctx context.Context, t target, conns int, d time.Duration) (wrkResult, error) {
	bin, err := exec.LookPath("wrk")
	if err != nil {
		return wrkResult{}, errNoWrk
	}
	threads := min(runtime.NumCPU(), conns)
	secs := max(1, int((d+time.Second/2)/time.Second)) // wrk counts whole seconds
	args := []string{"-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns), "-d", strconv.Itoa(secs) + "s", "--latency"}
	if t.gzip {
		args = append(args, "-H", "Accept-Encoding: gzip")
	}
	args = append(args, t.url)
	ctx, cancel := context.WithTimeout(ctx, time.Duration(secs)*time.Second+30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %w\n%s", err, out)
	}
	return parseWrk(string(out))
}

var (
	wrkTotal   = regexp.MustCompile(`(?m)^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)\b`)
	wrkRate    = regexp.MustCompile(`(?m)^Requests/sec:\s+([\d.]+)`)
	wrkPct     = regexp.MustCompile(`(?m)^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$`)
	wrkNon2xx  = regexp.MustCompile(`(?m)^\s*Non-2xx or 3xx responses:\s+(\d+)`)
	wrkSockets = regexp.MustCompile(`(?m)^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// wrkDuration reads a number and one of wrk's units.
func wrkDuration(num, unit string) (time.Duration, error) {
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, err
	}
	scale := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour}[unit]
	return time.Duration(f * float64(scale)), nil
}

// parseWrk reads the output of wrk --latency.
func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	m := wrkTotal.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("wrk: no request count in its output:\n%s", out)
	}
	r.Requests, _ = strconv.ParseInt(m[1], 10, 64)
	var err error
	if r.Elapsed, err = wrkDuration(m[2], m[3]); err != nil {
		return r, fmt.Errorf("wrk: elapsed %q: %w", m[2], err)
	}
	if m := wrkRate.FindStringSubmatch(out); m != nil {
		r.Rate, _ = strconv.ParseFloat(m[1], 64)
	} else if r.Elapsed > 0 {
		r.Rate = float64(r.Requests) / r.Elapsed.Seconds()
	}
	for _, m := range wrkPct.FindAllStringSubmatch(out, -1) {
		d, err := wrkDuration(m[2], m[3])
		if err != nil {
			return r, fmt.Errorf("wrk: %s%% latency %q: %w", m[1], m[2], err)
		}
		if m[1] == "50" {
			r.P50 = d
		} else {
			r.P99 = d
		}
	}
	if m := wrkNon2xx.FindStringSubmatch(out); m != nil {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		r.Errors += n
	}
	if m := wrkSockets.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.ParseInt(s, 10, 64)
			r.Errors += n
		}
	}
	if strings.TrimSpace(out) == "" {
		return r, errors.New("wrk: no output")
	}
	return r, nil
}
