// Package theme loads a set of html/template pages and the static files
// beside them from an fs.FS — the default theme with a host's files laid
// over it — once, at start-up, into a form every request can share.
package theme

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// LayoutName is the template every page executes.
const LayoutName = "layout.html"

// Theme is a parsed set of page templates and the static files beside
// them. It is built once and read by every request.
type Theme struct {
	Pages  map[string]*template.Template // by file name: "post.html"
	Static map[string]*File              // by file name: "folio.css"
}

// File is one file served under /static/, read at start-up.
type File struct {
	Data        []byte
	ContentType string
	ETag        string // quoted, from the content's hash
	Version     string // a short content hash for cache-busting queries
}

// Load parses the theme def with the files of fsys (nil for none)
// replacing those of the same name, and extra added to its static files.
// funcs are the template functions. A theme must have LayoutName and the
// pages "post.html", "list.html" and "error.html"; templates whose name
// begins with "_" are partials every page may call.
func Load(def, fsys fs.FS, funcs template.FuncMap, extra map[string][]byte) (*Theme, error) {
	files := map[string][]byte{} // template file name → text
	static := map[string][]byte{}
	if err := read(def, files, static); err != nil {
		return nil, err
	}
	if fsys != nil {
		if err := read(fsys, files, static); err != nil {
			return nil, err
		}
	}
	for name, data := range extra {
		static[name] = data
	}

	layout, ok := files[LayoutName]
	if !ok {
		return nil, fmt.Errorf("bloghttp: theme: no %s", LayoutName)
	}
	base := template.New(LayoutName).Funcs(funcs)
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
	t := &Theme{Pages: map[string]*template.Template{}, Static: map[string]*File{}}
	for name, text := range files {
		if name == LayoutName || strings.HasPrefix(name, "_") {
			continue
		}
		set, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("bloghttp: theme: %w", err)
		}
		if _, err := set.New(name).Parse(string(text)); err != nil {
			return nil, fmt.Errorf("bloghttp: theme: %w", err)
		}
		t.Pages[name] = set
	}
	for _, need := range []string{"post.html", "list.html", "error.html"} {
		if t.Pages[need] == nil {
			return nil, fmt.Errorf("bloghttp: theme: no %s", need)
		}
	}
	for name, data := range static {
		sum := sha256.Sum256(data)
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = http.DetectContentType(data)
		}
		t.Static[name] = &File{
			Data:        data,
			ContentType: ct,
			ETag:        `"` + hex.EncodeToString(sum[:16]) + `"`,
			Version:     hex.EncodeToString(sum[:6]),
		}
	}
	return t, nil
}

// read adds the templates at the root of fsys and the files under
// static/ to files and static, replacing entries of the same name.
func read(fsys fs.FS, files, static map[string][]byte) error {
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
