package media

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"path"
	"strings"

	"gocloud.dev/blob"
	_ "golang.org/x/image/webp" // registers the WebP decoder (decode only)
)

// Errors Store returns; callers branch on them with errors.Is.
var (
	// ErrUnsupportedType: the content is not JPEG, PNG, GIF or WebP (HTML, SVG, …).
	ErrUnsupportedType = errors.New("media: unsupported type")
	// ErrTooLarge: the body is larger than the size cap.
	ErrTooLarge = errors.New("media: upload too large")
	// ErrTooManyPixels: the declared width×height exceeds the pixel limit.
	ErrTooManyPixels = errors.New("media: too many pixels")
	// ErrInvalid: the content claims an image type but does not decode.
	ErrInvalid = errors.New("media: invalid image")
)

// Defaults for [New].
const (
	DefaultMaxBytes  = 25 << 20
	DefaultMaxPixels = 50_000_000
)

// Option configures a [Library].
type Option func(*Library)

// WithMaxBytes sets the size cap of one upload in bytes.
func WithMaxBytes(n int64) Option { return func(l *Library) { l.maxBytes = n } }

// WithMaxPixels sets the largest declared width×height accepted.
func WithMaxPixels(n int64) Option { return func(l *Library) { l.maxPixels = n } }

// WithURLPrefix sets the public URL prefix of stored files ("/media/" by default).
func WithURLPrefix(p string) Option { return func(l *Library) { l.prefix = p } }

// Library stores uploads in a bucket. It is safe for concurrent use.
type Library struct {
	bucket    *blob.Bucket
	maxBytes  int64
	maxPixels int64
	prefix    string
}

// New returns a Library over bucket, which the caller owns and closes.
func New(bucket *blob.Bucket, opts ...Option) (*Library, error) {
	l := &Library{bucket: bucket, maxBytes: DefaultMaxBytes, maxPixels: DefaultMaxPixels, prefix: "/media/"}
	for _, o := range opts {
		o(l)
	}
	if bucket == nil {
		return nil, errors.New("media: nil bucket")
	}
	if l.maxBytes <= 0 || l.maxPixels <= 0 {
		return nil, errors.New("media: limits must be positive")
	}
	if !strings.HasSuffix(l.prefix, "/") {
		l.prefix += "/"
	}
	return l, nil
}

// Sniff reports the content type of the start of an upload if it is one the
// library accepts, else [ErrUnsupportedType].
func Sniff(head []byte) (string, error) {
	ct := http.DetectContentType(head)
	switch ct {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
		return ct, nil
	}
	return "", fmt.Errorf("%w: %s", ErrUnsupportedType, ct)
}

// Store reads an upload through the library's checks, strips its metadata by
// re-encoding it, writes it to the bucket under a name derived from its
// checksum and filename, and returns its public URL. It returns
// [ErrUnsupportedType], [ErrTooLarge], [ErrTooManyPixels] or [ErrInvalid] for
// refused input, and never writes a refused upload.
func (l *Library) Store(ctx context.Context, filename string, r io.Reader) (string, error) {
	// One buffer: the body is read once, with the cap enforced while reading.
	lr := &io.LimitedReader{R: r, N: l.maxBytes + 1}
	br := bufio.NewReaderSize(lr, 512)
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return "", fmt.Errorf("media: read upload: %w", err)
	}
	ct, err := Sniff(head)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(br); err != nil {
		return "", fmt.Errorf("media: read upload: %w", err)
	}
	if int64(buf.Len()) > l.maxBytes {
		return "", ErrTooLarge
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(buf.Bytes()))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if int64(cfg.Width)*int64(cfg.Height) > l.maxPixels {
		return "", fmt.Errorf("%w: %dx%d", ErrTooManyPixels, cfg.Width, cfg.Height)
	}
	out, ct, err := reencode(buf.Bytes(), ct)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(out)
	key := hex.EncodeToString(sum[:8]) + "-" + cleanName(filename, ct)
	w, err := l.bucket.NewWriter(ctx, key, &blob.WriterOptions{ContentType: ct})
	if err != nil {
		return "", fmt.Errorf("media: store %q: %w", key, err)
	}
	if _, err := w.Write(out); err != nil {
		_ = w.Close()
		return "", fmt.Errorf("media: store %q: %w", key, err)
	}
	if err := w.Close(); err != nil {
		return "", fmt.Errorf("media: store %q: %w", key, err)
	}
	return l.prefix + key, nil
}

// reencode decodes and encodes the image again so no metadata survives. GIF
// keeps its frames; WebP (decode only) is written as PNG.
func reencode(data []byte, ct string) ([]byte, string, error) {
	var out bytes.Buffer
	switch ct {
	case "image/gif":
		g, err := gif.DecodeAll(bytes.NewReader(data))
		if err != nil {
			return nil, "", fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		if err := gif.EncodeAll(&out, g); err != nil {
			return nil, "", fmt.Errorf("media: encode gif: %w", err)
		}
		return out.Bytes(), ct, nil
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if ct == "image/jpeg" {
		img = orient(img, exifOrientation(data))
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 85})
		return out.Bytes(), ct, err
	}
	err = png.Encode(&out, img)
	return out.Bytes(), "image/png", err
}

func cleanName(name, ct string) string {
	base := strings.TrimSuffix(path.Base(strings.ReplaceAll(name, "\\", "/")), path.Ext(name))
	var b strings.Builder
	for _, r := range strings.ToLower(base) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" || s == "." {
		s = "image"
	}
	if len(s) > 60 {
		s = s[:60]
	}
	ext := map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif"}[ct]
	return s + ext
}
