package readme_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goBlocks returns the bodies of README.md's ```go blocks in order.
func goBlocks(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	defer f.Close()
	var blocks []string
	var cur *strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case cur == nil && line == "```go":
			cur = new(strings.Builder)
		case cur != nil && line == "```":
			blocks = append(blocks, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(line + "\n")
		}
	}
	require.NoError(t, sc.Err())
	require.Nil(t, cur, "README.md: a ```go block is not closed")
	return blocks
}

// build compiles src as a main package inside this module, so that it
// resolves Folio's packages and the module's pinned dependencies as a
// user's program would, and returns the binary's path.
func build(t *testing.T, goBin, src string) string {
	t.Helper()
	require.NoError(t, os.MkdirAll("testdata", 0o755))
	dir, err := os.MkdirTemp("testdata", "build-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644))
	bin := filepath.Join(t.TempDir(), "prog")
	out, err := exec.Command(goBin, "build", "-o", bin, "./"+filepath.ToSlash(dir)).CombinedOutput()
	require.NoError(t, err, "README.md's Go block does not build:\n%s\n%s", out, src)
	return bin
}

func TestREADMEProgramsBuild(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("skipping: no go command on PATH to build README.md's programs")
	}
	blocks := goBlocks(t)
	require.NotEmpty(t, blocks, "README.md shows no Go program")
	for i, src := range blocks {
		t.Run(fmt.Sprint("block", i+1), func(t *testing.T) {
			require.Contains(t, src, "package main", "every Go block in README.md is a whole program")
			bin := build(t, goBin, src)
			if strings.Contains(src, `"/blog/"`) {
				runEmbedding(t, bin)
			}
		})
	}
}

// runEmbedding runs the README's embedding program as its reader would,
// with the two variables it asks for, and reads the post it writes.
func runEmbedding(t *testing.T, bin string) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(),
		"ADDR="+addr,
		"BLOG_SECRET="+strings.Repeat("ab", 32),
		"BLOG_ADMIN_TOKEN="+strings.Repeat("t", 32),
	)
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	require.NoError(t, cmd.Start())
	defer func() { cancel(); _ = cmd.Wait() }()

	var resp *http.Response
	require.Eventually(t, func() bool {
		resp, err = http.Get("http://" + addr + "/blog/")
		return err == nil
	}, 20*time.Second, 50*time.Millisecond, "the embedding program never served /blog/:\n%s", &logs)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "Delegates arrive")
	assert.Contains(t, string(body), `href="/blog/`, "links carry the mount prefix")
	assert.Contains(t, logs.String(), "https://example.com/blog/", "the program logs the post's absolute URL")
}
