// Package testenv finds the optional services Folio's tests use and says
// so, once per package, when it skips tests for want of them.
//
// A passing package's output is hidden by a plain `go test ./...`, skips
// included, so a skipped PostgreSQL suite looks like a passed one. Main
// therefore also writes its summary to the terminal (/dev/tty) when there
// is one: a person running the tests sees it, a CI log does not need it
// (CI provides every service, so nothing skips there).
package testenv

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"testing"
)

// PostgresEnv names the variable that holds the DSN of a PostgreSQL
// server the tests may use.
const PostgresEnv = "FOLIO_TEST_POSTGRES"

var pgSkipped atomic.Int64

// PostgresDSN returns the DSN in $FOLIO_TEST_POSTGRES, or skips tb,
// saying how to run it, and counts the skip for Main's summary.
func PostgresDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(PostgresEnv)
	if dsn == "" {
		pgSkipped.Add(1)
		tb.Skipf("set %s to a PostgreSQL DSN to run this test (.ci/postgres.sh starts one)", PostgresEnv)
	}
	return dsn
}

// Main runs the tests and returns m.Run's code. When some of them skipped
// for want of PostgreSQL, it writes one line naming pkg and the count to
// stderr, where `go test -v` shows it, and to the terminal, if any.
func Main(m *testing.M, pkg string) int {
	code := m.Run()
	if n := pgSkipped.Load(); n > 0 {
		summary(os.Stderr, pkg, n)
		if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			summary(tty, pkg, n)
			tty.Close()
		}
	}
	return code
}

func summary(w io.Writer, pkg string, n int64) {
	fmt.Fprintf(w, "%s: %d PostgreSQL tests SKIPPED, not passed: %s is not set\n", pkg, n, PostgresEnv)
}
