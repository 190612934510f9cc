package commentshttp

import (
	"context"
	"encoding/base64"
	"errors"
	"html/template"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/folioblog/folio/comments"
)

// DefaultMaxFormBytes is the largest form body the handler reads: a
// comment at its byte limit written in a script other than Latin, which
// a browser sends percent-encoded at three characters a byte, plus room
// for the other fields (about 200 KiB).
const DefaultMaxFormBytes = 3*comments.MaxCommentBytes + 8<<10

// RememberField is the name of the form's checkbox "Save my name, email,
// and website in this browser for the next time I comment".
const RememberField = "remember"

// RememberCookie is the name of the cookie that keeps a visitor's name,
// email and website when they ask; read it with [Remembered].
const RememberCookie = "folio_commenter"

// rememberFor is how long the RememberCookie lives, as WordPress's.
const rememberFor = 365 * 24 * time.Hour

// UnavailableRetryAfter is the Retry-After of a 503, in seconds: how soon
// a lost store is worth trying again.
const UnavailableRetryAfter = "5"

// RetryAfter is a Retry-After value for d: whole seconds, rounded up.
func RetryAfter(d time.Duration) string {
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}

// Errors of [ReadForm], which [StatusOf] knows.
var (
	// ErrTooLarge: the form body is larger than the limit.
	ErrTooLarge = errors.New("commentshttp: form too large")
	// ErrBadForm: the form body could not be read.
	ErrBadForm = errors.New("commentshttp: unreadable form")
)

// FormState is what a comment form shows when it comes back to the
// visitor: the values sent, the problems found and a fresh token.
type FormState struct {
	Thread   string // comment_post_ID
	ParentID int64  // comment_parent
	Author   string
	Email    string
	URL      string
	Comment  string
	Remember bool
	LoggedIn bool // the host's identity knew the visitor: no name, email or website fields

	Errors  map[string]string // field name (comments.FieldAuthor, …) → what is wrong with it
	Message string            // about the whole submission ("Comments are closed.")

	Token      string        // a new token for the form's comments.TokenField
	RetryAfter time.Duration // after comments.ErrFlood, how long to wait
	Action     string        // the URL the form posts to: the handler's own path
}

// Option configures the handler of [NewHandler].
type Option func(*handler)

// WithRedirect sets where a visitor goes once a comment is taken: the URL
// of the page showing c, to which the handler adds "#comment-ID" (after
// dropping any fragment) and answers 303 See Other. It is the only source
// of the redirect: no form field or header is ever used. Without it the
// handler redirects to "/". The comment may be pending or spam: the page
// should say it awaits moderation without telling spam from pending.
func WithRedirect(fn func(r *http.Request, c *comments.Comment) string) Option {
	return func(h *handler) { h.redirect = fn }
}

// WithCommenter lets the host name its logged-in user: ok false means an
// anonymous visitor, whose name, email and website come from the form;
// ok true means the author is a (with a UserID), the form's author fields
// are ignored, and trusted marks a moderator or an author the host trusts
// (see [comments.Submission.Trusted]). A trusted request still needs its
// form token unless [WithTokenExempt] exempts it, since a browser carries
// login cookies on forged cross-site posts.
func WithCommenter(fn func(r *http.Request) (a comments.Author, trusted bool, ok bool)) Option {
	return func(h *handler) { h.identity = fn }
}

// WithTokenExempt exempts from the form token those trusted requests for
// which fn returns true: requests authorised by a header that browsers
// never send on their own (Authorization: Bearer), not by a cookie.
func WithTokenExempt(fn func(r *http.Request) bool) Option {
	return func(h *handler) { h.exempt = fn }
}

// WithFormRenderer sets how the form is shown again after a refused
// submission, with the status code to answer. It must escape every value
// of f (html/template does). The default is a bare page with the form.
func WithFormRenderer(fn func(w http.ResponseWriter, r *http.Request, status int, f FormState)) Option {
	return func(h *handler) { h.render = fn }
}

// WithMaxFormBytes sets the largest form body read ([DefaultMaxFormBytes]
// by default); a larger one is answered 413.
func WithMaxFormBytes(n int64) Option {
	return func(h *handler) { h.maxBytes = n }
}

// WithClientIP sets how the visitor's IP address is found (by default the
// host part of r.RemoteAddr). A host behind a proxy it trusts reads the
// proxy's header here.
func WithClientIP(fn func(r *http.Request) string) Option {
	return func(h *handler) { h.clientIP = fn }
}

// WithLogger sets where the handler logs the failures it hides from the
// visitor (slog.Default() by default).
func WithLogger(l *slog.Logger) Option {
	return func(h *handler) { h.log = l }
}

// Voucher recognises a returning commenter's browser by a cookie the
// host signs, for [comments.PreviouslyApproved]. Vouches reports whether
// the request's cookie names an approved comment this browser wrote under
// the author's name and email (it sets [comments.Submission.Vouched]);
// Remember is called once a comment from an anonymous visitor is taken,
// with whether they asked to be remembered, to set or clear that cookie.
type Voucher interface {
	Vouches(r *http.Request, a comments.Author) bool
	Remember(w http.ResponseWriter, r *http.Request, c *comments.Comment, remember bool)
}

// WithVoucher sets the [Voucher] that recognises returning commenters.
// Without one no submission is vouched for, and
// [comments.PreviouslyApproved] holds every comment.
func WithVoucher(v Voucher) Option {
	return func(h *handler) { h.voucher = v }
}

type handler struct {
	s        *comments.Service
	log      *slog.Logger
	voucher  Voucher
	redirect func(*http.Request, *comments.Comment) string
	identity func(*http.Request) (comments.Author, bool, bool)
	exempt   func(*http.Request) bool
	render   func(http.ResponseWriter, *http.Request, int, FormState)
	maxBytes int64
	clientIP func(*http.Request) string
}

// NewHandler returns the handler of the comment form for hosts that serve
// their pages themselves, for POST requests with WordPress's field names
// (author, email, url, comment, comment_post_ID, comment_parent) plus
// [comments.TokenField], [comments.HoneypotField] and [RememberField].
// Other methods get 405.
//
// A taken comment (approved, held or silently marked spam alike) gets 303
// See Other to the [WithRedirect] URL with "#comment-ID"; if the visitor
// asked, the [RememberCookie] is set to their name, email and website
// (HttpOnly, SameSite=Lax, Secure over TLS), and cleared if they did not.
// A refused one gets the form again, with the values sent, the problems
// and a new token, with the status of [StatusOf].
//
// No text from the visitor is ever put in a header.
func NewHandler(s *comments.Service, opts ...Option) http.Handler {
	h := &handler{
		s:        s,
		maxBytes: DefaultMaxFormBytes,
		render:   defaultRenderForm,
		clientIP: RemoteHost,
		exempt:   func(*http.Request) bool { return false },
	}
	for _, opt := range opts {
		opt(h)
	}
	if h.maxBytes <= 0 {
		h.maxBytes = DefaultMaxFormBytes
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	ctx := r.Context()
	sub, state, err := ReadForm(w, r, h.maxBytes)
	if err != nil {
		h.fail(w, r, state, err)
		return
	}
	sub.IP = h.clientIP(r)
	if h.identity != nil {
		if a, trusted, ok := h.identity(r); ok {
			sub.Author, sub.Trusted = a, trusted
			state.LoggedIn = true
			state.Author, state.Email, state.URL = "", "", ""
		}
	}
	if sub.Trusted && !h.exempt(r) {
		if err := h.s.VerifyToken(ctx, sub.Token, strings.TrimSpace(sub.Thread), sub.IP); err != nil {
			h.fail(w, r, state, err)
			return
		}
	}

	if h.voucher != nil && !state.LoggedIn {
		sub.Vouched = h.voucher.Vouches(r, sub.Author)
	}

	c, err := h.s.Submit(ctx, sub)
	if err != nil {
		h.fail(w, r, state, err)
		return
	}
	if !state.LoggedIn {
		SetRemember(w, r, c.Author, state.Remember)
		if h.voucher != nil {
			h.voucher.Remember(w, r, c, state.Remember)
		}
	}
	target := "/"
	if h.redirect != nil {
		target = h.redirect(r, c)
	}
	if i := strings.IndexByte(target, '#'); i >= 0 {
		target = target[:i]
	}
	if target == "" || strings.ContainsFunc(target, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		h.log.ErrorContext(ctx, "commentshttp: the redirect hook gave an unusable URL; redirecting to /", "comment", c.ID)
		target = "/"
	}
	w.Header().Set("Location", target+"#comment-"+strconv.FormatInt(c.ID, 10))
	w.WriteHeader(http.StatusSeeOther)
}

// ReadForm reads the comment form r carries, at most maxBytes of it (w is
// told to close the connection past that), into the submission it makes
// and the state to show the form again with. The submission's IP,
// Trusted and Vouched are left for the caller, who knows the client's
// address and identity. The error is [ErrTooLarge], [ErrBadForm] or a
// [*comments.ValidationError] on [comments.FieldParent]; the state holds
// what could be read.
func ReadForm(w http.ResponseWriter, r *http.Request, maxBytes int64) (comments.Submission, FormState, error) {
	state := FormState{Action: r.URL.EscapedPath()}
	r.Body = http.MaxBytesReader(w, r.Body, maxBytes)
	if err := parseForm(r, maxBytes); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return comments.Submission{}, state, ErrTooLarge
		}
		return comments.Submission{}, state, ErrBadForm
	}
	f := r.PostForm
	state.Thread = f.Get(comments.FieldThread)
	state.Author, state.Email, state.URL = f.Get(comments.FieldAuthor), f.Get(comments.FieldEmail), f.Get(comments.FieldURL)
	state.Comment = f.Get(comments.FieldComment)
	state.Remember = f.Get(RememberField) != ""

	sub := comments.Submission{
		Thread:    state.Thread,
		Author:    comments.Author{Name: state.Author, Email: state.Email, URL: state.URL},
		Body:      state.Comment,
		UserAgent: r.UserAgent(),
		Token:     f.Get(comments.TokenField),
		Honeypot:  f.Get(comments.HoneypotField),
	}
	if p := strings.TrimSpace(f.Get(comments.FieldParent)); p != "" {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id < 0 {
			return sub, state, &comments.ValidationError{Fields: []comments.FieldError{{
				Field: comments.FieldParent, Problem: comments.ProblemInvalid, Message: "The comment you reply to does not exist.",
			}}}
		}
		sub.ParentID, state.ParentID = id, id
	}
	return sub, state, nil
}

// parseForm reads a urlencoded or multipart form body.
func parseForm(r *http.Request, maxBytes int64) error {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "multipart/form-data" {
		return r.ParseMultipartForm(maxBytes)
	}
	return r.ParseForm()
}

// statusTable is the one table from comment errors to the status answered
// and what the visitor is told; the first entry that matches wins.
var statusTable = []struct {
	match   func(error) bool
	status  int
	message string
}{
	{isType[*comments.ValidationError], http.StatusUnprocessableEntity, "Please correct the fields marked below."},
	{func(err error) bool {
		te, ok := errors.AsType[*comments.TokenError](err)
		return ok && te.Problem == comments.TokenTooNew
	}, http.StatusForbidden, "That was quick! Please look over your comment and send it again."},
	{is(comments.ErrBadToken), http.StatusForbidden, "This form has expired or was sent already. Please send it again."},
	{is(comments.ErrFlood), http.StatusTooManyRequests, "You are posting comments too quickly. Please wait a moment and send it again."},
	{is(comments.ErrDuplicate), http.StatusConflict, "Duplicate comment: it looks as though you have already said that."},
	{is(comments.ErrClosed), http.StatusForbidden, "Comments are closed."},
	{is(comments.ErrNotFound), http.StatusNotFound, "This page does not take comments."},
	{is(ErrTooLarge), http.StatusRequestEntityTooLarge, "Your comment is too long."},
	{is(ErrBadForm), http.StatusBadRequest, "The form could not be read. Please send it again."},
	{func(err error) bool {
		return errors.Is(err, comments.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded)
	}, http.StatusServiceUnavailable, "The site cannot save comments right now. Please send yours again in a moment."},
}

// internalMessage is what the visitor is told of an error the table does
// not know.
const internalMessage = "Something went wrong and your comment was not saved. Please send it again."

func is(target error) func(error) bool { return func(err error) bool { return errors.Is(err, target) } }

func isType[E error](err error) bool {
	_, ok := errors.AsType[E](err)
	return ok
}

// StatusOf is the one table from the errors of a comment submission to
// the HTTP status answered and what the visitor is told; ok is false for
// an error it does not know, which is a 500 (log it; show no detail):
//
//	*comments.ValidationError  422 Unprocessable Content (each field's problem)
//	comments.ErrBadToken       403 Forbidden
//	comments.ErrClosed         403 Forbidden
//	comments.ErrNotFound       404 Not Found (no such thread)
//	comments.ErrDuplicate      409 Conflict
//	comments.ErrFlood          429 Too Many Requests, with Retry-After in seconds
//	ErrTooLarge                413 Content Too Large
//	ErrBadForm                 400 Bad Request
//	comments.ErrUnavailable,   503 Service Unavailable, with Retry-After
//	context.DeadlineExceeded
//
// 422 rather than WordPress's 200 or 400: the request was well formed and
// only its content was refused. Adapters that serve more than comments
// (blog/bloghttp) fall back to this table for the errors they do not know
// themselves, so that both answer a comment alike.
func StatusOf(err error) (status int, message string, ok bool) {
	for _, row := range statusTable {
		if row.match(err) {
			return row.status, row.message, true
		}
	}
	return http.StatusInternalServerError, internalMessage, false
}

// messageFor returns what the visitor is told when err is answered with
// status: the message of err's row in the table if it has that status,
// else that of the first row with that status.
func messageFor(status int, err error) string {
	if st, msg, ok := StatusOf(err); ok && st == status {
		return msg
	}
	for _, row := range statusTable {
		if row.status == status {
			return row.message
		}
	}
	return internalMessage
}

// Refuse readies the form state f to be shown again after err, answered
// with status (from [StatusOf], or from a host's own table that agrees
// with it): the message, each field's problem, the wait after a flood and
// a new form token from s (unless the thread is unknown), and sets
// Retry-After on w for 429 and 503. The caller writes the status and the
// page.
func Refuse(w http.ResponseWriter, s *comments.Service, f *FormState, status int, err error) {
	f.Message = messageFor(status, err)
	if ve, ok := errors.AsType[*comments.ValidationError](err); ok {
		f.Errors = make(map[string]string, len(ve.Fields))
		for _, fe := range ve.Fields {
			if _, dup := f.Errors[fe.Field]; !dup {
				f.Errors[fe.Field] = fe.Message
			}
		}
	}
	if fe, ok := errors.AsType[*comments.FloodError](err); ok {
		f.RetryAfter = fe.RetryAfter
		w.Header().Set("Retry-After", RetryAfter(fe.RetryAfter))
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", UnavailableRetryAfter)
	}
	if f.Thread != "" && status != http.StatusNotFound {
		f.Token = s.NewToken(strings.TrimSpace(f.Thread))
	}
}

// fail shows the form again with what err says.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, state FormState, err error) {
	status, _, known := StatusOf(err)
	if !known {
		h.log.ErrorContext(r.Context(), "commentshttp: form submission failed", "thread", state.Thread, "err", err)
	}
	Refuse(w, h.s, &state, status, err)
	h.render(w, r, status, state)
}

// RemoteHost returns the host part of r.RemoteAddr: the client's IP
// address when no proxy stands between.
func RemoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// SetRemember sets the [RememberCookie] to a's name, email and website
// when remember is true, and clears it otherwise (HttpOnly, SameSite=Lax,
// Secure over TLS).
func SetRemember(w http.ResponseWriter, r *http.Request, a comments.Author, remember bool) {
	c := &http.Cookie{
		Name:     RememberCookie,
		Path:     "/",
		HttpOnly: true,
		Secure:   r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	}
	if remember {
		v := url.Values{comments.FieldAuthor: {a.Name}, comments.FieldEmail: {a.Email}, comments.FieldURL: {a.URL}}
		c.Value = base64.RawURLEncoding.EncodeToString([]byte(v.Encode()))
		c.MaxAge = int(rememberFor / time.Second)
	} else {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

// Remembered returns the name, email and website the [RememberCookie] of r
// keeps, for filling in the form, and whether there was a usable one.
// The values are the visitor's own text: escape them when shown.
func Remembered(r *http.Request) (comments.Author, bool) {
	ck, err := r.Cookie(RememberCookie)
	if err != nil || ck.Value == "" {
		return comments.Author{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil {
		return comments.Author{}, false
	}
	v, err := url.ParseQuery(string(raw))
	if err != nil {
		return comments.Author{}, false
	}
	a := comments.Author{Name: v.Get(comments.FieldAuthor), Email: v.Get(comments.FieldEmail), URL: v.Get(comments.FieldURL)}
	if !a.Clean() {
		return comments.Author{}, false
	}
	return a, true
}

var formPage = template.Must(template.New("form").Parse(`<!doctype html>
<html lang="en">
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>Leave a Reply</title>
<h1>Leave a Reply</h1>
{{with .Message}}<p role="alert">{{.}}</p>{{end}}
<form method="post" action="{{.Action}}">
{{- if not .LoggedIn}}
<p><label for="author">Name *</label> <input id="author" name="author" value="{{.Author}}" maxlength="245" required>{{with index .Errors "author"}} <strong>{{.}}</strong>{{end}}</p>
<p><label for="email">Email *</label> <input id="email" name="email" type="email" value="{{.Email}}" maxlength="100" required>{{with index .Errors "email"}} <strong>{{.}}</strong>{{end}}</p>
<p><label for="url">Website</label> <input id="url" name="url" type="url" value="{{.URL}}" maxlength="200">{{with index .Errors "url"}} <strong>{{.}}</strong>{{end}}</p>
<p><input id="remember" name="remember" type="checkbox" value="yes"{{if .Remember}} checked{{end}}> <label for="remember">Save my name, email, and website in this browser for the next time I comment.</label></p>
{{- end}}
<p><label for="comment">Comment *</label>{{with index .Errors "comment"}} <strong>{{.}}</strong>{{end}}{{with index .Errors "comment_parent"}} <strong>{{.}}</strong>{{end}}<br>
<textarea id="comment" name="comment" rows="8" cols="45" maxlength="65525" required>{{.Comment}}</textarea></p>
<p style="display:none" aria-hidden="true"><label>Leave this empty <input name="` + comments.HoneypotField + `" tabindex="-1" autocomplete="off"></label></p>
<input type="hidden" name="comment_post_ID" value="{{.Thread}}">
<input type="hidden" name="comment_parent" value="{{.ParentID}}">
<input type="hidden" name="` + comments.TokenField + `" value="{{.Token}}">
<p><button type="submit">Post Comment</button></p>
</form>
`))

func defaultRenderForm(w http.ResponseWriter, _ *http.Request, status int, f FormState) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = formPage.Execute(w, f)
}
