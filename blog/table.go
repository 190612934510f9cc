package blog

import (
	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// tableAlignClasses gives each aligned cell of a Markdown table a class,
// align-left, align-center or align-right, in place of the style
// attribute goldmark would write: a Content-Security-Policy without
// 'unsafe-inline' in style-src ignores style attributes, so the alignment
// is the theme stylesheet's work (see folio.css). The renderer is told
// to write no alignment of its own ([extension.TableCellAlignNone]).
type tableAlignClasses struct{}

func (tableAlignClasses) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *extast.TableCell:
			if n.Alignment != extast.AlignNone {
				n.SetAttributeString("class", []byte("align-"+n.Alignment.String()))
			}
			return ast.WalkSkipChildren, nil
		case *ast.Document, *extast.Table, *extast.TableHeader, *extast.TableRow:
			return ast.WalkContinue, nil
		}
		// Tables sit at the top level or inside containers such as block
		// quotes and list items; they are never inside inline content.
		if n.Type() == ast.TypeInline {
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
}
