package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The site binary, built once for the tests that start it.
var (
	siteOnce sync.Once
	siteBin  string
	siteErr  error
	siteDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if siteDir != "" {
		os.RemoveAll(siteDir)
	}
	os.Exit(code)
}

// builtSite returns the examples/site binary, building it on first use;
// it skips the test under -short.
func builtSite(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("starts the real site: skipped under -short")
	}
	siteOnce.Do(func() {
		if siteDir, siteErr = os.MkdirTemp("", "folio-loadtest-test-"); siteErr != nil {
			return
		}
		siteBin, siteErr = buildSite(context.Background(), siteDir)
	})
	require.NoError(t, siteErr)
	return siteBin
}

// splitJSON returns the JSON document that follows the table in out.
func splitJSON(t testing.TB, out string) []byte {
	t.Helper()
	i := strings.Index(out, "\n{")
	require.GreaterOrEqual(t, i, 0, "no JSON after the table:\n%s", out)
	return []byte(out[i+1:])
}

func TestRun_againstTheSite(t *testing.T) {
	bin := builtSite(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{
		"-duration", "300ms", "-rounds", "1", "-conns", "4", "-comments-duration", "300ms",
		"-site-bin", bin, "-json",
	}, &stdout, &stderr)
	t.Log("\n" + stdout.String())
	require.NoError(t, err, "stderr:\n%s", stderr.String())

	var rep Report
	require.NoError(t, json.Unmarshal(splitJSON(t, stdout.String()), &rep))
	assert.Empty(t, rep.Error)
	assert.Equal(t, 1, rep.Settings.Rounds)
	assert.Equal(t, 4, rep.Settings.Conns)
	assert.Positive(t, rep.Machine.NumCPU)
	assert.GreaterOrEqual(t, rep.Site.CommentsShown, 50)
	assert.Equal(t, 50, rep.Site.CommentsAdded)

	require.Len(t, rep.Pages, 4)
	for _, p := range rep.Pages {
		t.Run(p.Name, func(t *testing.T) {
			assert.Positive(t, p.Bytes)
			assert.Positive(t, p.Site.Requests)
			assert.Positive(t, p.Bare.Requests)
			assert.Zero(t, p.Site.Errors, p.Site.FirstError)
			assert.Zero(t, p.Bare.Errors, p.Bare.FirstError)
			assert.Positive(t, p.Ratio)
			assert.Positive(t, p.Site.P50Ms)
			assert.GreaterOrEqual(t, p.Site.P99Ms, p.Site.P50Ms)
		})
	}

	require.NotNil(t, rep.Comments)
	assert.Positive(t, rep.Comments.Redirects)
	assert.Equal(t, int(rep.Comments.Redirects), rep.Comments.ListedAfter-rep.Comments.ListedBefore)

	names := map[string]bool{}
	for _, c := range rep.Checks {
		names[c.Name] = true
		assert.True(t, c.Pass, "%s: %s", c.Name, c.Detail)
	}
	for _, want := range []string{
		"busiest page shows its comments",
		"moderator's reply shows on the next view",
		"approved reply shows on the next view",
		"comment run: every 303 is listed",
	} {
		assert.True(t, names[want], "no check %q", want)
	}
	assert.Contains(t, stdout.String(), "site/bare")
	assert.Contains(t, stdout.String(), "GOMAXPROCS")
}

func TestSeedBigThenRSS(t *testing.T) {
	bin := builtSite(t)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	dir := t.TempDir()

	res, err := seedBig(ctx, dir, 40, 200, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 40, res.Posts)
	assert.Equal(t, 200, res.Comments)
	assert.Positive(t, res.FileBytes)

	_, err = seedBig(ctx, dir, 1, 0, io.Discard)
	require.Error(t, err, "seeding over an existing database must be refused")

	cfg, err := parseFlags([]string{"-rss", "-data", dir, "-pages", "30", "-conns", "4", "-site-bin", bin}, io.Discard)
	require.NoError(t, err)
	cfg.log = io.Discard
	rss, err := measureRSS(ctx, cfg)
	require.NoError(t, err)
	assert.Equal(t, 30, rss.Pages)
	assert.Zero(t, rss.Errors, rss.FirstError)
	assert.Positive(t, rss.Started.VmRSSKiB)
	assert.GreaterOrEqual(t, rss.Warmed.VmHWMKiB, rss.Warmed.VmRSSKiB)
	assert.GreaterOrEqual(t, rss.Warmed.VmHWMKiB, rss.Started.VmHWMKiB)

	var out bytes.Buffer
	printRSS(&out, rss)
	assert.Contains(t, out.String(), "after viewing 30 distinct pages")
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		ok   bool
	}{
		{"defaults", nil, true},
		{"short run", []string{"-duration", "300ms", "-rounds", "1", "-conns", "4"}, true},
		{"zero duration", []string{"-duration", "0s"}, false},
		{"no rounds", []string{"-rounds", "0"}, false},
		{"too many conns", []string{"-conns", "100000"}, false},
		{"rss without data", []string{"-rss"}, false},
		{"data without rss", []string{"-data", "x"}, false},
		{"stray argument", []string{"extra"}, false},
		{"seed with no posts", []string{"-seed-big", "x", "-posts", "0"}, false},
		{"seed", []string{"-seed-big", "x", "-posts", "10", "-comments", "100"}, true},
		{"writes", []string{"-writes", "-thread-sizes", "0, 5000", "-write-rounds", "10", "-write-duration", "1s"}, true},
		{"writes on postgres", []string{"-writes", "-db", "postgres://x/y"}, true},
		{"bad thread size", []string{"-writes", "-thread-sizes", "0,lots"}, false},
		{"negative thread size", []string{"-writes", "-thread-sizes", "-1"}, false},
		{"db without writes", []string{"-db", "postgres://x/y"}, false},
		{"no write rounds", []string{"-writes", "-write-rounds", "0"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseFlags(tt.args, io.Discard)
			if !tt.ok {
				assert.ErrorIs(t, err, errUsage)
				return
			}
			require.NoError(t, err)
			assert.Positive(t, cfg.duration)
			assert.NotEmpty(t, cfg.threadSizes)
		})
	}
}

// TestRun_writes runs the write test briefly against the real site: one
// round on two small threads, every comment answered 303 is stored, and
// requests whose client gave up leave the store consistent.
func TestRun_writes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the site")
	}
	var out, log strings.Builder
	err := run(context.Background(), []string{"-writes", "-site-bin", builtSite(t), "-thread-sizes", "0,20",
		"-write-rounds", "1", "-write-duration", "300ms", "-conns", "4", "-json"}, &out, &log)
	require.NoError(t, err, log.String())
	var rep WriteReport
	require.NoError(t, json.Unmarshal(splitJSON(t, out.String()), &rep))
	require.Len(t, rep.Runs, 6, "three runs per thread size")
	assert.Equal(t, 20, rep.Runs[3].Thread, "the second thread was filled to its size")
	for _, r := range rep.Runs {
		assert.Positive(t, r.OK, "%s on a thread of %d: some comments answered 303", r.Kind, r.Thread)
	}
	for _, c := range rep.Checks {
		if c.Name == "acknowledged comments stored" {
			assert.True(t, c.Pass, c.Detail)
		}
	}
	assert.Contains(t, rep.GaveUp, "0 stored but not listed, 0 acknowledged but lost")
}

func TestHistogram_Quantile(t *testing.T) {
	var h histogram
	assert.Zero(t, h.quantile(0.5), "empty")
	for i := 1; i <= 10_000; i++ {
		h.record(time.Duration(i) * time.Microsecond)
	}
	tests := []struct {
		q    float64
		want time.Duration
	}{
		{0.50, 5000 * time.Microsecond},
		{0.99, 9900 * time.Microsecond},
		{0.01, 100 * time.Microsecond},
		{1.00, 10_000 * time.Microsecond},
	}
	for _, tt := range tests {
		got := h.quantile(tt.q)
		assert.InEpsilon(t, float64(tt.want), float64(got), 0.02, "q%.2f: got %v, want about %v", tt.q, got, tt.want)
	}

	var small histogram
	small.record(90 * time.Nanosecond)
	assert.Equal(t, 90*time.Nanosecond, small.quantile(0.99), "below 128 ns the buckets are exact")

	var merged histogram
	merged.merge(&h)
	merged.merge(&small)
	assert.Equal(t, h.n+1, merged.n)
	assert.Equal(t, h.max, merged.max)
}

func TestHistIndex_monotonic(t *testing.T) {
	prev := -1
	for d := time.Duration(1); d < time.Hour; d = d*5/4 + 1 {
		i := histIndex(d)
		require.GreaterOrEqual(t, i, prev, "index of %v", d)
		require.Less(t, i, histBuckets)
		v := histValue(i)
		assert.InEpsilon(t, float64(d), float64(v), 0.02, "bucket value of %v is %v", d, v)
		prev = i
	}
}

func TestParseWrk(t *testing.T) {
	tests := []struct {
		file     string
		requests int64
		rate     float64
		p50, p99 time.Duration
		errors   int64
	}{
		{"wrk-ok.txt", 77123, 15393.41, 1910 * time.Microsecond, 5820 * time.Microsecond, 0},
		{"wrk-errors.txt", 9800, 4900, 750 * time.Microsecond, 1200 * time.Millisecond, 15},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tt.file))
			require.NoError(t, err)
			r, err := parseWrk(string(b))
			require.NoError(t, err)
			assert.Equal(t, tt.requests, r.Requests)
			assert.InDelta(t, tt.rate, r.Rate, 0.01)
			assert.InDelta(t, float64(tt.p50), float64(r.P50), float64(time.Microsecond))
			assert.InDelta(t, float64(tt.p99), float64(r.P99), float64(time.Microsecond))
			assert.Equal(t, tt.errors, r.Errors)
		})
	}
	_, err := parseWrk("wrk: command not understood\n")
	assert.Error(t, err)
}

func TestParseStatus(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "status.txt"))
	require.NoError(t, err)
	defer f.Close()
	m, err := parseStatus(f)
	require.NoError(t, err)
	assert.Equal(t, MemFacts{VmRSSKiB: 171008, VmHWMKiB: 183204}, m)

	_, err = parseStatus(strings.NewReader("Name:\tsite\nVmRSS:\t12 kB\n"))
	assert.Error(t, err, "no VmHWM line")
	_, err = parseStatus(strings.NewReader("VmRSS:\t12 MB\nVmHWM:\t13 kB\n"))
	assert.Error(t, err, "unknown unit")
}

func TestPageHelpers(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "post.html"))
	require.NoError(t, err)
	const base = "http://127.0.0.1:8080"

	assert.Equal(t, []string{"/2026/05/11/the-long-train-north/", "/2026/06/10/lighthouse/"}, postLinks(b, base))
	assert.Equal(t, "/page/2/", nextLink(b, base))
	assert.Equal(t, []int64{12, 15, 13}, commentIDs(b))
	assert.True(t, hasComment(b, 15))
	assert.False(t, hasComment(b, 14))

	f := formFields(b)
	require.NotNil(t, f)
	assert.Equal(t, "28", f["comment_post_ID"])
	assert.Equal(t, "AQAAAaIe-tok_en", f["folio_token"])
	assert.Nil(t, formFields([]byte(`<form><input name="s"></form>`)))

	tests := []struct {
		loc  string
		want int64
	}{
		{"/2026/05/11/the-long-train-north/#comment-46", 46},
		{"/2026/05/11/x/?cpage=2#comment-7", 7},
		{"/2026/05/11/x/?unapproved=9&moderation-hash=ab#comment-9", 9},
		{"/2026/05/11/x/", 0},
		{"/x/#comment-abc", 0},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, locationComment(tt.loc), tt.loc)
	}
	assert.Equal(t, "/2026/05/", monthPath("/2026/05/11/the-long-train-north/"))
}
