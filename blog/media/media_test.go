package media_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gocloud.dev/blob"
	"gocloud.dev/blob/memblob"

	"github.com/folioblog/folio/blog/media"
)

func newLib(t testing.TB, opts ...media.Option) (*media.Library, *blob.Bucket) {
	t.Helper()
	b := memblob.OpenBucket(nil)
	t.Cleanup(func() { _ = b.Close() })
	l, err := media.New(b, opts...)
	require.NoError(t, err)
	return l, b
}

func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))))
	return buf.Bytes()
}

// pngHeader declares w×h pixels without carrying their data: a decompression bomb's header.
func pngHeader(t testing.TB, w, h int) []byte {
	full := pngBytes(t, 1, 1)
	hdr := append([]byte(nil), full[:33]...) // signature + IHDR
	hdr[16], hdr[17], hdr[18], hdr[19] = byte(w>>24), byte(w>>16), byte(w>>8), byte(w)
	hdr[20], hdr[21], hdr[22], hdr[23] = byte(h>>24), byte(h>>16), byte(h>>8), byte(h)
	binary.BigEndian.PutUint32(hdr[29:], crc32.ChecksumIEEE(hdr[12:29]))
	return hdr
}

// withEXIF inserts an APP1 EXIF segment (orientation o, and a GPS marker string) after SOI.
func withEXIF(jpg []byte, o uint16) []byte {
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, byte(o >> 8), byte(o), 0, 0, 0, 0, 0, 0, 0, 0}
	tiff = append(tiff, []byte("GPS 39.0392N 125.7625E")...)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	n := len(seg) + 2
	app1 := append([]byte{0xFF, 0xE1, byte(n >> 8), byte(n)}, seg...)
	return append(append(append([]byte(nil), jpg[:2]...), app1...), jpg[2:]...)
}

func TestLibrary_Store_refuses(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		opts []media.Option
		want error
	}{
		{"html disguised as png", []byte("<!DOCTYPE html><script>alert(1)</script>"), nil, media.ErrUnsupportedType},
		{"svg with script", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), nil, media.ErrUnsupportedType},
		{"bomb by declared pixels", pngHeader(t, 10000, 10000), nil, media.ErrTooManyPixels},
		{"over the size cap", pngBytes(t, 64, 64), []media.Option{media.WithMaxBytes(40)}, media.ErrTooLarge},
		{"truncated png", pngBytes(t, 8, 8)[:40], nil, media.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, b := newLib(t, tt.opts...)
			_, err := l.Store(context.Background(), "photo.png", bytes.NewReader(tt.body))
			require.ErrorIs(t, err, tt.want)
			it := b.List(nil)
			_, err = it.Next(context.Background())
			assert.ErrorIs(t, err, io.EOF, "a refused upload is never written")
		})
	}
}

func TestLibrary_Store_stripsEXIFAndAppliesOrientation(t *testing.T) {
	// A 4×2 image, left half black and right half white, stored with
	// orientation 6 (rotate 90° clockwise to view): upright it is 2×4.
	src := image.NewGray(image.Rect(0, 0, 4, 2))
	for y := 0; y < 2; y++ {
		for x := 2; x < 4; x++ {
			src.SetGray(x, y, color.Gray{Y: 255})
		}
	}
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, src, &jpeg.Options{Quality: 100}))
	in := withEXIF(buf.Bytes(), 6)
	require.Contains(t, string(in), "GPS 39.0392N")

	l, b := newLib(t)
	url, err := l.Store(context.Background(), "IMG_0001.JPG", bytes.NewReader(in))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(url, "/media/"))
	out, err := b.ReadAll(context.Background(), strings.TrimPrefix(url, "/media/"))
	require.NoError(t, err)
	assert.NotContains(t, string(out), "GPS 39.0392N")
	assert.NotContains(t, string(out), "Exif\x00\x00")
	img, err := jpeg.Decode(bytes.NewReader(out))
	require.NoError(t, err)
	assert.Equal(t, image.Pt(2, 4), img.Bounds().Size())
	top, _, _, _ := img.At(0, 0).RGBA()
	bottom, _, _, _ := img.At(0, 3).RGBA()
	assert.Less(t, top, uint32(0x4000), "the left (black) half is on top after rotation")
	assert.Greater(t, bottom, uint32(0xC000))
}

func FuzzSniff(f *testing.F) {
	f.Add([]byte("<html>"))
	f.Add(pngBytes(f, 2, 2))
	f.Add(pngHeader(f, 100000, 100000))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, _ := newLib(t, media.WithMaxPixels(1<<20))
		url, err := l.Store(context.Background(), "f", bytes.NewReader(data))
		if err == nil {
			assert.True(t, strings.HasPrefix(url, "/media/"))
		}
	})
}
