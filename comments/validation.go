package comments

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The names of the comment form's fields, as WordPress's form names them.
// A [FieldError] names the field it is about with one of them.
const (
	FieldAuthor  = "author"
	FieldEmail   = "email"
	FieldURL     = "url"
	FieldComment = "comment"
	FieldThread  = "comment_post_ID"
	FieldParent  = "comment_parent"
)

// The most bytes each field may hold: WordPress's column limits, and a
// bound on thread keys.
const (
	MaxAuthorBytes  = 245
	MaxEmailBytes   = 100
	MaxURLBytes     = 200
	MaxCommentBytes = 65525
	MaxThreadBytes  = 255 // a thread key, which the host chooses
)

// Problem says, in a word a program can branch on, what is wrong with a
// field.
type Problem string

// The problems a [FieldError] reports.
const (
	ProblemRequired   Problem = "required"   // the field is empty
	ProblemTooLong    Problem = "too_long"   // more bytes than the limit
	ProblemInvalid    Problem = "invalid"    // not a valid value of its kind
	ProblemCharacters Problem = "characters" // invalid UTF-8 or control characters
)

// FieldError is one problem with one field of a submission.
type FieldError struct {
	Field   string  // a Field… constant: "author", "email", …
	Problem Problem // what kind of problem
	Message string  // a sentence fit to show the visitor
}

// ValidationError lists every problem found in a submission, in the
// form's field order. Nothing is stored when one is returned; match it
// with [errors.As].
type ValidationError struct {
	Fields []FieldError
}

// Error lists the problems.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("comments: invalid submission:")
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteByte(';')
		}
		fmt.Fprintf(&b, " %s: %s", f.Field, f.Message)
	}
	return b.String()
}

// Field returns the first problem with the named field, and whether there
// is one.
func (e *ValidationError) Field(name string) (FieldError, bool) {
	for _, f := range e.Fields {
		if f.Field == name {
			return f, true
		}
	}
	return FieldError{}, false
}

func (e *ValidationError) add(field string, p Problem, msg string) {
	e.Fields = append(e.Fields, FieldError{Field: field, Problem: p, Message: msg})
}

func (e *ValidationError) orNil() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

// normalize trims what the visitor typed and turns CRLF line ends into LF,
// so the same comment typed twice is stored the same.
func normalize(sub *Submission) {
	sub.Thread = strings.TrimSpace(sub.Thread)
	sub.Author.Name = strings.TrimSpace(stripFormat(sub.Author.Name))
	sub.Author.Email = strings.TrimSpace(sub.Author.Email)
	sub.Author.URL = strings.TrimSpace(sub.Author.URL)
	sub.Author.UserID = strings.TrimSpace(sub.Author.UserID)
	body := strings.ReplaceAll(sub.Body, "\r\n", "\n")
	body = strings.ReplaceAll(body, "\r", "\n")
	sub.Body = strings.TrimSpace(body)
	sub.IP = strings.TrimSpace(sub.IP)
	sub.UserAgent = clipUTF8(strings.ToValidUTF8(strings.TrimSpace(sub.UserAgent), ""), MaxUserAgent)
}

// validate checks a normalised submission and returns the author with its
// URL normalised, or a *ValidationError.
func validate(sub *Submission) (Author, error) {
	ve := &ValidationError{}
	a := sub.Author
	anonymous := a.UserID == ""

	if sub.Thread == "" {
		ve.add(FieldThread, ProblemRequired, "The comment is not attached to a page.")
	} else if len(sub.Thread) > MaxThreadBytes {
		ve.add(FieldThread, ProblemTooLong, "The page key is too long.")
	} else if !cleanLine(sub.Thread) {
		ve.add(FieldThread, ProblemCharacters, "The page key holds characters that are not allowed.")
	}
	if sub.ParentID < 0 {
		ve.add(FieldParent, ProblemInvalid, "The comment you reply to does not exist.")
	}

	switch {
	case a.Name == "" && anonymous:
		ve.add(FieldAuthor, ProblemRequired, "Please enter your name.")
	case len(a.Name) > MaxAuthorBytes:
		ve.add(FieldAuthor, ProblemTooLong, fmt.Sprintf("Your name is too long (at most %d bytes).", MaxAuthorBytes))
	case !cleanName(a.Name):
		ve.add(FieldAuthor, ProblemCharacters, "Your name holds characters that are not allowed.")
	}

	switch {
	case a.Email == "" && anonymous:
		ve.add(FieldEmail, ProblemRequired, "Please enter your email address.")
	case len(a.Email) > MaxEmailBytes:
		ve.add(FieldEmail, ProblemTooLong, fmt.Sprintf("Your email address is too long (at most %d bytes).", MaxEmailBytes))
	case !cleanLine(a.Email):
		ve.add(FieldEmail, ProblemCharacters, "Your email address holds characters that are not allowed.")
	case a.Email != "" && !validEmail(a.Email):
		ve.add(FieldEmail, ProblemInvalid, "Please enter a valid email address.")
	}

	switch {
	case a.URL == "":
	case len(a.URL) > MaxURLBytes:
		ve.add(FieldURL, ProblemTooLong, fmt.Sprintf("Your website address is too long (at most %d bytes).", MaxURLBytes))
	case !cleanLine(a.URL):
		ve.add(FieldURL, ProblemCharacters, "Your website address holds characters that are not allowed.")
	default:
		u, ok := SafeURL(a.URL)
		switch {
		case !ok:
			ve.add(FieldURL, ProblemInvalid, "Please enter a website address starting with http:// or https://.")
		case len(u) > MaxURLBytes:
			ve.add(FieldURL, ProblemTooLong, fmt.Sprintf("Your website address is too long (at most %d bytes).", MaxURLBytes))
		default:
			a.URL = u
		}
	}

	if p, msg := checkBody(sub.Body); p != "" {
		ve.add(FieldComment, p, msg)
	}
	return a, ve.orNil()
}

// checkBody returns the problem with a normalised comment body, or "".
func checkBody(body string) (Problem, string) {
	switch {
	case body == "":
		return ProblemRequired, "Please type your comment."
	case len(body) > MaxCommentBytes:
		return ProblemTooLong, fmt.Sprintf("Your comment is too long (at most %d bytes).", MaxCommentBytes)
	case !cleanText(body):
		return ProblemCharacters, "Your comment holds characters that are not allowed."
	}
	return "", ""
}

// Clean reports whether a's name, email and website fit their byte limits
// ([MaxAuthorBytes], [MaxEmailBytes], [MaxURLBytes]) and are valid UTF-8
// without control or format characters: the check for an author a host
// kept (in a cookie, say) before it fills in a form with it. It is not the
// whole validation of [Service.Submit].
func (a Author) Clean() bool {
	return len(a.Name) <= MaxAuthorBytes && len(a.Email) <= MaxEmailBytes && len(a.URL) <= MaxURLBytes &&
		cleanName(a.Name) && cleanLine(a.Email) && cleanLine(a.URL)
}

// cleanLine reports whether s is valid UTF-8 without control or format
// characters (Unicode's Cc and Cf: a right-to-left override in an email
// address would reorder what a moderator reads after it).
func cleanLine(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}

// cleanName is cleanLine allowing the zero-width joiner and non-joiner,
// which names in Persian and Indic scripts, and emoji, need; they cannot
// reorder text. [stripFormat] has removed every other format character.
func cleanName(s string) bool {
	return cleanLine(strings.Map(func(r rune) rune {
		if r == zwnj || r == zwj {
			return -1
		}
		return r
	}, s))
}

const zwnj, zwj = '\u200c', '\u200d'

// stripFormat removes from a name the format characters (Unicode's Cf:
// bidirectional overrides, embeddings and isolates, zero-width spaces,
// soft hyphens, tags) but the joiners, and the Hangul fillers, which are
// letters shown as blank. None of them is visible, so no text the
// commenter can see is lost; left in, they let a name run right to left
// over what follows it, or pass for another name.
func stripFormat(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == zwnj || r == zwj:
			return r
		case unicode.Is(unicode.Cf, r), r == '\u115f', r == '\u1160', r == '\u3164', r == '\uffa0':
			return -1
		}
		return r
	}, s)
}

// cleanText is cleanLine allowing line feeds and tabs.
func cleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r == '\n' || r == '\t' {
			continue
		}
		if unicode.IsControl(r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// validEmail reports whether s is a bare address (no display name, no
// angle brackets) net/mail accepts, with a domain of at least two labels
// of letters, digits and inner hyphens, ending in a label that is not all
// digits.
func validEmail(s string) bool {
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 {
		return false
	}
	domain := s[at+1:]
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	return strings.IndexFunc(tld, func(r rune) bool { return !unicode.IsDigit(r) }) >= 0
}

// clipUTF8 cuts s to at most n bytes without splitting a character.
func clipUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// renderedTooLarge returns the *ValidationError on [FieldComment] that
// stands for err if err is [ErrHTMLTooLarge], or nil.
func renderedTooLarge(err error) *ValidationError {
	if !errors.Is(err, ErrHTMLTooLarge) {
		return nil
	}
	return &ValidationError{Fields: []FieldError{{
		Field:   FieldComment,
		Problem: ProblemTooLong,
		Message: "Your comment is too long once formatted: please shorten it, or use less nesting and markup.",
	}}}
}
