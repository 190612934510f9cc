package bloghttp

// How pages are drawn is described in the package documentation (doc.go).

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/folioblog/folio/archive"
	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

//go:embed all:theme
var defaultThemeFS embed.FS

// layoutName is the template every page executes.
const layoutName = "layout.html"

// theme is a parsed set of page templates and the static files beside
// them. It is built once and read by every request.
type theme struct {
	pages  map[string]*template.Template // by file name: "post.html"
	static map[string]*staticFile        // by file name: "folio.css"
}

// staticFile is one file served under /static/, read at start-up.
type staticFile struct {
	data        []byte
	contentType string
	etag        string // quoted, from the content's hash
	version     string // a short content hash for cache-busting queries
}

// loadTheme parses the default theme with the files of fsys (nil for
// none) replacing the default ones of the same name. funcs are the
// template functions.
func loadTheme(fsys fs.FS, funcs template.FuncMap) (*theme, error) {
	def, err := fs.Sub(defaultThemeFS, "theme")
	if err != nil {
		return nil, fmt.Errorf("bloghttp: theme: %w", err)
	}
	files := map[string][]byte{} // template file name → text
	static := map[string][]byte{}
	if err := readTheme(def, files, static); err != nil {
		return nil, err
	}
	if fsys != nil {
		if err := readTheme(fsys, files, static); err != nil {
			return nil, err
		}
	}
	static["archive.js"] = []byte(archive.DropdownScript)

	layout, ok := files[layoutName]
	if !ok {
		return nil, fmt.Errorf("bloghttp: theme: no %s", layoutName)
	}
	base := template.New(layoutName).Funcs(funcs)
	if _, err := base.Parse(string(layout)); err != nil {
		return nil, fmt.Errorf("bloghttp: theme: %w", err)
	}
	for name, text := range files {
		if strings.HasPrefix(name, "_") {
			if _, err := base.New(name).Parse(string(text)); err != nil {
				return nil, fmt.Errorf("bloghttp: theme: %w", err)
			}
		}
	}
	t := &theme{pages: map[string]*template.Template{}, static: map[string]*staticFile{}}
	for name, text := range files {
		if name == layoutName || strings.HasPrefix(name, "_") {
			continue
		}
		set, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("bloghttp: theme: %w", err)
		}
		if _, err := set.New(name).Parse(string(text)); err != nil {
			return nil, fmt.Errorf("bloghttp: theme: %w", err)
		}
		t.pages[name] = set
	}
	for _, need := range []string{"post.html", "list.html", "error.html"} {
		if t.pages[need] == nil {
			return nil, fmt.Errorf("bloghttp: theme: no %s", need)
		}
	}
	for name, data := range static {
		sum := sha256.Sum256(data)
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = http.DetectContentType(data)
		}
		t.static[name] = &staticFile{
			data:        data,
			contentType: ct,
			etag:        `"` + hex.EncodeToString(sum[:16]) + `"`,
			version:     hex.EncodeToString(sum[:6]),
		}
	}
	return t, nil
}

// readTheme adds the templates at the root of fsys and the files under
// static/ to files and static, replacing entries of the same name.
func readTheme(fsys fs.FS, files, static map[string][]byte) error {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return fmt.Errorf("bloghttp: theme: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".html" {
			continue
		}
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return fmt.Errorf("bloghttp: theme: %w", err)
		}
		files[e.Name()] = b
	}
	entries, err = fs.ReadDir(fsys, "static")
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("bloghttp: theme: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		b, err := fs.ReadFile(fsys, "static/"+e.Name())
		if err != nil {
			return fmt.Errorf("bloghttp: theme: %w", err)
		}
		static[e.Name()] = b
	}
	return nil
}

// newView returns the view of a page with data, for r.
func (s *Server) newView(r *http.Request, status int, data any) *View {
	v := &View{Site: s.site, Page: data, Status: status, OGType: "website", s: s, r: r}
	if m, ok := s.auth.Authorize(r); ok {
		v.Moderator = &m
	}
	return v
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render answers r with the page template name (such as
// "admin-comments.html") executed with data as .Page of the view, and the
// given status. A template error is logged and answered 500.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	s.renderView(w, r, name, s.newView(r, status, data))
}

// renderView answers r with the page template name executed with v.
func (s *Server) renderView(w http.ResponseWriter, r *http.Request, name string, v *View) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			bufPool.Put(buf)
		}
	}()
	if err := s.execute(buf, name, v); err != nil {
		s.log.ErrorContext(r.Context(), "bloghttp: page template failed", "template", name, "path", r.URL.Path, "err", err)
		if name == "error.html" {
			plainError(w, http.StatusInternalServerError)
		} else {
			s.errorPage(w, r, http.StatusInternalServerError)
		}
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	if v.Status == 0 {
		v.Status = http.StatusOK
	}
	w.WriteHeader(v.Status)
	_, _ = w.Write(buf.Bytes())
}

// execute runs the layout of page name with v into buf.
func (s *Server) execute(buf *bytes.Buffer, name string, v *View) error {
	t := s.theme.pages[name]
	if t == nil {
		return fmt.Errorf("bloghttp: no page template %q", name)
	}
	return t.ExecuteTemplate(buf, layoutName, v)
}

// errorPage answers r with the error page for status: for 404 a search
// box and links; for 5xx only the status, never details.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int) {
	v := s.newView(r, status, ErrorPage{Status: status, Text: http.StatusText(status)})
	v.Title = http.StatusText(status)
	w.Header().Set("Cache-Control", "no-store")
	s.renderView(w, r, "error.html", v)
}

// plainError is the last resort when even the error page fails.
func plainError(w http.ResponseWriter, status int) {
	http.Error(w, http.StatusText(status), status)
}

// avatarColours is how many colour classes folio.css defines.
const avatarColours = 8

// funcs returns the template functions, bound to s.
func (s *Server) funcs() template.FuncMap {
	loc := s.blog.Location()
	return template.FuncMap{
		"path":    s.Path,
		"url":     s.URL,
		"postURL": s.PostURL,
		"static": func(name string) string {
			p := s.Path("/static/" + name)
			if f := s.theme.static[name]; f != nil {
				p += "?v=" + f.version
			}
			return p
		},
		"date":     func(t time.Time) string { return t.In(loc).Format("January 2, 2006") },
		"datetime": func(t time.Time) string { return t.In(loc).Format(time.RFC3339) },
		"clock":    func(t time.Time) string { return t.In(loc).Format("3:04 pm") },
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return "1 " + one
			}
			return strconv.Itoa(n) + " " + many
		},
		"avatar": s.avatar,
		"authorURL": func(raw string) string {
			u, ok := comments.SafeURL(raw)
			if !ok {
				return ""
			}
			return u
		},
		"commentID": func(c *comments.Comment) string { return "comment-" + strconv.FormatInt(c.ID, 10) },
		"isPage":    func(p *blog.Post) bool { return p.Kind == blog.KindPage },
	}
}

// avatar returns the avatar of an author: a Gravatar image with
// WithGravatar, else their initials on a colour chosen by an HMAC, keyed
// with the site's secret, of the email (or the name without one).
func (s *Server) avatar(name, email string) Avatar {
	email = strings.ToLower(strings.TrimSpace(email))
	if s.gravatar && email != "" {
		sum := sha256.Sum256([]byte(email))
		return Avatar{URL: "https://www.gravatar.com/avatar/" + hex.EncodeToString(sum[:]) + "?s=64&d=identicon"}
	}
	key := email
	if key == "" {
		key = strings.ToLower(strings.TrimSpace(name))
	}
	return Avatar{Initials: initials(name), Class: "avatar-" + strconv.Itoa(s.avatarColour(key, avatarColours))}
}

// initials returns up to two upper-case initials of name, "?" for none.
func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			out = append(out, unicode.ToUpper(r))
		}
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}
