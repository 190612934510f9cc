package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog/wordpress"
	"github.com/folioblog/folio/internal/testenv"
	"github.com/folioblog/folio/opshttp"
)

// metricValue sums the samples of the metric name whose labels include
// want; ok is false when there is none.
func metricValue(t *testing.T, reg prometheus.Gatherer, name string, want map[string]string) (float64, bool) {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	var sum float64
	found := false
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metrics:
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if labels[k] != v {
					continue metrics
				}
			}
			found = true
			switch {
			case m.Counter != nil:
				sum += m.GetCounter().GetValue()
			case m.Gauge != nil:
				sum += m.GetGauge().GetValue()
			case m.Histogram != nil:
				sum += float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return sum, found
}

func TestOps_HealthReadinessAndMetrics(t *testing.T) {
	s := openSite(t, testConfig(t.TempDir()))
	for _, path := range []string{"/healthz", "/readyz"} {
		res, _ := get(t, s.handler, path)
		assert.Equal(t, http.StatusOK, res.StatusCode, path)
		assert.Equal(t, "no-store", res.Header.Get("Cache-Control"), path)
	}
	res, _ := get(t, s.handler, "/metrics")
	assert.Equal(t, http.StatusNotFound, res.StatusCode, "metrics are never on the public address")

	_, path := postBySlug(t, s, "start-here")
	for range 3 {
		res, _ := get(t, s.handler, path)
		require.Equal(t, http.StatusOK, res.StatusCode)
	}
	submitComment(t, s.handler, path, "Pia Sund", "A first comment, held for moderation.")
	// The same visitor at once again: refused by the flood guard.
	_, page := get(t, s.handler, path)
	res, _ = request(t, s.handler, http.MethodPost, "/comments", url.Values{
		"author": {"Pia Sund"}, "email": {"pia.sund@example.com"}, "comment": {"Again, too soon."},
		"comment_post_ID": {inputValue(t, page, "comment_post_ID")}, "comment_parent": {"0"},
		"folio_token": {inputValue(t, page, "folio_token")},
	}, nil)
	require.Equal(t, http.StatusTooManyRequests, res.StatusCode)

	reg := s.metrics.registry
	tests := []struct {
		name   string
		metric string
		labels map[string]string
		min    float64
	}{
		{"post views by route and status", "folio_http_requests_total", map[string]string{"route": "post", "code": "200"}, 3},
		{"health checks", "folio_http_requests_total", map[string]string{"route": "readyz", "code": "200"}, 1},
		{"flood refusals answered 429", "folio_http_requests_total", map[string]string{"route": "comments", "code": "429"}, 1},
		{"latency histogram", "folio_http_request_duration_seconds", map[string]string{"route": "post"}, 3},
		{"page cache hits", "folio_page_cache_hits_total", nil, 1},
		{"page cache misses", "folio_page_cache_misses_total", nil, 1},
		{"page cache bytes", "folio_page_cache_bytes", nil, 1},
		{"comments held", "folio_comments_total", map[string]string{"event": "submitted", "status": "pending"}, 1},
		{"comments refused by flood", "folio_comment_refusals_total", map[string]string{"cause": "flood"}, 1},
		{"store pool", "folio_db_pool_connections", map[string]string{"pool": "read", "state": "max"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := metricValue(t, reg, tt.metric, tt.labels)
			require.True(t, ok, "no %s%v", tt.metric, tt.labels)
			assert.GreaterOrEqual(t, v, tt.min)
		})
	}
	_, ok := metricValue(t, reg, "folio_page_cache_evictions_total", nil)
	assert.True(t, ok)
}

func TestOps_LogsCarryRequestIDsAndNoSecrets(t *testing.T) {
	var buf syncBuffer
	cfg := testConfig(t.TempDir())
	cfg.log = slog.New(opshttp.NewLogHandler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	s := openSite(t, cfg)

	const email = "pia.sund@example.com"
	_, path := postBySlug(t, s, "start-here")
	submitComment(t, s.handler, path, "Pia Sund", "Logged, but not my address.")
	_, page := get(t, s.handler, "/admin/login")
	res, _ := request(t, s.handler, http.MethodPost, "/admin/login", url.Values{
		"token": {testToken}, "folio_csrf": {inputValue(t, page, "folio_csrf")},
	}, nil)
	require.Less(t, res.StatusCode, 400, "the login succeeds")
	res, _ = request(t, s.handler, http.MethodPost, "/admin/login", url.Values{
		"token": {testToken + "-wrong"}, "folio_csrf": {inputValue(t, page, "folio_csrf")},
	}, nil)
	require.GreaterOrEqual(t, res.StatusCode, 400, "a wrong token is refused")
	get(t, s.handler, "/comments/999999")

	logs := buf.String()
	require.NotEmpty(t, logs)
	assert.NotContains(t, logs, email)
	assert.NotContains(t, logs, testToken)
	requests := 0
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
		if rec["msg"] == "request" {
			requests++
			assert.Regexp(t, `^[0-9a-f]{16}$`, rec["request_id"], line)
		}
	}
	assert.GreaterOrEqual(t, requests, 6, "one line per request")
}

// proxy forwards TCP connections to target until it is closed; it stands
// for the network between the site and PostgreSQL.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
}

func startProxy(t *testing.T, addr, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	require.NoError(t, err)
	p := &proxy{ln: ln, target: target}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
	t.Cleanup(p.Close)
	return p
}

// Close stops accepting and cuts every connection: PostgreSQL is gone.
func (p *proxy) Close() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func TestOps_ReadyzDuringPostgresOutage(t *testing.T) {
	dsn := testenv.PostgresDSN(t)
	// A schema of its own, so that other schema versions in the shared
	// test database do not matter.
	schema := fmt.Sprintf("folio_readyz_%d", time.Now().UnixNano())
	conn, err := pgx.Connect(context.Background(), dsn)
	require.NoError(t, err)
	_, err = conn.Exec(context.Background(), "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		conn.Close(context.Background())
	})
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	p := startProxy(t, "127.0.0.1:0", u.Host)
	via := *u
	via.Host = p.ln.Addr().String()

	cfg := testConfig(t.TempDir())
	cfg.dsn = via.String()
	cfg.seed = false
	cfg.secretEnv = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	s := openSite(t, cfg)
	ready := func() int {
		res, _ := get(t, s.handler, "/readyz")
		return res.StatusCode
	}
	require.Equal(t, http.StatusOK, ready())
	v, ok := metricValue(t, s.metrics.registry, "folio_db_pool_connections", map[string]string{"pool": "postgres", "state": "max"})
	require.True(t, ok)
	assert.Positive(t, v)

	p.Close()
	assert.Equal(t, http.StatusServiceUnavailable, ready(), "PostgreSQL unreachable")
	res, _ := get(t, s.handler, "/healthz")
	assert.Equal(t, http.StatusOK, res.StatusCode, "the process itself is alive")

	startProxy(t, via.Host, u.Host)
	require.Eventually(t, func() bool { return ready() == http.StatusOK }, 10*time.Second, 50*time.Millisecond,
		"ready again once PostgreSQL is back")
}

func TestRun_MetricsAddr(t *testing.T) {
	t.Setenv(envAdminToken, "")
	t.Setenv(envSecret, "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-metrics-addr", "127.0.0.1:0", "-data", t.TempDir(), "-tz", "UTC"}, &stdout, io.Discard)
	}()
	at := regexp.MustCompile(`metrics: (http://127\.0\.0\.1:\d+/metrics)`)
	require.Eventually(t, func() bool { return at.MatchString(stdout.String()) }, 20*time.Second, 20*time.Millisecond, stdout.String())
	res, err := http.Get(at.FindStringSubmatch(stdout.String())[1])
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.True(t, bytes.Contains(body, []byte("folio_page_cache_hits_total")))
	cancel()
	require.NoError(t, <-done)
}

func TestImportMetrics_FollowProgress(t *testing.T) {
	m := newImportMetrics()
	m.update(wordpress.Progress{Pass: 2, Items: 3, Total: 10, Bytes: 300, Size: 1000})
	for name, want := range map[string]float64{
		"folio_import_pass": 2, "folio_import_items": 3, "folio_import_items_total": 10,
		"folio_import_bytes": 300, "folio_import_size_bytes": 1000, "folio_import_done": 0,
	} {
		v, ok := metricValue(t, m.registry, name, nil)
		require.True(t, ok, name)
		assert.Equal(t, want, v, name)
	}
}

func TestRouteOf_BoundedLabels(t *testing.T) {
	tests := []struct{ target, want string }{
		{"/", "home"},
		{"/?s=harbour", "search"},
		{"/2024/", "year"},
		{"/2024/05/", "month"},
		{"/2024/05/06/", "day"},
		{"/2024/05/06/a-slug/", "post"},
		{"/2024/05/06/a-slug/feed/", "feed"},
		{"/feed/atom/", "feed"},
		{"/feed.json", "feed"},
		{"/tag/sea/", "tag"},
		{"/category/trips/", "category"},
		{"/comments", "comments"},
		{"/comments/12", "comment"},
		{"/admin/login", "login"},
		{"/admin/comments/12/approve", "admin"},
		{"/media/harbour.jpg", "media"},
		{"/healthz", "healthz"},
		{"/readyz", "readyz"},
		{"/about/", "other"},
		{"/wp-login.php", "other"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			assert.Equal(t, tt.want, routeOf(httptest.NewRequest(http.MethodGet, tt.target, nil)))
		})
	}
}
