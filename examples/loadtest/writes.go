package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/pgstore"
	"github.com/folioblog/folio/storage/sqlitestore"
)

// The kinds of run of the write test.
const (
	kindModerator = "site, moderator"
	kindAnonymous = "site, anonymous"
	kindBare      = "bare insert"
)

// WriteRun is one run of the write test: comment POSTs to one target for
// the run's length.
type WriteRun struct {
	Kind       string           `json:"kind"`
	Round      int              `json:"round"`
	Thread     int              `json:"thread"` // comments on the thread when the run began (site runs)
	Sent       int64            `json:"sent"`
	OK         int64            `json:"ok"` // answered 303 to #comment-ID
	Seconds    float64          `json:"seconds"`
	PerSec     float64          `json:"per_sec"`
	P50Ms      float64          `json:"p50_ms"`
	P99Ms      float64          `json:"p99_ms"`
	MaxMs      float64          `json:"max_ms"`
	Statuses   map[string]int64 `json:"statuses"`
	FirstError string           `json:"first_error,omitempty"`

	ids                 []int64
	missing, unapproved int
}

// checkAndRemove checks that every comment run was answered 303 for is
// stored (and approved, for the moderator's), then deletes them.
func checkAndRemove(ctx context.Context, st commentStore, run *WriteRun) error {
	for _, id := range run.ids {
		c, err := st.GetComment(ctx, id)
		switch {
		case errors.Is(err, comments.ErrNotFound):
			run.missing++
			continue
		case err != nil:
			return err
		case run.Kind == kindModerator && c.Status != comments.StatusApproved:
			run.unapproved++
		}
		if err := st.DeleteComment(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// WriteSummary is the figures of one thread size over every round.
type WriteSummary struct {
	Thread          int     `json:"thread"`
	ModeratorPerS   float64 `json:"moderator_per_sec"` // median over rounds
	AnonymousPerS   float64 `json:"anonymous_per_sec"`
	BarePerS        float64 `json:"bare_per_sec"`
	ModeratorRatio  float64 `json:"moderator_ratio"` // to the bare insert
	AnonymousRatio  float64 `json:"anonymous_ratio"`
	WorstP99OverP50 float64 `json:"worst_p99_over_p50"`
	BareP99OverP50  float64 `json:"bare_worst_p99_over_p50"`
	MaxMs           float64 `json:"max_ms"`
}

// WriteReport is what the write test measured and checked.
type WriteReport struct {
	Machine   Machine        `json:"machine"`
	Database  string         `json:"database"`
	Conns     int            `json:"conns"`
	Duration  string         `json:"duration"`
	Rounds    int            `json:"rounds"`
	Runs      []WriteRun     `json:"runs"`
	Summary   []WriteSummary `json:"summary"`
	GaveUp    string         `json:"gave_up"`
	Checks    []Check        `json:"checks"`
	Notes     []string       `json:"notes,omitempty"`
	Error     string         `json:"error,omitempty"`
	Profiles  []string       `json:"profiles,omitempty"`
	SeededSec float64        `json:"seeded_seconds"`
	SlowDumps int            `json:"slow_dumps"`
}

func (r *WriteReport) check(name string, pass bool, format string, a ...any) {
	r.Checks = append(r.Checks, Check{Name: name, Pass: pass, Detail: fmt.Sprintf(format, a...)})
}

// parseSizes reads -thread-sizes.
func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 0 || n > 1_000_000 {
			return nil, fmt.Errorf("-thread-sizes: %q is not a count from 0 to 1000000", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// commentStore is what the write test reads and seeds through: the
// site's own database, opened beside it.
type commentStore interface {
	comments.Store
	Close() error
}

// writeBench runs the write test: it starts the site with the load
// test's trusted proxy, fills one thread per size, then for each round
// and size posts comments as the moderator, to the bare insert handler
// and as anonymous visitors, one run after the other.
func writeBench(ctx context.Context, cfg config) (rep *WriteReport, err error) {
	rep = &WriteReport{
		Machine:  newReport(cfg, "").Machine,
		Database: "sqlite",
		Conns:    cfg.conns,
		Duration: cfg.writeDuration.String(),
		Rounds:   cfg.writeRounds,
	}
	defer func() {
		if err != nil {
			rep.Error = err.Error()
		}
	}()
	tmp, err := os.MkdirTemp("", "folio-loadtest-")
	if err != nil {
		return rep, err
	}
	if cfg.keep {
		rep.Notes = append(rep.Notes, "kept the temporary directory "+tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	bin := cfg.siteBin
	if bin == "" {
		cfg.logf("building examples/site")
		if bin, err = buildSite(ctx, tmp); err != nil {
			return rep, err
		}
	}
	dataDir := filepath.Join(tmp, "data")
	// Slow requests leave a goroutine dump in the site's log.
	extra := []string{"-trusted-proxy", "127.0.0.1/32", "-slow-request", "1s"}
	if cfg.profile != "" {
		if err := os.MkdirAll(cfg.profile, 0o750); err != nil {
			return rep, err
		}
		cpu, mem := filepath.Join(cfg.profile, "cpu.pprof"), filepath.Join(cfg.profile, "allocs.pprof")
		extra = append(extra, "-cpuprofile", cpu, "-memprofile", mem)
		rep.Profiles = []string{cpu, mem}
	}
	var (
		st      commentStore
		bare    *bareInsert
		pgAdmin *pgxpool.Pool
		pgDSN   string
	)
	if cfg.db != "" {
		rep.Database = "postgres"
		schema := "folio_loadtest_" + randomHex(6)
		if pgAdmin, err = pgxpool.New(ctx, cfg.db); err != nil {
			return rep, fmt.Errorf("postgres: %w", err)
		}
		defer pgAdmin.Close()
		ident := pgx.Identifier{schema}.Sanitize()
		if _, err := pgAdmin.Exec(ctx, "CREATE SCHEMA "+ident); err != nil {
			return rep, fmt.Errorf("postgres: %w", err)
		}
		defer func() {
			dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			pgAdmin.Exec(dctx, "DROP SCHEMA "+ident+" CASCADE")
		}()
		if pgDSN, err = withSearchPath(cfg.db, schema); err != nil {
			return rep, err
		}
		extra = append(extra, "-db", pgDSN)
		if bare, err = startBarePG(ctx, pgDSN); err != nil {
			return rep, err
		}
	} else if bare, err = startBareSQLite(filepath.Join(tmp, "bare.db")); err != nil {
		return rep, err
	}
	defer bare.close()

	cfg.logf("starting the site")
	site, err := startSite(ctx, bin, dataDir, newToken(), extra...)
	if err != nil {
		return rep, err
	}
	defer site.Stop()
	mod := newClient(site.base, site.token, "")
	defer mod.close()
	posts, err := pickPosts(ctx, mod, len(cfg.threadSizes))
	if err != nil {
		return rep, err
	}
	if len(posts) < len(cfg.threadSizes) {
		return rep, fmt.Errorf("the site has %d posts open for comments, want one per thread size (%d)", len(posts), len(cfg.threadSizes))
	}

	if cfg.db != "" {
		s, err := pgstore.Open(ctx, pgDSN)
		if err != nil {
			return rep, err
		}
		st = s
	} else {
		s, err := sqlitestore.Open(filepath.Join(dataDir, siteDBFile))
		if err != nil {
			return rep, err
		}
		st = s
	}
	defer st.Close()

	t0 := time.Now()
	for i, n := range cfg.threadSizes {
		cfg.logf("filling thread %s with %d comments", posts[i].ID, n)
		if err := fillThread(ctx, st, posts[i].ID, n); err != nil {
			return rep, err
		}
	}
	rep.SeededSec = time.Since(t0).Seconds()

	// One form token per thread serves every anonymous visitor: a token
	// is single-use per visitor's address. It must age first.
	tokens := make([]string, len(posts))
	for i := range cfg.threadSizes {
		if tokens[i], err = freshToken(ctx, mod, posts[i]); err != nil {
			return rep, err
		}
	}
	time.Sleep(comments.DefaultTokenMinAge + 200*time.Millisecond)

	var (
		seq                 atomic.Int64
		missing, unapproved int
	)
	for round := 1; round <= cfg.writeRounds; round++ {
		for i, n := range cfg.threadSizes {
			counts, err := st.CountApproved(ctx, []string{posts[i].ID})
			if err != nil {
				return rep, err
			}
			for _, k := range []string{kindModerator, kindBare, kindAnonymous} {
				t := writeTarget{kind: k, base: site.base, post: posts[i], seq: &seq}
				switch k {
				case kindModerator:
					t.bearer = site.token
				case kindAnonymous:
					t.token = tokens[i]
				case kindBare:
					t.base = bare.url
				}
				cfg.logf("round %d, thread of %d: %s", round, n, k)
				run, err := writeRun(ctx, t, cfg.conns, cfg.writeDuration)
				if err != nil {
					return rep, err
				}
				run.Round = round
				if k != kindBare {
					run.Thread = counts[posts[i].ID]
					// Every comment answered 303 is stored; then they go,
					// so that the thread keeps its size for the next run.
					if err := checkAndRemove(ctx, st, &run); err != nil {
						return rep, err
					}
					missing += run.missing
					unapproved += run.unapproved
				}
				rep.Runs = append(rep.Runs, run)
			}
		}
	}

	rep.check("acknowledged comments stored", missing == 0 && unapproved == 0,
		"%d answered 303 but not stored, %d of the moderator's not approved", missing, unapproved)

	rep.GaveUp, err = gaveUp(ctx, st, site.base, site.token, posts[0], &seq)
	if err != nil {
		return rep, err
	}
	rep.summarise(cfg.threadSizes)

	// The site logs its write wait times as it shuts down.
	site.Stop()
	for _, line := range strings.Split(site.out.String(), "\n") {
		switch {
		case strings.Contains(line, "write wait times"):
			rep.Notes = append(rep.Notes, "site "+line[strings.Index(line, "write wait times"):])
		case strings.Contains(line, "slow request"):
			rep.SlowDumps++
		}
	}
	rep.check("no goroutine dump of a request running over 1 s", rep.SlowDumps == 0,
		"%d in the tail of the site's log", rep.SlowDumps)
	return rep, nil
}

// withSearchPath adds search_path=schema to a postgres:// DSN: pgx sends
// it as a run-time parameter, so unqualified names land in the schema.
func withSearchPath(dsn, schema string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("-db %q: want a postgres:// URL", dsn)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// fillThread adds approved comments to thread until it holds n.
func fillThread(ctx context.Context, st commentStore, thread string, n int) error {
	counts, err := st.CountApproved(ctx, []string{thread})
	if err != nil {
		return err
	}
	at := time.Now().Add(-time.Duration(n) * time.Second).UTC()
	for i := counts[thread]; i < n; i++ {
		c := &comments.Comment{
			Thread: thread, Type: comments.TypeComment,
			Author:    comments.Author{Name: "Seed " + strconv.Itoa(i%97), Email: fmt.Sprintf("seed%d@example.com", i%97)},
			Source:    fmt.Sprintf("Seeded comment %d on a long thread.", i),
			HTML:      template.HTML(fmt.Sprintf("<p>Seeded comment %d on a long thread.</p>\n", i)),
			Status:    comments.StatusApproved,
			Decision:  comments.Decision{Status: comments.StatusApproved, Rule: "seed", Reason: "seeded by the load test"},
			IP:        "192.0.2.1",
			CreatedAt: at.Add(time.Duration(i) * time.Second),
		}
		if err := st.CreateComment(ctx, c); err != nil {
			return fmt.Errorf("fill thread %s: %w", thread, err)
		}
	}
	return nil
}

// writeTarget is where and as whom one run posts.
type writeTarget struct {
	kind   string
	base   string
	post   post
	bearer string // the moderator's token
	token  string // the form token, for anonymous visitors
	seq    *atomic.Int64
}

// request returns the n-th comment POST of the run.
func (t writeTarget) request(ctx context.Context, n int64) *http.Request {
	body := fmt.Sprintf("Write test comment %d: the *whole* pipeline, with a [link](https://example.com/c/%d), `code` and a list:\n\n- one\n- two", n, n)
	author, email := "Load Test", "loadtest@example.com"
	if t.kind == kindAnonymous {
		author, email = "Visitor "+strconv.FormatInt(n, 10), fmt.Sprintf("visitor%d@example.com", n)
	}
	form := commentForm(t.post, 0, author, email, body)
	if t.token != "" {
		form.Set("folio_token", t.token)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, t.base+"/comments", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if t.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+t.bearer)
	}
	if t.kind == kindAnonymous {
		// A distinct visitor per comment, through the trusted proxy: the
		// flood guard lets each of them comment once.
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255))
	}
	return req
}

// writeRun posts comments to t from conns goroutines for d.
func writeRun(ctx context.Context, t writeTarget, conns int, d time.Duration) (WriteRun, error) {
	res := WriteRun{Kind: t.kind, Statuses: map[string]int64{}}
	tr := newLoadTransport(conns)
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer hc.CloseIdleConnections()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		hist     histogram
		firstErr string
	)
	start := make(chan struct{})
	rctx, cancel := context.WithTimeout(ctx, d+35*time.Second)
	defer cancel()
	var deadline time.Time
	for range conns {
		wg.Go(func() {
			var h histogram
			statuses := map[string]int64{}
			var mine []int64
			var myErr string
			<-start
			for rctx.Err() == nil {
				t0 := time.Now()
				if !t0.Before(deadline) {
					break
				}
				r, err := hc.Do(t.request(rctx, t.seq.Add(1)))
				if err != nil {
					h.record(time.Since(t0))
					statuses["error"]++
					if myErr == "" {
						myErr = err.Error()
					}
					continue
				}
				var buf bytes.Buffer
				buf.ReadFrom(io.LimitReader(r.Body, maxBody))
				r.Body.Close()
				h.record(time.Since(t0))
				statuses[strconv.Itoa(r.StatusCode)]++
				if id := locationComment(r.Header.Get("Location")); r.StatusCode == http.StatusSeeOther && id > 0 {
					mine = append(mine, id)
				} else if myErr == "" {
					myErr = fmt.Sprintf("status %d: %s", r.StatusCode, snippet(buf.Bytes()))
				}
			}
			mu.Lock()
			defer mu.Unlock()
			hist.merge(&h)
			for k, v := range statuses {
				res.Statuses[k] += v
			}
			res.ids = append(res.ids, mine...)
			if firstErr == "" {
				firstErr = myErr
			}
		})
	}
	t0 := time.Now()
	deadline = t0.Add(d)
	close(start)
	wg.Wait()
	elapsed := time.Since(t0)
	for _, v := range res.Statuses {
		res.Sent += v
	}
	res.OK = int64(len(res.ids))
	res.Seconds = elapsed.Seconds()
	res.PerSec = float64(res.OK) / elapsed.Seconds()
	res.P50Ms, res.P99Ms, res.MaxMs = ms(hist.quantile(0.50)), ms(hist.quantile(0.99)), ms(hist.max)
	res.FirstError = firstErr
	return res, ctx.Err()
}

// gaveUp sends comments whose client gives up after a few milliseconds,
// then checks that each is either stored and listed on its thread, or
// not stored at all, and says how many were which. The thread's newest
// 1,000 comments must hold them all.
func gaveUp(ctx context.Context, st commentStore, base, token string, p post, seq *atomic.Int64) (string, error) {
	const n = 200
	t := writeTarget{kind: kindModerator, base: base, post: p, bearer: token, seq: seq}
	hc := &http.Client{Transport: newLoadTransport(16),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer hc.CloseIdleConnections()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		sent  []int64
		acked = map[int64]bool{}
	)
	for g := range 16 {
		wg.Go(func() {
			for i := g; i < n; i += 16 {
				num := seq.Add(1)
				// From 1 to 16 ms: some give up before the write, some
				// while it is in flight, some after.
				rctx, cancel := context.WithTimeout(ctx, time.Duration(1+i%16)*time.Millisecond)
				r, err := hc.Do(t.request(rctx, num))
				cancel()
				mu.Lock()
				sent = append(sent, num)
				if err == nil {
					r.Body.Close()
					acked[num] = r.StatusCode == http.StatusSeeOther
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	time.Sleep(500 * time.Millisecond) // let handlers the client left finish
	// What the store holds of the thread's newest comments, any status,
	// and what its approved listing shows.
	bySource := map[string]int64{}
	q := comments.CommentQuery{Thread: p.ID, Newest: true, Limit: comments.MaxLimit}
	all, err := st.ListComments(ctx, q)
	if err != nil {
		return "", err
	}
	for _, c := range all {
		bySource[c.Source] = c.ID
	}
	q.Statuses = []comments.Status{comments.StatusApproved}
	list, err := st.ListComments(ctx, q)
	if err != nil {
		return "", err
	}
	listedIDs := map[int64]bool{}
	for _, c := range list {
		listedIDs[c.ID] = true
	}
	stored, notStored, inconsistent, lostAcked := 0, 0, 0, 0
	for _, num := range sent {
		probe := t.request(ctx, num)
		probe.ParseForm()
		id, ok := bySource[probe.PostForm.Get("comment")]
		switch {
		case !ok:
			notStored++
			if acked[num] {
				lostAcked++
			}
		case listedIDs[id]:
			stored++
		default:
			inconsistent++
		}
	}
	out := fmt.Sprintf("%d requests given up after 1–16 ms: %d stored and listed, %d not stored, %d stored but not listed, %d acknowledged but lost",
		len(sent), stored, notStored, inconsistent, lostAcked)
	if inconsistent > 0 || lostAcked > 0 {
		return out, errors.New("write test: " + out)
	}
	return out, nil
}

// summarise fills the summary and the checks from the runs.
func (r *WriteReport) summarise(sizes []int) {
	median := func(v []float64) float64 {
		if len(v) == 0 {
			return 0
		}
		sort.Float64s(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	var (
		maxAll  float64
		tailBad []string
	)
	for i, n := range sizes {
		var mod, anon, bare, modRatio, anonRatio []float64
		s := WriteSummary{Thread: n}
		for round := 1; round <= r.Rounds; round++ {
			base := (round-1)*len(sizes)*3 + i*3
			if base+2 >= len(r.Runs) {
				break
			}
			trio := r.Runs[base : base+3]
			if trio[1].PerSec > 0 {
				modRatio = append(modRatio, trio[0].PerSec/trio[1].PerSec)
				anonRatio = append(anonRatio, trio[2].PerSec/trio[1].PerSec)
			}
			for _, run := range trio {
				switch run.Kind {
				case kindModerator:
					mod = append(mod, run.PerSec)
				case kindAnonymous:
					anon = append(anon, run.PerSec)
				case kindBare:
					bare = append(bare, run.PerSec)
					if run.P50Ms > 0 {
						s.BareP99OverP50 = max(s.BareP99OverP50, run.P99Ms/run.P50Ms)
					}
					continue
				}
				if run.P50Ms > 0 {
					s.WorstP99OverP50 = max(s.WorstP99OverP50, run.P99Ms/run.P50Ms)
					if run.P99Ms > 10*run.P50Ms {
						tailBad = append(tailBad, fmt.Sprintf("%s, thread %d, round %d: p99 %.1f ms, p50 %.1f ms", run.Kind, n, round, run.P99Ms, run.P50Ms))
					}
				}
				s.MaxMs = max(s.MaxMs, run.MaxMs)
			}
		}
		s.ModeratorPerS, s.AnonymousPerS, s.BarePerS = median(mod), median(anon), median(bare)
		// The ratio of each round's site run to the bare run beside it,
		// the median over rounds.
		s.ModeratorRatio, s.AnonymousRatio = median(modRatio), median(anonRatio)
		maxAll = max(maxAll, s.MaxMs)
		r.Summary = append(r.Summary, s)
	}
	r.check("p99 at most 10× p50 in every site run", len(tailBad) == 0, "%s", orDash(strings.Join(tailBad, "; ")))
	r.check("no site request over 1 s", maxAll <= 1000, "slowest %.1f ms", maxAll)
	for _, s := range r.Summary {
		if s.Thread == 5000 {
			r.check("moderator POST on 5,000 comments ≥ 0.8× bare insert", s.ModeratorRatio >= 0.8, "%.2f×", s.ModeratorRatio)
		}
		r.check(fmt.Sprintf("≥ 400/s on both paths, thread of %d", s.Thread), s.ModeratorPerS >= 400 && s.AnonymousPerS >= 400,
			"moderator %.0f/s, anonymous %.0f/s", s.ModeratorPerS, s.AnonymousPerS)
	}
	if len(r.Summary) > 1 {
		first, last := r.Summary[0], r.Summary[len(r.Summary)-1]
		if first.ModeratorPerS > 0 {
			r.Notes = append(r.Notes, fmt.Sprintf("moderator rate on %d comments / on %d: %.2f", last.Thread, first.Thread, last.ModeratorPerS/first.ModeratorPerS))
		}
	}
}

// print writes the write test's runs, summary and checks.
func (r *WriteReport) print(w io.Writer) {
	fmt.Fprintf(w, "\nFolio write test — comment POST, %s, %d connections, %s runs, %d rounds; %d CPUs, GOMAXPROCS %d, %s\n",
		r.Database, r.Conns, r.Duration, r.Rounds, r.Machine.NumCPU, r.Machine.GOMAXPROCS, r.Machine.GoVersion)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "round\tkind\tthread\tsent\t303\t/s\tp50 ms\tp99 ms\tmax ms\tstatuses\t")
	for _, run := range r.Runs {
		thread := "-"
		if run.Kind != kindBare {
			thread = strconv.Itoa(run.Thread)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%.0f\t%s\t%s\t%s\t%s\t\n", run.Round, run.Kind, thread, run.Sent, run.OK, run.PerSec,
			fmtMs(run.P50Ms), fmtMs(run.P99Ms), fmtMs(run.MaxMs), fmtStatuses(run.Statuses))
	}
	tw.Flush()
	fmt.Fprintln(w, "\nmedians over rounds (ratios: of each round's site run to the bare run beside it):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "thread\tmoderator /s\tanonymous /s\tbare /s\tmoderator/bare\tanonymous/bare\tworst p99/p50\tbare p99/p50\tmax ms\t")
	for _, s := range r.Summary {
		fmt.Fprintf(tw, "%d\t%.0f\t%.0f\t%.0f\t%.2f\t%.2f\t%.1f\t%.1f\t%s\t\n", s.Thread, s.ModeratorPerS, s.AnonymousPerS, s.BarePerS,
			s.ModeratorRatio, s.AnonymousRatio, s.WorstP99OverP50, s.BareP99OverP50, fmtMs(s.MaxMs))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nthreads filled in %.1f s\n%s\n", r.SeededSec, r.GaveUp)
	for _, c := range r.Checks {
		mark := "PASS"
		if !c.Pass {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "%s  %s: %s\n", mark, c.Name, c.Detail)
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, "note:", n)
	}
	for _, p := range r.Profiles {
		fmt.Fprintln(w, "profile:", p)
	}
	if r.Error != "" {
		fmt.Fprintln(w, "error:", r.Error)
	}
}

// bareInsert is the baseline: a handler that parses the same form and
// inserts one row per request, then answers 303 as the site does.
type bareInsert struct {
	url   string
	srv   *http.Server
	close func()
}

// serveBare serves h on a free loopback port.
func serveBare(h http.Handler, closeDB func()) (*bareInsert, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	b := &bareInsert{url: "http://" + ln.Addr().String(), srv: srv}
	b.close = func() {
		srv.Close()
		closeDB()
	}
	return b, nil
}

// bareForm reads the comment form as the site does, and refuses it when
// a required field is empty.
func bareForm(w http.ResponseWriter, r *http.Request) (f [6]string, ok bool) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return f, false
	}
	f = [6]string{r.PostForm.Get("comment_post_ID"), r.PostForm.Get("author"), r.PostForm.Get("email"),
		r.PostForm.Get("url"), r.PostForm.Get("comment"), r.PostForm.Get("comment_parent")}
	if f[0] == "" || f[1] == "" || f[4] == "" {
		http.Error(w, "missing field", http.StatusBadRequest)
		return f, false
	}
	return f, true
}

const bareTable = `CREATE TABLE bare_comments (id INTEGER PRIMARY KEY, thread TEXT NOT NULL, parent TEXT NOT NULL,
	author TEXT NOT NULL, email TEXT NOT NULL, url TEXT NOT NULL, body TEXT NOT NULL, ip TEXT NOT NULL, created_at INTEGER NOT NULL)`

// startBareSQLite starts the bare insert handler over a new SQLite file
// in WAL mode with synchronous=NORMAL, one writer connection.
func startBareSQLite(path string) (*bareInsert, error) {
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?_txlock=immediate"+
		"&_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)&_pragma=journal_mode(WAL)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(bareTable); err != nil {
		db.Close()
		return nil, fmt.Errorf("bare insert: %w", err)
	}
	ins, err := db.Prepare(`INSERT INTO bare_comments (thread, parent, author, email, url, body, ip, created_at) VALUES (?,?,?,?,?,?,?,?)`)
	if err != nil {
		db.Close()
		return nil, err
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := bareForm(w, r)
		if !ok {
			return
		}
		res, err := ins.ExecContext(r.Context(), f[0], f[5], f[1], f[2], f[3], f[4], r.RemoteAddr, time.Now().UnixMicro())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		id, _ := res.LastInsertId()
		http.Redirect(w, r, "/?p="+f[0]+"#comment-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	})
	return serveBare(h, func() { ins.Close(); db.Close() })
}

// startBarePG starts the bare insert handler over a table in the schema
// dsn names, with a pgx pool.
func startBarePG(ctx context.Context, dsn string) (*bareInsert, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := pool.Exec(ctx, strings.Replace(strings.Replace(bareTable, "INTEGER PRIMARY KEY", "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY", 1),
		"created_at INTEGER", "created_at bigint", 1)); err != nil {
		pool.Close()
		return nil, fmt.Errorf("bare insert: %w", err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := bareForm(w, r)
		if !ok {
			return
		}
		var id int64
		err := pool.QueryRow(r.Context(), `INSERT INTO bare_comments (thread, parent, author, email, url, body, ip, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id`, f[0], f[5], f[1], f[2], f[3], f[4], r.RemoteAddr, time.Now().UnixMicro()).Scan(&id)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, "/?p="+f[0]+"#comment-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	})
	return serveBare(h, pool.Close)
}
