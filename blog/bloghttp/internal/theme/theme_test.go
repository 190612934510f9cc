package theme_test

import (
	"bytes"
	"html/template"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog/bloghttp/internal/theme"
)

func base() fstest.MapFS {
	return fstest.MapFS{
		"layout.html":     {Data: []byte(`<main>{{template "page" .}}</main>`)},
		"_part.html":      {Data: []byte(`{{define "part"}}[{{.}}]{{end}}`)},
		"post.html":       {Data: []byte(`{{define "page"}}post {{template "part" .}}{{end}}`)},
		"list.html":       {Data: []byte(`{{define "page"}}list{{end}}`)},
		"error.html":      {Data: []byte(`{{define "page"}}error{{end}}`)},
		"static/site.css": {Data: []byte(`body{}`)},
		"static/.hidden":  {Data: []byte(`x`)},
		"notes.txt":       {Data: []byte(`not a template`)},
	}
}

func TestLoad(t *testing.T) {
	over := fstest.MapFS{
		"list.html":       {Data: []byte(`{{define "page"}}my list{{end}}`)},
		"static/site.css": {Data: []byte(`body{color:red}`)},
	}
	th, err := theme.Load(base(), over, template.FuncMap{}, map[string][]byte{"extra.js": []byte("1")})
	require.NoError(t, err)

	var b bytes.Buffer
	require.NoError(t, th.Pages["post.html"].ExecuteTemplate(&b, theme.LayoutName, "x"))
	assert.Equal(t, "<main>post [x]</main>", b.String(), "pages run in the layout with the partials")
	b.Reset()
	require.NoError(t, th.Pages["list.html"].ExecuteTemplate(&b, theme.LayoutName, nil))
	assert.Equal(t, "<main>my list</main>", b.String(), "the host's file replaces the default")

	require.Contains(t, th.Static, "site.css")
	assert.Equal(t, "body{color:red}", string(th.Static["site.css"].Data))
	assert.Equal(t, "text/css; charset=utf-8", th.Static["site.css"].ContentType)
	assert.NotEmpty(t, th.Static["site.css"].ETag)
	assert.Contains(t, th.Static, "extra.js")
	assert.NotContains(t, th.Static, ".hidden", "dot files are not served")
	assert.NotContains(t, th.Pages, "notes.txt")
}

func TestLoad_missing(t *testing.T) {
	for _, name := range []string{"layout.html", "post.html", "list.html", "error.html"} {
		fsys := base()
		delete(fsys, name)
		_, err := theme.Load(fsys, nil, template.FuncMap{}, nil)
		assert.Error(t, err, "a theme without %s", name)
	}
	fsys := base()
	fsys["post.html"] = &fstest.MapFile{Data: []byte(`{{define "page"}}{{end`)}
	_, err := theme.Load(fsys, nil, template.FuncMap{}, nil)
	assert.Error(t, err, "a template that does not parse")
}
