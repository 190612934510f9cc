package bloghttp_test

// Browser tests: the real Server over a memstore, served by httptest and
// driven by a headless Chromium through chromedp. They need a Chromium
// binary (Debian's chromium package, or FOLIO_CHROMIUM naming one) and
// skip without it, and under -short. They never download a browser.
//
// Run them alone with
//
//	go test -run Browser -v ./blog/bloghttp/
//
// and rewrite testdata/screenshots/*.png with -update.

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/bloghttp"
	"github.com/folioblog/folio/comments"
)

// The -update flag rewrites the screenshots under testdata/screenshots. It
// is defined here only if no other test file of the package defines it.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the screenshots under testdata/screenshots")
	}
}

func browserUpdating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// noChromium is why the browser tests skip when no browser is installed.
const noChromium = "browser tests skipped: no Chromium found (install Debian's chromium or set FOLIO_CHROMIUM)"

// browserModToken is the moderator token of the browser tests' site; a
// TokenAuth wants at least 16 bytes.
const browserModToken = "browser-moderator-token"

// browserTabTimeout bounds each subtest's tab.
const browserTabTimeout = 30 * time.Second

// findChromium returns the Chromium to drive, or skips t. FOLIO_CHROMIUM,
// when set and not empty, names the binary and nothing else is tried: a
// path that is not an executable file skips. Otherwise /usr/bin/chromium,
// then chromium on PATH.
func findChromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("FOLIO_CHROMIUM"); p != "" {
		if !isExecutableFile(p) {
			t.Skipf("%s; FOLIO_CHROMIUM=%q is not an executable file", noChromium, p)
		}
		return p
	}
	if isExecutableFile("/usr/bin/chromium") {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	t.Skip(noChromium)
	return ""
}

func isExecutableFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// syncBuffer is a bytes.Buffer safe for the browser's output goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testBrowser is one headless Chromium shared by the subtests.
type testBrowser struct {
	ctx context.Context // the browser's chromedp context
}

// startBrowser launches bin headless with a fresh profile and stops it
// when t ends. The whole browser lives at most two minutes.
func startBrowser(t *testing.T, bin string) *testBrowser {
	t.Helper()
	profile := t.TempDir() // removed after the browser has exited: cleanups run last-in first-out
	var out syncBuffer
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.UserDataDir(profile),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.CombinedOutput(&out),
	}
	root, cancelRoot := context.WithTimeout(context.Background(), 2*time.Minute)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(root, opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		_ = chromedp.Cancel(ctx)
		cancel()
		cancelAlloc() // waits for the browser to exit
		cancelRoot()
		if t.Failed() {
			if s := strings.TrimSpace(out.String()); s != "" {
				t.Logf("browser output:\n%s", s)
			}
		}
	})
	start := time.Now()
	require.NoError(t, chromedp.Do(ctx), "starting %s", bin)
	version, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.userAgent`))
	require.NoError(t, err)
	t.Logf("browser started in %v: %s", time.Since(start).Round(time.Millisecond), version)
	return &testBrowser{ctx: ctx}
}

// tab opens a new tab that closes when t ends and lives at most
// browserTabTimeout. An isolated tab is in a browser context of its own,
// with no cookies shared with the others.
func (b *testBrowser) tab(t testing.TB, isolated bool) context.Context {
	t.Helper()
	tctx, cancelT := context.WithTimeout(b.ctx, browserTabTimeout)
	var opts []chromedp.ContextOption
	if isolated {
		opts = append(opts, chromedp.WithNewBrowserContext())
	}
	ctx, cancel := chromedp.NewContext(tctx, opts...)
	t.Cleanup(func() {
		cancel()
		cancelT()
	})
	require.NoError(t, chromedp.Do(ctx), "opening a tab")
	return ctx
}

// browserSite is a pageSite served over HTTP at a real address, which is
// also its base URL, with a TokenAuth moderator.
type browserSite struct {
	*pageSite
	ts *httptest.Server
}

// figureAt is where the browser site serves the posts' photograph.
const figureAt = "/img/harbour.png"

func newBrowserSite(t *testing.T) *browserSite {
	t.Helper()
	// The listener comes first: the Server needs its address as the base.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	auth, err := bloghttp.NewTokenAuth(browserModToken, "Editor", []byte(strings.Repeat("a", 32)))
	require.NoError(t, err)
	s := newPageSite(t, pageSiteConfig{
		base: "http://" + l.Addr().String() + "/",
		opts: []bloghttp.Option{bloghttp.WithAuthorizer(auth)},
	})
	img := figurePNG(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+figureAt, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(img)
	})
	mux.Handle("/", s.srv)
	ts := httptest.NewUnstartedServer(mux)
	ts.Listener.Close()
	ts.Listener = l
	ts.Start()
	t.Cleanup(ts.Close)
	return &browserSite{pageSite: s, ts: ts}
}

// figurePNG draws a small landscape: sky, sea and a pier.
func figurePNG(t testing.TB) []byte {
	t.Helper()
	const w, h = 960, 480
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			var c color.RGBA
			switch {
			case y < h*3/5: // sky, lighter towards the horizon
				f := y * 255 / (h * 3 / 5)
				c = color.RGBA{uint8(40 + f/2), uint8(70 + f/3), uint8(140 + f/3), 255}
			default: // sea
				f := (y - h*3/5) * 255 / (h * 2 / 5)
				c = color.RGBA{uint8(20 + f/8), uint8(60 + f/6), uint8(100 - f/5), 255}
			}
			if y > h*3/5-12 && y < h*3/5+18 && x > w/3 && x < w*9/10 { // the pier
				c = color.RGBA{70, 55, 45, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

// url is the absolute URL of a path of the site.
func (s *browserSite) url(path string) string { return s.ts.URL + path }

// approveByHeader approves comment id the way a script does: a POST with
// the bearer token, answered with JSON.
func (s *browserSite) approveByHeader(t testing.TB, id int64) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.url("/admin/comments/"+itoa(id)+"/approve"), strings.NewReader(""))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+browserModToken)
	res, err := s.ts.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "approving comment %d", id)
	var got struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&got))
	require.Equal(t, id, got.ID)
	require.Equal(t, string(comments.StatusApproved), got.Status)
}

// status reads a comment's status from the service.
func (s *browserSite) status(t testing.TB, id int64) comments.Status {
	t.Helper()
	c, err := s.cs.Get(context.Background(), id)
	require.NoError(t, err)
	return c.Status
}

// Small wrappers that fail the test on a browser error.

func browse(t testing.TB, ctx context.Context, url string) {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	require.NoError(t, err, "navigating to %s", url)
	require.Equal(t, int64(http.StatusOK), resp.Status, "status of %s", url)
}

// browseStatus navigates to url and returns the status of its page.
func browseStatus(t testing.TB, ctx context.Context, url string) int64 {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	require.NoError(t, err, "navigating to %s", url)
	return resp.Status
}

// clickAndWait clicks the element sel and waits for the page it leads to;
// it returns that page's status.
func clickAndWait(t testing.TB, ctx context.Context, sel string) int64 {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	require.NoError(t, err, "clicking %s", sel)
	return resp.Status
}

func location(t testing.TB, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)
	return loc
}

func eval[T any](t testing.TB, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	require.NoError(t, err, "evaluating %s", js)
	return v
}

// textOf is the rendered text of the first element matching sel, or ""
// when there is none; it does not wait.
func textOf(t testing.TB, ctx context.Context, sel string) string {
	t.Helper()
	return eval[string](t, ctx, fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? e.innerText.trim() : ""; })()`, sel))
}

func exists(t testing.TB, ctx context.Context, sel string) bool {
	t.Helper()
	return eval[bool](t, ctx, fmt.Sprintf(`document.querySelector(%q) !== null`, sel))
}

// commentFields is what a visitor types into the comment form.
type commentFields struct {
	author, email, website, body string
}

var commentFragment = regexp.MustCompile(`#comment-(\d+)$`)

// submitComment fills the form of the post page open in ctx, by typing
// when typing is true and by setting the fields otherwise, and clicks
// "Post Comment". It returns the status of the page the browser lands on
// and the new comment's ID, taken from the #comment-ID the form sends a
// taken comment to; 0 when the form was refused.
func submitComment(t testing.TB, ctx context.Context, f commentFields, typing bool) (int64, int64) {
	t.Helper()
	set := func(id, v string) chromedp.Action[chromedp.Void] {
		if typing {
			return chromedp.SendKeys(chromedp.ID(id), v)
		}
		return chromedp.SetValue(chromedp.ID(id), v)
	}
	steps := []chromedp.Action[chromedp.Void]{chromedp.WaitVisible(chromedp.ID("commentform"))}
	for _, fv := range []struct{ id, v string }{
		{"author", f.author}, {"email", f.email}, {"url", f.website}, {"comment", f.body},
	} {
		if fv.v != "" {
			steps = append(steps, set(fv.id, fv.v))
		}
	}
	require.NoError(t, chromedp.Do(ctx, steps...))
	status := clickAndWait(t, ctx, "#commentform #submit")
	m := commentFragment.FindStringSubmatch(location(t, ctx))
	if m == nil {
		return status, 0
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	require.NoError(t, err)
	return status, id
}

// pageRecorder collects what a tab reports that a test must not see:
// JavaScript dialogs, calls of the hooked alert, confirm and prompt,
// Content-Security-Policy violations, and console or log errors.
type pageRecorder struct {
	mu      sync.Mutex
	dialogs []string // from Page.javascriptDialogOpening
	hooks   []string // from the hooked functions, "alert: 1"
	csp     []string // from securitypolicyviolation events and the log
	errors  []string // other console and log errors, for the record
}

func (r *pageRecorder) add(list *[]string, s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	*list = append(*list, s)
}

func (r *pageRecorder) snapshot() (dialogs, hooks, csp, errs []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.dialogs...), append([]string(nil), r.hooks...),
		append([]string(nil), r.csp...), append([]string(nil), r.errors...)
}

func (r *pageRecorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.dialogs, r.hooks, r.csp, r.errors = nil, nil, nil, nil
}

// hookScript runs in every document of a watched tab before the page's
// own scripts: it reports each call of alert, confirm and prompt (then
// lets the call through, so the dialog opens as well) and each
// Content-Security-Policy violation to the Go side.
const hookScript = `(() => {
	const report = (kind, detail) => { try { window.folioReport(kind, String(detail)); } catch (e) {} };
	for (const name of ["alert", "confirm", "prompt"]) {
		const orig = window[name];
		window[name] = function (msg) { report(name, msg); return orig.apply(window, arguments); };
	}
	document.addEventListener("securitypolicyviolation", (e) => {
		report("csp", e.effectiveDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
	});
})();`

// watch installs the recorder on the tab ctx: the hooks for every
// document it loads from now on, a dismisser for dialogs, and a listener
// for console and log messages.
func watch(t testing.TB, ctx context.Context) *pageRecorder {
	t.Helper()
	r := &pageRecorder{}
	wctx, stop := context.WithCancel(ctx) // ends the dismisser before the tab closes
	dialogs := chromedp.Events(wctx, page.JavascriptDialogOpening)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			r.add(&r.dialogs, string(ev.Type)+": "+ev.Message)
			// Dismiss it, or the page stays blocked.
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	t.Cleanup(func() {
		stop()
		<-done
	})
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *cdplog.EventEntryAdded:
			e := ev.Entry
			if e == nil {
				return
			}
			msg := string(e.Source) + " " + string(e.Level) + ": " + e.Text + " (" + e.URL + ")"
			if strings.Contains(e.Text, "Content Security Policy") {
				r.add(&r.csp, msg)
			} else if e.Level == cdplog.EntryLevelError {
				r.add(&r.errors, msg)
			}
		case *runtime.EventConsoleAPICalled:
			if ev.Type != runtime.ConsoleAPICalledTypeError {
				return
			}
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, string(a.Value))
			}
			msg := "console.error: " + strings.Join(parts, " ")
			if strings.Contains(msg, "Content Security Policy") {
				r.add(&r.csp, msg)
			} else {
				r.add(&r.errors, msg)
			}
		case *runtime.EventExceptionThrown:
			r.add(&r.errors, "exception: "+ev.ExceptionDetails.Text)
		}
	}))
	require.NoError(t, chromedp.Do(ctx,
		chromedp.ExposeFunc("folioReport", func(_ context.Context, args []string) (chromedp.Void, error) {
			if len(args) == 2 && args[0] == "csp" {
				r.add(&r.csp, "securitypolicyviolation: "+args[1])
			} else {
				r.add(&r.hooks, strings.Join(args, ": "))
			}
			return chromedp.Void{}, nil
		}),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: hookScript})
			return err
		}),
	))
	return r
}

// waitFor polls cond until it holds or a few seconds pass.
func waitFor(cond func() bool) bool {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return cond()
}

// TestBrowser drives one headless Chromium through the blog as visitors
// and a moderator use it, a tab per subtest: a held comment shown to its
// author alone; approval from the moderation screen after signing in, and
// a reply nested under its parent; the archives dropdown with and without
// its script; a like counted once; comments full of script that never
// runs, under a policy the theme itself never trips; and the post page
// at desktop and phone widths, saved with -update.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	bin := findChromium(t)
	began := time.Now()
	s := newBrowserSite(t)

	older := s.post("Winter lights", day(1, 10), func(p *blog.Post) {
		p.Source = "The lamps along the quay came on at four."
		p.Categories = []blog.Term{{Name: "Walks", Slug: "walks"}}
	})
	harbour := s.post("A walk by the harbour", day(2, 20), func(p *blog.Post) {
		p.Source = "We walked out along the north pier as the tide turned. " +
			"The light went from grey to gold in a quarter of an hour.\n\n" +
			"![The harbour at dusk](" + figureAt + " \"The harbour at dusk, from the north pier.\")\n\n" +
			"On the way back the fish market was closing, and the gulls had the quay to themselves."
		p.Tags = []blog.Term{{Name: "Photography"}, {Name: "Sea"}}
		p.Categories = []blog.Term{{Name: "Walks", Slug: "walks"}}
	})
	liked := s.post("Bread at dawn", day(3, 1), func(p *blog.Post) {
		p.Source = "The baker opens at six."
	})
	hostile := s.post("Comments with teeth", day(3, 5), func(p *blog.Post) {
		p.Source = "Nothing written below may run."
	})
	first := s.comment(harbour, 0, "Bob Smith", "Lovely light. Which pier was it?", comments.StatusApproved)
	s.comment(harbour, first.ID, "Ann Author", "The north one, by the lighthouse.", comments.StatusApproved)
	s.comment(harbour, 0, "Cara Lane", "I walked there in **June**; the market was busy.", comments.StatusApproved)
	mainURL := s.url(s.srv.PostPath(harbour))

	b := startBrowser(t, bin)

	// Set by the first subtests, used by the later ones.
	var pendingID int64
	const pendingBody = "The gulls were louder than the market, I remember."

	t.Run("a comment awaits moderation", func(t *testing.T) {
		tab := b.tab(t, false)
		browse(t, tab, mainURL)
		assert.Equal(t, "Leave a Reply", textOf(t, tab, "#reply-title"))
		assert.Equal(t, "The harbour at dusk, from the north pier.", textOf(t, tab, ".entry-content figure figcaption"))

		status, id := submitComment(t, tab, commentFields{
			author: "Rosa Reader", email: "rosa@example.org", website: "https://rosa.example/", body: pendingBody,
		}, true)
		require.Equal(t, int64(http.StatusOK), status)
		require.NotZero(t, id, "the form did not send the visitor to #comment-ID; landed on %s", location(t, tab))
		pendingID = id
		loc := location(t, tab)
		assert.True(t, strings.HasPrefix(loc, mainURL+"?unapproved="+itoa(id)+"&moderation-hash="), loc)

		li := "#comment-" + itoa(id)
		assert.True(t, exists(t, tab, li+".comment-pending"), "the comment is marked pending")
		assert.Equal(t, "Your comment is awaiting moderation.", textOf(t, tab, li+" .comment-awaiting-moderation"))
		assert.Equal(t, pendingBody, textOf(t, tab, li+" .comment-content"))
		assert.Equal(t, "Rosa Reader", textOf(t, tab, li+" .fn"))
		assert.Equal(t, "https://rosa.example/", eval[string](t, tab, `document.querySelector("`+li+` .fn a").href`))
		assert.Equal(t, comments.StatusPending, s.status(t, id))

		other := b.tab(t, true)
		browse(t, other, mainURL)
		assert.False(t, exists(t, other, li), "another visitor sees the held comment")
		assert.NotContains(t, textOf(t, other, "#comments"), pendingBody)
		assert.Contains(t, textOf(t, other, "#comments"), "Lovely light. Which pier was it?", "the approved comments are there")
	})

	t.Run("the moderator approves and a reply nests", func(t *testing.T) {
		require.NotZero(t, pendingID, "needs the comment of the previous subtest")
		admin := b.tab(t, true)
		browse(t, admin, s.url("/admin/"))
		require.Equal(t, s.url("/admin/login"), location(t, admin), "a visitor is sent to the login form")
		require.NoError(t, chromedp.Do(admin, chromedp.SendKeys(chromedp.ID("admin-token"), browserModToken)))
		require.Equal(t, int64(http.StatusOK), clickAndWait(t, admin, ".admin-login-form button[type=submit]"))
		require.Equal(t, s.url("/admin/comments?status=pending"), location(t, admin))

		approve := func(id int64) {
			t.Helper()
			browse(t, admin, s.url("/admin/comments?status=pending"))
			li := "#comment-" + itoa(id)
			require.True(t, exists(t, admin, li), "comment %d in the pending list", id)
			require.Equal(t, int64(http.StatusOK), clickAndWait(t, admin, li+` .admin-actions button[value="approve"]`))
			assert.Equal(t, s.url("/admin/comments?status=pending"), location(t, admin))
			assert.False(t, exists(t, admin, li), "comment %d left the pending list", id)
			assert.Equal(t, comments.StatusApproved, s.status(t, id))
		}
		approve(pendingID)

		tab := b.tab(t, true)
		browse(t, tab, mainURL)
		li := "#comment-" + itoa(pendingID)
		require.True(t, exists(t, tab, li), "the approved comment is shown to everyone")
		assert.False(t, exists(t, tab, li+".comment-pending"))
		assert.False(t, exists(t, tab, li+" .comment-awaiting-moderation"))
		assert.Equal(t, pendingBody, textOf(t, tab, li+" .comment-content"))

		// Reply through the comment's own Reply link.
		require.Equal(t, int64(http.StatusOK), clickAndWait(t, tab, li+" > article .comment-reply-link"))
		assert.Equal(t, mainURL+"?replytocom="+itoa(pendingID)+"#respond", location(t, tab))
		assert.Contains(t, textOf(t, tab, "#reply-title"), "Reply to Rosa Reader")
		assert.Equal(t, itoa(pendingID), eval[string](t, tab, `document.getElementById("comment_parent").value`))
		const replyBody = "They always are. Same time next year?"
		status, replyID := submitComment(t, tab, commentFields{author: "Sam Second", email: "sam@example.org", body: replyBody}, true)
		require.Equal(t, int64(http.StatusOK), status)
		require.NotZero(t, replyID)
		reply := li + " > ol.children > li#comment-" + itoa(replyID)
		assert.True(t, exists(t, tab, reply+".comment-pending"), "the held reply shows to its author under its parent")

		approve(replyID)
		fresh := b.tab(t, true)
		browse(t, fresh, mainURL)
		require.True(t, exists(t, fresh, reply), "the approved reply is nested in its parent's list")
		assert.True(t, exists(t, fresh, reply+".depth-2"))
		assert.False(t, exists(t, fresh, reply+".comment-pending"))
		assert.Equal(t, replyBody, textOf(t, fresh, reply+" .comment-content"))
		assert.Equal(t, "5 thoughts on “A walk by the harbour”", textOf(t, fresh, ".comments-title"), "three seeded, two from the browser")
	})

	t.Run("the archives dropdown goes to the month", func(t *testing.T) {
		tab := b.tab(t, false)
		const dropdown = "select[data-folio-archive-dropdown]"
		tests := []struct {
			name     string
			value    string
			choose   func(t *testing.T)
			heading  string
			contains string
		}{
			{
				name: "script", value: "/2013/01/",
				// A change event, as choosing an option makes: archive.js navigates.
				choose: func(t *testing.T) {
					_, err := chromedp.RunResponse(tab, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
						`(() => { const s = document.querySelector(%q); s.value = "/2013/01/"; s.dispatchEvent(new Event("change", {bubbles: true})); })()`, dropdown)))
					require.NoError(t, err)
				},
				heading: "Monthly Archives: January 2013", contains: older.Title,
			},
			{
				name: "button", value: "/2013/02/",
				// Without the change event the script never sees the choice,
				// as in a browser without JavaScript: the button submits the form.
				choose: func(t *testing.T) {
					require.NoError(t, chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
						`document.querySelector(%q).value = "/2013/02/"`, dropdown))))
					assert.Equal(t, mainURL, location(t, tab), "setting the value alone does not navigate")
					require.Equal(t, int64(http.StatusOK), clickAndWait(t, tab, "form.folio-archive-dropdown button[type=submit]"))
				},
				heading: "Monthly Archives: February 2013", contains: harbour.Title,
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				browse(t, tab, mainURL)
				require.True(t, exists(t, tab, dropdown+` option[value="`+tt.value+`"]`), "the dropdown offers %s", tt.value)
				tt.choose(t)
				assert.Equal(t, s.url(tt.value), location(t, tab))
				assert.Equal(t, tt.heading, textOf(t, tab, "h1.page-title"))
				assert.Contains(t, textOf(t, tab, "#main"), tt.contains)
			})
		}
	})

	t.Run("a visitor likes a post once, sees it and can undo it", func(t *testing.T) {
		tab := b.tab(t, true)
		url := s.url(s.srv.PostPath(liked))
		browse(t, tab, url)
		assert.Equal(t, "Be the first to like this.", textOf(t, tab, ".like-count"))
		count := func() int {
			n, err := s.store.CountLikes(context.Background(), []int64{liked.ID})
			require.NoError(t, err)
			return n[liked.ID]
		}
		for _, step := range []struct {
			text, pressed string
			likes         int
		}{
			{"You like this. Press again to undo.", "true", 1},
			{"Be the first to like this.", "false", 0},
			{"You like this. Press again to undo.", "true", 1},
		} {
			require.Equal(t, int64(http.StatusOK), clickAndWait(t, tab, ".like-button"))
			assert.Equal(t, url+"#likes", location(t, tab))
			assert.Equal(t, step.text, textOf(t, tab, ".like-count"))
			assert.Equal(t, step.pressed, eval[string](t, tab, `document.querySelector(".like-button").getAttribute("aria-pressed")`))
			assert.Equal(t, step.likes, count())
		}
		other := b.tab(t, true)
		browse(t, other, url)
		assert.Equal(t, "One person likes this.", textOf(t, other, ".like-count"), "another browser sees the count, not the state")
	})

	t.Run("no script from a comment runs", func(t *testing.T) {
		tab := b.tab(t, false)
		rec := watch(t, tab)
		url := s.url(s.srv.PostPath(hostile))

		// The watch catches what it is for: a dialog opened by the page,
		// and an inline script the policy refuses.
		browse(t, tab, url)
		_, err := chromedp.Run(tab, chromedp.Evaluate[chromedp.Void](`alert("control")`))
		require.NoError(t, err)
		require.NoError(t, chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](
			`(() => { const s = document.createElement("script"); s.textContent = "window.__folioXSS = 1"; document.body.appendChild(s); })()`)))
		require.True(t, waitFor(func() bool {
			d, h, c, _ := rec.snapshot()
			var fromPage, fromLog bool
			for _, v := range c {
				fromPage = fromPage || strings.HasPrefix(v, "securitypolicyviolation: script-src")
				fromLog = fromLog || strings.HasPrefix(v, "security error:")
			}
			return len(d) == 1 && len(h) == 1 && fromPage && fromLog
		}), "the watch missed the control dialog or a CSP report: %v", func() []string { d, h, c, _ := rec.snapshot(); return slices.Concat(d, h, c) }())
		assert.Equal(t, "undefined", eval[string](t, tab, `typeof window.__folioXSS`), "the policy refused the inline script")
		rec.reset()

		const mark = "window.__folioXSS=1;"
		payloads := []commentFields{
			{body: "<script>" + mark + "alert(1)</script>"},
			{body: `<img src=x onerror="` + mark + `alert(1)">`},
			{body: "[click me](javascript:" + mark + "alert(1))"},
			{body: "[or me](JaVaScRiPt:alert(1))"},
			{body: `<svg onload="` + mark + `alert(1)"><circle r="5"/></svg>`},
			{body: `<a href="javascript:` + mark + `alert(1)">a link</a> and <a href="#" onclick="` + mark + `alert(1)">another</a>`},
			{body: `<iframe src="javascript:` + mark + `alert(1)"></iframe><details open ontoggle="` + mark + `alert(1)">x</details>`},
			{author: `"><script>` + mark + `alert(1)</script>`, body: "Just my name."},
			{body: `<style>body{display:none}</style><p style="color:red">styled</p>`},
			{body: "A fair link: [the January archive](" + s.url("/2013/01/") + ") and " +
				"[a title that breaks out](" + s.url("/") + ` "t\" onmouseover=\"` + mark + `alert(1)")`},
			{author: "Wendy Web", website: s.url("/tag/sea/"), body: "My name links to my site."},
		}
		var ids []int64
		for i, p := range payloads {
			if p.author == "" {
				p.author = "Mallory " + strconv.Itoa(i)
			}
			p.email = fmt.Sprintf("mallory%d@example.org", i)
			browse(t, tab, url)
			status, id := submitComment(t, tab, p, false)
			require.Equal(t, int64(http.StatusOK), status, "payload %d", i)
			require.NotZero(t, id, "payload %d was refused", i)
			ids = append(ids, id)
		}

		// A javascript: website is refused with a message on the field.
		browse(t, tab, url)
		status, id := submitComment(t, tab, commentFields{
			author: "Mallory URL", email: "mallory-url@example.org", website: "javascript:" + mark + "alert(1)", body: "See my site.",
		}, false)
		assert.Equal(t, int64(http.StatusUnprocessableEntity), status)
		assert.Zero(t, id)
		assert.Contains(t, textOf(t, tab, ".comment-form-url .field-error"), "http://")

		// One stored as an importer would, with that website kept.
		imported := s.comment(hostile, 0, "Imported Ivan", "Old comment.", comments.StatusApproved)
		imported.Author.URL = "javascript:" + mark + "alert(1)"
		require.NoError(t, s.store.UpdateComment(context.Background(), imported))

		for _, id := range ids {
			s.approveByHeader(t, id)
		}

		browse(t, tab, url)
		for _, id := range append(ids, imported.ID) {
			assert.True(t, exists(t, tab, "#comment-"+itoa(id)), "comment %d is shown", id)
		}
		nameLi := "#comment-" + itoa(ids[7]) // the payload in the name
		assert.Equal(t, payloads[7].author, textOf(t, tab, nameLi+" .fn"), "the name is text")
		assert.Zero(t, eval[int](t, tab, `document.querySelectorAll("#comments script, #comments iframe, #comments svg, #comments style, #comments [style], #comments [onerror], #comments [onload], #comments [onclick], #comments [ontoggle]").length`))
		assert.Zero(t, eval[int](t, tab, `[...document.querySelectorAll("#comments a")].filter(a => !/^https?:/.test(a.href)).length`), "every link in the comments is http(s)")
		assert.False(t, exists(t, tab, "#comment-"+itoa(imported.ID)+" .fn a"), "a javascript: website is not linked")

		// Click every link the comments hold, coming back each time.
		const linkSel = "#comments .comment-content a, #comments .comment-author a"
		links := eval[int](t, tab, fmt.Sprintf(`document.querySelectorAll(%q).length`, linkSel))
		assert.GreaterOrEqual(t, links, 3, "the fair links are there to click")
		for i := range links {
			if location(t, tab) != url {
				browse(t, tab, url)
			}
			var a struct {
				Href string  `json:"href"`
				X    float64 `json:"x"`
				Y    float64 `json:"y"`
			}
			raw := eval[[]byte](t, tab, fmt.Sprintf(`(() => {
				const a = document.querySelectorAll(%q)[%d];
				a.scrollIntoView({block: "center"});
				const r = a.getBoundingClientRect();
				return {href: a.href, x: r.left + r.width / 2, y: r.top + r.height / 2};
			})()`, linkSel, i))
			require.NoError(t, json.Unmarshal(raw, &a))
			click := chromedp.MouseClickXY(a.X, a.Y)
			if strings.HasPrefix(a.Href, s.ts.URL+"/") {
				// A link of the site: wait for the page it opens.
				cctx, cancel := context.WithTimeout(tab, 5*time.Second)
				_, err := chromedp.RunResponse(cctx, click)
				cancel()
				require.NoError(t, err, "following %s", a.Href)
			} else {
				require.NoError(t, chromedp.Do(tab, click))
				time.Sleep(100 * time.Millisecond)
			}
			assert.Equal(t, "undefined", eval[string](t, tab, `typeof window.__folioXSS`), "after clicking %s", a.Href)
		}
		if location(t, tab) != url {
			browse(t, tab, url)
		}
		assert.Equal(t, "undefined", eval[string](t, tab, `typeof window.__folioXSS`))

		// The theme's own pages raise no policy report either.
		for _, p := range []string{"/", "/2013/02/", "/tag/sea/", s.srv.PostPath(harbour), "/admin/login"} {
			browse(t, tab, s.url(p))
		}
		time.Sleep(200 * time.Millisecond) // reports are delivered asynchronously
		dialogs, hooks, csp, errs := rec.snapshot()
		assert.Empty(t, dialogs, "dialogs opened")
		assert.Empty(t, hooks, "alert, confirm or prompt called")
		assert.Empty(t, csp, "Content-Security-Policy violations")
		for _, e := range errs {
			t.Logf("console: %s", e)
		}
		t.Logf("%d comments with payloads, %d links clicked", len(ids), links)
	})

	t.Run("screenshots", func(t *testing.T) {
		type width struct {
			name    string
			px, h   int64
			mobile  bool
			sidebar string // where the sidebar is: "right" of the main column or "below" it
		}
		desktop, phone := width{"desktop", 1280, 900, false, "right"}, width{"phone", 390, 844, true, "below"}
		likedURL := s.url(s.srv.PostPath(liked))
		tests := []struct {
			page    string // the file's prefix in testdata/screenshots
			url     string
			status  int64
			sidebar bool
			like    bool // like the post first: the liked state
			dark    bool // also in the dark scheme
		}{
			{"post", mainURL, http.StatusOK, true, false, true},
			{"home", s.url("/"), http.StatusOK, true, false, true},
			{"month", s.url("/2013/02/"), http.StatusOK, true, false, false},
			{"notfound", s.url("/no/such/page/"), http.StatusNotFound, false, false, false},
			{"liked", likedURL, http.StatusOK, true, true, false},
		}
		for _, tt := range tests {
			for _, w := range []width{desktop, phone} {
				for _, scheme := range []string{"light", "dark"} {
					if scheme == "dark" && !tt.dark {
						continue
					}
					file := tt.page + "-" + w.name + ".png"
					if scheme == "dark" {
						file = tt.page + "-" + w.name + "-dark.png"
					}
					t.Run(file, func(t *testing.T) {
						tab := b.tab(t, true)
						opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
						if w.mobile {
							opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
						}
						require.NoError(t, chromedp.Do(tab, chromedp.EmulateViewport(w.px, w.h, opts...)))
						_, err := chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
							Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
						})
						require.NoError(t, err)
						status := browseStatus(t, tab, tt.url)
						require.Equal(t, tt.status, status)
						if tt.like {
							require.Equal(t, int64(http.StatusOK), clickAndWait(t, tab, ".like-button"))
							assert.Equal(t, "true", eval[string](t, tab, `document.querySelector(".like-button").getAttribute("aria-pressed")`))
						}
						// Figures load lazily: bring each into view and wait for it.
						_, err = chromedp.Run(tab, chromedp.Poll[bool](`(() => {
							for (const i of document.querySelectorAll("figure img")) {
								i.scrollIntoView();
								if (!i.complete || i.naturalWidth === 0) return false;
							}
							return true;
						})()`, chromedp.WithPollingTimeout(5*time.Second)))
						require.NoError(t, err, "the figures' images loaded")
						require.NoError(t, chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`)))

						assert.Equal(t, w.px, eval[int64](t, tab, `window.innerWidth`))
						assert.LessOrEqual(t, eval[int64](t, tab, `document.documentElement.scrollWidth`), w.px, "nothing overflows sideways")
						bg := eval[string](t, tab, `getComputedStyle(document.body).backgroundColor`)
						if scheme == "dark" {
							assert.Equal(t, "rgb(22, 24, 27)", bg, "the dark scheme")
						} else {
							assert.Equal(t, "rgb(255, 255, 255)", bg, "the light scheme")
						}
						// Every figure looks as on the post page: not indented,
						// its caption centred.
						assert.Equal(t, "ok", eval[string](t, tab, `(() => {
							for (const f of document.querySelectorAll("figure")) {
								const cs = getComputedStyle(f), c = f.querySelector("figcaption");
								if (cs.marginLeft !== "0px") return "figure indented " + cs.marginLeft;
								if (c && getComputedStyle(c).textAlign !== "center") return "caption not centred";
							}
							return "ok";
						})()`))
						// Buttons keep their text readable in both schemes
						// (WCAG AA: a contrast of 4.5:1).
						assert.Equal(t, "ok", eval[string](t, tab, `(() => {
							const lum = c => {
								const v = c.match(/\d+(\.\d+)?/g).slice(0, 3).map(x => {
									x = x / 255;
									return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
								});
								return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
							};
							for (const b of document.querySelectorAll("button")) {
								const cs = getComputedStyle(b);
								if (cs.backgroundColor === "rgba(0, 0, 0, 0)") continue;
								const [hi, lo] = [lum(cs.color), lum(cs.backgroundColor)].sort((a, b) => b - a);
								const ratio = (hi + 0.05) / (lo + 0.05);
								if (ratio < 4.5) return b.textContent.trim() + ": contrast " + ratio.toFixed(2);
							}
							return "ok";
						})()`))
						if tt.sidebar {
							rel := eval[string](t, tab, `(() => {
								const m = document.querySelector(".site-main").getBoundingClientRect();
								const a = document.querySelector(".site-sidebar").getBoundingClientRect();
								if (a.left >= m.right) return "right";
								if (a.top >= m.bottom) return "below";
								return "overlapping";
							})()`)
							assert.Equal(t, w.sidebar, rel)
						}

						shot, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
						require.NoError(t, err)
						cfg, err := png.DecodeConfig(bytes.NewReader(shot))
						require.NoError(t, err)
						assert.Equal(t, int(w.px), cfg.Width)
						height := eval[int64](t, tab, `document.documentElement.scrollHeight`)
						assert.InDelta(t, height, cfg.Height, 2, "the whole page is in the shot")
						if browserUpdating() {
							dir := filepath.Join("testdata", "screenshots")
							require.NoError(t, os.MkdirAll(dir, 0o755))
							require.NoError(t, os.WriteFile(filepath.Join(dir, file), shot, 0o644))
							t.Logf("wrote %s (%dx%d)", filepath.Join(dir, file), cfg.Width, cfg.Height)
						}
					})
				}
			}
		}
	})

	t.Run("keyboard", func(t *testing.T) {
		tab := b.tab(t, true)
		browse(t, tab, mainURL)
		// The first Tab reaches the skip link, which shows itself.
		require.NoError(t, chromedp.Do(tab, chromedp.KeyEvent("\t")))
		assert.Equal(t, "skip-link", eval[string](t, tab, `document.activeElement.className`))
		assert.Greater(t, eval[float64](t, tab, `document.activeElement.getBoundingClientRect().width`), 20.0, "the focused skip link is visible")
		require.NoError(t, chromedp.Do(tab, chromedp.KeyEvent("\r")))
		assert.True(t, strings.HasSuffix(location(t, tab), "#main"), location(t, tab))
		// Tabbing on visits the page in reading order, each stop with a
		// visible focus ring, and reaches the comment form and the like
		// button.
		seen := map[string]bool{}
		for range 80 {
			require.NoError(t, chromedp.Do(tab, chromedp.KeyEvent("\t")))
			stop := eval[string](t, tab, `(() => {
				const e = document.activeElement;
				if (e === document.body) return "BODY"; // past the last stop, in the browser's own
				const cs = getComputedStyle(e);
				const ring = cs.outlineStyle !== "none" && cs.outlineWidth !== "0px";
				return (ring ? "" : "NORING ") + (e.id || e.className || e.tagName);
			})()`)
			assert.False(t, strings.HasPrefix(stop, "NORING "), "no visible focus on %s", stop)
			seen[strings.TrimPrefix(stop, "NORING ")] = true
		}
		for _, want := range []string{"like-button", "comment", "author", "submit"} {
			assert.True(t, seen[want], "Tab never reached %s (reached %v)", want, seen)
		}
	})

	t.Logf("browser tests took %v", time.Since(began).Round(time.Millisecond))
}
