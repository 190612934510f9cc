package wordpress_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog/wordpress"
)

// The photos of testdata/media.xml, by their path on the old site: the
// first bytes of each format, enough for content sniffing.
var mediaFiles = map[string][]byte{
	"/wp-content/uploads/2013/01/ferry.jpg":   append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), bytes.Repeat([]byte{1}, 64)...),
	"/wp-content/uploads/2013/01/harbour.png": append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{2}, 64)...),
	"/wp-content/uploads/2013/01/gull.gif":    append([]byte("GIF89a"), bytes.Repeat([]byte{3}, 64)...),
	"/wp-content/uploads/2012/12/old.webp":    append([]byte("RIFF\x40\x00\x00\x00WEBPVP8 "), bytes.Repeat([]byte{4}, 64)...),
	"/wp-content/uploads/2013/01/fake.jpg":    []byte("<html><body>not a photo</body></html>"),
}

// oldSite serves mediaFiles on 127.0.0.1; while down, it drops every
// connection, as an unreachable host does.
type oldSite struct {
	*httptest.Server
	down     atomic.Bool
	requests atomic.Int64
}

func newOldSite(t *testing.T) *oldSite {
	s := &oldSite{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		if s.down.Load() {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		data, ok := mediaFiles[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
	}))
	t.Cleanup(s.Close)
	return s
}

// memMedia is a MediaStore in memory, serving files at /media/NAME with
// the directories flattened, as the example site does.
type memMedia struct {
	mu    sync.Mutex
	files map[string][]byte
	types map[string]string
}

func newMemMedia() *memMedia {
	return &memMedia{files: map[string][]byte{}, types: map[string]string{}}
}

func (m *memMedia) url(name string) string { return "/media/" + strings.ReplaceAll(name, "/", "-") }

func (m *memMedia) MediaURL(_ context.Context, name string) (string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.files[name]
	return m.url(name), ok, nil
}

func (m *memMedia) PutMedia(_ context.Context, name, contentType string, data []byte) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[name], m.types[name] = bytes.Clone(data), contentType
	return m.url(name), nil
}

// mediaFixture returns testdata/media.xml pointing at site, with a
// second host that must never be asked.
func mediaFixture(t *testing.T, site, other string) *bytes.Reader {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "media.xml"))
	require.NoError(t, err)
	s := strings.ReplaceAll(string(raw), "{{SITE}}", site)
	return bytes.NewReader([]byte(strings.ReplaceAll(s, "{{OTHER}}", other)))
}

func skippedMedia(sum wordpress.Summary) []string {
	var out []string
	for _, e := range sum.Skipped {
		if strings.HasPrefix(e.Item, "media ") {
			out = append(out, strings.TrimPrefix(e.Item, "media "))
		}
	}
	return out
}

func TestImporter_Import_media(t *testing.T) {
	site, other := newOldSite(t), newOldSite(t)
	st := newRedirectStore()
	media := newMemMedia()
	var progress []wordpress.MediaProgress
	im := newImporter(t, newBlog(t, st), st, wordpress.WithMedia(media),
		wordpress.WithMediaProgress(func(p wordpress.MediaProgress) { progress = append(progress, p) }))
	run := func() wordpress.Summary {
		t.Helper()
		sum, err := im.Import(t.Context(), mediaFixture(t, site.URL, other.URL))
		require.NoError(t, err)
		return sum
	}

	// The old site is unreachable: the post is imported all the same,
	// with one warning per file.
	site.down.Store(true)
	sum := run()
	assert.Equal(t, wordpress.Count{Imported: 1}, sum.Posts)
	assert.Equal(t, wordpress.Count{Skipped: 5}, sum.Media)
	assert.ElementsMatch(t, []string{
		site.URL + "/wp-content/uploads/2013/01/ferry.jpg",
		site.URL + "/wp-content/uploads/2013/01/fake.jpg",
		site.URL + "/wp-content/uploads/2013/01/harbour.png",
		site.URL + "/wp-content/uploads/2013/01/gull.gif",
		site.URL + "/wp-content/uploads/2012/12/old.webp",
	}, skippedMedia(sum), "one warning per file")
	assert.Len(t, progress, 5)
	assert.Equal(t, wordpress.MediaProgress{Done: 5, Total: 5, URL: progress[4].URL}, progress[4])
	p := postByTitle(t, st, "Ferry day")
	assert.Contains(t, p.Source, site.URL+"/wp-content/uploads/2013/01/ferry.jpg", "old URLs kept until brought")
	assert.Zero(t, other.requests.Load(), "images of other hosts stay where they are")

	// A second run, the site back: the files come, the post is rewritten.
	site.down.Store(false)
	sum = run()
	assert.Equal(t, wordpress.Count{Existing: 1}, sum.Posts)
	assert.Equal(t, wordpress.Count{Imported: 4, Skipped: 1}, sum.Media)
	assert.Equal(t, []string{site.URL + "/wp-content/uploads/2013/01/fake.jpg"}, skippedMedia(sum), "not an image")
	assert.Equal(t, 1, sum.MediaUpdated)
	assert.Equal(t, 2, sum.Galleries)
	assert.Equal(t, "image/jpeg", media.types["2013/01/ferry.jpg"])
	assert.Equal(t, "image/webp", media.types["2012/12/old.webp"], "an unattached attachment is brought too")
	assert.Equal(t, mediaFiles["/wp-content/uploads/2013/01/gull.gif"], media.files["2013/01/gull.gif"])

	p = postByTitle(t, st, "Ferry day")
	assert.Contains(t, p.Source, `<a href="/media/2013-01-ferry.jpg"><img class="size-medium" src="/media/2013-01-ferry.jpg" alt="Ferry"/></a>`,
		"the image and its link local, the old site's resized copies dropped")
	assert.Contains(t, p.Source, other.URL+"/view.jpg")
	gull := `<figure class="gallery-item"><img src="/media/2013-01-gull.gif" alt="Gull"></figure>`
	harbour := `<figure class="gallery-item"><img src="/media/2013-01-harbour.png" alt="Harbour"><figcaption>The harbour at dawn</figcaption></figure>`
	assert.Contains(t, p.Source, strings.Join([]string{gull, harbour, harbour, gull}, "\n"),
		"[gallery] in menu order, then [gallery ids=\"31,32\"] in its order")
	assert.NotContains(t, p.Source, "[gallery")
	assert.NotContains(t, string(p.HTML), site.URL+"/wp-content/uploads/2013/01/ferry")
	assert.Contains(t, string(p.HTML), `src="/media/2013-01-gull.gif"`)

	// A third run changes nothing and downloads nothing.
	before := site.requests.Load()
	sum = run()
	assert.Equal(t, wordpress.Count{Existing: 4, Skipped: 1}, sum.Media)
	assert.Zero(t, sum.MediaUpdated)
	assert.Equal(t, before+1, site.requests.Load(), "only the file that is not an image is asked again")
	assert.Zero(t, other.requests.Load())
}

func TestImporter_Import_mediaLimits(t *testing.T) {
	site, other := newOldSite(t), newOldSite(t)
	t.Run("uploads folder", func(t *testing.T) {
		site.down.Store(true)
		defer site.down.Store(false)
		uploads := fstest.MapFS{}
		for p, data := range mediaFiles {
			uploads[strings.TrimPrefix(p, "/wp-content/uploads/")] = &fstest.MapFile{Data: data}
		}
		st, media := newRedirectStore(), newMemMedia()
		im := newImporter(t, newBlog(t, st), st, wordpress.WithMedia(media), wordpress.WithUploads(uploads))
		sum, err := im.Import(t.Context(), mediaFixture(t, site.URL, other.URL))
		require.NoError(t, err)
		assert.Equal(t, wordpress.Count{Imported: 4, Skipped: 1}, sum.Media)
		assert.Zero(t, site.requests.Load(), "nothing downloaded")
	})
	t.Run("size", func(t *testing.T) {
		st, media := newRedirectStore(), newMemMedia()
		im := newImporter(t, newBlog(t, st), st, wordpress.WithMedia(media), wordpress.WithMediaMaxBytes(70))
		sum, err := im.Import(t.Context(), mediaFixture(t, site.URL, other.URL))
		require.NoError(t, err)
		assert.Equal(t, wordpress.Count{Imported: 1, Skipped: 4}, sum.Media, "only the GIF is within 70 bytes; fake is no image")
		assert.Contains(t, media.files, "2013/01/gull.gif")
		assert.NotContains(t, media.files, "2013/01/ferry.jpg")
	})
	t.Run("bad options", func(t *testing.T) {
		_, err := wordpress.NewImporter(newBlog(t, newRedirectStore()), nil, wordpress.WithMediaMaxBytes(0))
		assert.Error(t, err)
		_, err = wordpress.NewImporter(newBlog(t, newRedirectStore()), nil, wordpress.WithHTTPClient(nil))
		assert.Error(t, err)
	})
}
