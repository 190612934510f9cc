package opshttp

import (
	"context"
	"net/http"
	"time"
)

// Check is one condition of readiness: Run returns nil when it holds.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// Healthz returns the liveness handler: 200 "ok" to every GET or HEAD.
func Healthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noStore(w)
		w.Write([]byte("ok\n"))
	})
}

// DefaultReadyTimeout bounds all the checks of one readiness request.
const DefaultReadyTimeout = 2 * time.Second

// Readyz returns the readiness handler: it runs the checks in order on
// every request, within timeout (DefaultReadyTimeout if 0), and answers 200
// "ready" when all hold, else 503 naming the first that failed. The
// failure's detail goes to the request's log, not to the client.
func Readyz(timeout time.Duration, checks ...Check) http.Handler {
	if timeout <= 0 {
		timeout = DefaultReadyTimeout
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noStore(w)
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		for _, c := range checks {
			if err := c.Run(ctx); err != nil {
				Logger(r.Context()).WarnContext(r.Context(), "opshttp: not ready", "check", c.Name, "err", err)
				w.WriteHeader(http.StatusServiceUnavailable)
				w.Write([]byte("not ready: " + c.Name + "\n"))
				return
			}
		}
		w.Write([]byte("ready\n"))
	})
}

func noStore(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
}
