// Command site is Folio's full demo: a photo journal with sample posts,
// generated photographs, threaded comments, feeds and a moderation screen,
// kept in SQLite (or PostgreSQL) and served over HTTP.
//
//	go run ./examples/site
//
// serves http://127.0.0.1:8080/ with its data under ./folio-data/: the
// database folio.db, the photographs under media/ and the site's secret
// key secret.key. The first start, on an empty database, fills it with
// the sample content; later starts find it there.
//
// # Usage
//
//	site [flags]                       serve the site
//	site [flags] import FILE.xml       import a WordPress export (WXR) into the database
//	site [flags] backup FILE           archive the SQLite database and the media, while serving
//	site [flags] restore FILE          restore an archive into an empty data directory
//
// Flags may be given before or after a subcommand and its file:
//
//	-addr HOST:PORT     where to listen (default 127.0.0.1:8080)
//	-data DIR           the data directory (default ./folio-data)
//	-db DSN             the database: sqlite:PATH, or postgres://… (postgresql://…);
//	                    default sqlite:DIR/folio.db
//	-admin-token TOKEN  the moderator's token; default $FOLIO_ADMIN_TOKEN, else a
//	                    random one printed at start-up ("admin token: …")
//	-base-url URL       the site's public URL (default http://ADDR/)
//	-tz NAME            the site's time zone, an IANA name (default: the machine's)
//	-seed=false         do not add the sample content to an empty database
//	-uploads DIR        import: a copy of the old site's wp-content/uploads,
//	                    read before downloading
//	-force              restore: replace the database and media DIR holds
//	-metrics-addr ADDR  serve Prometheus metrics at http://ADDR/metrics (default off)
//
// The import brings the photos too: each attachment's file and each image
// of a post on the export's own host are read from -uploads or downloaded
// (25 MiB at most, JPEG, PNG, GIF or WebP by their content), kept in the
// media folder of the data directory and served at /media/, and the posts
// link them there; [gallery] shortcodes become figures. A file that cannot
// be had is reported in the summary and the post keeps its old link.
//
// The import is idempotent: running it again on the same file adds only
// what is missing, photos that failed before included. Pages the running site has cached are not told of the
// new posts (SQLite's change events stay within a process), so stop the
// site while importing, or restart it after.
//
// # Moderation
//
// The moderator signs in at /admin/login with the token, or sends it with
// every request as "Authorization: Bearer TOKEN":
//
//	curl -H "Authorization: Bearer $TOKEN" 'http://127.0.0.1:8080/admin/comments?status=pending'
//	curl -X POST -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/admin/comments/12/approve
//
// # Secrets
//
// Likes, comment form tokens and moderator sessions are signed with keys
// derived from one secret, so they survive a restart: $FOLIO_SECRET if set
// (at least 32 bytes; every instance sharing a PostgreSQL database must
// have the same one), else DIR/secret.key, made once with mode 0600.
//
// # Operations
//
// GET /healthz answers 200 while the process serves, GET /readyz 200 when
// the database answers at this program's schema version, else 503. Every
// log line of a request carries its request_id (also sent in
// X-Request-ID); no email address or token is logged. The backup is one
// tar archive of a consistent copy of the database (VACUUM INTO, taken
// without stopping the site), the media folder and a manifest of SHA-256
// checksums; restore verifies all of it before writing. For PostgreSQL,
// backup and restore refuse and name pg_dump instead. See the README's
// "Run it in production".
//
// # Media
//
// Files in DIR/media/ are served at /media/NAME with long cache headers;
// the sample posts' photographs are drawn by this program when it seeds.
package main
