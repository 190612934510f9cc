package pagecache

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/folioblog/folio/blog"
)

// Defaults and sizes of the page cache.
const (
	// DefaultMaxAge is how long a page stays cached at most unless
	// [WithMaxAge] says otherwise.
	DefaultMaxAge = time.Hour
	// maxEntryShare is the share of the budget one page may take at
	// most: an eighth.
	maxEntryShare = 8
	// entryOverhead approximates the memory an entry takes beyond its
	// bodies, key and headers: the struct, map slots, index sets.
	entryOverhead = 512
	// headerValueOverhead and depOverhead approximate the memory of one
	// stored header value and one dependency beyond their bytes.
	headerValueOverhead = 16
	depOverhead         = 32
	// maxSlackShare bounds the unused capacity a stored body may keep: an
	// eighth of its length, else it is copied to fit.
	maxSlackShare = 8
	// minGzip is the smallest body worth compressing.
	minGzip = 512
	// etagHashBytes is how many bytes of a body's SHA-256 make its ETag.
	etagHashBytes = 12
	// gzipRatioGuess and gzipHeaderBytes size the buffer a page is
	// compressed into: about a third of the page, plus gzip's framing.
	gzipRatioGuess  = 3
	gzipHeaderBytes = 64
)

// defaultQueryKeys are the query parameters whose pages are cached: list
// pagination, comment pages, search words and feed types. A request with
// any other parameter is passed through uncached, so that endless distinct
// queries cannot churn the cache.
var defaultQueryKeys = []string{"after", "cpage", "s", "type"}

// Option configures a [Cache].
type Option func(*Cache)

// WithMaxAge sets how long a page may stay cached at most (default
// [DefaultMaxAge]); pages carry anti-forgery tokens that expire.
func WithMaxAge(d time.Duration) Option { return func(c *Cache) { c.maxAge = d } }

// WithBypassCookies sets the cookies whose presence marks a visitor whose
// pages are personalised and never cached (default none).
func WithBypassCookies(names ...string) Option {
	return func(c *Cache) { c.bypassCookies = slices.Clone(names) }
}

// WithQueryKeys sets the query parameters a cached page may have (default
// after, cpage, s and type); a request with any other is passed through.
func WithQueryKeys(keys ...string) Option {
	return func(c *Cache) { c.queryKeys = slices.Clone(keys) }
}

// WithBypass adds a test of requests that must not be cached, such as a
// host's Authorizer recognising a moderator by the host's own cookie.
func WithBypass(f func(*http.Request) bool) Option {
	return func(c *Cache) { c.bypass = f }
}

// WithOnExpire sets a function called, in its own goroutine, after the
// time given to [Cache.ExpireAt] has come and everything was evicted: a
// server uses it to look up the next scheduled post.
func WithOnExpire(f func()) Option { return func(c *Cache) { c.onExpire = f } }

// WithGzipLevel sets the compression level of the stored gzip copies
// (default gzip.BestSpeed); an invalid level means gzip.DefaultCompression.
func WithGzipLevel(level int) Option { return func(c *Cache) { c.gzipLevel = level } }

// Cache is the page cache: a [net/http] middleware ([Cache.Wrap]) that
// keeps whole pages and evicts them by their declared dependencies. It is
// safe for concurrent use.
type Cache struct {
	// Set by New, then read-only.
	maxBytes      int64
	maxEntry      int64 // an entry larger than this is not kept
	maxAge        time.Duration
	now           func() time.Time
	bypassCookies []string
	queryKeys     []string
	bypass        func(*http.Request) bool
	onExpire      func()
	gzipLevel     int
	gzipPool      sync.Pool

	hits, misses, bypasses, evictions atomic.Int64
	closed                            atomic.Bool // the change feed ended: cache nothing more

	mu      sync.Mutex
	entries map[string]*entry
	index   map[string]map[*entry]struct{} // dependency key → entries
	lru     entry                          // sentinel: lru.next is the most recent
	bytes   int64
	flights map[string]*flight
	expiry  time.Time // evict everything at this time; zero if none
	lastEvt time.Time // when the last change was applied

	// Generations, for renders that overlap evictions. seq counts the
	// changes applied; a render remembers seq when it starts and is kept
	// only if nothing it depends on was evicted since.
	seq       uint64
	flushSeq  uint64            // seq of the last eviction of everything
	depSeq    map[string]uint64 // dependency key → seq of its last eviction, while renders run
	rendering int               // renders running

	syncCh chan chan struct{} // to the watch loop: apply what is buffered, then answer
	done   chan struct{}      // closed when the watch loop ends

	// What the watch loop has not applied yet: changes still in its
	// channel, or one taken and being applied. A request that sees either
	// waits for them, so a write made in this process — through HTTP or
	// straight through the library — shows on the very next request.
	changes  atomic.Pointer[<-chan blog.Change]
	applying atomic.Bool
}

// entry is one cached page.
type entry struct {
	key      string
	deps     []string
	header   []headerField // replayed on every answer, 304 included
	ctype    []string
	body, gz []byte
	etag     []string // strong, of the identity body
	gzETag   []string
	length   []string // Content-Length of body
	gzLength []string
	lastMod  []string
	modified time.Time // Last-Modified, whole seconds
	// sameSecond: the page was stored in the same second as a change was
	// applied, so a validator from an earlier page of that second could
	// carry the same Last-Modified; If-Modified-Since then answers 200.
	sameSecond bool
	expires    time.Time
	size       int64

	prev, next *entry
}

type headerField struct {
	key  string // canonical
	vals []string
}

// flight is a render in progress that requests for the same page wait
// for instead of rendering it again.
type flight struct {
	done        chan struct{}
	entry       *entry // the page, if it was stored
	uncacheable bool   // the answer was not a cacheable page: render each
}

// Header values shared by every answer; their capacity equals their
// length, so a handler appending to them copies.
var (
	hdrHit      = []string{"hit"}
	hdrMiss     = []string{"miss"}
	hdrBypass   = []string{"bypass"}
	hdrGzip     = []string{"gzip"}
	hdrVary     = []string{"Accept-Encoding"}
	hdrNoCache  = []string{"no-cache"}
	cacheHeader = http.CanonicalHeaderKey("X-Folio-Cache")
)

// New returns a cache of at most maxBytes of pages (nothing is cached if
// maxBytes is 0 or less), reading the time from now (time.Now if nil).
func New(maxBytes int64, now func() time.Time, opts ...Option) *Cache {
	if now == nil {
		now = time.Now
	}
	c := &Cache{
		maxBytes:  maxBytes,
		maxEntry:  maxBytes / maxEntryShare,
		maxAge:    DefaultMaxAge,
		now:       now,
		queryKeys: defaultQueryKeys,
		gzipLevel: gzip.BestSpeed,
		entries:   make(map[string]*entry),
		index:     make(map[string]map[*entry]struct{}),
		flights:   make(map[string]*flight),
		depSeq:    make(map[string]uint64),
	}
	for _, opt := range opts {
		opt(c)
	}
	c.lru.next, c.lru.prev = &c.lru, &c.lru
	return c
}

// Stats are the counters of a [Cache].
type Stats struct {
	Hits, Misses, Bypasses int64 // answers, by their X-Folio-Cache state
	Evictions              int64 // pages removed, for any reason
	Entries                int   // pages cached now
	Bytes                  int64 // their approximate memory
}

// Stats returns the cache's counters: answers by their X-Folio-Cache
// state, pages evicted, and what is cached now.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	n, b := len(c.entries), c.bytes
	c.mu.Unlock()
	return Stats{
		Hits: c.hits.Load(), Misses: c.misses.Load(), Bypasses: c.bypasses.Load(),
		Evictions: c.evictions.Load(), Entries: n, Bytes: b,
	}
}

// Wrap returns next behind the cache. Every answer that passes through
// carries X-Folio-Cache: hit, miss or bypass. A request other than GET or
// HEAD, once answered, waits until [Cache.Watch] has applied the changes
// already delivered, so that the visitor's next request sees the write.
func (c *Cache) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !c.eligible(r) {
			c.bypasses.Add(1)
			w.Header()[cacheHeader] = hdrBypass
			next.ServeHTTP(w, r)
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				// A write through this server: let its change events
				// evict before the visitor's next request.
				c.sync(r.Context())
			}
			return
		}
		if c.pending() {
			c.sync(r.Context())
		}
		c.serveCached(w, r, next)
	})
}

// pending reports whether the watch loop has changes it has not applied.
func (c *Cache) pending() bool {
	ch := c.changes.Load()
	return ch != nil && (len(*ch) > 0 || c.applying.Load())
}

// eligible reports whether r may be answered from the cache.
func (c *Cache) eligible(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	if _, ok := r.Header["Authorization"]; ok {
		return false
	}
	if hasCookie(r.Header["Cookie"], c.bypassCookies) || !queryAllowed(r.URL.RawQuery, c.queryKeys) {
		return false
	}
	if c.bypass != nil && c.bypass(r) {
		return false
	}
	return c.maxBytes > 0 && !c.closed.Load()
}

// maxStackKey is the longest key built without allocating on a hit.
const maxStackKey = 256

func (c *Cache) serveCached(w http.ResponseWriter, r *http.Request, next http.Handler) {
	var buf [maxStackKey]byte
	k := append(buf[:0], r.URL.EscapedPath()...)
	if r.URL.RawQuery != "" {
		k = append(k, '?')
		k = append(k, r.URL.RawQuery...)
	}
	for attempt := 0; ; attempt++ {
		now := c.now()
		c.mu.Lock()
		c.expireLocked(now)
		if e := c.entries[string(k)]; e != nil {
			if now.Before(e.expires) {
				c.touchLocked(e)
				c.mu.Unlock()
				c.hits.Add(1)
				c.serve(w, r, e, hdrHit)
				return
			}
			c.removeLocked(e)
		}
		key := string(k)
		f := c.flights[key]
		if f == nil {
			f = &flight{done: make(chan struct{})}
			c.flights[key] = f
			start := c.seq
			c.rendering++
			c.mu.Unlock()
			c.misses.Add(1)
			c.render(w, r, next, key, f, start)
			return
		}
		c.mu.Unlock()
		select {
		case <-f.done:
		case <-r.Context().Done():
			return
		}
		if f.entry != nil {
			c.hits.Add(1)
			c.serve(w, r, f.entry, hdrHit)
			return
		}
		if f.uncacheable || attempt > 0 {
			// Not a page the cache keeps, or renders keep going stale:
			// render this one alone.
			c.misses.Add(1)
			w.Header()[cacheHeader] = hdrMiss
			next.ServeHTTP(w, r)
			return
		}
	}
}

// render runs next for r as the one render of key, serves its answer and
// keeps it if it is a cacheable page nothing evicted meanwhile.
func (c *Cache) render(w http.ResponseWriter, r *http.Request, next http.Handler, key string, f *flight, start uint64) {
	rec := &recorder{c: c, w: w, h: make(http.Header)}
	var e *entry
	finished := false
	defer func() {
		// Also when next panics: release the waiters.
		c.mu.Lock()
		if finished && e != nil && !c.closed.Load() && !c.staleLocked(start, e.deps) {
			if e.size <= c.maxEntry {
				c.insertLocked(e)
			}
			f.entry = e
		}
		f.uncacheable = !finished || rec.mode != modeBuffer
		c.rendering--
		if c.rendering == 0 {
			clear(c.depSeq)
		}
		delete(c.flights, key)
		c.mu.Unlock()
		close(f.done)
		if e != nil {
			c.serve(w, r, e, hdrMiss)
		}
	}()

	// Render a full GET whatever the request: a HEAD or conditional
	// request must not leave an empty body or a 304 in the cache.
	inner := r.Clone(r.Context())
	inner.Method = http.MethodGet
	for _, h := range [...]string{"If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "If-Range", "Range"} {
		delete(inner.Header, h)
	}
	next.ServeHTTP(rec, inner)
	if rec.mode == modeNone && rec.body.Len() == 0 {
		// Nothing written at all: not a page.
		rec.passthrough(http.StatusOK)
	}
	if rec.mode == modeBuffer {
		if r.Context().Err() == nil {
			e = c.newEntry(key, rec)
		} else {
			rec.passthrough(rec.status)
		}
	}
	finished = true
}

// Recorder modes.
const (
	modeNone        = iota // nothing written yet
	modeBuffer             // a cacheable 200: buffering the body
	modePassthrough        // anything else: written straight through
)

// recorder is the ResponseWriter a render writes to: it buffers a
// cacheable page and passes anything else straight through.
type recorder struct {
	c      *Cache
	w      http.ResponseWriter
	h      http.Header
	status int
	mode   int
	body   bytes.Buffer
	deps   []string
}

func (rec *recorder) Header() http.Header { return rec.h }

func (rec *recorder) addDeps(keys []string) { rec.deps = append(rec.deps, keys...) }

func (rec *recorder) WriteHeader(status int) {
	if rec.mode != modeNone || status < 200 {
		return
	}
	if status == http.StatusOK && cacheableHeader(rec.h) {
		rec.mode, rec.status = modeBuffer, status
		return
	}
	rec.passthrough(status)
}

func (rec *recorder) Write(p []byte) (int, error) {
	if rec.mode == modeNone {
		rec.WriteHeader(http.StatusOK)
	}
	if rec.mode == modePassthrough {
		return rec.w.Write(p)
	}
	if int64(rec.body.Len()+len(p)) > rec.c.maxEntry {
		// Too large to keep: send what there is and the rest directly.
		rec.passthrough(rec.status)
		return rec.w.Write(p)
	}
	return rec.body.Write(p)
}

// Flush sends a passed-through answer on; a buffered page is sent whole.
func (rec *recorder) Flush() {
	if rec.mode == modePassthrough {
		_ = http.NewResponseController(rec.w).Flush()
	}
}

// passthrough switches to writing straight to the client, with the
// headers so far and what was buffered.
func (rec *recorder) passthrough(status int) {
	h := rec.w.Header()
	for k, v := range rec.h {
		h[k] = v
	}
	if _, ok := h[cacheHeader]; !ok {
		h[cacheHeader] = hdrMiss
	}
	rec.mode, rec.status = modePassthrough, status
	rec.w.WriteHeader(status)
	if rec.body.Len() > 0 {
		_, _ = rec.w.Write(rec.body.Bytes())
		rec.body = bytes.Buffer{}
	}
}

// cacheableHeader reports whether an answer with header h may be shared.
func cacheableHeader(h http.Header) bool {
	if len(h["Set-Cookie"]) > 0 || len(h["Content-Encoding"]) > 0 {
		return false
	}
	for _, v := range h[cacheHeader] {
		if strings.EqualFold(strings.TrimSpace(v), "bypass") {
			return false
		}
	}
	for _, v := range h["Cache-Control"] {
		for d := range strings.SplitSeq(v, ",") {
			name, _, _ := strings.Cut(strings.TrimSpace(d), "=")
			if strings.EqualFold(name, "private") || strings.EqualFold(name, "no-store") {
				return false
			}
		}
	}
	for _, v := range h["Vary"] {
		for f := range strings.SplitSeq(v, ",") {
			if f = strings.TrimSpace(f); f != "" && !strings.EqualFold(f, "Accept-Encoding") {
				return false
			}
		}
	}
	return true
}

// Headers the cache sets itself rather than replaying the handler's.
var ownHeaders = map[string]bool{
	"Content-Length": true, "Content-Type": true, "Etag": true, "Last-Modified": true,
	"Date": true, "Vary": true, "Transfer-Encoding": true, "Connection": true,
	"X-Folio-Cache": true,
}

// newEntry builds the entry of a recorded page: its validators and its
// gzip copy. A page too large to keep gets no gzip copy.
func (c *Cache) newEntry(key string, rec *recorder) *entry {
	body := rec.body.Bytes()
	if cap(body)-len(body) > len(body)/maxSlackShare {
		body = bytes.Clone(body)
	}
	now := c.now()
	e := &entry{key: key, body: body, expires: now.Add(c.maxAge)}
	e.modified = now.UTC().Truncate(time.Second)
	e.lastMod = []string{e.modified.Format(http.TimeFormat)}
	size := int64(entryOverhead + 2*len(key) + len(body))

	ctype := rec.h.Get("Content-Type")
	if ctype == "" {
		ctype = http.DetectContentType(body)
	}
	e.ctype = []string{ctype}
	e.header = append(e.header, headerField{"Vary", hdrVary})
	if _, ok := rec.h["Cache-Control"]; !ok {
		// Browsers revalidate (cheaply, by ETag) rather than guess a
		// freshness, so a new comment shows on reload.
		e.header = append(e.header, headerField{"Cache-Control", hdrNoCache})
	}
	for k, v := range rec.h {
		if ownHeaders[k] {
			continue
		}
		e.header = append(e.header, headerField{k, slices.Clip(slices.Clone(v))})
		size += int64(len(k))
		for _, s := range v {
			size += int64(len(s)) + headerValueOverhead
		}
	}
	slices.SortFunc(e.header, func(a, b headerField) int { return strings.Compare(a.key, b.key) })

	// Keep a strong ETag the handler set (a static file's content hash);
	// otherwise make one from the body.
	tag := ""
	if et := rec.h.Get("Etag"); len(et) > 2 && et[0] == '"' && et[len(et)-1] == '"' && !strings.ContainsAny(et[1:len(et)-1], `"`) {
		tag = et[1 : len(et)-1]
	} else {
		sum := sha256.Sum256(body)
		tag = base64.RawURLEncoding.EncodeToString(sum[:etagHashBytes])
	}
	e.etag = []string{`"` + tag + `"`}
	e.length = []string{strconv.Itoa(len(body))}
	if size <= c.maxEntry && len(body) >= minGzip && compressible(ctype) {
		if gz := c.compress(body); len(gz) < len(body) {
			e.gz = gz
			e.gzETag = []string{`"` + tag + `-gz"`}
			e.gzLength = []string{strconv.Itoa(len(gz))}
			size += int64(len(gz))
		}
	}

	deps := slices.Clone(rec.deps)
	slices.Sort(deps)
	e.deps = slices.Clip(slices.Compact(deps))
	for _, d := range e.deps {
		size += int64(len(d)) + depOverhead
	}
	e.size = size
	return e
}

// compressible reports whether a body of content type ctype shrinks
// under gzip.
func compressible(ctype string) bool {
	ctype = strings.ToLower(ctype)
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "xml") ||
		strings.Contains(ctype, "json") || strings.Contains(ctype, "javascript")
}

// compress returns body gzipped.
func (c *Cache) compress(body []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(body)/gzipRatioGuess + gzipHeaderBytes)
	zw, _ := c.gzipPool.Get().(*gzip.Writer)
	if zw == nil {
		var err error
		if zw, err = gzip.NewWriterLevel(&out, c.gzipLevel); err != nil {
			zw = gzip.NewWriter(&out)
		}
	} else {
		zw.Reset(&out)
	}
	_, _ = zw.Write(body)
	_ = zw.Close()
	c.gzipPool.Put(zw)
	return bytes.Clone(out.Bytes())
}

// serve answers r with e: the gzip copy if the client takes it, 304 if its
// validators match, headers alone for HEAD.
func (c *Cache) serve(w http.ResponseWriter, r *http.Request, e *entry, state []string) {
	h := w.Header()
	for i := range e.header {
		h[e.header[i].key] = e.header[i].vals
	}
	body, etag, length := e.body, e.etag, e.length
	if e.gz != nil && acceptsGzip(r.Header["Accept-Encoding"]) {
		body, etag, length = e.gz, e.gzETag, e.gzLength
		h["Content-Encoding"] = hdrGzip
	}
	h["Etag"] = etag
	h["Last-Modified"] = e.lastMod
	h[cacheHeader] = state
	if notModified(r.Header, etag[0], e) {
		delete(h, "Content-Encoding")
		delete(h, "Content-Type")
		delete(h, "Content-Length")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = e.ctype
	h["Content-Length"] = length
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// notModified evaluates If-None-Match, or failing it If-Modified-Since
// (RFC 9110, 13.2.2), against the representation with etag.
func notModified(h http.Header, etag string, e *entry) bool {
	if inm := h["If-None-Match"]; len(inm) > 0 {
		return etagMatches(inm, etag)
	}
	ims := h["If-Modified-Since"]
	if len(ims) == 0 {
		return false
	}
	t, err := http.ParseTime(ims[0])
	if err != nil {
		return false
	}
	if e.modified.Equal(t) {
		return !e.sameSecond
	}
	return e.modified.Before(t)
}

// etagMatches reports whether the If-None-Match lists vals hold "*" or an
// entity tag that weakly matches etag (strong, quoted).
func etagMatches(vals []string, etag string) bool {
	for _, s := range vals {
		for {
			s = strings.TrimLeft(s, " \t,")
			if s == "" {
				break
			}
			if s[0] == '*' {
				return true
			}
			s = strings.TrimPrefix(s, "W/")
			if s == "" || s[0] != '"' {
				break // malformed: ignore the rest of this line
			}
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				break
			}
			if s[:end+2] == etag {
				return true
			}
			s = s[end+2:]
		}
	}
	return false
}

// acceptsGzip reports whether the Accept-Encoding lines vals prefer gzip
// to no encoding: gzip (or x-gzip, or *) with a non-zero q-value at least
// that of identity. Without the header nothing is compressed.
func acceptsGzip(vals []string) bool {
	gzipQ, starQ, identityQ := -1, -1, -1
	for _, s := range vals {
		for s != "" {
			var item string
			item, s, _ = strings.Cut(s, ",")
			name, params, _ := strings.Cut(item, ";")
			name = strings.TrimSpace(name)
			switch {
			case len(name) == 4 && strings.EqualFold(name, "gzip"), len(name) == 6 && strings.EqualFold(name, "x-gzip"):
				gzipQ = max(gzipQ, qValue(params))
			case name == "*":
				starQ = max(starQ, qValue(params))
			case len(name) == 8 && strings.EqualFold(name, "identity"):
				identityQ = max(identityQ, qValue(params))
			}
		}
	}
	if gzipQ < 0 {
		gzipQ = starQ
	}
	if identityQ < 0 {
		identityQ = 1 // identity is acceptable unless said otherwise; prefer gzip on a tie
	}
	return gzipQ > 0 && gzipQ >= identityQ
}

// qMax is the highest q-value, 1, in the thousandths qValue counts in;
// maxQLen is the length of the longest q-value RFC 9110 allows ("0.001").
const (
	qMax    = 1000
	maxQLen = 5
)

// qValue returns the q parameter among params in thousandths: qMax when
// absent or malformed.
func qValue(params string) int {
	if params == "" {
		return qMax
	}
	for p := range strings.SplitSeq(params, ";") {
		name, val, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		val = strings.TrimSpace(val)
		if val == "" || (val[0] != '0' && val[0] != '1') {
			return qMax
		}
		q, scale := int(val[0]-'0')*qMax, qMax/10
		if len(val) > 1 {
			if val[1] != '.' || len(val) > maxQLen {
				return qMax
			}
			for _, d := range val[2:] {
				if d < '0' || d > '9' {
					return qMax
				}
				q += int(d-'0') * scale
				scale /= 10
			}
		}
		return min(q, qMax)
	}
	return qMax
}

// hasCookie reports whether the Cookie lines vals name any of names.
func hasCookie(vals []string, names []string) bool {
	for _, s := range vals {
		for part := range strings.SplitSeq(s, ";") {
			name, _, _ := strings.Cut(strings.TrimSpace(part), "=")
			if slices.Contains(names, name) {
				return true
			}
		}
	}
	return false
}

// queryAllowed reports whether every key of the raw query is in keys.
func queryAllowed(raw string, keys []string) bool {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		k, _, _ := strings.Cut(pair, "=")
		if !slices.Contains(keys, k) {
			return false
		}
	}
	return true
}

// staleLocked reports whether a render that started at start and
// declared deps overlapped the eviction of anything it depends on.
func (c *Cache) staleLocked(start uint64, deps []string) bool {
	if c.seq == start {
		return false
	}
	if c.flushSeq > start || len(deps) == 0 {
		return true
	}
	for _, d := range deps {
		if d == All || c.depSeq[d] > start {
			return true
		}
	}
	return false
}

// insertLocked adds e as the most recent page, evicting the least recent
// ones beyond the budget.
func (c *Cache) insertLocked(e *entry) {
	if old := c.entries[e.key]; old != nil {
		c.removeLocked(old)
	}
	e.sameSecond = !c.lastEvt.IsZero() && c.lastEvt.UTC().Truncate(time.Second).Equal(e.modified)
	c.entries[e.key] = e
	deps := e.deps
	if len(deps) == 0 {
		deps = []string{All}
	}
	for _, d := range deps {
		set := c.index[d]
		if set == nil {
			set = make(map[*entry]struct{})
			c.index[d] = set
		}
		set[e] = struct{}{}
	}
	e.prev, e.next = &c.lru, c.lru.next
	e.prev.next, e.next.prev = e, e
	c.bytes += e.size
	for c.bytes > c.maxBytes && c.lru.prev != &c.lru {
		c.removeLocked(c.lru.prev)
	}
}

// touchLocked marks e the most recently used.
func (c *Cache) touchLocked(e *entry) {
	if c.lru.next == e {
		return
	}
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = &c.lru, c.lru.next
	e.prev.next, e.next.prev = e, e
}

// removeLocked evicts e.
func (c *Cache) removeLocked(e *entry) {
	if c.entries[e.key] != e {
		return
	}
	delete(c.entries, e.key)
	deps := e.deps
	if len(deps) == 0 {
		deps = []string{All}
	}
	for _, d := range deps {
		if set := c.index[d]; set != nil {
			delete(set, e)
			if len(set) == 0 {
				delete(c.index, d)
			}
		}
	}
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
	c.bytes -= e.size
	c.evictions.Add(1)
}

// evictDepLocked evicts every page that depends on dep, and remembers the
// eviction for the renders running.
func (c *Cache) evictDepLocked(dep string) {
	if c.rendering > 0 {
		c.depSeq[dep] = c.seq
	}
	for e := range c.index[dep] {
		c.removeLocked(e)
	}
}

// flushLocked evicts everything.
func (c *Cache) flushLocked() {
	c.seq++
	c.flushSeq = c.seq
	for c.lru.prev != &c.lru {
		c.removeLocked(c.lru.prev)
	}
}

// Apply evicts the pages that depend on what ch changed: a post change
// evicts that post's pages and every listing; a comment change the pages
// of its thread; a like the pages showing that post's likes; a flush (or
// a kind it does not know) everything. Pages that declared no
// dependencies go with every change.
func (c *Cache) Apply(ch blog.Change) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lastEvt = c.now()
	switch ch.Kind {
	case blog.ChangePost:
		c.seq++
		c.evictDepLocked(Post(ch.PostID))
		c.evictDepLocked(Lists)
	case blog.ChangeComment:
		c.seq++
		c.evictDepLocked(Thread(ch.Thread))
	case blog.ChangeLike:
		c.seq++
		c.evictDepLocked(Like(ch.PostID))
	default:
		c.flushLocked()
		return
	}
	c.evictDepLocked(All)
}

// ExpireAt makes the cache evict everything at t (or at the earliest of
// the times it was given), such as when a scheduled post becomes visible:
// [blog.Blog.NextScheduledChange]. A zero t does nothing.
func (c *Cache) ExpireAt(t time.Time) {
	if t.IsZero() {
		return
	}
	c.mu.Lock()
	if c.expiry.IsZero() || t.Before(c.expiry) {
		c.expiry = t
	}
	c.mu.Unlock()
}

// expireLocked evicts everything if the expiry time has come.
func (c *Cache) expireLocked(now time.Time) {
	if c.expiry.IsZero() || now.Before(c.expiry) {
		return
	}
	c.expiry = time.Time{}
	c.lastEvt = now
	c.flushLocked()
	if c.onExpire != nil {
		go c.onExpire()
	}
}

// Watch subscribes to feed and, in a goroutine of its own until ctx is
// done or the feed closes, applies each change and then passes it to
// onChange (if not nil). Changes made after Watch returns are applied.
// When the feed ends the cache is emptied and caches nothing more, since
// it would no longer hear of changes. The returned channel is closed then.
// Watch is called at most once per Cache; [Cache.Apply] may be called
// beside it.
func (c *Cache) Watch(ctx context.Context, feed blog.ChangeFeed, onChange func(blog.Change)) <-chan struct{} {
	changes := feed.Changes(ctx)
	syncCh := make(chan chan struct{})
	done := make(chan struct{})
	c.mu.Lock()
	c.syncCh, c.done = syncCh, done
	c.mu.Unlock()
	c.changes.Store(&changes)
	handle := func(ch blog.Change) {
		c.applying.Store(true)
		defer c.applying.Store(false)
		c.Apply(ch)
		if onChange != nil {
			onChange(ch)
		}
	}
	go func() {
		defer func() {
			c.closed.Store(true)
			c.mu.Lock()
			c.lastEvt = c.now()
			c.flushLocked()
			c.mu.Unlock()
			close(done)
		}()
		for {
			select {
			case ch, ok := <-changes:
				if !ok {
					return
				}
				handle(ch)
			case ack := <-syncCh:
				for drained := false; !drained; {
					select {
					case ch, ok := <-changes:
						if !ok {
							close(ack)
							return
						}
						handle(ch)
					default:
						drained = true
					}
				}
				close(ack)
			case <-ctx.Done():
				return
			}
		}
	}()
	return done
}

// sync waits until the watch loop has applied every change already
// delivered to it; it returns at once if nothing is watched.
func (c *Cache) sync(ctx context.Context) {
	c.mu.Lock()
	syncCh, done := c.syncCh, c.done
	c.mu.Unlock()
	if syncCh == nil {
		return
	}
	ack := make(chan struct{})
	select {
	case syncCh <- ack:
	case <-done:
		return
	case <-ctx.Done():
		return
	}
	select {
	case <-ack:
	case <-done:
	case <-ctx.Done():
	}
}
