package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// config is what one run of the program does, from its flags.
type config struct {
	duration         time.Duration
	rounds           int
	conns            int
	commentsDuration time.Duration
	keep             bool
	siteBin          string
	json             bool
	wrk              bool
	busyComments     int

	rss   bool
	data  string
	pages int

	seedBig  string
	posts    int
	comments int

	writes        bool
	threadSizes   []int
	writeRounds   int
	writeDuration time.Duration
	db            string
	profile       string

	log io.Writer // progress messages
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// errUsage marks a command line that makes no sense; the reason has been
// printed.
var errUsage = errors.New("usage")

// parseFlags reads the command line.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	cfg := config{log: stderr}
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.DurationVar(&cfg.duration, "duration", 5*time.Second, "length of each page run")
	fs.IntVar(&cfg.rounds, "rounds", 3, "alternating rounds (site, bare) per page")
	fs.IntVar(&cfg.conns, "conns", 32, "concurrent keep-alive connections")
	fs.DurationVar(&cfg.commentsDuration, "comments-duration", 5*time.Second, "length of the comment run (0 to skip it)")
	fs.BoolVar(&cfg.keep, "keep", false, "keep the temporary directory (site binary, data, log)")
	fs.StringVar(&cfg.siteBin, "site-bin", "", "prebuilt examples/site `binary` (default: go build it)")
	fs.BoolVar(&cfg.json, "json", false, "print the report as JSON too")
	fs.BoolVar(&cfg.wrk, "wrk", false, "drive the page runs with wrk instead of the built-in generator")
	fs.IntVar(&cfg.busyComments, "busy-comments", 50, "comments to add to the busiest page")
	fs.BoolVar(&cfg.rss, "rss", false, "memory mode: start the site on -data, view -pages pages, print its resident set size")
	fs.StringVar(&cfg.data, "data", "", "data `directory` of the site in -rss mode (kept as it is)")
	fs.IntVar(&cfg.pages, "pages", 1000, "distinct pages to view in -rss mode")
	fs.StringVar(&cfg.seedBig, "seed-big", "", "fill `DIR`/folio.db with -posts posts and -comments comments, then exit")
	fs.IntVar(&cfg.posts, "posts", 100_000, "posts to create with -seed-big")
	fs.IntVar(&cfg.comments, "comments", 1_000_000, "comments to create with -seed-big")
	fs.BoolVar(&cfg.writes, "writes", false, "write mode: comment POSTs by thread size against a bare insert handler")
	sizes := fs.String("thread-sizes", "0,800,5000,10000", "write mode: comments on each thread measured, `N,N,…`")
	fs.IntVar(&cfg.writeRounds, "write-rounds", 3, "write mode: alternating rounds")
	fs.DurationVar(&cfg.writeDuration, "write-duration", 3*time.Second, "write mode: length of each run")
	fs.StringVar(&cfg.db, "db", "", "write mode: a postgres:// `DSN` to measure PostgreSQL instead of SQLite (a schema is made and dropped)")
	fs.StringVar(&cfg.profile, "profile", "", "write mode: write the site's CPU and allocation profiles of the whole run to `DIR`")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, errUsage
	}
	bad := func(format string, a ...any) (config, error) {
		fmt.Fprintf(stderr, "loadtest: "+format+"\n", a...)
		return cfg, errUsage
	}
	var err error
	if cfg.threadSizes, err = parseSizes(*sizes); err != nil {
		return bad("%v", err)
	}
	switch {
	case cfg.writeRounds < 1 || cfg.writeRounds > 100:
		return bad("-write-rounds %d: want 1 to 100", cfg.writeRounds)
	case cfg.writeDuration <= 0 || cfg.writeDuration > 10*time.Minute:
		return bad("-write-duration %v: want more than 0 and at most 10m", cfg.writeDuration)
	case !cfg.writes && (cfg.db != "" || cfg.profile != ""):
		return bad("-db and -profile are for -writes mode")
	case fs.NArg() > 0:
		return bad("unexpected argument %q", fs.Arg(0))
	case cfg.duration <= 0 || cfg.duration > 10*time.Minute:
		return bad("-duration %v: want more than 0 and at most 10m", cfg.duration)
	case cfg.rounds < 1 || cfg.rounds > 100:
		return bad("-rounds %d: want 1 to 100", cfg.rounds)
	case cfg.conns < 1 || cfg.conns > 4096:
		return bad("-conns %d: want 1 to 4096", cfg.conns)
	case cfg.commentsDuration < 0 || cfg.commentsDuration > 10*time.Minute:
		return bad("-comments-duration %v: want 0 to 10m", cfg.commentsDuration)
	case cfg.busyComments < 1 || cfg.busyComments > 10_000:
		return bad("-busy-comments %d: want 1 to 10000", cfg.busyComments)
	case cfg.rss && cfg.data == "":
		return bad("-rss needs -data DIR")
	case !cfg.rss && cfg.data != "":
		return bad("-data is for -rss mode")
	case cfg.pages < 1:
		return bad("-pages %d: want at least 1", cfg.pages)
	case cfg.seedBig != "" && (cfg.posts < 1 || cfg.comments < 0):
		return bad("-posts must be at least 1 and -comments at least 0")
	case cfg.seedBig != "" && cfg.rss:
		return bad("-seed-big and -rss are separate runs")
	}
	return cfg, nil
}

// run parses args and runs the mode they ask for, printing the report to
// stdout and progress to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	switch {
	case cfg.seedBig != "":
		res, err := seedBig(ctx, cfg.seedBig, cfg.posts, cfg.comments, cfg.log)
		if err != nil {
			return err
		}
		printSeed(stdout, res)
		return printJSON(stdout, cfg.json, res)
	case cfg.writes:
		rep, err := writeBench(ctx, cfg)
		if rep != nil {
			rep.print(stdout)
			if jerr := printJSON(stdout, cfg.json, rep); err == nil {
				err = jerr
			}
		}
		return err
	case cfg.rss:
		res, err := measureRSS(ctx, cfg)
		if err != nil {
			return err
		}
		printRSS(stdout, res)
		return printJSON(stdout, cfg.json, res)
	}
	rep, err := bench(ctx, cfg)
	if rep != nil {
		rep.print(stdout)
		if jerr := printJSON(stdout, cfg.json, rep); err == nil {
			err = jerr
		}
	}
	return err
}

// printJSON writes v as indented JSON when on is set.
func printJSON(w io.Writer, on bool, v any) error {
	if !on {
		return nil
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// logf writes one progress line.
func (c *config) logf(format string, a ...any) {
	if c.log != nil {
		fmt.Fprintf(c.log, "loadtest: "+format+"\n", a...)
	}
}
