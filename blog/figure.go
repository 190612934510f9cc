package blog

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Figures is a goldmark extension that turns an image standing alone in its
// paragraph into a figure, with the image's title as its caption:
//
//	![Delegates arrive](a.jpg "(Photo: KCNA)")
//
// becomes
//
//	<figure><img src="a.jpg" alt="Delegates arrive" loading="lazy"><figcaption>(Photo: KCNA)</figcaption></figure>
//
// An image without a title becomes a figure without a caption; a linked
// image alone in its paragraph becomes a figure with the link around the
// image; an image among other text stays an inline img. Every image,
// inline or not, is rendered with loading="lazy", and its src is dropped
// unless it is relative or uses http or https (data: URLs included). The
// extension holds no state and may be shared by any number of goldmark
// instances.
var Figures goldmark.Extender = figureExtension{}

type figureExtension struct{}

func (figureExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(figureTransformer{}, 500)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(figureRenderer{}, 100)))
}

// kindFigure and kindFigureCaption are the AST node kinds the figure
// transformer creates.
var (
	kindFigure        = ast.NewNodeKind("Figure")
	kindFigureCaption = ast.NewNodeKind("FigureCaption")
)

// figureNode is a <figure>: its children are the image (or the link
// holding it) and, when the image has a title, a figureCaption.
type figureNode struct {
	ast.BaseBlock
}

func (n *figureNode) Kind() ast.NodeKind { return kindFigure }

func (n *figureNode) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

// figureCaption is a <figcaption> holding the image's title as written,
// backslash escapes and entity references unresolved.
type figureCaption struct {
	ast.BaseBlock
	Title []byte
}

func (n *figureCaption) Kind() ast.NodeKind { return kindFigureCaption }

func (n *figureCaption) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Title": string(n.Title)}, nil)
}

// figureTransformer replaces each paragraph that holds nothing but an image
// (or a link holding nothing but an image) by a figureNode.
type figureTransformer struct{}

func (figureTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	var paras []*ast.Paragraph
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Paragraph:
			if figureImage(n) != nil {
				paras = append(paras, n)
			}
			return ast.WalkSkipChildren, nil
		case *ast.Heading, *ast.TextBlock:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for _, p := range paras {
		img := figureImage(p)
		content := p.FirstChild()
		fig := &figureNode{}
		p.RemoveChild(p, content)
		fig.AppendChild(fig, content)
		if len(img.Title) > 0 {
			fig.AppendChild(fig, &figureCaption{Title: img.Title})
			img.Title = nil
		}
		parent := p.Parent()
		parent.ReplaceChild(parent, p, fig)
	}
}

// figureImage returns the image that p holds alone, directly or inside a
// link that holds nothing else, or nil.
func figureImage(p *ast.Paragraph) *ast.Image {
	c := p.FirstChild()
	if c == nil || c.NextSibling() != nil {
		return nil
	}
	if l, ok := c.(*ast.Link); ok {
		c = l.FirstChild()
		if c == nil || c.NextSibling() != nil {
			return nil
		}
	}
	img, _ := c.(*ast.Image)
	return img
}

// figureRenderer renders figures, captions and every image.
type figureRenderer struct{}

func (figureRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindFigure, renderFigure)
	reg.Register(kindFigureCaption, renderFigureCaption)
	reg.Register(ast.KindImage, renderImage)
}

func renderFigure(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString("<figure>")
	} else {
		_, _ = w.WriteString("</figure>\n")
	}
	return ast.WalkContinue, nil
}

func renderFigureCaption(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString("<figcaption>")
		html.DefaultWriter.Write(w, n.(*figureCaption).Title)
		_, _ = w.WriteString("</figcaption>")
	}
	return ast.WalkSkipChildren, nil
}

func renderImage(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Image)
	_, _ = w.WriteString(`<img src="`)
	if dest := util.URLEscape(n.Destination, true); allowedURL(dest, false) {
		_, _ = w.Write(util.EscapeHTML(dest))
	}
	_, _ = w.WriteString(`" alt="`)
	writeAltText(w, source, n)
	_ = w.WriteByte('"')
	if n.Title != nil {
		_, _ = w.WriteString(` title="`)
		html.DefaultWriter.Write(w, n.Title)
		_ = w.WriteByte('"')
	}
	_, _ = w.WriteString(` loading="lazy">`)
	return ast.WalkSkipChildren, nil
}

// writeAltText writes the text of n's descendants, escaped, without markup.
func writeAltText(w util.BufWriter, source []byte, n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			html.DefaultWriter.Write(w, c.Segment.Value(source))
			if c.SoftLineBreak() || c.HardLineBreak() {
				_ = w.WriteByte(' ')
			}
		case *ast.String:
			if c.IsCode() {
				_, _ = w.Write(c.Value)
			} else {
				html.DefaultWriter.Write(w, c.Value)
			}
		case *ast.AutoLink:
			_, _ = w.Write(util.EscapeHTML(c.Label(source)))
		default:
			writeAltText(w, source, c)
		}
	}
}

// allowedURL reports whether u is relative (including a bare fragment or a
// scheme-relative URL) or uses http or https, or mailto when mailto is set.
func allowedURL(u []byte, mailto bool) bool {
	for i, c := range u {
		switch {
		case c == ':':
			scheme := u[:i]
			return bytes.EqualFold(scheme, []byte("http")) ||
				bytes.EqualFold(scheme, []byte("https")) ||
				(mailto && bytes.EqualFold(scheme, []byte("mailto")))
		case c == '/' || c == '?' || c == '#':
			return true
		case c < 0x20 || c == 0x7f:
			// Control characters inside a scheme make browsers guess.
			return false
		}
	}
	return true
}
