package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/folioblog/folio/blog/bloghttp"
	"github.com/folioblog/folio/blog/wordpress"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/opshttp"
	"github.com/folioblog/folio/storage/pgstore"
	"github.com/folioblog/folio/storage/sqlitestore"
)

// siteMetrics is the site's Prometheus registry and what feeds it.
type siteMetrics struct {
	registry *prometheus.Registry
	requests *opshttp.Metrics
	comments *prometheus.CounterVec // folio_comments_total{event,status,rule}
	refused  *prometheus.CounterVec // folio_comment_refusals_total{cause}
}

// newSiteMetrics builds the registry with the process's and the
// requests' metrics and the comment counters; the page cache's and the
// store's are added by watch once the site is built.
func newSiteMetrics() (*siteMetrics, error) {
	reg := prometheus.NewRegistry()
	m := &siteMetrics{
		registry: reg,
		comments: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "folio_comments_total",
			Help: "Comment events: submitted (with the status and rule that decided it), approved, spammed, trashed…",
		}, []string{"event", "status", "rule"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "folio_comment_refusals_total",
			Help: "Comment submissions refused, by cause: flood, duplicate, closed, token, invalid_FIELD, other.",
		}, []string{"cause"}),
	}
	var err error
	if m.requests, err = opshttp.NewMetrics(reg, opshttp.WithRoute(routeOf)); err != nil {
		return nil, err
	}
	for _, c := range []prometheus.Collector{
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.comments, m.refused,
	} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// commentOptions are the comments service's hooks into the counters.
func (m *siteMetrics) commentOptions() []comments.Option {
	return []comments.Option{
		comments.WithNotifier(comments.NotifierFunc(func(_ context.Context, e comments.Event) error {
			status, rule := "", ""
			if e.Kind == comments.EventSubmitted {
				status, rule = string(e.Comment.Status), string(e.Comment.Decision.Rule)
			}
			m.comments.WithLabelValues(string(e.Kind), status, rule).Inc()
			return nil
		})),
		comments.WithRefusals(func(_ context.Context, err error) { m.refused.WithLabelValues(refusalCause(err)).Inc() }),
	}
}

// refusalCause names why a submission was refused, from a small set.
func refusalCause(err error) string {
	var ve *comments.ValidationError
	switch {
	case errors.Is(err, comments.ErrFlood):
		return "flood"
	case errors.Is(err, comments.ErrDuplicate):
		return "duplicate"
	case errors.Is(err, comments.ErrClosed):
		return "closed"
	case errors.Is(err, comments.ErrBadToken):
		return "token"
	case errors.As(err, &ve) && len(ve.Fields) > 0:
		return "invalid_" + ve.Fields[0].Field
	}
	return "other"
}

// watch adds the page cache's and the store's connection pool's metrics.
func (m *siteMetrics) watch(srv *bloghttp.Server, st store) error {
	cache := func(f func(bloghttp.PageCacheStats) float64) func() float64 {
		return func() float64 { s, _ := srv.PageCacheStats(); return f(s) }
	}
	cs := []prometheus.Collector{
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "folio_page_cache_hits_total", Help: "Pages served from the cache."},
			cache(func(s bloghttp.PageCacheStats) float64 { return float64(s.Hits) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "folio_page_cache_misses_total", Help: "Cacheable pages rendered and cached."},
			cache(func(s bloghttp.PageCacheStats) float64 { return float64(s.Misses) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "folio_page_cache_bypasses_total", Help: "Personal or uncacheable answers that passed the cache by."},
			cache(func(s bloghttp.PageCacheStats) float64 { return float64(s.Bypasses) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "folio_page_cache_evictions_total", Help: "Pages removed from the cache, for any reason."},
			cache(func(s bloghttp.PageCacheStats) float64 { return float64(s.Evictions) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "folio_page_cache_bytes", Help: "Approximate memory of the cached pages."},
			cache(func(s bloghttp.PageCacheStats) float64 { return float64(s.Bytes) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "folio_page_cache_entries", Help: "Pages cached now."},
			cache(func(s bloghttp.PageCacheStats) float64 { return float64(s.Entries) })),
	}
	switch st := st.(type) {
	case *sqlitestore.Store:
		for _, pool := range []string{"write", "read"} {
			stats := func() sql.DBStats {
				w, r := st.DBStats()
				if pool == "write" {
					return w
				}
				return r
			}
			cs = append(cs, poolGauges(pool, map[string]func() float64{
				"open":    func() float64 { return float64(stats().OpenConnections) },
				"in_use":  func() float64 { return float64(stats().InUse) },
				"idle":    func() float64 { return float64(stats().Idle) },
				"max":     func() float64 { return float64(stats().MaxOpenConnections) },
				"waiting": func() float64 { return float64(stats().WaitCount) },
			})...)
		}
	case *pgstore.Store:
		cs = append(cs, poolGauges("postgres", map[string]func() float64{
			"open":    func() float64 { return float64(st.PoolStat().TotalConns()) },
			"in_use":  func() float64 { return float64(st.PoolStat().AcquiredConns()) },
			"idle":    func() float64 { return float64(st.PoolStat().IdleConns()) },
			"max":     func() float64 { return float64(st.PoolStat().MaxConns()) },
			"waiting": func() float64 { return float64(st.PoolStat().EmptyAcquireCount()) },
		})...)
	}
	for _, c := range cs {
		if err := m.registry.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// poolGauges makes folio_db_pool_connections{pool,state} gauges; "waiting"
// is the count of acquisitions that had to wait, since start.
func poolGauges(pool string, fs map[string]func() float64) []prometheus.Collector {
	var out []prometheus.Collector
	for state, f := range fs {
		out = append(out, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name:        "folio_db_pool_connections",
			Help:        "The store's connection pool: open, in_use, idle, max connections and waiting (acquisitions that waited, since start).",
			ConstLabels: prometheus.Labels{"pool": pool, "state": state},
		}, f))
	}
	return out
}

// routeOf labels a request for the metrics with one of a fixed set of
// route names, never the raw path.
func routeOf(r *http.Request) string {
	p := r.URL.Path
	switch {
	case p == "/":
		if r.URL.Query().Has("s") {
			return "search"
		}
		return "home"
	case p == "/healthz", p == "/readyz", p == "/sitemap.xml", p == "/comments":
		return strings.TrimPrefix(p, "/")
	case p == "/admin/login":
		return "login"
	case strings.HasPrefix(p, "/admin/"):
		return "admin"
	case strings.HasPrefix(p, "/media/"):
		return "media"
	case strings.HasPrefix(p, "/comments/"):
		return "comment"
	case strings.Contains(p, "/feed") || p == "/feed.json":
		return "feed"
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	switch segs[0] {
	case "tag", "category", "author", "page", "micropub", "static":
		return segs[0]
	}
	if isDigits(segs[0]) {
		return [...]string{"", "year", "month", "day", "post", "post"}[min(len(segs), 5)]
	}
	return "other"
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// mountOps adds /healthz and /readyz to mux and returns the site's
// handler: mux behind the request metrics and the request logs.
func (s *site) mountOps(mux *http.ServeMux) http.Handler {
	mux.Handle("GET /healthz", opshttp.Healthz())
	var checks []opshttp.Check
	if r, ok := s.store.(interface{ Ready(context.Context) error }); ok {
		checks = append(checks, opshttp.Check{Name: "store", Run: r.Ready})
	}
	mux.Handle("GET /readyz", opshttp.Readyz(0, checks...))
	return opshttp.Logging(s.cfg.log, s.metrics.requests.Wrap(mux))
}

// serveMetrics serves the registry at /metrics on cfg.metricsAddr until
// the returned stop is called; with no address it does nothing.
func serveMetrics(cfg config, reg *prometheus.Registry, stdout io.Writer) (stop func(), err error) {
	if cfg.metricsAddr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", cfg.metricsAddr)
	if err != nil {
		return nil, fmt.Errorf("-metrics-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: readHeaderTimeout}
	go srv.Serve(ln)
	fmt.Fprintf(stdout, "metrics: http://%s/metrics\n", ln.Addr())
	return func() { srv.Close() }, nil
}

// importMetrics are the gauges of a running import, served on
// -metrics-addr while it lasts.
type importMetrics struct {
	registry                 *prometheus.Registry
	pass, items, total, done prometheus.Gauge
	bytes, size              prometheus.Gauge
}

func newImportMetrics() *importMetrics {
	g := func(name, help string) prometheus.Gauge {
		return prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	}
	m := &importMetrics{
		registry: prometheus.NewRegistry(),
		pass:     g("folio_import_pass", "The import's pass: 1 while the file is checked, 2 while it is imported."),
		items:    g("folio_import_items", "Items read so far in this pass."),
		total:    g("folio_import_items_total", "Items in the file (known in pass 2)."),
		bytes:    g("folio_import_bytes", "Bytes of the file read so far in this pass."),
		size:     g("folio_import_size_bytes", "Size of the file."),
		done:     g("folio_import_done", "1 once the import has finished."),
	}
	m.registry.MustRegister(m.pass, m.items, m.total, m.bytes, m.size, m.done)
	return m
}

func (m *importMetrics) update(p wordpress.Progress) {
	m.pass.Set(float64(p.Pass))
	m.items.Set(float64(p.Items))
	m.total.Set(float64(p.Total))
	m.bytes.Set(float64(p.Bytes))
	m.size.Set(float64(p.Size))
}
