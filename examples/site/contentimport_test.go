package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun_ImportJekyll(t *testing.T) {
	dir := t.TempDir()
	site := t.TempDir()
	write := func(name, text string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(site, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(site, name), []byte(text), 0o644))
	}
	write("_config.yml", "permalink: /:year/:title.html\n")
	write("_posts/2019-04-02-gulls.md", "---\ntitle: The gulls are back\n---\nHeard them from the hill.\n")
	write("_drafts/later.md", "---\ntitle: Later\n---\nNot yet.\n")
	ctx := context.Background()
	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"-data", dir, "-tz", "UTC", "import", site}, &out, io.Discard), out.String())
	assert.Contains(t, out.String(), "jekyll tree: imported 2, updated 0, unchanged 0")

	out.Reset()
	require.NoError(t, run(ctx, []string{"import", site, "-data", dir, "-tz", "UTC"}, &out, io.Discard), out.String())
	assert.Contains(t, out.String(), "imported 0, updated 0, unchanged 2")

	s := openSite(t, testConfig(dir))
	res, body := get(t, s.handler, "/2019/04/02/gulls/")
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, body, "Heard them from the hill.")
	res, _ = get(t, s.handler, "/2019/gulls.html")
	assert.Equal(t, http.StatusMovedPermanently, res.StatusCode, "the Jekyll URL answers 301")
	assert.Equal(t, "/2019/04/02/gulls/", res.Header.Get("Location"))
	res, _ = get(t, s.handler, "/later/")
	assert.NotEqual(t, http.StatusOK, res.StatusCode, "a draft stays private")
}
