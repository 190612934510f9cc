package comments_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
)

func TestService_Submit_validation(t *testing.T) {
	t.Parallel()
	email := func(n int) string { // a valid address of exactly n bytes
		return strings.Repeat("a", n-len("@example.com")) + "@example.com"
	}
	site := func(n int) string { // a valid URL of exactly n bytes
		return "https://example.com/" + strings.Repeat("p", n-len("https://example.com/"))
	}
	tests := []struct {
		name    string
		edit    func(*comments.Submission)
		field   string // "" when the submission is valid
		problem comments.Problem
	}{
		{"valid", func(*comments.Submission) {}, "", ""},

		{"author at 245 bytes", func(s *comments.Submission) { s.Author.Name = strings.Repeat("n", 245) }, "", ""},
		{"author at 246 bytes", func(s *comments.Submission) { s.Author.Name = strings.Repeat("n", 246) }, comments.FieldAuthor, comments.ProblemTooLong},
		{"multibyte author at 245 bytes", func(s *comments.Submission) { s.Author.Name = strings.Repeat("é", 122) + "n" }, "", ""},
		{"multibyte author at 246 bytes", func(s *comments.Submission) { s.Author.Name = strings.Repeat("é", 123) }, comments.FieldAuthor, comments.ProblemTooLong},
		{"author trimmed to the limit", func(s *comments.Submission) { s.Author.Name = "  " + strings.Repeat("n", 245) + "\t" }, "", ""},
		{"author missing", func(s *comments.Submission) { s.Author.Name = "" }, comments.FieldAuthor, comments.ProblemRequired},
		{"author blank", func(s *comments.Submission) { s.Author.Name = " \t " }, comments.FieldAuthor, comments.ProblemRequired},
		{"author with NUL", func(s *comments.Submission) { s.Author.Name = "Ann\x00" }, comments.FieldAuthor, comments.ProblemCharacters},
		{"author with control character", func(s *comments.Submission) { s.Author.Name = "An\x1bn" }, comments.FieldAuthor, comments.ProblemCharacters},
		{"author with line break", func(s *comments.Submission) { s.Author.Name = "Ann\nBob" }, comments.FieldAuthor, comments.ProblemCharacters},
		{"author invalid UTF-8", func(s *comments.Submission) { s.Author.Name = "Ann\xff" }, comments.FieldAuthor, comments.ProblemCharacters},
		{"authenticated user needs no name or email", func(s *comments.Submission) {
			s.Author = comments.Author{UserID: "42"}
		}, "", ""},

		{"email at 100 bytes", func(s *comments.Submission) { s.Author.Email = email(100) }, "", ""},
		{"email at 101 bytes", func(s *comments.Submission) { s.Author.Email = email(101) }, comments.FieldEmail, comments.ProblemTooLong},
		{"email missing", func(s *comments.Submission) { s.Author.Email = "" }, comments.FieldEmail, comments.ProblemRequired},
		{"email without at", func(s *comments.Submission) { s.Author.Email = "ann.example.com" }, comments.FieldEmail, comments.ProblemInvalid},
		{"email with display name", func(s *comments.Submission) { s.Author.Email = "Ann <ann@example.com>" }, comments.FieldEmail, comments.ProblemInvalid},
		{"email in angle brackets", func(s *comments.Submission) { s.Author.Email = "<ann@example.com>" }, comments.FieldEmail, comments.ProblemInvalid},
		{"email with single-label domain", func(s *comments.Submission) { s.Author.Email = "ann@localhost" }, comments.FieldEmail, comments.ProblemInvalid},
		{"email with numeric top-level domain", func(s *comments.Submission) { s.Author.Email = "ann@192.168.0.1" }, comments.FieldEmail, comments.ProblemInvalid},
		{"email with empty label", func(s *comments.Submission) { s.Author.Email = "ann@example..com" }, comments.FieldEmail, comments.ProblemInvalid},
		{"email with hyphen-edged label", func(s *comments.Submission) { s.Author.Email = "ann@-example.com" }, comments.FieldEmail, comments.ProblemInvalid},
		{"email with two addresses", func(s *comments.Submission) { s.Author.Email = "ann@example.com, bob@example.com" }, comments.FieldEmail, comments.ProblemInvalid},
		{"email with control character", func(s *comments.Submission) { s.Author.Email = "ann@exa\x01mple.com" }, comments.FieldEmail, comments.ProblemCharacters},
		{"email with right-to-left override", func(s *comments.Submission) { s.Author.Email = "ann@example.com\u202e" }, comments.FieldEmail, comments.ProblemCharacters},
		{"email with zero-width space", func(s *comments.Submission) { s.Author.Email = "an\u200bn@example.com" }, comments.FieldEmail, comments.ProblemCharacters},
		{"url with isolate", func(s *comments.Submission) { s.Author.URL = "https://example.com/\u2066x" }, comments.FieldURL, comments.ProblemCharacters},
		{"name of format characters only", func(s *comments.Submission) { s.Author.Name = "\u202e\u200b\u3164" }, comments.FieldAuthor, comments.ProblemRequired},
		{"email with subdomain and plus", func(s *comments.Submission) { s.Author.Email = "ann+blog@mail.example.co.uk" }, "", ""},

		{"url at 200 bytes", func(s *comments.Submission) { s.Author.URL = site(200) }, "", ""},
		{"url at 201 bytes", func(s *comments.Submission) { s.Author.URL = site(201) }, comments.FieldURL, comments.ProblemTooLong},
		{"url javascript", func(s *comments.Submission) { s.Author.URL = "javascript:alert(1)" }, comments.FieldURL, comments.ProblemInvalid},
		{"url ftp", func(s *comments.Submission) { s.Author.URL = "ftp://example.com/" }, comments.FieldURL, comments.ProblemInvalid},
		{"url data", func(s *comments.Submission) { s.Author.URL = "data:text/html,<b>x</b>" }, comments.FieldURL, comments.ProblemInvalid},
		{"url with control character", func(s *comments.Submission) { s.Author.URL = "https://example.com/\x00" }, comments.FieldURL, comments.ProblemCharacters},

		{"comment at 65525 bytes", func(s *comments.Submission) { s.Body = strings.Repeat("c", 65525) }, "", ""},
		{"comment at 65526 bytes", func(s *comments.Submission) { s.Body = strings.Repeat("c", 65526) }, comments.FieldComment, comments.ProblemTooLong},
		{"multibyte comment at 65526 bytes", func(s *comments.Submission) { s.Body = strings.Repeat("€", 65526/3) }, comments.FieldComment, comments.ProblemTooLong},
		{"comment missing", func(s *comments.Submission) { s.Body = "" }, comments.FieldComment, comments.ProblemRequired},
		{"comment blank", func(s *comments.Submission) { s.Body = "\n \r\n\t" }, comments.FieldComment, comments.ProblemRequired},
		{"comment with NUL", func(s *comments.Submission) { s.Body = "hi\x00there" }, comments.FieldComment, comments.ProblemCharacters},
		{"comment with bell", func(s *comments.Submission) { s.Body = "hi\athere" }, comments.FieldComment, comments.ProblemCharacters},
		{"comment invalid UTF-8", func(s *comments.Submission) { s.Body = "caf\xe9" }, comments.FieldComment, comments.ProblemCharacters},
		{"comment with tabs and line breaks", func(s *comments.Submission) { s.Body = "one\ttwo\r\nthree" }, "", ""},

		{"thread key at 255 bytes", func(s *comments.Submission) { s.Thread = strings.Repeat("t", 255); s.Token = "" }, "", ""},
		{"thread key at 256 bytes", func(s *comments.Submission) { s.Thread = strings.Repeat("t", 256) }, comments.FieldThread, comments.ProblemTooLong},
		{"thread missing", func(s *comments.Submission) { s.Thread = "" }, comments.FieldThread, comments.ProblemRequired},
		{"negative parent", func(s *comments.Submission) { s.ParentID = -1 }, comments.FieldParent, comments.ProblemInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, comments.WithRules())
			s := h.sub("post-1", "Ann", "ann@example.com", "Hello there.")
			tt.edit(&s)
			if s.Token == "" {
				s.Token = h.svc.NewToken(s.Thread)
			}
			c, err := h.svc.Submit(context.Background(), s)
			if tt.field == "" {
				require.NoError(t, err)
				assert.NotZero(t, c.ID)
				return
			}
			require.Error(t, err)
			assert.Nil(t, c)
			var ve *comments.ValidationError
			require.True(t, errors.As(err, &ve), "want a *ValidationError, got %v", err)
			fe, ok := ve.Field(tt.field)
			require.True(t, ok, "no problem reported on %s: %v", tt.field, err)
			assert.Equal(t, tt.problem, fe.Problem)
			assert.NotEmpty(t, fe.Message)
			list, err := h.store.ListComments(context.Background(), comments.CommentQuery{})
			require.NoError(t, err)
			assert.Empty(t, list, "nothing is stored after a validation error")
		})
	}
}

func TestService_Submit_validationListsEveryField(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	s := h.sub("post-1", "", "not an email", "")
	s.Author.URL = "javascript:alert(1)"
	_, err := h.svc.Submit(context.Background(), s)
	var ve *comments.ValidationError
	require.ErrorAs(t, err, &ve)
	var fields []string
	for _, f := range ve.Fields {
		fields = append(fields, f.Field)
	}
	assert.Equal(t, []string{comments.FieldAuthor, comments.FieldEmail, comments.FieldURL, comments.FieldComment}, fields)
}

func TestService_Submit_normalisesInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t, comments.WithRules())
	s := h.sub(" post-1 ", "  Ann  ", " ann@example.com ", "\r\n  line one\r\nline two  \r\n")
	s.Author.URL = "https://example.com/ann"
	s.UserAgent = strings.Repeat("é", 200) // 400 bytes
	c := h.submit(t, s)
	assert.Equal(t, "post-1", c.Thread)
	assert.Equal(t, "Ann", c.Author.Name)
	assert.Equal(t, "ann@example.com", c.Author.Email)
	assert.Equal(t, "https://example.com/ann", c.Author.URL)
	assert.Equal(t, "line one\nline two", c.Source)
	assert.LessOrEqual(t, len(c.UserAgent), comments.MaxUserAgent)
	assert.Equal(t, strings.Repeat("é", comments.MaxUserAgent/2), c.UserAgent, "cut at a character boundary")
}

// Format characters (Unicode Cf) and Hangul fillers are invisible, and
// let a name reorder or hide what follows it: they are removed from
// names, but for the joiners that scripts and emoji need.
func TestService_Submit_stripsFormatCharactersFromNames(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"right-to-left override", "Ann\u202e moc.elpmaxe@bob", "Ann moc.elpmaxe@bob"},
		{"embeddings and marks", "\u202aAnn\u202c\u200f", "Ann"},
		{"isolates", "\u2066Ann\u2067\u2068\u2069", "Ann"},
		{"zero-width space and BOM", "A\u200bn\ufeffn", "Ann"},
		{"soft hyphen and tag", "An\u00adn\U000e0041", "Ann"},
		{"hangul fillers", "\u3164Ann\u115f\u1160\uffa0", "Ann"},
		{"joiners kept", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \U0001f468\u200d\U0001f469", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \U0001f468\u200d\U0001f469"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			c := h.submit(t, h.sub("p", tt.in, fmt.Sprintf("a%d@example.com", i), "hi"))
			assert.Equal(t, tt.want, c.Author.Name)
		})
	}
}
