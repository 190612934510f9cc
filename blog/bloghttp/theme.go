package bloghttp

// How pages are drawn is described in the package documentation (doc.go).

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/folioblog/folio/comments/commentshttp"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/folioblog/folio/archive"
	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/bloghttp/internal/theme"
	"github.com/folioblog/folio/comments"
)

//go:embed all:theme
var defaultThemeFS embed.FS

// loadTheme parses the default theme with the files of fsys (nil for
// none) replacing the default ones of the same name, and the archive
// dropdown's script. funcs are the template functions.
func loadTheme(fsys fs.FS, funcs template.FuncMap) (*theme.Theme, error) {
	def, err := fs.Sub(defaultThemeFS, "theme")
	if err != nil {
		return nil, fmt.Errorf("bloghttp: theme: %w", err)
	}
	return theme.Load(def, fsys, funcs, map[string][]byte{"archive.js": []byte(archive.DropdownScript)})
}

// newView returns the view of a page with data, for r.
func (s *Server) newView(r *http.Request, status int, data any) *View {
	v := &View{Site: s.site, Page: data, Status: status, OGType: "website", Links: s.links, s: s, r: r}
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
		status := http.StatusInternalServerError
		if errors.Is(err, ErrUnavailable) {
			// A widget's read (the sidebar's) lost the store: as any
			// other read would, answer 503 and let the visitor retry.
			status = http.StatusServiceUnavailable
			w.Header().Set("Retry-After", commentshttp.UnavailableRetryAfter)
		}
		if name == "error.html" {
			plainError(w, status)
		} else {
			s.errorPage(w, r, status)
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
	t := s.theme.Pages[name]
	if t == nil {
		return fmt.Errorf("bloghttp: no page template %q", name)
	}
	return t.ExecuteTemplate(buf, theme.LayoutName, v)
}

// errorPage answers r with the error page for status: for 404 a search
// box and links; for 5xx only the status, never details.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int) {
	page := ErrorPage{Status: status, Text: http.StatusText(status)}
	v := s.newView(r, status, nil)
	if status == http.StatusNotFound {
		// The links the page promises. A store that fails here leaves
		// them out: the visitor still gets their 404.
		if list, err := s.blog.List(r.Context(), blog.ListOptions{Limit: notFoundRecent}); err == nil {
			page.Recent = list.Posts
		}
		if sb, err := v.Sidebar(); err == nil {
			page.Archives = sb.List
		}
	}
	v.Page = page
	v.Title = http.StatusText(status)
	w.Header().Set("Cache-Control", "no-store")
	s.renderView(w, r, "error.html", v)
}

// notFoundRecent is how many recent posts a 404 page offers.
const notFoundRecent = 5

// plainError is the last resort when even the error page fails.
func plainError(w http.ResponseWriter, status int) {
	http.Error(w, http.StatusText(status), status)
}

// avatarColours is how many colour classes folio.css defines.
const avatarColours = 10

// funcs returns the template functions, bound to s.
func (s *Server) funcs() template.FuncMap {
	loc := s.blog.Location()
	return template.FuncMap{
		"path":    s.Path,
		"url":     s.URL,
		"postURL": s.PostPath,
		"static": func(name string) string {
			p := s.Path("/static/" + name)
			if f := s.theme.Static[name]; f != nil {
				p += "?v=" + f.Version
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
		"authorPath": func(name string) string {
			return s.Path("/author/" + url.PathEscape(blog.Nicename(name)) + "/")
		},
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
