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

func TestRun_ImportHugoBundle(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	hugo := filepath.Join("..", "..", "blog", "content", "testdata", "hugo")
	require.NoError(t, run(context.Background(), []string{"-data", dir, "-tz", "UTC", "import", hugo}, &out, io.Discard), out.String())
	assert.Contains(t, out.String(), "hugo tree: imported 4")
	assert.Contains(t, out.String(), "placeholders 1")

	s := openSite(t, testConfig(dir))
	res, body := get(t, s.handler, "/2023/05/14/bundle/")
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, body, `src="/media/wp-content-posts-bundle-gull.png"`, "the bundle's image is in the media library")
	assert.Contains(t, body, "[unsupported shortcode: tweet]")
	assert.NotContains(t, body, "{{&lt;")
	res, _ = get(t, s.handler, "/media/wp-content-posts-bundle-gull.png")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	res, _ = get(t, s.handler, "/old/walk-by-the-sea/")
	assert.Equal(t, http.StatusMovedPermanently, res.StatusCode)
}
