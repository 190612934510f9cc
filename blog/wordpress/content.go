package wordpress

import (
	"html"
	"regexp"
	"strconv"
	"strings"
)

// Converted is a WordPress body turned into HTML by [ConvertContent].
type Converted struct {
	HTML string
	// Captions is the number of [caption] shortcodes made into figures.
	Captions int
	// Shortcodes lists the other shortcodes, as written, that were kept
	// as visible placeholders because Folio has nothing to run them.
	Shortcodes []string
}

// ConvertContent turns the body of a WordPress post as WordPress stores it
// into HTML:
//
//   - [caption …]<img …> Caption text[/caption], with or without a link
//     around the image, becomes <figure><img …><figcaption>Caption
//     text</figcaption></figure> (with the alignment as a class);
//   - any other shortcode — [gallery ids="1,2,3"], a plugin's — is kept as
//     its text in a placeholder, <p class="folio-shortcode"> when it
//     stands on a line of its own and <span class="folio-shortcode">
//     otherwise, and listed in Shortcodes, so nothing disappears without
//     a trace. [[name]] is WordPress's escape for a literal [name]. A
//     bracketed word with neither attributes nor a closing tag, such as
//     [sic], counts as a shortcode only if it is one of WordPress's own;
//     otherwise it stays text;
//   - paragraphs are made as WordPress's wpautop makes them: text
//     separated by blank lines becomes <p> elements and a single newline a
//     <br />, except around and inside block elements, in <pre> and in
//     <figure>. A <!--more--> marker on a line of its own stays between
//     paragraphs.
//
// A body written with the block editor (it holds <!-- wp: … --> markers)
// has its paragraphs already, so only shortcodes are converted. The result
// is not sanitised: the post policy does that when the post is rendered.
func ConvertContent(content string) Converted {
	var c Converted
	content = strings.ReplaceAll(content, "\r\n", "\n")
	content = strings.ReplaceAll(content, "\r", "\n")
	pres, content := protectPre(content)
	content = c.shortcodes(content, &pres)
	if !strings.Contains(content, "<!-- wp:") {
		content = autop(content)
	}
	c.HTML = restorePre(content, pres)
	return c
}

// AutoParagraphs makes paragraphs and line breaks of text as WordPress's
// wpautop does (see [ConvertContent]), without touching shortcodes: what
// WordPress does to comments.
func AutoParagraphs(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	pres, text := protectPre(text)
	return restorePre(autop(text), pres)
}

var (
	rePre = regexp.MustCompile(`(?is)<pre[\s>].*?</pre>|<figure[\s>].*?</figure>`)
	// rePreSlot is what a protected <pre> element is replaced by: a
	// block element, so paragraphs are not made around it.
	rePreSlot = regexp.MustCompile(`<pre folio-pre-(\d+)></pre>`)
)

func protectPre(s string) ([]string, string) {
	if l := strings.ToLower(s); !strings.Contains(l, "<pre") && !strings.Contains(l, "<figure") {
		return nil, s
	}
	var pres []string
	s = rePre.ReplaceAllStringFunc(s, func(m string) string {
		pres = append(pres, m)
		return "<pre folio-pre-" + strconv.Itoa(len(pres)-1) + "></pre>"
	})
	return pres, s
}

func restorePre(s string, pres []string) string {
	if len(pres) == 0 {
		return s
	}
	return rePreSlot.ReplaceAllStringFunc(s, func(m string) string {
		i, err := strconv.Atoi(rePreSlot.FindStringSubmatch(m)[1])
		if err != nil || i >= len(pres) {
			return m
		}
		return pres[i]
	})
}

// knownShortcodes are WordPress's own shortcodes, recognised even when
// written without attributes.
var knownShortcodes = map[string]bool{
	"caption": true, "wp_caption": true, "gallery": true, "audio": true,
	"video": true, "playlist": true, "embed": true,
}

// shortcodeTag matches an opening, closing or self-closing shortcode tag:
// [name], [name attrs], [name attrs /], [/name].
var (
	shortcodeTag = regexp.MustCompile(`^\[(/?)([A-Za-z][A-Za-z0-9_-]*)((?:\s[^\[\]]*)?)\]`)
	reClosingTag = regexp.MustCompile(`\[/([A-Za-z][A-Za-z0-9_-]*)\]`)
)

// slot returns the stand-in for a finished block of HTML that paragraphs
// must not be made in or around, keeping the block in *kept.
func slot(kept *[]string, block string) string {
	*kept = append(*kept, block)
	return "\n\n<pre folio-pre-" + strconv.Itoa(len(*kept)-1) + "></pre>\n\n"
}

// shortcodes converts the shortcodes of s; the figures and placeholders it
// makes are kept in *kept.
func (c *Converted) shortcodes(s string, kept *[]string) string {
	if !strings.Contains(s, "[") {
		return s
	}
	var b strings.Builder
	open := map[string]bool{} // names seen as opening shortcodes
	lines := &lineScan{s: s, blank: true}
	lastClose := map[string]int{}
	for _, m := range reClosingTag.FindAllStringSubmatchIndex(s, -1) {
		lastClose[s[m[2]:m[3]]] = m[0]
	}
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '[')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i : i+j])
		i += j
		// [[name]] is a literal [name].
		if strings.HasPrefix(s[i:], "[[") {
			if m := shortcodeTag.FindStringIndex(s[i+1:]); m != nil && strings.HasPrefix(s[i+1+m[1]:], "]") {
				b.WriteString(s[i+1 : i+1+m[1]])
				i += 1 + m[1] + 1
				continue
			}
		}
		m := shortcodeTag.FindStringSubmatch(s[i:])
		if m == nil {
			b.WriteByte('[')
			i++
			continue
		}
		whole, closing, name, attrs := m[0], m[1] == "/", m[2], m[3]
		lname := strings.ToLower(name)
		isShortcode := knownShortcodes[lname] || strings.TrimSpace(attrs) != "" ||
			(closing && open[lname]) || (!closing && lastClose[name] > i)
		if !isShortcode {
			b.WriteString(whole)
			i += len(whole)
			continue
		}
		if !closing && (lname == "caption" || lname == "wp_caption") && lastClose[name] > i {
			if end := strings.Index(s[i+len(whole):], "[/"+name+"]"); end >= 0 {
				inner := s[i+len(whole) : i+len(whole)+end]
				b.WriteString(slot(kept, captionFigure(parseAttrs(attrs), inner)))
				c.Captions++
				i += len(whole) + end + len("[/"+name+"]")
				continue
			}
		}
		if !closing {
			open[lname] = true
			c.Shortcodes = append(c.Shortcodes, whole)
		}
		text := html.EscapeString(whole)
		if standsAlone(lines, i, i+len(whole)) {
			b.WriteString(slot(kept, `<p class="folio-shortcode">`+text+`</p>`))
		} else {
			b.WriteString(`<span class="folio-shortcode">` + text + `</span>`)
		}
		i += len(whole)
	}
	return b.String()
}

// lineScan answers, in amortised constant time as a scan moves forward
// through s, whether only spaces precede a position on its line.
type lineScan struct {
	s     string
	pos   int
	blank bool
}

func (l *lineScan) onlySpaceBefore(i int) bool {
	for ; l.pos < i; l.pos++ {
		switch l.s[l.pos] {
		case '\n':
			l.blank = true
		case ' ', '\t':
		default:
			l.blank = false
		}
	}
	return l.blank
}

// standsAlone reports whether s[i:j] is alone on its line. Only the first
// thing on a line can be, so the rest of the line is read at most once
// per line.
func standsAlone(l *lineScan, i, j int) bool {
	if !l.onlySpaceBefore(i) {
		return false
	}
	after := l.s[j:]
	if k := strings.IndexByte(after, '\n'); k >= 0 {
		after = after[:k]
	}
	return strings.TrimSpace(after) == ""
}

var reAttr = regexp.MustCompile(`([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s'"]+))`)

func parseAttrs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range reAttr.FindAllStringSubmatch(s, -1) {
		out[strings.ToLower(m[1])] = m[2] + m[3] + m[4]
	}
	return out
}

var (
	reCaptionImage = regexp.MustCompile(`(?is)^\s*((?:<a\s[^>]*>\s*)?<img\s[^>]*>(?:\s*</a>)?)(.*)$`)
	reAlign        = regexp.MustCompile(`^align(left|right|center|none)$`)
)

// captionFigure makes a figure of a [caption]'s image and text. The text
// is the one after the image, or else the caption attribute (the older
// form of the shortcode).
func captionFigure(attrs map[string]string, inner string) string {
	var b strings.Builder
	b.WriteString("<figure")
	if a := strings.TrimSpace(attrs["align"]); reAlign.MatchString(a) {
		b.WriteString(` class="` + a + `"`)
	}
	b.WriteString(">")
	img, text := "", strings.TrimSpace(inner)
	if m := reCaptionImage.FindStringSubmatch(inner); m != nil {
		img, text = strings.TrimSpace(m[1]), strings.TrimSpace(m[2])
	}
	if text == "" {
		text = strings.TrimSpace(attrs["caption"])
	}
	if img == "" {
		b.WriteString(text)
	} else {
		b.WriteString(img)
		if text != "" {
			b.WriteString("<figcaption>" + text + "</figcaption>")
		}
	}
	b.WriteString("</figure>")
	return b.String()
}

// blockTags are the elements wpautop does not put in paragraphs.
var blockTags = map[string]bool{}

func init() {
	for _, name := range strings.Split("table thead tfoot caption colgroup col tbody tr td th div dl dd dt ul ol li pre form map area blockquote address math style p h1 h2 h3 h4 h5 h6 hr fieldset legend section article aside hgroup header footer nav figure figcaption details menu summary iframe video audio object", " ") {
		blockTags[name] = true
	}
}

// scanTag reads the tag starting at s[i] == '<': its lower-case name,
// whether it is a closing tag, and the index just after its '>' (-1 if
// it has none). ok is false when no element name follows the '<'.
func scanTag(s string, i int) (name string, closing bool, end int, ok bool) {
	j := i + 1
	if j < len(s) && s[j] == '/' {
		closing = true
		j++
	}
	k := j
	for k < len(s) && (isLetter(s[k]) || k > j && s[k] >= '0' && s[k] <= '9') {
		k++
	}
	if k == j {
		return "", false, -1, false
	}
	if k < len(s) && !(s[k] == '>' || s[k] == '/' || s[k] == ' ' || s[k] == '\t' || s[k] == '\n') {
		return "", false, -1, false
	}
	name = strings.ToLower(s[j:k])
	end = -1
	if gt := strings.IndexByte(s[k:], '>'); gt >= 0 {
		end = k + gt + 1
	}
	return name, closing, end, true
}

// spaceBlocks puts blank lines before the opening tag and after the
// closing tag of each block element, so that splitting at blank lines
// separates blocks from text.
func spaceBlocks(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '<' {
			continue
		}
		name, closing, end, ok := scanTag(s, i)
		if !ok || !blockTags[name] {
			continue
		}
		if !closing {
			b.WriteString(s[last:i])
			b.WriteString("\n\n")
			last = i
		}
		if (closing || name == "hr") && end > 0 {
			b.WriteString(s[last:end])
			b.WriteString("\n\n")
			last = end
			i = end - 1
		}
	}
	b.WriteString(s[last:])
	return b.String()
}

// startsWithBlock reports whether s starts with a block element's tag
// (opening or closing) or a comment.
func startsWithBlock(s string) bool {
	if strings.HasPrefix(s, "<!--") {
		return true
	}
	if !strings.HasPrefix(s, "<") {
		return false
	}
	name, _, _, ok := scanTag(s, 0)
	return ok && blockTags[name]
}

// endsWithBlock reports whether s ends with a block element's tag, a
// <br> or a comment.
func endsWithBlock(s string) bool {
	if strings.HasSuffix(s, "-->") {
		return true
	}
	if !strings.HasSuffix(s, ">") {
		return false
	}
	lt := strings.LastIndexByte(s, '<')
	if lt < 0 {
		return false
	}
	name, _, end, ok := scanTag(s, lt)
	return ok && end == len(s) && (blockTags[name] || name == "br")
}

var (
	reBrBr         = regexp.MustCompile(`(?i)<br\s*/?>\s*<br\s*/?>`)
	reLoneComment  = regexp.MustCompile(`(?m)^[ \t]*(<!--[^\n]*?-->)[ \t]*$`)
	reManyNewlines = regexp.MustCompile(`\n\s*\n`)
)

// autop makes paragraphs and line breaks as wpautop does.
func autop(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	if strings.Contains(strings.ToLower(s), "<br") {
		s = reBrBr.ReplaceAllString(s, "\n\n")
	}
	s = spaceBlocks(s)
	if strings.Contains(s, "<!--") {
		s = reLoneComment.ReplaceAllString(s, "\n\n$1\n\n")
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for _, piece := range reManyNewlines.Split(s, -1) {
		if piece = strings.Trim(piece, " \t\n"); piece != "" {
			b.WriteString(paragraph(piece))
			b.WriteByte('\n')
		}
	}
	return strings.TrimRight(lineBreaks(b.String()), "\n")
}

// paragraph makes a paragraph of a piece of text between blank lines,
// unless it starts or ends with a block element's tag; the text right
// inside a <blockquote> is made a paragraph of the quote.
func paragraph(piece string) string {
	var lead, trail string
	const quote, endQuote = "<blockquote", "</blockquote>"
	if len(piece) > len(quote) && strings.EqualFold(piece[:len(quote)], quote) {
		if name, closing, end, ok := scanTag(piece, 0); ok && name == "blockquote" && !closing && end > 0 {
			lead, piece = piece[:end], strings.TrimLeft(piece[end:], " \t\n")
		}
	}
	if len(piece) >= len(endQuote) && strings.EqualFold(piece[len(piece)-len(endQuote):], endQuote) {
		piece, trail = strings.TrimRight(piece[:len(piece)-len(endQuote)], " \t\n"), piece[len(piece)-len(endQuote):]
	}
	if piece != "" && !startsWithBlock(piece) && !endsWithBlock(piece) {
		piece = "<p>" + piece + "</p>"
	}
	return lead + piece + trail
}

// lineBreaks puts <br /> at the end of each line inside a paragraph: a
// line that does not end with a block tag, a <br> or a comment, followed
// by a line that does not start with a block tag or a comment. A newline
// inside a tag is left alone.
func lineBreaks(s string) string {
	lines := strings.Split(s, "\n")
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	inTag := false
	for i, line := range lines {
		b.WriteString(line)
		if i == len(lines)-1 {
			break
		}
		inTag = tagOpenAtEnd(line, inTag)
		next := lines[i+1]
		if !inTag && strings.TrimSpace(line) != "" && strings.TrimSpace(next) != "" &&
			!endsWithBlock(strings.TrimRight(line, " \t")) && !startsWithBlock(strings.TrimLeft(next, " \t")) {
			b.WriteString("<br />")
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// tagOpenAtEnd reports whether a tag is left open at the end of line,
// given whether one was open at its start.
func tagOpenAtEnd(line string, open bool) bool {
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '<':
			if i+1 < len(line) && (isLetter(line[i+1]) || line[i+1] == '/') {
				open = true
			}
		case '>':
			open = false
		}
	}
	return open
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
