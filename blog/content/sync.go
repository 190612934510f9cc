package content

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/folioblog/folio/blog"
)

// Options tunes [Sync].
type Options struct {
	// State keeps each path's post and hash between runs. Nil is a fresh
	// MemState: every file is new, and nothing is unpublished.
	State State
	// MaxFileBytes is the size over which a file is refused with a warning;
	// zero is DefaultMaxFileBytes.
	MaxFileBytes int64
	// Progress, when set, is called after each file with the number done
	// and the total.
	Progress func(done, total int)
	// Media, when set, stores the files of Hugo page bundles (the images
	// beside an index.md), and links to them in the post are rewritten to
	// the URLs it returns. Without it they are reported as warnings.
	Media Media
	// BatchSize is the number of new posts written per Blog.ImportBatch;
	// zero is 500.
	BatchSize int
}

// Media is a media library: Store keeps the file read from r under a name
// derived from filename (a path in the tree, such as
// "content/posts/walk/gull.png") and returns the URL it is served at.
type Media interface {
	Store(ctx context.Context, filename string, r io.Reader) (url string, err error)
}

// Warning is a file Sync skipped or a part of one it could not carry over.
// Line is 0 when the warning is about the whole file.
type Warning struct {
	File    string
	Line    int
	Message string
}

func (w Warning) String() string {
	if w.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Message)
	}
	return w.File + ": " + w.Message
}

// Summary is what a Sync did.
type Summary struct {
	Layout       Layout
	Imported     int // new posts
	Updated      int // posts whose file changed
	Unchanged    int // posts whose file did not change: not written
	Unpublished  int // posts whose file was removed, now drafts
	Redirects    int // old URLs and aliases recorded
	Placeholders int // unknown shortcodes and Liquid tags shown as placeholders
	Warnings     []Warning
}

// doc is one file planned for writing.
type doc struct {
	file
	fm      FrontMatter
	body    string
	slug    string
	date    time.Time
	status  blog.Status
	post    *blog.Post
	hash    string
	oldURLs []string
	entry   Entry
	known   bool
}

// Sync brings b in line with the Markdown tree fsys: a Hugo site root, a
// Jekyll site root or a folder of .md files. It writes through b only.
//
// New files are imported with [blog.Blog.ImportBatch]; a file whose content
// hash changed updates its post; one that did not is counted Unchanged and
// not written; a post whose file is gone is unpublished (made a draft, its
// comments kept). Drafts (draft: true, published: false, _drafts/) are
// drafts; a future date schedules the post. Aliases and the URL each post
// had under the old engine's permalinks are recorded with
// [blog.Blog.AddOldPath] so that they redirect.
//
// A file that cannot be read is skipped with a Warning and the rest go on;
// the error is for a failing store or State, and the Summary then counts
// what was done before it.
func Sync(ctx context.Context, b *blog.Blog, fsys fs.FS, opts Options) (*Summary, error) {
	if opts.State == nil {
		opts.State = &MemState{}
	}
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = DefaultMaxFileBytes
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 500
	}
	sum := &Summary{}
	warn := func(file string, line int, msg string) {
		sum.Warnings = append(sum.Warnings, Warning{File: file, Line: line, Message: msg})
	}
	s, err := walk(fsys, opts.MaxFileBytes, opts.Media != nil, warn)
	if err != nil {
		return sum, fmt.Errorf("content: %w", err)
	}
	sum.Layout = s.layout
	state, err := opts.State.Load(ctx)
	if err != nil {
		return sum, fmt.Errorf("content: load state: %w", err)
	}

	// First pass: read every file and plan its slug, date and path, so that
	// references between posts resolve.
	loc := b.Location()
	now := b.Now()
	var docs []*doc
	for _, f := range s.files {
		d, err := plan(f, s.layout, loc, now)
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) {
				warn(pe.File, pe.Line, "skipped: "+pe.Err.Error())
			} else {
				warn(f.path, 0, "skipped: "+err.Error())
			}
			continue
		}
		d.entry, d.known = state[d.key]
		docs = append(docs, d)
	}
	sort.Slice(docs, func(i, j int) bool { return docs[i].key < docs[j].key })
	taken := map[string]bool{}
	for _, d := range docs {
		if err := uniqueSlug(ctx, b, d, taken, warn); err != nil {
			return sum, err
		}
	}
	paths := map[string]string{}
	for _, d := range docs {
		p := b.PostPath(&blog.Post{Slug: d.slug, PublishedAt: d.date, Status: d.status})
		for _, k := range refKeys(d) {
			if _, dup := paths[k]; !dup {
				paths[k] = p
			}
		}
	}
	resolve := func(target string) (string, bool) {
		t := strings.TrimPrefix(strings.Trim(strings.SplitN(target, "#", 2)[0], " "), "/")
		for _, k := range []string{t, strings.TrimSuffix(t, path.Ext(t)), path.Base(strings.TrimSuffix(t, path.Ext(t)))} {
			if p, ok := paths[k]; ok {
				return p, true
			}
		}
		return "", false
	}

	// Second pass: build the posts and write what changed.
	var fresh []*doc
	done := 0
	progress := func() {
		done++
		if opts.Progress != nil {
			opts.Progress(done, len(docs))
		}
	}
	seen := map[string]bool{}
	for _, d := range docs {
		seen[d.key] = true
		body, n := convert(d.body, resolve, s.layout == Jekyll)
		sum.Placeholders += n
		if n > 0 {
			warn(d.path, 0, fmt.Sprintf("%d unsupported shortcode(s) shown as placeholders", n))
		}
		if sep := d.fm.ExcerptSeparator; sep != "" && !strings.Contains(body, "<!--more-->") {
			body = strings.Replace(body, sep, "<!--more-->", 1)
		}
		d.post = &blog.Post{
			Title:       d.fm.Title,
			Slug:        d.slug,
			Source:      body,
			Excerpt:     d.fm.Summary,
			Tags:        terms(d.fm.Tags),
			Categories:  terms(d.fm.Categories),
			Status:      d.status,
			PublishedAt: d.date,
		}
		if d.post.Title == "" {
			d.post.Title = titleFromSlug(d.slug)
		}
		if !d.fm.Lastmod.IsZero() {
			d.post.UpdatedAt = d.fm.Lastmod
		}
		d.oldURLs = oldURLs(s, d)
		var res []resource
		if path.Base(d.path) == "index.md" {
			res = s.resources[path.Dir(d.path)]
		}
		d.hash = hashOf(d, res)
		if !d.known || d.entry.Hash != d.hash {
			if err := storeMedia(ctx, opts.Media, d, res); err != nil {
				return sum, saveOnError(ctx, opts.State, state, err)
			}
		}
		switch {
		case d.known && d.entry.Hash == d.hash:
			sum.Unchanged++
			progress()
		case d.known:
			if err := update(ctx, b, d); err != nil {
				if errors.Is(err, blog.ErrNotFound) {
					fresh = append(fresh, d) // the post was deleted: import it again
					continue
				}
				return sum, saveOnError(ctx, opts.State, state, err)
			}
			if err := addOldPaths(ctx, b, d, sum, warn); err != nil {
				return sum, saveOnError(ctx, opts.State, state, err)
			}
			state[d.key] = Entry{PostID: d.entry.PostID, Hash: d.hash, Slug: d.slug}
			sum.Updated++
			progress()
		default:
			fresh = append(fresh, d)
		}
	}
	for i := 0; i < len(fresh); i += opts.BatchSize {
		batch := fresh[i:min(i+opts.BatchSize, len(fresh))]
		posts := make([]*blog.Post, len(batch))
		for j, d := range batch {
			posts[j] = d.post
		}
		stored, err := b.ImportBatch(ctx, posts)
		if err != nil {
			var ve *blog.ValidationError
			if !errors.As(err, &ve) {
				return sum, saveOnError(ctx, opts.State, state, fmt.Errorf("content: import: %w", err))
			}
			// One post is refused: import them one by one, skipping it.
			stored = make([]*blog.Post, len(batch))
			for j, d := range batch {
				p, err := b.ImportPost(ctx, d.post)
				if errors.As(err, &ve) {
					warn(d.path, 0, "skipped: "+err.Error())
					continue
				}
				if err != nil {
					return sum, saveOnError(ctx, opts.State, state, fmt.Errorf("content: import %s: %w", d.path, err))
				}
				stored[j] = p
			}
		}
		for j, d := range batch {
			if stored[j] == nil {
				progress()
				continue
			}
			d.entry.PostID = stored[j].ID
			if stored[j].Slug != d.slug {
				warn(d.path, 0, fmt.Sprintf("slug %q taken: the post is at %q", d.slug, stored[j].Slug))
			}
			if err := addOldPaths(ctx, b, d, sum, warn); err != nil {
				return sum, saveOnError(ctx, opts.State, state, err)
			}
			state[d.key] = Entry{PostID: stored[j].ID, Hash: d.hash, Slug: stored[j].Slug}
			sum.Imported++
			progress()
		}
	}
	keys := make([]string, 0, len(state))
	for k := range state {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		e := state[k]
		if seen[k] || e.Hash == "" {
			continue
		}
		p, err := b.GetPost(ctx, e.PostID)
		if errors.Is(err, blog.ErrNotFound) {
			delete(state, k)
			continue
		}
		if err != nil {
			return sum, saveOnError(ctx, opts.State, state, fmt.Errorf("content: unpublish %s: %w", k, err))
		}
		if p.Status != blog.StatusDraft {
			if _, err := b.Unpublish(ctx, e.PostID); err != nil {
				return sum, saveOnError(ctx, opts.State, state, fmt.Errorf("content: unpublish %s: %w", k, err))
			}
		}
		state[k] = Entry{PostID: e.PostID, Slug: e.Slug}
		sum.Unpublished++
	}
	if err := opts.State.Save(ctx, state); err != nil {
		return sum, fmt.Errorf("content: save state: %w", err)
	}
	return sum, nil
}

func saveOnError(ctx context.Context, st State, state map[string]Entry, err error) error {
	if e := st.Save(ctx, state); e != nil {
		return errors.Join(err, fmt.Errorf("content: save state: %w", e))
	}
	return err
}

// plan reads a file's front matter and fixes its slug, date and status.
func plan(f file, layout Layout, loc *time.Location, now time.Time) (*doc, error) {
	fm, body, err := Parse(f.path, f.data, loc)
	if err != nil {
		return nil, err
	}
	d := &doc{file: f, fm: fm, body: string(body)}
	base := path.Base(f.path)
	stem := strings.TrimSuffix(base, path.Ext(base))
	if stem == "index" && path.Dir(f.path) != "." {
		stem = path.Base(path.Dir(f.path)) // a Hugo page bundle
	}
	if m := jekyllName.FindStringSubmatch(base); m != nil && layout == Jekyll {
		stem = m[2]
		if fm.Date.IsZero() {
			t, err := time.ParseInLocation("2006-01-02", m[1], loc)
			if err != nil {
				return nil, &ParseError{File: f.path, Line: 0, Err: err}
			}
			d.fm.Date = t
		}
	}
	d.slug = blog.Slugify(fm.Slug)
	if d.slug == "" {
		d.slug = blog.Slugify(stem)
	}
	if d.slug == "" {
		d.slug = blog.Slugify(fm.Title)
	}
	d.date = d.fm.Date
	if !fm.PublishDate.IsZero() {
		d.date = fm.PublishDate
	}
	d.date = d.date.UTC().Truncate(time.Microsecond)
	switch {
	case fm.Draft || f.draft:
		d.status = blog.StatusDraft
	case !d.date.IsZero() && d.date.After(now):
		d.status = blog.StatusScheduled
	default:
		d.status = blog.StatusPublished
	}
	return d, nil
}

// uniqueSlug gives d a slug no other file of the tree and no post that is
// not d's own has, adding -2, -3, … with a warning.
func uniqueSlug(ctx context.Context, b *blog.Blog, d *doc, taken map[string]bool, warn func(string, int, string)) error {
	base := d.slug
	for i := 2; ; i++ {
		if !taken[d.slug] {
			if d.known && d.entry.Slug == d.slug {
				break // the post's own slug, from the last run
			}
			p, err := b.GetPostBySlug(ctx, d.slug)
			if errors.Is(err, blog.ErrNotFound) || (err == nil && d.known && p.ID == d.entry.PostID) {
				break
			}
			if err != nil {
				return fmt.Errorf("content: %s: %w", d.path, err)
			}
		}
		d.slug = base + "-" + strconv.Itoa(i)
	}
	if d.slug != base {
		warn(d.path, 0, fmt.Sprintf("duplicate slug %q: imported as %q", base, d.slug))
	}
	taken[d.slug] = true
	return nil
}

func update(ctx context.Context, b *blog.Blog, d *doc) error {
	cur, err := b.GetPost(ctx, d.entry.PostID)
	if err != nil {
		return err
	}
	cur.Title, cur.Slug, cur.Source, cur.Excerpt = d.post.Title, d.post.Slug, d.post.Source, d.post.Excerpt
	cur.Tags, cur.Categories, cur.Status = d.post.Tags, d.post.Categories, d.post.Status
	if !d.post.PublishedAt.IsZero() {
		cur.PublishedAt = d.post.PublishedAt
	} else if cur.PublishedAt.IsZero() && cur.Status == blog.StatusPublished {
		cur.PublishedAt = b.Now()
	}
	if _, err := b.UpdatePost(ctx, cur); err != nil {
		return fmt.Errorf("content: update %s: %w", d.path, err)
	}
	return nil
}

func addOldPaths(ctx context.Context, b *blog.Blog, d *doc, sum *Summary, warn func(string, int, string)) error {
	if len(d.oldURLs) == 0 {
		return nil
	}
	if !b.RedirectsEnabled() {
		warn(d.path, 0, "the store keeps no redirects: old URLs not kept")
		return nil
	}
	for _, u := range d.oldURLs {
		if err := b.AddOldPath(ctx, u, d.entry.PostID); err != nil {
			return fmt.Errorf("content: %s: old URL %q: %w", d.path, u, err)
		}
		sum.Redirects++
	}
	return nil
}

// refKeys are the names other files may use for d in ref, relref, link and
// post_url.
func refKeys(d *doc) []string {
	k := d.key
	noExt := strings.TrimSuffix(k, path.Ext(k))
	keys := []string{k, noExt, d.path, strings.TrimSuffix(d.path, path.Ext(d.path))}
	if path.Base(noExt) == "index" {
		dir := path.Dir(noExt)
		keys = append(keys, dir, path.Base(dir))
	} else {
		keys = append(keys, path.Base(noExt))
	}
	return keys
}

// oldURLs are the paths d had on the old engine, with its aliases.
func oldURLs(s *site, d *doc) []string {
	var out []string
	add := func(u string) {
		if u == "" {
			return
		}
		if !strings.HasPrefix(u, "/") {
			u = "/" + u
		}
		u = path.Clean(u) + map[bool]string{true: "/", false: ""}[strings.HasSuffix(u, "/") && u != "/"]
		if u == "/" {
			return
		}
		for _, o := range out {
			if o == u {
				return
			}
		}
		out = append(out, u)
	}
	for _, a := range d.fm.Aliases {
		add(a)
	}
	date := d.fm.Date
	switch s.layout {
	case Hugo:
		if d.fm.URL != "" {
			add(d.fm.URL)
			break
		}
		section := ""
		if i := strings.IndexByte(d.key, '/'); i > 0 {
			section = d.key[:i]
		}
		pattern, ok := s.permalinks[section]
		if !ok {
			pattern = "/" + section + "/:slug/"
		}
		add(expand(pattern, d, date, section, false))
	case Jekyll:
		if d.draft {
			break
		}
		pattern := d.fm.Permalink
		if pattern == "" {
			pattern = s.permalinks[""]
		}
		switch pattern {
		case "date", "":
			pattern = "/:categories/:year/:month/:day/:title.html"
		case "pretty":
			pattern = "/:categories/:year/:month/:day/:title/"
		case "ordinal":
			pattern = "/:categories/:year/:y_day/:title.html"
		case "none":
			pattern = "/:categories/:title.html"
		}
		add(expand(pattern, d, date, "", true))
	}
	return out
}

var tokens = []string{":slugorfilename", ":contentbasename", ":categories", ":filename", ":section", ":y_day", ":title", ":slug", ":year", ":month", ":day", ":i_month", ":i_day"}

func expand(pattern string, d *doc, date time.Time, section string, jekyll bool) string {
	stem := strings.TrimSuffix(path.Base(d.path), path.Ext(d.path))
	if stem == "index" {
		stem = path.Base(path.Dir(d.path))
	}
	if m := jekyllName.FindStringSubmatch(path.Base(d.path)); m != nil {
		stem = m[2]
	}
	var cats []string
	for _, c := range d.fm.Categories {
		cats = append(cats, strings.ToLower(strings.ReplaceAll(c, " ", "-")))
	}
	title := blog.Slugify(d.fm.Title)
	if title == "" || jekyll {
		title = stem // Jekyll's :title is the file's slug
	}
	slug := d.fm.Slug
	if slug == "" {
		slug = stem
	}
	val := map[string]string{
		":slugorfilename": slug, ":contentbasename": stem, ":categories": strings.Join(cats, "/"),
		":filename": stem, ":section": section, ":title": title, ":slug": slug,
		":year": date.Format("2006"), ":month": date.Format("01"), ":day": date.Format("02"),
		":i_month": strconv.Itoa(int(date.Month())), ":i_day": strconv.Itoa(date.Day()),
		":y_day": fmt.Sprintf("%03d", date.YearDay()),
	}
	out := pattern
	for _, t := range tokens {
		out = strings.ReplaceAll(out, t, val[t])
	}
	for strings.Contains(out, "//") {
		out = strings.ReplaceAll(out, "//", "/")
	}
	return out
}

func terms(names []string) []blog.Term {
	var out []blog.Term
	for _, n := range names {
		out = append(out, blog.Term{Name: n, Slug: blog.Slugify(n)})
	}
	return out
}

func titleFromSlug(s string) string {
	s = strings.ReplaceAll(s, "-", " ")
	if s == "" {
		return "Untitled"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// storeMedia puts a bundle's files into the media library and points the
// post's links and images at them.
func storeMedia(ctx context.Context, m Media, d *doc, res []resource) error {
	for _, r := range res {
		url, err := m.Store(ctx, r.path, bytes.NewReader(r.data))
		if err != nil {
			return fmt.Errorf("content: %s: %w", r.path, err)
		}
		name := path.Base(r.path)
		src := d.post.Source
		for _, prefix := range []string{"](", `src="`, "]: "} {
			src = strings.ReplaceAll(src, prefix+"./"+name, prefix+url)
			src = strings.ReplaceAll(src, prefix+name, prefix+url)
		}
		d.post.Source = src
	}
	return nil
}

// hashOf is the hash of everything Sync writes for d, with the bundle's
// files.
func hashOf(d *doc, res []resource) string {
	p := *d.post
	if p.Status == blog.StatusScheduled {
		p.Status = blog.StatusPublished // a scheduled post's time coming is no change
	}
	h := sha256.New()
	data, _ := json.Marshal(struct {
		P   *blog.Post
		Old []string
	}{&p, d.oldURLs})
	h.Write(data)
	for _, r := range res {
		fmt.Fprintf(h, "\x00%s\x00%d\x00", r.path, len(r.data))
		h.Write(r.data)
	}
	sum := h.Sum(nil)
	return hex.EncodeToString(sum[:])
}

// String is the summary a person reads at the end of an import: the counts,
// then one line per warning.
func (s *Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s tree: imported %d, updated %d, unchanged %d, unpublished %d, old URLs kept %d, placeholders %d, warnings %d\n",
		s.Layout, s.Imported, s.Updated, s.Unchanged, s.Unpublished, s.Redirects, s.Placeholders, len(s.Warnings))
	for _, w := range s.Warnings {
		fmt.Fprintf(&b, "  warning: %s\n", w)
	}
	return b.String()
}
