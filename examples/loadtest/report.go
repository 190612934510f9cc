package main

import (
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is everything one load test measured and checked.
type Report struct {
	Machine  Machine         `json:"machine"`
	Settings Settings        `json:"settings"`
	Site     SiteFacts       `json:"site"`
	Pages    []PageFigures   `json:"pages"`
	Comments *CommentFigures `json:"comments,omitempty"`
	Checks   []Check         `json:"checks"`
	Notes    []string        `json:"notes,omitempty"`
	Error    string          `json:"error,omitempty"`
}

// Machine describes where the test ran.
type Machine struct {
	NumCPU     int    `json:"num_cpu"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	GoVersion  string `json:"go_version"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
}

// Settings are the flags the figures were taken with.
type Settings struct {
	Duration         string `json:"duration"`
	Rounds           int    `json:"rounds"`
	Conns            int    `json:"conns"`
	CommentsDuration string `json:"comments_duration"`
	Generator        string `json:"generator"`
}

// SiteFacts says what was tested.
type SiteFacts struct {
	Binary          string `json:"binary"`
	URL             string `json:"url"`
	BareURL         string `json:"bare_url,omitempty"`
	BusyPost        string `json:"busy_post"`
	CommentsAdded   int    `json:"comments_added"`
	CommentsShown   int    `json:"comments_shown"`
	BearerNeedToken bool   `json:"bearer_needed_form_token"`
	CommentPost     string `json:"comment_post,omitempty"`
}

// PageFigures compares the site with the bare server on one page.
type PageFigures struct {
	Name     string  `json:"name"`
	Path     string  `json:"path"`
	Encoding string  `json:"encoding"` // Content-Encoding of the answer to a gzip request
	Bytes    int     `json:"bytes"`    // bytes of that answer
	Site     Figures `json:"site"`
	Bare     Figures `json:"bare"`
	Ratio    float64 `json:"ratio"` // site req/s over bare req/s
}

// Figures are one server's results on one page, over all rounds.
type Figures struct {
	ReqPerSec  float64   `json:"req_per_sec"`
	Rounds     []float64 `json:"rounds_req_per_sec"`
	P50Ms      float64   `json:"p50_ms"`
	P99Ms      float64   `json:"p99_ms"`
	Requests   int64     `json:"requests"`
	Errors     int64     `json:"errors"`
	FirstError string    `json:"first_error,omitempty"`
}

// CommentFigures are the results of the comment run.
type CommentFigures struct {
	Post         string           `json:"post"`
	Seconds      float64          `json:"seconds"`
	Conns        int              `json:"conns"`
	Sent         int64            `json:"sent"`
	Redirects    int64            `json:"redirects_303"`
	Statuses     map[string]int64 `json:"statuses"`
	PerSec       float64          `json:"comments_per_sec"`
	P50Ms        float64          `json:"p50_ms"`
	P99Ms        float64          `json:"p99_ms"`
	ListedBefore int              `json:"listed_before"`
	ListedAfter  int              `json:"listed_after"`
	Missing      int              `json:"missing"` // IDs from 303s not listed after
	FirstError   string           `json:"first_error,omitempty"`
}

// Check is one pass/fail verdict.
type Check struct {
	Name   string `json:"name"`
	Pass   bool   `json:"pass"`
	Detail string `json:"detail"`
}

func newReport(cfg config, generator string) *Report {
	return &Report{
		Machine: Machine{
			NumCPU: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0),
			GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
		},
		Settings: Settings{
			Duration: cfg.duration.String(), Rounds: cfg.rounds, Conns: cfg.conns,
			CommentsDuration: cfg.commentsDuration.String(), Generator: generator,
		},
	}
}

func (r *Report) check(name string, pass bool, format string, a ...any) {
	r.Checks = append(r.Checks, Check{Name: name, Pass: pass, Detail: fmt.Sprintf(format, a...)})
}

func (r *Report) note(format string, a ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, a...))
}

// Passed reports whether every check passed and nothing failed.
func (r *Report) Passed() bool {
	if r.Error != "" {
		return false
	}
	for _, c := range r.Checks {
		if !c.Pass {
			return false
		}
	}
	return true
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// print writes the report as one aligned table with its footer.
func (r *Report) print(w io.Writer) {
	fmt.Fprintf(w, "\nFolio load test — site %s vs bare net/http %s\n", r.Site.URL, r.Site.BareURL)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	row := func(cells ...string) { fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t") }
	row("page", "enc", "bytes", "site req/s", "bare req/s", "site/bare", "site p50", "site p99", "bare p50", "bare p99", "errors s/b")
	for _, p := range r.Pages {
		row(p.Name, orDash(p.Encoding), fmt.Sprint(p.Bytes),
			fmt.Sprintf("%.0f", p.Site.ReqPerSec), fmt.Sprintf("%.0f", p.Bare.ReqPerSec), fmt.Sprintf("%.3f", p.Ratio),
			fmtMs(p.Site.P50Ms), fmtMs(p.Site.P99Ms), fmtMs(p.Bare.P50Ms), fmtMs(p.Bare.P99Ms),
			fmt.Sprintf("%d/%d", p.Site.Errors, p.Bare.Errors))
	}
	if c := r.Comments; c != nil {
		row("comment POST", "-", "-", fmt.Sprintf("%.0f", c.PerSec), "-", "-", fmtMs(c.P50Ms), fmtMs(c.P99Ms), "-", "-",
			fmt.Sprintf("%d/-", c.Sent-c.Redirects))
	}
	tw.Flush()

	fmt.Fprintln(w)
	for _, p := range r.Pages {
		fmt.Fprintf(w, "  %-12s %s  rounds site %s  bare %s\n", p.Name, p.Path, fmtRates(p.Site.Rounds), fmtRates(p.Bare.Rounds))
	}
	if c := r.Comments; c != nil {
		fmt.Fprintf(w, "  comments     %s  %d sent in %.1fs over %d conns: %s; thread listed %d before, %d after\n",
			c.Post, c.Sent, c.Seconds, c.Conns, fmtStatuses(c.Statuses), c.ListedBefore, c.ListedAfter)
	}
	fmt.Fprintf(w, "  busiest page %s: %d comments added by the moderator, %d id=\"comment-N\" shown\n",
		r.Site.BusyPost, r.Site.CommentsAdded, r.Site.CommentsShown)

	fmt.Fprintln(w)
	for _, c := range r.Checks {
		verdict := "PASS"
		if !c.Pass {
			verdict = "FAIL"
		}
		fmt.Fprintf(w, "  %s  %s: %s\n", verdict, c.Name, c.Detail)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	if r.Error != "" {
		fmt.Fprintf(w, "  ERROR: %s\n", r.Error)
	}

	m := r.Machine
	fmt.Fprintf(w, "\n  machine: %d CPUs, GOMAXPROCS %d, %s %s/%s; %s rounds of %s per server and page, alternating site/bare, %d connections, generator: %s\n",
		m.NumCPU, m.GOMAXPROCS, m.GoVersion, m.OS, m.Arch, fmt.Sprint(r.Settings.Rounds), r.Settings.Duration, r.Settings.Conns, r.Settings.Generator)
	fmt.Fprintf(w, "  the load generator and the bare server run in one process and the site in another, all on these %d CPUs:\n", m.NumCPU)
	fmt.Fprintln(w, "  they compete for them, so the generator's own cost caps both rates; read the ratio, not the absolute figures.")
	fmt.Fprintln(w, "  comments are posted with the moderator's bearer token (approved at once, no flood limit): every request comes")
	fmt.Fprintln(w, "  from 127.0.0.1, so the anonymous path's flood guard would refuse all but one per 15 s.")
	fmt.Fprintln(w, "  latency: p50/p99 in ms from log-linear buckets (±1.6%).")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func fmtMs(v float64) string {
	switch {
	case v == 0:
		return "-"
	case v < 10:
		return fmt.Sprintf("%.2fms", v)
	default:
		return fmt.Sprintf("%.1fms", v)
	}
}

func fmtRates(rs []float64) string {
	parts := make([]string, len(rs))
	for i, v := range rs {
		parts[i] = fmt.Sprintf("%.0f", v)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func fmtStatuses(m map[string]int64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s×%d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
