package opshttp

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts and times the requests of the handlers it wraps.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	route    func(*http.Request) string
}

// MetricsOption changes [NewMetrics].
type MetricsOption func(*Metrics)

// WithRoute sets how a request is labelled, after it has been served: a
// small, fixed set of names, never the raw path (every distinct label is
// a new time series). The default is the pattern of the http.ServeMux
// that served the request (Request.Pattern), or "other".
func WithRoute(f func(*http.Request) string) MetricsOption {
	return func(m *Metrics) { m.route = f }
}

// NewMetrics registers on reg folio_http_requests_total{route,code} and
// folio_http_request_duration_seconds{route}. It fails if reg already
// holds them.
func NewMetrics(reg prometheus.Registerer, opts ...MetricsOption) (*Metrics, error) {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "folio_http_requests_total", Help: "HTTP requests answered, by route and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "folio_http_request_duration_seconds", Help: "Time to answer an HTTP request, by route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
		route: func(r *http.Request) string {
			if r.Pattern != "" {
				return r.Pattern
			}
			return "other"
		},
	}
	for _, o := range opts {
		o(m)
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Wrap returns next, counted and timed.
func (m *Metrics) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		route := m.route(r)
		m.requests.WithLabelValues(route, strconv.Itoa(sw.code())).Inc()
		m.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// statusWriter records the status code and size of an answer.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// Flush lets streaming answers through; Unwrap lets http.ResponseController
// reach the connection.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
