package pgstore

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

// tsArg is a time as a timestamptz argument: NULL for the zero time.
func tsArg(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()}
}

// keyArg is a time as a listing sort key (listed_at): -infinity for the
// zero time, which is how listed_at stores a NULL time.
func keyArg(t time.Time) pgtype.Timestamptz {
	if t.IsZero() {
		return pgtype.Timestamptz{InfinityModifier: pgtype.NegativeInfinity, Valid: true}
	}
	return pgtype.Timestamptz{Time: t, Valid: true}
}

// timeOf converts a scanned timestamptz back: the zero time for NULL,
// else the instant in UTC.
func timeOf(t pgtype.Timestamptz) time.Time {
	if !t.Valid || t.InfinityModifier != pgtype.Finite {
		return time.Time{}
	}
	return t.Time.UTC()
}

// isUniqueViolation reports whether err is PostgreSQL's unique_violation,
// on the named constraint if constraint is not empty.
func isUniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23505" {
		return false
	}
	return constraint == "" || pgErr.ConstraintName == constraint
}

// args collects the arguments of a query built piece by piece and the
// conditions of its WHERE clause.
type args struct {
	vals  []any
	conds []string
}

// add appends v and returns its placeholder, $N.
func (a *args) add(v any) string {
	a.vals = append(a.vals, v)
	return "$" + strconv.Itoa(len(a.vals))
}

// where adds a condition.
func (a *args) where(cond string) { a.conds = append(a.conds, cond) }

// clause returns "WHERE c1 AND c2 …", or "" without conditions.
func (a *args) clause() string {
	if len(a.conds) == 0 {
		return ""
	}
	return "WHERE " + strings.Join(a.conds, " AND ")
}

// storable reports whether PostgreSQL text can hold s: valid UTF-8
// without NUL. A lookup of a key that is not storable finds nothing.
func storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// storableOrEmpty returns s if PostgreSQL text can hold it, else "",
// which the queries using it treat as matching nothing.
func storableOrEmpty(s string) string {
	if !storable(s) {
		return ""
	}
	return s
}

// cleanText makes s storable as PostgreSQL text for a search: text may
// hold neither NUL nor invalid UTF-8.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.ReplaceAll(s, "\x00", " ")
}

// writeRow runs a write statement that returns one row in a transaction of
// its own and scans the row into dest; it returns pgx.ErrNoRows if the
// statement matched nothing.
//
// The explicit transaction is what makes a cancelled call write nothing.
// When ctx ends while a statement waits (on a lock, say), the client
// drops the connection, but the server finishes the statement anyway; run
// alone, it would then commit. Inside BEGIN … COMMIT it never sees the
// COMMIT, and is rolled back.
func (s *Store) writeRow(ctx context.Context, query string, args []any, dest ...any) error {
	if b := s.batchOf(ctx); b != nil {
		return b.writeRow(ctx, query, args, dest...)
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, query, args...).Scan(dest...)
	})
}

// unavailableError marks an error of the connection to PostgreSQL rather
// than of the statement: it matches [blog.ErrUnavailable] and
// [comments.ErrUnavailable] with errors.Is (the Store serves both) and
// unwraps to the driver's error.
type unavailableError struct{ err error }

func (e *unavailableError) Error() string { return e.err.Error() }

func (e *unavailableError) Unwrap() []error {
	return []error{e.err, blog.ErrUnavailable, comments.ErrUnavailable}
}

// dbErr returns err marked as matching [blog.ErrUnavailable] and
// [comments.ErrUnavailable] when it says the database could not be
// reached or the connection was lost, so that the same call may succeed
// later (the pool reconnects); any other error,
// nil included, is returned as it is.
func dbErr(err error) error {
	if err == nil || errors.Is(err, blog.ErrUnavailable) || !connLost(err) {
		return err
	}
	return &unavailableError{err: err}
}

// connLost reports whether err is a failure of the connection rather than
// of the statement: a server error of SQLSTATE class 08 (connection
// exception) or 57P01..57P03 (the server shutting down, crashed or
// starting), a failure to connect, a closed connection, a network error,
// an unexpected end of the stream, or a timeout. A context the caller
// cancelled is not one: the caller gave up.
func connLost(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch pgErr.Code {
		case "57P01", "57P02", "57P03": // admin_shutdown, crash_shutdown, cannot_connect_now
			return true
		}
		return strings.HasPrefix(pgErr.Code, "08")
	}
	if _, ok := errors.AsType[*pgconn.ConnectError](err); ok {
		return true
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return true
	}
	return pgconn.SafeToRetry(err) || pgconn.Timeout(err) ||
		errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}
