package testenv_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/internal/testenv"
)

// TestMain doubles as the subject: run as a child with the variable unset,
// this binary's one test skips and Main must report it.
func TestMain(m *testing.M) { os.Exit(testenv.Main(m, "testenv")) }

func TestPostgresDSN_Child(t *testing.T) {
	if os.Getenv("TESTENV_CHILD") == "" {
		t.Skip("run as a child by TestMainReportsSkips")
	}
	testenv.PostgresDSN(t)
	t.Fatal("PostgresDSN returned without a DSN")
}

func TestMainReportsSkips(t *testing.T) {
	for _, tc := range []struct {
		name, dsn string
		want      bool
	}{
		{"unset", "", true},
		{"set", "postgres://example.invalid/x", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestPostgresDSN_Child$", "-test.v")
			cmd.Env = append(os.Environ(), "TESTENV_CHILD=1", testenv.PostgresEnv+"="+tc.dsn)
			out, err := cmd.CombinedOutput()
			if tc.want {
				require.NoError(t, err, "%s", out)
				assert.Contains(t, string(out), "testenv: 1 PostgreSQL tests SKIPPED")
			} else {
				require.Error(t, err, "with a DSN the child test goes on and fails by design")
				assert.False(t, strings.Contains(string(out), "SKIPPED"), "%s", out)
			}
		})
	}
}
