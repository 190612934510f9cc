package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/folioblog/folio/opshttp"
)

// Timeouts of the HTTP server and of its shutdown.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 15 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 60 * time.Second
	maxHeaderBytes    = 64 << 10
	shutdownTimeout   = 10 * time.Second
)

// Environment variables the site reads.
const (
	envAdminToken = "FOLIO_ADMIN_TOKEN"
	envSecret     = "FOLIO_SECRET"
)

// errUsage marks a command line that makes no sense; the usage has been
// printed.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "site:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  site [flags]                   serve the site
  site [flags] import FILE.xml   import a WordPress export (WXR) into the database
  site [flags] backup FILE       archive the SQLite database and the media while the site serves
  site [flags] restore FILE      restore an archive into an empty data directory (-force to replace)
  site [flags] unseed            remove the sample content (what you edited or readers commented on stays)

Flags may come before or after a subcommand and its file.

flags:
`

// run parses args and serves the site until ctx is done, or runs the
// import subcommand. Messages for the operator go to stdout, logs and the
// progress bar to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, cmd, err := parseArgs(args, stderr)
	if err != nil {
		return err
	}
	cfg.log = slog.New(opshttp.NewLogHandler(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	cfg.out = stdout
	switch {
	case len(cmd) > 0 && cmd[0] == "backup":
		return runBackup(ctx, cfg, cmd[1], stderr)
	case len(cmd) > 0 && cmd[0] == "restore":
		return runRestore(ctx, cfg, cmd[1], stderr)
	case len(cmd) > 0 && cmd[0] == "unseed":
		return runUnseed(ctx, cfg, stdout)
	case len(cmd) > 0:
		return runImport(ctx, cfg, cmd[1], stderr)
	}
	return serve(ctx, cfg, stdout)
}

// parseArgs reads the flags, which may be interleaved with the
// subcommand and its argument, and returns the configuration and the
// subcommand with its argument (nil to serve).
func parseArgs(args []string, stderr io.Writer) (config, []string, error) {
	cfg := config{}
	fs := flag.NewFlagSet("site", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "`HOST:PORT` to listen on")
	fs.StringVar(&cfg.dataDir, "data", "./folio-data", "data directory `DIR`: database, media, secret key")
	fs.StringVar(&cfg.dsn, "db", "", "database `DSN`: sqlite:PATH or postgres://… (default sqlite:DIR/folio.db)")
	fs.StringVar(&cfg.adminToken, "admin-token", "", "moderator `TOKEN` (default $"+envAdminToken+", else random)")
	fs.StringVar(&cfg.baseURL, "base-url", "", "public `URL` of the site (default http://ADDR/)")
	fs.StringVar(&cfg.tz, "tz", "", "time zone of the site, an IANA `NAME` (default the machine's)")
	fs.BoolVar(&cfg.seed, "seed", true, "add sample content to an empty database (-seed=false: start empty)")
	fs.StringVar(&cfg.title, "title", siteTitle, "the site's `TITLE`")
	fs.StringVar(&cfg.tagline, "tagline", siteTagline, "the site's `TAGLINE`, under its title")
	fs.StringVar(&cfg.metricsAddr, "metrics-addr", "", "serve Prometheus metrics at http://`HOST:PORT`/metrics (default off; keep it private)")
	fs.BoolVar(&cfg.force, "force", false, "restore: replace the database and media already in the data directory")
	addProxyFlag(fs, &cfg)
	addProfileFlags(fs, &cfg)
	fs.StringVar(&cfg.uploads, "uploads", "", "import: a local copy `DIR` of the old site's wp-content/uploads, read before downloading")

	var positional []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return cfg, nil, err
			}
			return cfg, nil, errUsage
		}
		rest = fs.Args()
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0])
		rest = rest[1:]
	}
	switch {
	case len(positional) == 0:
	case len(positional) == 1 && positional[0] == "unseed":
	case isFileCommand(positional[0]) && len(positional) == 2:
	case isFileCommand(positional[0]):
		fmt.Fprintf(stderr, "site: %s needs exactly one file\n", positional[0])
		fs.Usage()
		return cfg, nil, errUsage
	default:
		fmt.Fprintf(stderr, "site: unknown command %q\n", positional[0])
		fs.Usage()
		return cfg, nil, errUsage
	}
	if cfg.tz != "" {
		loc, err := time.LoadLocation(cfg.tz)
		if err != nil {
			fmt.Fprintf(stderr, "site: -tz: %v\n", err)
			return cfg, nil, errUsage
		}
		cfg.loc = loc
	}
	if cfg.adminToken == "" {
		cfg.adminToken = os.Getenv(envAdminToken)
		cfg.adminTokenFrom = "$" + envAdminToken
	} else {
		cfg.adminTokenFrom = "-admin-token"
	}
	cfg.secretEnv = os.Getenv(envSecret)
	return cfg, positional, nil
}

// serve listens, builds the site and serves it until ctx is done, then
// shuts down gracefully.
func serve(ctx context.Context, cfg config, stdout io.Writer) error {
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	if cfg.baseURL == "" {
		cfg.baseURL = defaultBaseURL(ln.Addr())
	}
	if cfg.adminToken == "" {
		cfg.adminToken = randomToken()
		cfg.adminTokenFrom = ""
	}
	stopProfiles, err := startProfiles(cfg.profile)
	if err != nil {
		ln.Close()
		return err
	}
	defer func() { _ = stopProfiles() }()
	fmt.Fprintln(stdout, "Folio starting: opening the database (and adding the sample content on a first run)…")
	s, err := newSite(ctx, cfg)
	if err != nil {
		ln.Close()
		return err
	}
	stopMetrics, err := serveMetrics(cfg, s.metrics.registry, stdout)
	if err != nil {
		s.Close()
		ln.Close()
		return err
	}
	defer stopMetrics()
	srv := &http.Server{
		Handler:           slowRequests(cfg, s.handler),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(cfg.log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "Folio serving %s (listening on %s, database %s)\n", s.cfg.baseURL, ln.Addr(), s.dbName)
	if cfg.adminTokenFrom == "" {
		fmt.Fprintf(stdout, "admin token: %s\n", cfg.adminToken)
	} else {
		fmt.Fprintf(stdout, "admin token: from %s\n", cfg.adminTokenFrom)
	}
	fmt.Fprintf(stdout, "moderation: %sadmin/login\n", s.cfg.baseURL)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		s.Close()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err = srv.Shutdown(sctx)
	logWriteStats(cfg, s.store)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// defaultBaseURL is http://ADDR/ for the address listened on, naming
// localhost for an unspecified host.
func defaultBaseURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String() + "/"
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// randomToken returns a new moderator token: 24 random bytes, base64url.
func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hasScheme reports whether dsn starts with one of the schemes.
func hasScheme(dsn string, schemes ...string) bool {
	for _, s := range schemes {
		if len(dsn) >= len(s) && strings.EqualFold(dsn[:len(s)], s) {
			return true
		}
	}
	return false
}

// isFileCommand reports whether name is a subcommand taking one file.
func isFileCommand(name string) bool {
	return name == "import" || name == "backup" || name == "restore"
}
