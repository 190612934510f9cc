package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// How long the site may take to answer after it starts, and to stop.
const (
	startTimeout = 2 * time.Minute
	stopTimeout  = 10 * time.Second
	buildTimeout = 5 * time.Minute
)

// buildSite builds examples/site of the module holding the working
// directory into dir and returns the binary's path.
func buildSite(ctx context.Context, dir string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("build site: go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("build site: not inside the Folio module; run from it or pass -site-bin")
	}
	bin := filepath.Join(dir, "site")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./examples/site")
	cmd.Dir = filepath.Dir(gomod)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build site: %w\n%s", err, out)
	}
	return bin, nil
}

// siteProc is a running examples/site process.
type siteProc struct {
	cmd   *exec.Cmd
	base  string // http://127.0.0.1:PORT, no trailing slash
	token string // the moderator token it was given
	out   *tail  // its stdout and stderr, the last few kilobytes
	done  chan struct{}
	err   error // from Wait, once done is closed

	stopOnce sync.Once
}

// newToken returns a random moderator token.
func newToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// startSite starts bin serving dataDir on a free loopback port with the
// moderator token, and waits until it answers; extra flags follow the
// others. The caller stops it.
func startSite(ctx context.Context, bin, dataDir, token string, extra ...string) (*siteProc, error) {
	var lastErr error
	for range 3 { // the free port may be taken between look-up and use
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		p, err := spawn(bin, dataDir, token, port, extra...)
		if err != nil {
			return nil, err
		}
		err = p.waitReady(ctx)
		if err == nil {
			return p, nil
		}
		p.Stop()
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, lastErr
}

// freePort returns a loopback TCP port nothing listens on just now.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// spawn starts the site process.
func spawn(bin, dataDir, token string, port int, extra ...string) (*siteProc, error) {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	cmd := exec.Command(bin, append([]string{"-addr", addr, "-data", dataDir, "-admin-token", token}, extra...)...)
	// The site's own variables would override nothing given on the command
	// line but the secret; leave them all out so each run starts clean.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FOLIO_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	p := &siteProc{cmd: cmd, base: "http://" + addr, token: token, out: &tail{max: 16 << 10}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start site: %w", err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Pid returns the site's process ID.
func (p *siteProc) Pid() int { return p.cmd.Process.Pid }

// waitReady polls the home page until the site answers, the process
// exits or the start timeout passes.
func (p *siteProc) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	c := &http.Client{Timeout: 5 * time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"/", nil)
		if res, err := c.Do(req); err == nil {
			res.Body.Close()
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("site exited before answering (%v):\n%s", p.err, p.out)
		case <-ctx.Done():
			return fmt.Errorf("site did not answer at %s: %w\n%s", p.base, ctx.Err(), p.out)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Stop asks the site to shut down (SIGINT), kills it if it has not
// exited within the stop timeout, and waits for it. It is safe to call
// more than once.
func (p *siteProc) Stop() {
	p.stopOnce.Do(func() {
		select {
		case <-p.done:
			return
		default:
		}
		p.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-p.done:
		case <-time.After(stopTimeout):
			p.cmd.Process.Kill()
			<-p.done
		}
	})
}

// Exited reports whether the process has ended.
func (p *siteProc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if over := len(t.b) - t.max; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
