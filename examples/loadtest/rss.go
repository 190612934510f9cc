package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"
)

// RSSResult is what the memory mode measured.
type RSSResult struct {
	Machine      Machine  `json:"machine"`
	DataDir      string   `json:"data_dir"`
	StartSeconds float64  `json:"start_seconds"` // from exec to the first answer
	Source       string   `json:"source"`        // where the pages came from
	Pages        int      `json:"pages"`
	Errors       int64    `json:"errors"`
	FirstError   string   `json:"first_error,omitempty"`
	WarmSeconds  float64  `json:"warm_seconds"`
	P50Ms        float64  `json:"p50_ms"`
	P99Ms        float64  `json:"p99_ms"`
	Started      MemFacts `json:"started"`
	Warmed       MemFacts `json:"warmed"`
}

// MemFacts are a process's memory figures from /proc/PID/status.
type MemFacts struct {
	VmRSSKiB int64 `json:"vm_rss_kib"` // resident set size now
	VmHWMKiB int64 `json:"vm_hwm_kib"` // its peak
}

// readMem reads VmRSS and VmHWM of the process pid.
func readMem(pid int) (MemFacts, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return MemFacts{}, fmt.Errorf("memory of process %d: %w", pid, err)
	}
	defer f.Close()
	return parseStatus(f)
}

// parseStatus reads the VmRSS and VmHWM lines of a /proc/PID/status file.
func parseStatus(r io.Reader) (MemFacts, error) {
	var m MemFacts
	found := 0
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		var dst *int64
		switch key {
		case "VmRSS":
			dst = &m.VmRSSKiB
		case "VmHWM":
			dst = &m.VmHWMKiB
		default:
			continue
		}
		fields := strings.Fields(val)
		if len(fields) != 2 || fields[1] != "kB" {
			return m, fmt.Errorf("status line %q: want NUMBER kB", sc.Text())
		}
		n, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return m, fmt.Errorf("status line %q: %w", sc.Text(), err)
		}
		*dst = n
		found++
	}
	if err := sc.Err(); err != nil {
		return m, err
	}
	if found != 2 {
		return m, errors.New("status: no VmRSS and VmHWM lines")
	}
	return m, nil
}

// measureRSS starts the site on cfg.data, views cfg.pages distinct pages
// and reads the site's memory before and after.
func measureRSS(ctx context.Context, cfg config) (*RSSResult, error) {
	res := &RSSResult{Machine: newReport(cfg, "").Machine, DataDir: cfg.data}
	if _, err := os.Stat(cfg.data); err != nil {
		return nil, fmt.Errorf("-data: %w", err)
	}
	bin := cfg.siteBin
	if bin == "" {
		tmp, err := os.MkdirTemp("", "folio-loadtest-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		cfg.logf("building examples/site")
		if bin, err = buildSite(ctx, tmp); err != nil {
			return nil, err
		}
	}
	cfg.logf("starting the site on %s", cfg.data)
	t0 := time.Now()
	site, err := startSite(ctx, bin, cfg.data, newToken())
	if err != nil {
		return nil, err
	}
	defer site.Stop()
	res.StartSeconds = time.Since(t0).Seconds()
	if res.Started, err = readMem(site.Pid()); err != nil {
		return nil, err
	}

	c := newClient(site.base, "", "")
	defer c.close()
	pages, source, err := collectPages(ctx, c, cfg.pages)
	if err != nil {
		return nil, err
	}
	res.Source = source
	res.Pages = len(pages)
	cfg.logf("viewing %d pages (%s)", len(pages), source)

	hc := &http.Client{Transport: newLoadTransport(cfg.conns), Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer hc.CloseIdleConnections()
	var (
		next     atomic.Int64
		errs     atomic.Int64
		mu       sync.Mutex
		hist     histogram
		firstErr string
		wg       sync.WaitGroup
	)
	t0 = time.Now()
	for range min(cfg.conns, len(pages)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var h histogram
			var myErr string
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(pages) {
					break
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, site.base+pages[i], nil)
				req.Header.Set("Accept-Encoding", "gzip")
				s := time.Now()
				r, err := hc.Do(req)
				if err != nil {
					errs.Add(1)
					myErr = cmpOr(myErr, err.Error())
					continue
				}
				io.Copy(io.Discard, r.Body)
				r.Body.Close()
				h.record(time.Since(s))
				if r.StatusCode != http.StatusOK {
					errs.Add(1)
					myErr = cmpOr(myErr, fmt.Sprintf("%s: status %d", pages[i], r.StatusCode))
				}
			}
			mu.Lock()
			defer mu.Unlock()
			hist.merge(&h)
			firstErr = cmpOr(firstErr, myErr)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res.WarmSeconds = time.Since(t0).Seconds()
	res.Errors, res.FirstError = errs.Load(), firstErr
	res.P50Ms, res.P99Ms = ms(hist.quantile(0.5)), ms(hist.quantile(0.99))
	if res.Warmed, err = readMem(site.Pid()); err != nil {
		return nil, err
	}
	return res, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// sitemapDoc is a sitemap or a sitemap index: either way, a list of locs.
type sitemapDoc struct {
	XMLName xml.Name
	URLs    []string `xml:"url>loc"`
	Maps    []string `xml:"sitemap>loc"`
}

// collectPages returns up to n distinct local pages of the site: the
// sitemap's, and if it lists fewer, the home listing's pages and the posts
// they link to.
func collectPages(ctx context.Context, c *client, n int) ([]string, string, error) {
	var pages []string
	seen := map[string]bool{}
	add := func(p string) {
		if p != "" && !seen[p] && len(pages) < n {
			seen[p] = true
			pages = append(pages, p)
		}
	}
	queue := []string{"/sitemap.xml"}
	fetched := 0
	for len(queue) > 0 && len(pages) < n && fetched < 1000 {
		sm := queue[0]
		queue = queue[1:]
		fetched++
		r, err := c.get(ctx, sm, false)
		if err != nil {
			return nil, "", err
		}
		if r.Status != http.StatusOK {
			break
		}
		var doc sitemapDoc
		if err := xml.NewDecoder(bytes.NewReader(r.Body)).Decode(&doc); err != nil {
			return nil, "", fmt.Errorf("%s: %w", sm, err)
		}
		for _, u := range doc.URLs {
			add(localPath(strings.TrimSpace(u), c.base))
		}
		for _, u := range doc.Maps {
			if p := localPath(strings.TrimSpace(u), c.base); p != "" {
				queue = append(queue, p)
			}
		}
	}
	source := fmt.Sprintf("sitemap: %d", len(pages))
	if len(pages) >= n {
		return pages, source, nil
	}
	listing, walked := "/", 0
	for listing != "" && len(pages) < n && walked < 100_000 {
		walked++
		r, err := c.get(ctx, listing, false)
		if err != nil {
			return nil, "", err
		}
		if r.Status != http.StatusOK {
			break
		}
		add(listing)
		for _, p := range postLinks(r.Body, c.base) {
			add(p)
		}
		listing = nextLink(r.Body, c.base)
	}
	source += fmt.Sprintf(", home listing: %d pages walked", walked)
	if len(pages) == 0 {
		return nil, "", errors.New("found no page to view")
	}
	return pages, source, nil
}

// printRSS writes the memory figures.
func printRSS(w io.Writer, r *RSSResult) {
	mib := func(kib int64) string { return fmt.Sprintf("%.1f MiB", float64(kib)/1024) }
	fmt.Fprintf(w, "\nFolio site memory on %s\n", r.DataDir)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "\tVmRSS\tVmHWM\t\n")
	fmt.Fprintf(tw, "after start (%.1fs to first answer)\t%s\t%s\t\n", r.StartSeconds, mib(r.Started.VmRSSKiB), mib(r.Started.VmHWMKiB))
	fmt.Fprintf(tw, "after viewing %d distinct pages\t%s\t%s\t\n", r.Pages, mib(r.Warmed.VmRSSKiB), mib(r.Warmed.VmHWMKiB))
	tw.Flush()
	fmt.Fprintf(w, "  pages from %s; viewed in %.1fs, p50 %s, p99 %s, %d errors %s\n",
		r.Source, r.WarmSeconds, fmtMs(r.P50Ms), fmtMs(r.P99Ms), r.Errors, r.FirstError)
	m := r.Machine
	fmt.Fprintf(w, "  machine: %d CPUs, GOMAXPROCS %d, %s %s/%s\n", m.NumCPU, m.GOMAXPROCS, m.GoVersion, m.OS, m.Arch)
}
