package opshttp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"
)

type ctxKey int

const (
	idKey ctxKey = iota
	loggerKey
)

// RequestIDHeader is the response header that carries a request's ID, so
// that a visitor's report can be matched with the log.
const RequestIDHeader = "X-Request-ID"

// RequestID returns the ID [Logging] gave the request of ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(idKey).(string)
	return id
}

// Logger returns the logger [Logging] put in ctx, or slog.Default.
func Logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// Logging returns next behind a middleware that gives every request a new
// ID, answers it in X-Request-ID, puts it and log (with request_id) in the
// request's context, and writes one line per request to log: method, path
// (without the query, which may carry personal data), status, bytes and
// duration. An ID sent by the client is not trusted.
func Logging(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newID()
		l := log.With("request_id", id)
		ctx := context.WithValue(context.WithValue(r.Context(), idKey, id), loggerKey, l)
		w.Header().Set(RequestIDHeader, id)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(ctx))
		// The logger already carries the ID; the context would add it again.
		l.Log(context.Background(), slog.LevelInfo, "request",
			"method", r.Method, "path", r.URL.Path, "status", sw.code(),
			"bytes", sw.bytes, "duration", time.Since(start))
	})
}

func newID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// NewLogHandler returns h with two additions: a record logged with a
// request's context gets request_id (unless the logger carries it
// already), and no secret or personal detail gets through. Attributes
// whose key names an email, token, password, secret, cookie or
// authorisation are replaced by "[redacted]", and email addresses inside
// any string value or the message are masked.
func NewLogHandler(h slog.Handler) slog.Handler { return &logHandler{h: h} }

type logHandler struct {
	h     slog.Handler
	hasID bool // With added request_id
}

func (l *logHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return l.h.Enabled(ctx, level)
}

func (l *logHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, maskEmails(r.Message), r.PC)
	if id := RequestID(ctx); id != "" && !l.hasID {
		out.AddAttrs(slog.String("request_id", id))
	}
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redact(a))
		return true
	})
	return l.h.Handle(ctx, out)
}

func (l *logHandler) WithAttrs(as []slog.Attr) slog.Handler {
	hasID := l.hasID
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = redact(a)
		hasID = hasID || a.Key == "request_id"
	}
	return &logHandler{h: l.h.WithAttrs(clean), hasID: hasID}
}

func (l *logHandler) WithGroup(name string) slog.Handler {
	return &logHandler{h: l.h.WithGroup(name), hasID: l.hasID}
}

// secretKeys are the words that mark an attribute's value as never to be
// logged.
var secretKeys = []string{"email", "mail", "token", "password", "passwd", "secret", "cookie", "authorization", "bearer"}

var emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)

func maskEmails(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	return emailPattern.ReplaceAllString(s, "[email]")
}

// redact cleans one attribute, groups included.
func redact(a slog.Attr) slog.Attr {
	k := strings.ToLower(a.Key)
	for _, s := range secretKeys {
		if strings.Contains(k, s) {
			return slog.String(a.Key, "[redacted]")
		}
	}
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindGroup:
		g := v.Group()
		clean := make([]any, len(g))
		for i, ga := range g {
			clean[i] = redact(ga)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindString:
		return slog.String(a.Key, maskEmails(v.String()))
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, maskEmails(err.Error()))
		}
		return slog.String(a.Key, maskEmails(v.String()))
	}
	return slog.Attr{Key: a.Key, Value: v}
}
