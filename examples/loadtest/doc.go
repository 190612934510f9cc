// Command loadtest starts the Folio demo site (examples/site) on a fresh
// SQLite database and measures it against a bare net/http server that
// serves the very same bytes.
//
//	go run ./examples/loadtest [flags]
//
// Everything happens on the loopback interface, for bounded durations, and
// everything the program starts it stops again: the site is killed on exit,
// on error and on SIGINT, and its temporary directory is removed (unless
// -keep). Only a SIGKILL of this program leaves the temporary directory
// behind; on Linux the kernel still kills the site with it.
//
// # What it measures
//
// The program builds the site (go build ./examples/site) into a temporary
// directory, or uses -site-bin, and starts it on a free 127.0.0.1 port
// with a new data directory and a known moderator token. Then it:
//
//  1. makes "the busiest page": it picks a post from the home page and adds
//     50 comments to it with the moderator's bearer token (such comments
//     skip the flood limits and are approved at once), and checks that the
//     post page then shows at least 50 id="comment-N" elements;
//  2. fetches the post page, the home page, a month archive and the RSS
//     feed once each, with and without gzip, and serves those bytes with
//     their headers from a bare net/http server in this process;
//  3. drives both servers in alternating runs (site, bare, site, bare, …:
//     -rounds rounds of -duration each, with -conns keep-alive
//     connections), asking for gzip as browsers do, and reports requests
//     per second, the ratio site/bare and the 50th and 99th percentile
//     latencies;
//  4. checks that the page cache lets go of a changed page: a moderator's
//     reply, and an anonymous visitor's comment approved by the moderator,
//     must both show on the very next view of the post page;
//  5. submits comments concurrently for -comments-duration through the
//     whole path (validation, guards, Markdown, sanitising, the SQLite
//     write, page eviction), as the moderator, since every request comes
//     from 127.0.0.1 and the flood guard would otherwise refuse all but
//     the first; it reports comments per second and latencies and checks
//     that the thread now lists exactly as many comments as were answered
//     303.
//
// It prints one aligned table, with the machine's CPU count, GOMAXPROCS
// and Go version, and the same figures as JSON with -json. The load
// generator, the bare server and the site share the machine's CPUs: on a
// small machine the ratio is the figure to read, not the absolute rates.
//
// With -wrk the page runs are driven by wrk (if it is installed) instead of
// the built-in generator.
//
// # Memory
//
//	go run ./examples/loadtest -seed-big DIR -posts 100000 -comments 1000000
//	go run ./examples/loadtest -rss -data DIR
//
// -seed-big fills DIR/folio.db, the database file the site uses under
// -data DIR, with generated posts and approved comments through the
// storage/sqlitestore store. -rss starts the site on DIR, views -pages
// distinct pages (from the sitemap, else by walking the home listing) and
// reads the site process's resident set size (VmRSS and VmHWM from
// /proc/PID/status) before and after.
//
// # Flags
//
//	-duration D           length of each page run (default 5s)
//	-rounds N             alternating rounds per page (default 3)
//	-conns C              concurrent connections (default 32)
//	-comments-duration D  length of the comment run (default 5s)
//	-keep                 keep the temporary directory
//	-site-bin PATH        use this site binary instead of building one
//	-json                 print the report as JSON too
//	-wrk                  drive the page runs with wrk
//	-busy-comments N      comments added to the busiest page (default 50)
//	-rss, -data DIR, -pages N
//	-seed-big DIR, -posts N, -comments N
package main
