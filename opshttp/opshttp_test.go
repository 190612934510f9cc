package opshttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/opshttp"
)

func serve(h http.Handler, method, target string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, target, nil))
	return w
}

func TestHealthz(t *testing.T) {
	w := serve(opshttp.Healthz(), http.MethodGet, "/healthz")
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "no-store", w.Header().Get("Cache-Control"))
}

func TestReadyz(t *testing.T) {
	ok := opshttp.Check{Name: "store", Run: func(context.Context) error { return nil }}
	down := opshttp.Check{Name: "store", Run: func(context.Context) error { return errors.New("connection refused") }}
	hangs := opshttp.Check{Name: "slow", Run: func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }}
	tests := []struct {
		name     string
		checks   []opshttp.Check
		wantCode int
		wantBody string
	}{
		{"no checks", nil, http.StatusOK, "ready"},
		{"all hold", []opshttp.Check{ok, ok}, http.StatusOK, "ready"},
		{"one fails", []opshttp.Check{ok, down}, http.StatusServiceUnavailable, "not ready: store"},
		{"one hangs past the timeout", []opshttp.Check{hangs}, http.StatusServiceUnavailable, "not ready: slow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := serve(opshttp.Readyz(1, tt.checks...), http.MethodGet, "/readyz")
			assert.Equal(t, tt.wantCode, w.Code)
			assert.Contains(t, w.Body.String(), tt.wantBody)
			assert.NotContains(t, w.Body.String(), "connection refused", "the failure's detail stays in the log")
			assert.Equal(t, "no-store", w.Header().Get("Cache-Control"))
		})
	}
}

func TestMetrics_CountsByRouteAndStatus(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := opshttp.NewMetrics(reg)
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /posts/{slug}", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("post")) })
	mux.HandleFunc("POST /comments", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusSeeOther) })
	h := m.Wrap(mux)
	for _, req := range []struct{ method, target string }{
		{"GET", "/posts/a"}, {"GET", "/posts/b"}, {"POST", "/comments"}, {"GET", "/nowhere"},
	} {
		serve(h, req.method, req.target)
	}
	count := func(route, code string) float64 {
		c, err := collectCounter(reg, route, code)
		require.NoError(t, err)
		return c
	}
	assert.Equal(t, 2.0, count("GET /posts/{slug}", "200"), "two posts, one series")
	assert.Equal(t, 1.0, count("POST /comments", "303"))
	assert.Equal(t, 1.0, count("other", "404")+count("/", "404"), "an unmatched path is not its own series")
	assert.Equal(t, 3, testutil.CollectAndCount(reg, "folio_http_request_duration_seconds"), "one histogram per route")

	_, err = opshttp.NewMetrics(reg)
	assert.Error(t, err, "registering twice on one registry fails")
}

// collectCounter reads folio_http_requests_total{route,code} from reg; 0
// if absent.
func collectCounter(reg *prometheus.Registry, route, code string) (float64, error) {
	mfs, err := reg.Gather()
	if err != nil {
		return 0, err
	}
	for _, mf := range mfs {
		if mf.GetName() != "folio_http_requests_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["route"] == route && labels["code"] == code {
				return m.GetCounter().GetValue(), nil
			}
		}
	}
	return 0, nil
}

func TestLogging_RequestIDOnEveryLine(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(opshttp.NewLogHandler(slog.NewJSONHandler(&buf, nil)))
	h := opshttp.Logging(log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A library logging with the request's context through the host's logger.
		log.InfoContext(r.Context(), "inside", "n", 1)
		opshttp.Logger(r.Context()).Info("through the context's logger")
	}))
	w := serve(h, http.MethodGet, "/a?email=reader@example.com")
	id := w.Header().Get(opshttp.RequestIDHeader)
	require.NotEmpty(t, id)

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 3)
	for _, line := range lines {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
		assert.Equal(t, id, rec["request_id"], line)
		assert.Equal(t, 1, strings.Count(line, `"request_id"`), "the ID appears once: %s", line)
	}
	assert.NotContains(t, buf.String(), "reader@example.com", "the query is not logged")

	w2 := serve(h, http.MethodGet, "/b")
	assert.NotEqual(t, id, w2.Header().Get(opshttp.RequestIDHeader), "each request gets its own ID")
}

func TestLogHandler_Redacts(t *testing.T) {
	tests := []struct {
		name   string
		log    func(l *slog.Logger)
		secret string
	}{
		{"email attribute", func(l *slog.Logger) { l.Info("x", "email", "reader@example.com") }, "reader@example.com"},
		{"email inside a value", func(l *slog.Logger) { l.Info("x", "author", "Reader <reader@example.com>") }, "reader@example.com"},
		{"email inside an error", func(l *slog.Logger) { l.Info("x", "err", errors.New("duplicate for reader@example.com")) }, "reader@example.com"},
		{"email in the message", func(l *slog.Logger) { l.Info("mail reader@example.com failed") }, "reader@example.com"},
		{"token", func(l *slog.Logger) { l.Info("x", "admin_token", "s3cr3t-t0ken") }, "s3cr3t-t0ken"},
		{"authorization in a group", func(l *slog.Logger) {
			l.Info("x", slog.Group("header", "Authorization", "Bearer s3cr3t-t0ken"))
		}, "s3cr3t-t0ken"},
		{"password through With", func(l *slog.Logger) { l.With("password", "hunter2").Info("x") }, "hunter2"},
		{"cookie", func(l *slog.Logger) { l.Info("x", "cookie", "session=abc123") }, "abc123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			tt.log(slog.New(opshttp.NewLogHandler(slog.NewTextHandler(&buf, nil))))
			assert.NotEmpty(t, buf.String())
			assert.NotContains(t, buf.String(), tt.secret)
		})
	}
}
