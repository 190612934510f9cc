package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// anonAddr is the loopback address the anonymous visitor of the eviction
// check connects from, so that the site sees another client than
// 127.0.0.1, where every other request comes from.
const anonAddr = "127.0.0.2"

// post is a post page with its comment form.
type post struct {
	Path   string
	ID     string // comment_post_ID
	Fields map[string]string
}

// bench runs the whole load test. It returns the report so far along
// with any error that stopped it.
func bench(ctx context.Context, cfg config) (rep *Report, err error) {
	gen := "built-in Go generator"
	if cfg.wrk {
		gen = "wrk"
	}
	rep = newReport(cfg, gen)
	defer func() {
		if err != nil {
			rep.Error = err.Error()
		}
	}()

	if cfg.wrk {
		if _, err := exec.LookPath("wrk"); err != nil {
			return rep, errNoWrk
		}
	}
	tmp, err := os.MkdirTemp("", "folio-loadtest-")
	if err != nil {
		return rep, err
	}
	if cfg.keep {
		rep.note("kept the temporary directory %s", tmp)
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
	rep.Site.Binary = bin
	cfg.logf("starting the site")
	site, err := startSite(ctx, bin, filepath.Join(tmp, "data"), newToken())
	if err != nil {
		return rep, err
	}
	defer site.Stop()
	rep.Site.URL = site.base
	mod := newClient(site.base, site.token, "")
	defer mod.close()

	posts, err := pickPosts(ctx, mod, 2)
	if err != nil {
		return rep, err
	}
	busy := posts[0]
	rep.Site.BusyPost = busy.Path

	// The anonymous visitor's form, fetched now so that its token is old
	// enough for the site when it is sent after the page runs.
	anon := newClient(site.base, "", anonAddr)
	defer anon.close()
	anonFetched := time.Now()
	anonPage, aerr := anon.getOK(ctx, busy.Path, false)
	if aerr != nil {
		rep.note("cannot connect from %s (%v); the anonymous visitor connects from 127.0.0.1", anonAddr, aerr)
		anon = newClient(site.base, "", "")
		defer anon.close()
		anonFetched = time.Now()
		if anonPage, err = anon.getOK(ctx, busy.Path, false); err != nil {
			return rep, err
		}
	}

	cfg.logf("adding %d comments to %s", cfg.busyComments, busy.Path)
	if err := seedBusy(ctx, cfg, rep, mod, busy); err != nil {
		return rep, err
	}

	bare, err := startBare()
	if err != nil {
		return rep, err
	}
	defer bare.close()
	rep.Site.BareURL = bare.base

	pages := []struct{ name, path string }{
		{"post page", busy.Path},
		{"home page", "/"},
		{"month", monthPath(busy.Path)},
		{"RSS feed", "/feed/"},
	}
	for _, pg := range pages {
		cfg.logf("measuring %s %s", pg.name, pg.path)
		f, err := measurePage(ctx, cfg, rep, mod, bare, pg.name, pg.path)
		if err != nil {
			return rep, err
		}
		rep.Pages = append(rep.Pages, f)
		if site.Exited() {
			return rep, fmt.Errorf("the site exited during the runs:\n%s", site.out)
		}
	}

	cfg.logf("checking that changes show on the next view")
	if err := checkEviction(ctx, rep, mod, anon, busy, anonPage, anonFetched); err != nil {
		return rep, err
	}

	if cfg.commentsDuration > 0 {
		target := busy
		if len(posts) > 1 {
			target = posts[1]
		} else {
			rep.note("only one post has an open comment form: the comment run adds to the busiest page")
		}
		cfg.logf("posting comments to %s for %v", target.Path, cfg.commentsDuration)
		c, err := commentRun(ctx, cfg, mod, target)
		if c != nil {
			rep.Comments = c
			rep.Site.CommentPost = target.Path
			rep.check("comment run: every 303 is listed", c.ListedAfter-c.ListedBefore == int(c.Redirects) && c.Redirects > 0 && c.Missing == 0,
				"%d answered 303, the thread lists %d more comments (%d → %d), %d of the redirects' IDs missing",
				c.Redirects, c.ListedAfter-c.ListedBefore, c.ListedBefore, c.ListedAfter, c.Missing)
		}
		if err != nil {
			return rep, err
		}
	}
	if site.Exited() {
		return rep, fmt.Errorf("the site exited:\n%s", site.out)
	}
	return rep, nil
}

// pickPosts returns up to n posts linked from the home page that have an
// open comment form, newest first; at least one or an error.
func pickPosts(ctx context.Context, c *client, n int) ([]post, error) {
	home, err := c.getOK(ctx, "/", false)
	if err != nil {
		return nil, err
	}
	var out []post
	for _, p := range postLinks(home.Body, c.base) {
		page, err := c.getOK(ctx, p, false)
		if err != nil {
			return nil, err
		}
		if f := formFields(page.Body); f != nil {
			out = append(out, post{Path: p, ID: f["comment_post_ID"], Fields: f})
			if len(out) == n {
				break
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no post on the home page has an open comment form")
	}
	return out, nil
}

// commentForm returns the fields of a comment by the load test on p.
func commentForm(p post, parent int64, author, email, body string) url.Values {
	return url.Values{
		"author":          {author},
		"email":           {email},
		"url":             {""},
		"comment":         {body},
		"comment_post_ID": {p.ID},
		"comment_parent":  {strconv.FormatInt(parent, 10)},
	}
}

// freshToken views p and returns its form's token.
func freshToken(ctx context.Context, c *client, p post) (string, error) {
	page, err := c.getOK(ctx, p.Path, false)
	if err != nil {
		return "", err
	}
	f := formFields(page.Body)
	if f == nil || f["folio_token"] == "" {
		return "", fmt.Errorf("post %s: no folio_token in its comment form", p.Path)
	}
	return f["folio_token"], nil
}

// postAsModerator sends a comment with the bearer token; when the site
// asks for a form token even so, it sends one and records that.
func postAsModerator(ctx context.Context, rep *Report, c *client, p post, form url.Values) (*response, error) {
	if rep.Site.BearerNeedToken {
		tok, err := freshToken(ctx, c, p)
		if err != nil {
			return nil, err
		}
		form.Set("folio_token", tok)
	}
	r, err := c.post(ctx, "/comments", form, true)
	if err != nil {
		return nil, err
	}
	if r.Status == http.StatusForbidden && !rep.Site.BearerNeedToken {
		rep.Site.BearerNeedToken = true
		rep.note("the site answered 403 to a bearer-authorised comment without a form token: bearer requests should be exempt")
		return postAsModerator(ctx, rep, c, p, form)
	}
	return r, nil
}

// seedBusy adds the moderator's comments to the busiest page and checks
// that its page then shows them.
func seedBusy(ctx context.Context, cfg config, rep *Report, c *client, p post) error {
	for i := 1; i <= cfg.busyComments; i++ {
		form := commentForm(p, 0, "Load Test", "loadtest@example.com",
			fmt.Sprintf("Comment %d on the busiest page: a *short* note with a [link](https://example.com/notes/%d) and `code`.", i, i))
		r, err := postAsModerator(ctx, rep, c, p, form)
		if err != nil {
			return fmt.Errorf("busiest page: comment %d: %w", i, err)
		}
		if r.Status != http.StatusSeeOther || locationComment(r.Location) == 0 {
			return fmt.Errorf("busiest page: comment %d: status %d, Location %q, want 303 to #comment-ID: %s",
				i, r.Status, r.Location, snippet(r.Body))
		}
		rep.Site.CommentsAdded++
	}
	page, err := c.getOK(ctx, p.Path, false)
	if err != nil {
		return err
	}
	rep.Site.CommentsShown = len(commentIDs(page.Body))
	rep.check("busiest page shows its comments", rep.Site.CommentsShown >= cfg.busyComments,
		"%d id=\"comment-N\" elements on %s, want at least %d", rep.Site.CommentsShown, p.Path, cfg.busyComments)
	return nil
}

// measurePage fetches path from the site with and without gzip, gives
// the bytes to the bare server, then runs the two alternately.
func measurePage(ctx context.Context, cfg config, rep *Report, c *client, bare *bareServer, name, path string) (PageFigures, error) {
	f := PageFigures{Name: name, Path: path}
	gz, err := c.getOK(ctx, path, true)
	if err != nil {
		return f, err
	}
	plain, err := c.getOK(ctx, path, false)
	if err != nil {
		return f, err
	}
	again, err := c.getOK(ctx, path, true)
	if err != nil {
		return f, err
	}
	bare.add(path, gz, true)
	bare.add(path, plain, false)
	f.Encoding = gz.Header.Get("Content-Encoding")
	f.Bytes = len(gz.Raw)
	wantLen := len(gz.Raw)
	if !bytes.Equal(gz.Raw, again.Raw) {
		rep.note("%s %s: two views gave different bytes (%d and %d), so the page is made per request; first difference: %s",
			name, path, len(gz.Raw), len(again.Raw), firstDiff(gz.Body, again.Body))
		if len(gz.Raw) != len(again.Raw) {
			wantLen = -1
		}
	}
	if f.Encoding == "" && len(plain.Raw) > 1024 {
		rep.note("%s %s: no gzip for a request accepting it (%d bytes sent plain)", name, path, len(plain.Raw))
	}

	siteT := target{url: c.base + path, gzip: true, wantLen: wantLen}
	bareT := target{url: bare.base + path, gzip: true, wantLen: len(gz.Raw)}
	siteC := &http.Client{Transport: newLoadTransport(cfg.conns), Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	bareC := &http.Client{Transport: newLoadTransport(cfg.conns), Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer siteC.CloseIdleConnections()
	defer bareC.CloseIdleConnections()

	var siteH, bareH histogram
	var siteW, bareW []wrkResult
	one := func(cl *http.Client, t target, h *histogram, fig *Figures, ws *[]wrkResult) error {
		if cfg.wrk {
			r, err := wrkRun(ctx, t, cfg.conns, cfg.duration)
			if err != nil {
				return err
			}
			fig.Rounds = append(fig.Rounds, r.Rate)
			fig.Requests += r.Requests
			fig.Errors += r.Errors
			*ws = append(*ws, r)
			return nil
		}
		r, err := loadRun(ctx, cl, t, cfg.conns, cfg.duration)
		if err != nil {
			return err
		}
		fig.Rounds = append(fig.Rounds, r.rate())
		fig.Requests += r.Requests
		fig.Errors += r.Errors
		if fig.FirstError == "" {
			fig.FirstError = r.FirstErr
		}
		h.merge(r.Hist)
		return nil
	}
	// Warm both: connections, and the site's cache if it has one.
	warm := min(cfg.duration/5, 300*time.Millisecond)
	if _, err := loadRun(ctx, siteC, siteT, cfg.conns, warm); err != nil {
		return f, err
	}
	if _, err := loadRun(ctx, bareC, bareT, cfg.conns, warm); err != nil {
		return f, err
	}
	var siteElapsed, bareElapsed time.Duration
	for range cfg.rounds {
		if err := ctx.Err(); err != nil {
			return f, err
		}
		t0 := time.Now()
		if err := one(siteC, siteT, &siteH, &f.Site, &siteW); err != nil {
			return f, err
		}
		siteElapsed += time.Since(t0)
		t0 = time.Now()
		if err := one(bareC, bareT, &bareH, &f.Bare, &bareW); err != nil {
			return f, err
		}
		bareElapsed += time.Since(t0)
	}
	finish := func(fig *Figures, h *histogram, ws []wrkResult, elapsed time.Duration) {
		if cfg.wrk {
			var sum float64
			for _, w := range ws {
				sum += w.Rate
				fig.P50Ms += ms(w.P50) / float64(len(ws))
				fig.P99Ms += ms(w.P99) / float64(len(ws))
			}
			fig.ReqPerSec = sum / float64(len(ws))
			return
		}
		fig.ReqPerSec = float64(fig.Requests) / elapsed.Seconds()
		fig.P50Ms, fig.P99Ms = ms(h.quantile(0.50)), ms(h.quantile(0.99))
	}
	finish(&f.Site, &siteH, siteW, siteElapsed)
	finish(&f.Bare, &bareH, bareW, bareElapsed)
	if f.Bare.ReqPerSec > 0 {
		f.Ratio = f.Site.ReqPerSec / f.Bare.ReqPerSec
	}
	return f, nil
}

// checkEviction makes two changes to the busiest page after the page
// runs and checks that the very next view shows each: a reply by the
// moderator, approved at once, and an anonymous visitor's reply, which
// the moderator approves if the site holds it.
func checkEviction(ctx context.Context, rep *Report, mod, anon *client, p post, anonPage *response, anonFetched time.Time) error {
	view := func() (*response, error) { return mod.getOK(ctx, p.Path, true) }
	page, err := view()
	if err != nil {
		return err
	}
	ids := commentIDs(page.Body)
	if len(ids) == 0 {
		rep.check("moderator's reply shows on the next view", false, "the post page shows no comment to reply to")
		return nil
	}
	parent := ids[0]

	form := commentForm(p, parent, "Load Test", "loadtest@example.com", "A reply by the moderator, sent after the page runs.")
	r, err := postAsModerator(ctx, rep, mod, p, form)
	if err != nil {
		return fmt.Errorf("moderator's reply: %w", err)
	}
	id := locationComment(r.Location)
	if r.Status != http.StatusSeeOther || id == 0 {
		rep.check("moderator's reply shows on the next view", false, "status %d, Location %q: %s", r.Status, r.Location, snippet(r.Body))
	} else {
		page, err := view()
		if err != nil {
			return err
		}
		rep.check("moderator's reply shows on the next view", hasComment(page.Body, id),
			"comment %d on the next gzip view of %s", id, p.Path)
	}

	// The anonymous visitor's reply, with the form it viewed before the
	// runs (the site refuses forms sent faster than a person types).
	const name = "approved reply shows on the next view"
	f := formFields(anonPage.Body)
	if f == nil || f["folio_token"] == "" {
		rep.check(name, false, "the anonymous visitor's form had no folio_token")
		return nil
	}
	if wait := 3*time.Second - time.Since(anonFetched); wait > 0 {
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	form = commentForm(p, parent, "Ada Visitor", "ada.visitor@example.org", "An anonymous reply, sent after the page runs. Thank you for the photographs!")
	form.Set("folio_token", f["folio_token"])
	r, err = anon.post(ctx, "/comments", form, false)
	if err != nil {
		return fmt.Errorf("anonymous reply: %w", err)
	}
	id = locationComment(r.Location)
	if r.Status != http.StatusSeeOther || id == 0 {
		rep.check(name, false, "the anonymous reply was refused: status %d, Location %q: %s", r.Status, r.Location, snippet(r.Body))
		return nil
	}
	held := strings.Contains(r.Location, "unapproved=")
	if held {
		page, err := view()
		if err != nil {
			return err
		}
		if hasComment(page.Body, id) {
			rep.check(name, false, "comment %d, held for moderation, is shown to everyone", id)
			return nil
		}
		a, err := mod.post(ctx, fmt.Sprintf("/admin/comments/%d/approve", id), url.Values{}, true)
		if err != nil {
			return fmt.Errorf("approve: %w", err)
		}
		if a.Status >= 400 {
			rep.check(name, false, "POST /admin/comments/%d/approve with the bearer token: status %d: %s", id, a.Status, snippet(a.Body))
			return nil
		}
	}
	page, err = view()
	if err != nil {
		return err
	}
	how := "approved at once"
	if held {
		how = "held, then approved by POST /admin/comments/ID/approve"
	}
	rep.check(name, hasComment(page.Body, id), "anonymous comment %d (%s) on the next gzip view of %s", id, how, p.Path)
	return nil
}

// listed returns the distinct comment IDs shown on every comment page of
// the post.
func listed(ctx context.Context, c *client, p post) (map[int64]bool, error) {
	ids := map[int64]bool{}
	for n := 1; n <= 100_000; n++ {
		path := p.Path
		if n > 1 {
			path += "?cpage=" + strconv.Itoa(n)
		}
		r, err := c.get(ctx, path, true)
		if err != nil {
			return nil, err
		}
		if r.Status != http.StatusOK {
			if n == 1 {
				return nil, fmt.Errorf("post %s: status %d", path, r.Status)
			}
			break
		}
		added := 0
		for _, id := range commentIDs(r.Body) {
			if !ids[id] {
				ids[id] = true
				added++
			}
		}
		if added == 0 {
			break
		}
	}
	return ids, nil
}

// commentRun posts comments to p as the moderator from cfg.conns
// goroutines for cfg.commentsDuration, then counts what the thread
// lists.
func commentRun(ctx context.Context, cfg config, mod *client, p post) (*CommentFigures, error) {
	before, err := listed(ctx, mod, p)
	if err != nil {
		return nil, err
	}
	res := &CommentFigures{Post: p.Path, Conns: cfg.conns, Statuses: map[string]int64{}, ListedBefore: len(before)}
	tr := newLoadTransport(cfg.conns)
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer hc.CloseIdleConnections()

	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		seq      atomic.Int64
		hist     histogram
		ids      []int64
		firstErr string
	)
	start := make(chan struct{})
	rctx, cancel := context.WithTimeout(ctx, cfg.commentsDuration+30*time.Second)
	defer cancel()
	var deadline time.Time
	for range cfg.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
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
				n := seq.Add(1)
				form := commentForm(p, 0, "Load Test", "loadtest@example.com",
					fmt.Sprintf("Load comment %d: the *whole* pipeline, with a [link](https://example.com/c/%d), `code` and a list:\n\n- one\n- two", n, n))
				req, _ := http.NewRequestWithContext(rctx, http.MethodPost, mod.base+"/comments", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Authorization", "Bearer "+mod.token)
				r, err := hc.Do(req)
				if err != nil {
					statuses["error"]++
					if myErr == "" {
						myErr = err.Error()
					}
					continue
				}
				var buf bytes.Buffer
				buf.ReadFrom(r.Body)
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
			ids = append(ids, mine...)
			if firstErr == "" {
				firstErr = myErr
			}
		}()
	}
	t0 := time.Now()
	deadline = t0.Add(cfg.commentsDuration)
	close(start)
	wg.Wait()
	elapsed := time.Since(t0)

	for _, v := range res.Statuses {
		res.Sent += v
	}
	res.Redirects = res.Statuses["303"]
	res.Seconds = elapsed.Seconds()
	res.PerSec = float64(res.Redirects) / elapsed.Seconds()
	res.P50Ms, res.P99Ms = ms(hist.quantile(0.50)), ms(hist.quantile(0.99))
	res.FirstError = firstErr

	after, err := listed(ctx, mod, p)
	if err != nil {
		return res, err
	}
	res.ListedAfter = len(after)
	missing := 0
	for _, id := range ids {
		if !after[id] {
			missing++
		}
	}
	if missing > 0 {
		res.FirstError = strings.TrimSpace(fmt.Sprintf("%d comments answered 303 are not listed; %s", missing, res.FirstError))
	}
	res.Missing = missing
	return res, nil
}

// firstDiff shows where a and b first differ, with some context.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-40)
	cut := func(x []byte) string { return string(x[from:min(len(x), i+24)]) }
	return fmt.Sprintf("byte %d, %q vs %q", i, cut(a), cut(b))
}
