package content

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v3"
)

// DefaultMaxFileBytes is the size over which a file is refused.
const DefaultMaxFileBytes = 1 << 20

// Layout is the shape of a tree: where its posts are and how its old URLs
// were made.
type Layout int

const (
	Plain  Layout = iota // a folder of .md files
	Hugo                 // config.toml, hugo.toml or config.yaml beside content/
	Jekyll               // _config.yml, _posts/ and _drafts/
)

func (l Layout) String() string {
	return [...]string{"plain", "hugo", "jekyll"}[l]
}

// site is what the walk found: the layout, the Markdown files and the
// permalink patterns of the old engine.
type site struct {
	layout     Layout
	files      []file
	permalinks map[string]string     // Hugo: section → pattern; Jekyll: "" → pattern
	resources  map[string][]resource // a page bundle's folder → its files
}

// resource is a file of a Hugo page bundle beside its index.md.
type resource struct {
	path string
	data []byte
}

type file struct {
	path  string // in fsys
	key   string // relative to the content root, what the state is keyed by
	data  []byte
	draft bool // under _drafts/
}

var hugoConfigs = []string{"hugo.toml", "config.toml", "hugo.yaml", "config.yaml", "hugo.yml", "config.yml"}

// detect finds the layout of fsys.
func detect(fsys fs.FS) (Layout, string) {
	for _, c := range hugoConfigs {
		if isFile(fsys, c) && isDir(fsys, "content") {
			return Hugo, c
		}
	}
	if isFile(fsys, "_config.yml") || isFile(fsys, "_config.yaml") || isDir(fsys, "_posts") {
		return Jekyll, "_config.yml"
	}
	return Plain, ""
}

func isFile(fsys fs.FS, name string) bool {
	fi, err := fs.Stat(fsys, name)
	return err == nil && fi.Mode().IsRegular()
}

func isDir(fsys fs.FS, name string) bool {
	fi, err := fs.Stat(fsys, name)
	return err == nil && fi.IsDir()
}

// walk reads the Markdown files of fsys, refusing and reporting what it must.
func walk(fsys fs.FS, maxBytes int64, media bool, warn func(file string, line int, msg string)) (*site, error) {
	s := &site{permalinks: map[string]string{}, resources: map[string][]resource{}}
	var cfg string
	s.layout, cfg = detect(fsys)
	var roots []string
	switch s.layout {
	case Hugo:
		roots = []string{"content"}
		s.readHugoConfig(fsys, cfg, warn)
	case Jekyll:
		roots = []string{"_posts", "_drafts"}
		s.readJekyllConfig(fsys, warn)
	default:
		roots = []string{"."}
	}
	for _, root := range roots {
		if !isDir(fsys, root) {
			continue
		}
		err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				warn(p, 0, err.Error())
				return nil
			}
			name := d.Name()
			if p != root && (strings.HasPrefix(name, ".") || (s.layout == Plain && strings.HasPrefix(name, "_"))) {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				if msg := symlinkOutside(fsys, p); msg != "" {
					warn(p, 0, msg)
					return nil
				}
			} else if !d.Type().IsRegular() {
				return nil
			}
			fi, err := fs.Stat(fsys, p)
			if err != nil {
				warn(p, 0, err.Error())
				return nil
			}
			if !fi.Mode().IsRegular() {
				return nil
			}
			isMD := strings.EqualFold(path.Ext(name), ".md") || strings.EqualFold(path.Ext(name), ".markdown")
			if !isMD {
				if s.layout != Hugo || !isBundle(fsys, path.Dir(p)) {
					return nil
				}
				if !media {
					warn(p, 0, "page bundle resource not imported: no media library given")
					return nil
				}
				if fi.Size() > maxBytes {
					warn(p, 0, fmt.Sprintf("file of %d bytes refused: over the %d byte cap", fi.Size(), maxBytes))
					return nil
				}
				data, err := fs.ReadFile(fsys, p)
				if err != nil {
					warn(p, 0, err.Error())
					return nil
				}
				s.resources[path.Dir(p)] = append(s.resources[path.Dir(p)], resource{path: p, data: data})
				return nil
			}
			if s.layout == Hugo && strings.HasPrefix(name, "_index.") {
				return nil // a section's list page, not a post
			}
			if fi.Size() > maxBytes {
				warn(p, 0, fmt.Sprintf("file of %d bytes refused: over the %d byte cap", fi.Size(), maxBytes))
				return nil
			}
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				warn(p, 0, err.Error())
				return nil
			}
			if int64(len(data)) > maxBytes {
				warn(p, 0, fmt.Sprintf("file of %d bytes refused: over the %d byte cap", len(data), maxBytes))
				return nil
			}
			if isBinary(data) {
				return nil
			}
			key := p
			if root == "content" {
				key = strings.TrimPrefix(p, "content/")
			}
			s.files = append(s.files, file{path: p, key: key, data: data, draft: root == "_drafts"})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// symlinkOutside says why the link at p is not followed, or "" when it
// stays inside the tree. Without fs.ReadLinkFS no link is followed.
func symlinkOutside(fsys fs.FS, p string) string {
	target, err := fs.ReadLink(fsys, p)
	if err != nil {
		return "symbolic link not followed: " + err.Error()
	}
	if path.IsAbs(target) || strings.HasPrefix(target, "\\") || (len(target) > 1 && target[1] == ':') {
		return "symbolic link out of the tree not followed"
	}
	t := path.Join(path.Dir(p), target)
	if t == ".." || strings.HasPrefix(t, "../") {
		return "symbolic link out of the tree not followed"
	}
	if fi, err := fs.Lstat(fsys, t); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return "chain of symbolic links not followed"
	}
	return ""
}

func isBundle(fsys fs.FS, dir string) bool {
	return isFile(fsys, path.Join(dir, "index.md"))
}

// isBinary reports a NUL byte or invalid text in the first 8 KiB.
func isBinary(data []byte) bool {
	head := data[:min(len(data), 8<<10)]
	return bytes.IndexByte(head, 0) >= 0
}

func (s *site) readHugoConfig(fsys fs.FS, name string, warn func(string, int, string)) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		warn(name, 0, err.Error())
		return
	}
	var cfg struct {
		Permalinks map[string]any `toml:"permalinks" yaml:"permalinks"`
	}
	if strings.HasSuffix(name, ".toml") {
		err = toml.Unmarshal(data, &cfg)
	} else {
		err = yaml.Unmarshal(data, &cfg)
	}
	if err != nil {
		warn(name, 0, "site configuration unreadable, old URLs not kept: "+err.Error())
		return
	}
	for k, v := range cfg.Permalinks {
		if p, ok := v.(string); ok {
			s.permalinks[k] = p
		}
	}
}

func (s *site) readJekyllConfig(fsys fs.FS, warn func(string, int, string)) {
	s.permalinks[""] = "date"
	for _, name := range []string{"_config.yml", "_config.yaml"} {
		data, err := fs.ReadFile(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		var cfg struct {
			Permalink string `yaml:"permalink"`
		}
		if err == nil {
			err = yaml.Unmarshal(data, &cfg)
		}
		if err != nil {
			warn(name, 0, "site configuration unreadable, old URLs not kept: "+err.Error())
			return
		}
		if cfg.Permalink != "" {
			s.permalinks[""] = cfg.Permalink
		}
		return
	}
}

var jekyllName = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})-(.+)\.(md|markdown)$`)
