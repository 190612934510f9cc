// Package opshttp is what an operator needs around a Folio site, as
// net/http pieces the host mounts where it likes: liveness and readiness
// endpoints, Prometheus metrics of the requests, and request-scoped
// structured logs.
//
// # Health
//
// [Healthz] answers 200 while the process serves. [Readyz] runs the
// host's checks (a store's Ready method: reachable, migrations applied)
// on every request, with a timeout, and answers 503 naming the first that
// fails. Neither is cached.
//
// # Metrics
//
// [NewMetrics] registers its collectors on the [prometheus.Registerer] the
// host passes (no global registry) and [Metrics.Wrap] counts requests by
// route and status with a latency histogram. Serve the registry on a
// separate address or behind authentication, never publicly.
//
// # Logs
//
// [Logging] gives each request an ID (answered in X-Request-ID) carried in
// its context and writes one line per request; [NewLogHandler] wraps a
// [slog.Handler] so that every record logged with that context carries
// request_id, and so that no email address, token, password, cookie or
// authorisation header reaches the log.
package opshttp
