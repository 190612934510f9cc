package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// histogram counts latencies in log-linear buckets: exact below 128 ns,
// then 64 buckets per power of two, so a percentile read from it is within
// about 1.6% of the true value. Its memory is fixed, whatever the count.
type histogram struct {
	counts [histBuckets]uint64
	n      uint64
	max    time.Duration
}

const (
	histSub     = 64 // buckets per power of two
	histLinear  = 2 * histSub
	histBuckets = histLinear + histSub*42 // up to 2^48 ns, about 78 hours
)

func histIndex(d time.Duration) int {
	v := uint64(max(d, 0))
	if v < histLinear {
		return int(v)
	}
	shift := bits.Len64(v) - 7 // v>>shift is in [64, 128)
	i := histLinear + (shift-1)*histSub + int(v>>shift) - histSub
	return min(i, histBuckets-1)
}

// histValue is the middle of bucket i.
func histValue(i int) time.Duration {
	if i < histLinear {
		return time.Duration(i)
	}
	shift := (i-histLinear)/histSub + 1
	m := uint64((i-histLinear)%histSub + histSub)
	return time.Duration(m<<shift + 1<<(shift-1))
}

func (h *histogram) record(d time.Duration) {
	h.counts[histIndex(d)]++
	h.n++
	h.max = max(h.max, d)
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// quantile returns the latency below which a fraction q of the
// recordings fall; 0 when there are none.
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.5)
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(histValue(i), h.max)
		}
	}
	return h.max
}

// target is what one load run asks for.
type target struct {
	url     string
	gzip    bool
	wantLen int // the expected body length, or -1 for any
}

// runResult is what one load run measured.
type runResult struct {
	Requests int64
	Errors   int64 // transport errors, non-200 answers and bodies of another length
	Bytes    int64
	Elapsed  time.Duration
	Hist     *histogram
	FirstErr string
}

// rate is requests per second.
func (r runResult) rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// newLoadTransport returns a keep-alive transport for conns concurrent
// connections to one host, leaving compressed bodies as they are.
func newLoadTransport(conns int) *http.Transport {
	return &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
}

// loadRun sends GETs for t from a fixed pool of conns goroutines sharing
// one client, each reading every body fully, until d has passed; it
// records each request's latency.
func loadRun(ctx context.Context, c *http.Client, t target, conns int, d time.Duration) (runResult, error) {
	req0, err := http.NewRequest(http.MethodGet, t.url, nil)
	if err != nil {
		return runResult{}, err
	}
	if t.gzip {
		req0.Header.Set("Accept-Encoding", "gzip")
	}
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()

	var (
		wg       sync.WaitGroup
		start    = make(chan struct{})
		hists    = make([]*histogram, conns)
		reqs     atomic.Int64
		errs     atomic.Int64
		nbytes   atomic.Int64
		firstErr atomic.Pointer[string]
		deadline time.Time
	)
	fail := func(msg string) {
		errs.Add(1)
		firstErr.CompareAndSwap(nil, &msg)
	}
	for w := range conns {
		h := new(histogram)
		hists[w] = h
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := req0.Clone(ctx)
			buf := make([]byte, 32<<10)
			<-start
			for ctx.Err() == nil {
				t0 := time.Now()
				if !t0.Before(deadline) {
					return
				}
				res, err := c.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						fail(err.Error())
					}
					continue
				}
				n, err := io.CopyBuffer(io.Discard, res.Body, buf)
				res.Body.Close()
				h.record(time.Since(t0))
				reqs.Add(1)
				nbytes.Add(n)
				switch {
				case err != nil:
					fail(err.Error())
				case res.StatusCode != http.StatusOK:
					fail(fmt.Sprintf("status %d", res.StatusCode))
				case t.wantLen >= 0 && n != int64(t.wantLen):
					fail(fmt.Sprintf("body of %d bytes, want %d", n, t.wantLen))
				}
			}
		}()
	}
	t0 := time.Now()
	deadline = t0.Add(d)
	close(start)
	wg.Wait()
	r := runResult{
		Requests: reqs.Load(), Errors: errs.Load(), Bytes: nbytes.Load(),
		Elapsed: time.Since(t0), Hist: new(histogram),
	}
	for _, h := range hists {
		r.Hist.merge(h)
	}
	if p := firstErr.Load(); p != nil {
		r.FirstErr = *p
	}
	if err := ctx.Err(); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return r, err
	}
	return r, nil
}

// variant is one stored answer of the bare server.
type variant struct {
	header http.Header
	body   []byte
}

// bareServer serves fixed bytes by path: what the site answered once,
// gzipped when the request accepts gzip and the site had a gzip answer.
type bareServer struct {
	mu    sync.RWMutex
	plain map[string]variant
	gz    map[string]variant

	srv  *http.Server
	ln   net.Listener
	base string
}

// Headers not copied from the site's answer: the server sets them.
var skipHeaders = map[string]bool{"Date": true, "Content-Length": true, "Set-Cookie": true, "Connection": true}

// startBare starts an empty bare server on a loopback port.
func startBare() (*bareServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("bare server: %w", err)
	}
	b := &bareServer{plain: map[string]variant{}, gz: map[string]variant{}, ln: ln, base: "http://" + ln.Addr().String()}
	b.srv = &http.Server{Handler: b, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 90 * time.Second}
	go b.srv.Serve(ln)
	return b, nil
}

// add stores the site's answer r for path; gz says whether it is the
// answer to a request accepting gzip.
func (b *bareServer) add(path string, r *response, gz bool) {
	h := http.Header{}
	for k, v := range r.Header {
		if !skipHeaders[k] {
			h[k] = append([]string(nil), v...)
		}
	}
	v := variant{header: h, body: r.Raw}
	b.mu.Lock()
	defer b.mu.Unlock()
	if gz {
		b.gz[path] = v
	} else {
		b.plain[path] = v
	}
}

func (b *bareServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.RequestURI()
	b.mu.RLock()
	v, ok := b.plain[path]
	if g, gok := b.gz[path]; gok && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") || gok && !ok {
		v, ok = g, true
	}
	b.mu.RUnlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	for k, vs := range v.header {
		h[k] = vs
	}
	h.Set("Content-Length", strconv.Itoa(len(v.body)))
	w.WriteHeader(http.StatusOK)
	w.Write(v.body)
}

// close stops the bare server.
func (b *bareServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b.srv.Shutdown(ctx)
}
