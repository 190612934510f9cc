package comments

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"time"
	"unicode/utf8"
)

// Import stores a comment brought over from another engine, such as a
// WordPress export, through the same pipeline as a submitted one, and
// returns what was stored (c itself is not changed). It keeps what the old
// site decided — Status, Decision, CreatedAt, Author, ParentID, IP, Type —
// and resets or derives the rest:
//
//   - ID is assigned by the store; a zero CreatedAt is now, others are
//     kept in UTC at microsecond precision; an empty Type is a comment; a
//     zero Decision records the import; UserAgent is cut to MaxUserAgent;
//     an author URL that is not a safe http(s) address is dropped.
//   - The body is rendered with the Service's renderer and sanitised:
//     bodyHTML, when not empty, as HTML ([Renderer.RenderHTML]) for an
//     engine that kept HTML, with c.Source kept as the old text; else
//     c.Source as Markdown. Quotes and lists are bounded in depth, but
//     large HTML is not refused: an import keeps what the old site showed.
//
// Thread rules, flood and duplicate guards, spam checks and notifiers do
// not apply: the comment was judged where it was written. A missing
// thread, or a status or type Folio does not know, is a [*ValidationError];
// a ParentID that is not a comment of the same thread an error wrapping
// [ErrNotFound]; text that is not valid UTF-8 an error wrapping
// [ErrInvalidUTF8]. Nothing is stored then.
func (s *Service) Import(ctx context.Context, c *Comment, bodyHTML string) (*Comment, error) {
	if c == nil {
		return nil, &ValidationError{Fields: []FieldError{{Field: FieldComment, Problem: ProblemRequired}}}
	}
	d := c.Clone()
	d.ID = 0
	if d.Type == "" {
		d.Type = TypeComment
	}
	var bad []FieldError
	switch {
	case d.Thread == "":
		bad = append(bad, FieldError{Field: FieldThread, Problem: ProblemRequired})
	case !utf8.ValidString(d.Thread):
		bad = append(bad, FieldError{Field: FieldThread, Problem: ProblemCharacters})
	}
	if !d.Status.Valid() || !d.Type.Valid() {
		bad = append(bad, FieldError{Field: FieldComment, Problem: ProblemInvalid})
	}
	if !utf8.ValidString(d.Source) {
		bad = append(bad, FieldError{Field: FieldComment, Problem: ProblemCharacters})
	}
	if !utf8.ValidString(d.Author.Name) || !utf8.ValidString(d.Author.Email) {
		bad = append(bad, FieldError{Field: FieldAuthor, Problem: ProblemCharacters})
	}
	if len(bad) > 0 {
		return nil, &ValidationError{Fields: bad}
	}
	if d.CreatedAt.IsZero() {
		d.CreatedAt = s.timeNow()
	} else {
		d.CreatedAt = d.CreatedAt.UTC().Truncate(time.Microsecond)
	}
	if d.Decision == (Decision{}) {
		d.Decision = Decision{Status: d.Status, Rule: "import", Reason: "imported"}
	}
	if d.Author.URL != "" {
		d.Author.URL, _ = SafeURL(d.Author.URL)
	}
	d.UserAgent = cutUTF8(d.UserAgent, MaxUserAgent)

	var (
		out template.HTML
		err error
	)
	if bodyHTML != "" {
		out, err = s.renderer.RenderHTML(bodyHTML)
	} else {
		out, err = s.renderer.render(d.Source, false)
	}
	if err != nil {
		return nil, fmt.Errorf("comments: import: %w", err)
	}
	d.HTML = out

	if d.ParentID != 0 {
		p, err := s.store.GetComment(ctx, d.ParentID)
		if err == nil && p.Thread != d.Thread {
			err = ErrNotFound
		}
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				return nil, fmt.Errorf("comments: import: parent %d on thread %q: %w", d.ParentID, d.Thread, ErrNotFound)
			}
			return nil, fmt.Errorf("comments: import: %w", err)
		}
	}
	if err := s.store.CreateComment(ctx, d); err != nil {
		return nil, fmt.Errorf("comments: import: %w", err)
	}
	return d, nil
}

// cutUTF8 shortens s to at most n bytes at a character boundary.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
