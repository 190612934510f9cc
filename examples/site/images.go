package main

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// The size of every generated photograph.
const (
	imageWidth  = 800
	imageHeight = 500
)

// scene is the kind of picture a generated photograph shows.
type scene int

const (
	sceneHills    scene = iota // rolling hills under a low sun
	sceneMountain              // jagged peaks with snow
	sceneCity                  // a skyline of lit windows at dusk
	sceneSea                   // a horizon over water with a sail
	sceneForest                // rows of pines in mist
	sceneNight                 // stars and a moon over dark hills
	sceneDesert                // dunes in hard light
)

// photo is one picture the sample content shows: its file name under
// media/, the scene and the palette's time of day.
type photo struct {
	Name  string
	Scene scene
	Dusk  bool // warm, low light instead of a daytime sky
}

// drawPhoto paints p: the same name always gives the same picture, since
// every random choice comes from a generator seeded with the name.
func drawPhoto(p photo) *image.Paletted {
	h := fnv.New64a()
	h.Write([]byte(p.Name))
	seed := h.Sum64()
	rng := rand.New(rand.NewPCG(seed, seed>>7|1))
	c := newCanvas(rng)

	top, bottom := rgb(84, 140, 214), rgb(200, 226, 246)
	if p.Dusk {
		top, bottom = rgb(52, 48, 112), rgb(250, 170, 110)
	}
	switch p.Scene {
	case sceneNight:
		top, bottom = rgb(8, 12, 36), rgb(38, 52, 96)
	case sceneDesert:
		if !p.Dusk {
			top, bottom = rgb(70, 130, 220), rgb(236, 222, 196)
		}
	}
	c.sky(top, bottom)

	horizon := imageHeight * 3 / 5
	switch p.Scene {
	case sceneHills:
		c.sun(rng.IntN(imageWidth), horizon-60-rng.IntN(120), 38, p.Dusk)
		c.ridges(horizon, 4, 70, rgb(70, 120, 80), rgb(28, 64, 40), 0.006)
	case sceneMountain:
		c.sun(rng.IntN(imageWidth), 80+rng.IntN(60), 30, p.Dusk)
		c.peaks(horizon-40, rgb(96, 104, 128), rgb(236, 240, 248))
		c.ridges(horizon+40, 3, 50, rgb(64, 98, 84), rgb(30, 50, 44), 0.01)
	case sceneCity:
		c.sun(rng.IntN(imageWidth), horizon-30, 46, true)
		c.skyline(horizon+60, p.Dusk)
	case sceneSea:
		c.sun(rng.IntN(imageWidth), horizon-40-rng.IntN(100), 34, p.Dusk)
		c.sea(horizon, p.Dusk)
		c.sail(80+rng.IntN(imageWidth-160), horizon+30+rng.IntN(60))
	case sceneForest:
		c.ridges(horizon-30, 2, 40, rgb(150, 170, 170), rgb(110, 130, 130), 0.004)
		c.pines(horizon, 4)
	case sceneNight:
		c.stars(260)
		c.moon(120+rng.IntN(imageWidth-240), 70+rng.IntN(80), 30)
		c.ridges(horizon+20, 3, 60, rgb(24, 30, 52), rgb(8, 10, 20), 0.007)
	case sceneDesert:
		c.sun(rng.IntN(imageWidth), 70+rng.IntN(90), 40, p.Dusk)
		c.ridges(horizon, 4, 55, rgb(226, 180, 120), rgb(170, 110, 60), 0.009)
	}
	return c.image()
}

// encodePhoto returns p as PNG bytes.
func encodePhoto(p photo) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, drawPhoto(p)); err != nil {
		return nil, fmt.Errorf("encode %s: %w", p.Name, err)
	}
	return buf.Bytes(), nil
}

// writePhotos writes the photographs to dir that are not there yet, so a
// data directory shared by a PostgreSQL instance gets the pictures too.
func writePhotos(dir string, photos []photo) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("media: %w", err)
	}
	type result struct{ err error }
	sem := make(chan struct{}, 4)
	done := make(chan result, len(photos))
	for _, p := range photos {
		path := filepath.Join(dir, p.Name)
		if _, err := os.Stat(path); err == nil {
			done <- result{}
			continue
		}
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			b, err := encodePhoto(p)
			if err == nil {
				err = writeFileAtomic(path, b, 0o644)
			}
			done <- result{err}
		}()
	}
	var first error
	for range photos {
		if r := <-done; r.err != nil && first == nil {
			first = r.err
		}
	}
	if first != nil {
		return fmt.Errorf("media: %w", first)
	}
	return nil
}

// writeFileAtomic writes b to path through a temporary file in the same
// directory, so a reader never sees half a file.
func writeFileAtomic(path string, b []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, perm)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

func rgb(r, g, b uint8) color.RGBA { return color.RGBA{r, g, b, 255} }

// mix returns a+(b-a)*t for t in [0, 1].
func mix(a, b color.RGBA, t float64) color.RGBA {
	t = math.Max(0, math.Min(1, t))
	l := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*t + 0.5) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 255}
}

// canvas paints with at most 256 colours, one byte a pixel, so that
// pictures are quick to draw and encode and small as PNG files. Colours
// get palette entries as they are first used; past 256 the nearest entry
// stands in.
type canvas struct {
	pix   []uint8 // imageWidth*imageHeight palette indexes, row by row
	pal   []color.RGBA
	index map[color.RGBA]uint8
	rng   *rand.Rand
}

func newCanvas(rng *rand.Rand) *canvas {
	return &canvas{pix: make([]uint8, imageWidth*imageHeight), index: map[color.RGBA]uint8{}, rng: rng}
}

// image returns the picture painted so far.
func (c *canvas) image() *image.Paletted {
	pal := make(color.Palette, len(c.pal))
	for i, col := range c.pal {
		pal[i] = col
	}
	return &image.Paletted{Pix: c.pix, Stride: imageWidth, Rect: image.Rect(0, 0, imageWidth, imageHeight), Palette: pal}
}

// ink returns the palette index of col.
func (c *canvas) ink(col color.RGBA) uint8 {
	if i, ok := c.index[col]; ok {
		return i
	}
	if len(c.pal) < 256 {
		i := uint8(len(c.pal))
		c.pal = append(c.pal, col)
		c.index[col] = i
		return i
	}
	best, bestD := 0, math.MaxInt
	for i, q := range c.pal {
		dr, dg, db := int(q.R)-int(col.R), int(q.G)-int(col.G), int(q.B)-int(col.B)
		if d := dr*dr + dg*dg + db*db; d < bestD {
			best, bestD = i, d
		}
	}
	c.index[col] = uint8(best)
	return uint8(best)
}

func (c *canvas) set(x, y int, ink uint8) {
	if x >= 0 && y >= 0 && x < imageWidth && y < imageHeight {
		c.pix[y*imageWidth+x] = ink
	}
}

// fill sets every byte of b to v, by doubling copies.
func fill(b []uint8, v uint8) {
	if len(b) == 0 {
		return
	}
	b[0] = v
	for n := 1; n < len(b); n *= 2 {
		copy(b[n:], b[:n])
	}
}

// row fills row y from x0 up to x1.
func (c *canvas) row(y, x0, x1 int, ink uint8) {
	x0, x1 = max(x0, 0), min(x1, imageWidth)
	if y < 0 || y >= imageHeight || x0 >= x1 {
		return
	}
	fill(c.pix[y*imageWidth+x0:y*imageWidth+x1], ink)
}

// column fills column x from y0 down to the bottom edge.
func (c *canvas) column(x, y0 int, ink uint8) {
	if x < 0 || x >= imageWidth {
		return
	}
	for i := max(y0, 0)*imageWidth + x; i < len(c.pix); i += imageWidth {
		c.pix[i] = ink
	}
}

// glaze lays col over pixels at opacity a, remembering what each colour
// underneath becomes.
type glaze struct {
	c   *canvas
	col color.RGBA
	a   float64
	lut [256]int16
}

func (c *canvas) glaze(col color.RGBA, a float64) *glaze {
	g := &glaze{c: c, col: col, a: a}
	for i := range g.lut {
		g.lut[i] = -1
	}
	return g
}

func (g *glaze) at(x, y int) {
	if x < 0 || y < 0 || x >= imageWidth || y >= imageHeight {
		return
	}
	i := y*imageWidth + x
	old := g.c.pix[i]
	if g.lut[old] < 0 {
		g.lut[old] = int16(g.c.ink(mix(g.c.pal[old], g.col, g.a)))
	}
	g.c.pix[i] = uint8(g.lut[old])
}

// sky fills the picture with a vertical gradient in twelve bands, the
// flat look of a printed poster (and a small file).
func (c *canvas) sky(top, bottom color.RGBA) {
	for y := range imageHeight {
		t := math.Floor(float64(y)/imageHeight*12) / 11
		c.row(y, 0, imageWidth, c.ink(mix(top, bottom, t)))
	}
}

// disc fills a circle.
func (c *canvas) disc(cx, cy, r int, col color.RGBA) {
	ink := c.ink(col)
	for dy := -r; dy <= r; dy++ {
		half := int(math.Sqrt(float64(r*r - dy*dy)))
		c.row(cy+dy, cx-half, cx+half+1, ink)
	}
}

func (c *canvas) sun(cx, cy, r int, dusk bool) {
	glow, core := rgb(255, 236, 170), rgb(255, 250, 220)
	if dusk {
		glow, core = rgb(255, 150, 90), rgb(255, 214, 150)
	}
	for i := 3; i >= 1; i-- {
		g := c.glaze(glow, 0.12)
		rr := r + i*r/2
		for dy := -rr; dy <= rr; dy++ {
			half := int(math.Sqrt(float64(rr*rr - dy*dy)))
			for x := cx - half; x <= cx+half; x++ {
				g.at(x, cy+dy)
			}
		}
	}
	c.disc(cx, cy, r, core)
}

func (c *canvas) moon(cx, cy, r int) {
	c.disc(cx, cy, r, rgb(236, 232, 210))
	c.disc(cx+r/3, cy-r/5, r*4/5, rgb(12, 18, 46))
}

func (c *canvas) stars(n int) {
	star := rgb(255, 255, 240)
	gs := []*glaze{c.glaze(star, 0.4), c.glaze(star, 0.7), c.glaze(star, 1)}
	for range n {
		x, y := c.rng.IntN(imageWidth), c.rng.IntN(imageHeight*2/3)
		gs[c.rng.IntN(len(gs))].at(x, y)
	}
}

// ridges draws layers of rolling hills from far (light) to near (dark),
// each a sum of sines with random phases.
func (c *canvas) ridges(base, layers, amp int, far, near color.RGBA, freq float64) {
	for l := range layers {
		t := float64(l) / float64(max(layers-1, 1))
		ink := c.ink(mix(far, near, t))
		y0 := base + l*(imageHeight-base)/(layers+1)
		p1, p2 := c.rng.Float64()*2*math.Pi, c.rng.Float64()*2*math.Pi
		f := freq * (1 + c.rng.Float64())
		for x := range imageWidth {
			fx := float64(x)
			h := math.Sin(fx*f+p1)*float64(amp)*0.6 + math.Sin(fx*f*2.7+p2)*float64(amp)*0.25
			c.column(x, y0-int(h), ink)
		}
	}
}

// peaks draws a mountain range, its faces lit from the left, with caps of
// snow on the high peaks.
func (c *canvas) peaks(base int, rock, snow color.RGBA) {
	n := 4 + c.rng.IntN(3)
	xs := make([]int, n+2)
	hs := make([]int, n+2)
	for i := range xs {
		xs[i] = i * imageWidth / (n + 1)
		hs[i] = 40 + c.rng.IntN(170)
		if i%2 == 1 {
			hs[i] = 140 + c.rng.IntN(130)
		}
	}
	lit, shade := c.ink(rock), c.ink(mix(rock, rgb(0, 0, 0), 0.22))
	snowLit, snowShade := c.ink(snow), c.ink(mix(snow, rgb(120, 130, 160), 0.3))
	for x := range imageWidth {
		i := min(x*(n+1)/imageWidth, n)
		t := float64(x-xs[i]) / float64(xs[i+1]-xs[i])
		h := float64(hs[i]) + (float64(hs[i+1])-float64(hs[i]))*t
		top := base - int(h)
		face, cap := lit, snowLit
		if hs[i+1] < hs[i] {
			face, cap = shade, snowShade
		}
		capEnd := top + int((h-120)*0.35)
		for y := max(top, 0); y < capEnd && y < imageHeight; y++ {
			c.set(x, y, cap)
		}
		c.column(x, max(top, capEnd), face)
	}
}

// skyline draws blocks of buildings with lit windows.
func (c *canvas) skyline(ground int, dusk bool) {
	back, front := rgb(70, 64, 100), rgb(28, 26, 44)
	if !dusk {
		back, front = rgb(120, 130, 150), rgb(60, 66, 84)
	}
	window := c.ink(rgb(255, 214, 120))
	for layer, col := range []color.RGBA{back, front} {
		ink := c.ink(col)
		for x := 0; x < imageWidth; {
			w := 30 + c.rng.IntN(70)
			h := 60 + c.rng.IntN(160) + layer*30
			if c.rng.IntN(7) == 0 {
				h += 90 // a tower
			}
			top := ground - h + layer*40
			for y := max(top, 0); y < imageHeight; y++ {
				c.row(y, x, x+w-2, ink)
			}
			if layer == 1 {
				for wy := top + 8; wy < imageHeight-12; wy += 14 {
					for wx := x + 5; wx < x+w-10; wx += 11 {
						if c.rng.IntN(3) == 0 {
							for dy := range 6 {
								c.row(wy+dy, wx, wx+5, window)
							}
						}
					}
				}
			}
			x += w
		}
	}
}

// sea fills below the horizon with banded water and glints.
func (c *canvas) sea(horizon int, dusk bool) {
	far, near := rgb(60, 110, 170), rgb(20, 50, 90)
	if dusk {
		far, near = rgb(150, 100, 120), rgb(40, 36, 80)
	}
	for y := horizon; y < imageHeight; y++ {
		t := math.Floor(float64(y-horizon)/float64(imageHeight-horizon)*8) / 7
		c.row(y, 0, imageWidth, c.ink(mix(far, near, t)))
	}
	g := c.glaze(rgb(255, 255, 255), 0.35)
	for range 400 {
		x, y := c.rng.IntN(imageWidth), horizon+2+c.rng.IntN(imageHeight-horizon-2)
		l := 4 + c.rng.IntN(14)
		for dx := range l {
			g.at(x+dx, y)
		}
	}
}

// sail draws a small boat at (x, y).
func (c *canvas) sail(x, y int) {
	hull, canvasCol := c.ink(rgb(40, 30, 30)), c.ink(rgb(246, 240, 226))
	for dy := range 10 {
		c.row(y+dy, x-30+dy, x+31-dy, hull)
	}
	for dy := range 60 {
		c.row(y-62+dy, x+2, x+2+dy*2/3, canvasCol)
	}
	for dy := range 64 {
		c.set(x, y-64+dy, hull)
	}
}

// pines draws rows of triangular trees, far rows paler as in mist.
func (c *canvas) pines(base, rows int) {
	for r := range rows {
		t := float64(r) / float64(rows-1)
		ink := c.ink(mix(rgb(120, 146, 140), rgb(20, 48, 36), t))
		y := base + r*36
		for x := -20; x < imageWidth+20; x += 18 + c.rng.IntN(22) {
			h := 60 + c.rng.IntN(60) + r*18
			w := h / 3
			for dy := range h {
				half := w * dy / h
				c.row(y-h+dy, x-half, x+half+1, ink)
			}
		}
		for yy := max(y, 0); yy < imageHeight; yy++ {
			c.row(yy, 0, imageWidth, ink)
		}
	}
}
