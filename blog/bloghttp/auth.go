package bloghttp

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/folioblog/folio/blog/bloghttp/internal/failures"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/comments/commentshttp"
)

// AdminCookie is the name of the cookie that holds a moderator's session
// after they sign in with the token on the login form of a [TokenAuth].
const AdminCookie = "folio_admin"

// MinTokenBytes is the shortest moderator token [NewTokenAuth] accepts.
const MinTokenBytes = 16

// Limits of a [TokenAuth].
const (
	// SessionAge is how long a signed-in moderator's session lasts.
	SessionAge = 24 * time.Hour

	// MaxLoginFailures failed sign-ins from one network within
	// LoginFailureWindow make the login form refuse that network, with
	// 429 Too Many Requests, until the window has passed. A network is an
	// IPv4 address or an IPv6 /64 ([comments.NetworkKey]).
	MaxLoginFailures   = 5
	LoginFailureWindow = 15 * time.Minute

	// MaxBearerFailures requests with a wrong "Authorization: Bearer"
	// token from one network within LoginFailureWindow make every further
	// request from it with a wrong token answer 429 Too Many Requests,
	// with Retry-After, until the window has passed. They count in the
	// same table as failed sign-ins on the form. The right token is never
	// refused: the token's length ([MinTokenBytes]) is what makes guessing
	// it hopeless; the limit keeps a guesser from costing more than a 429.
	MaxBearerFailures = MaxLoginFailures

	// maxRevoked bounds the memory of sessions ended by signing out
	// before they expired.
	maxRevoked = 10000
)

// maxTrackedAddrs bounds the memory of failed sign-ins. When it is full,
// the networks whose window has passed are forgotten, then the one whose
// window ends first: a network that never failed is never refused. A
// variable for tests.
var maxTrackedAddrs = 10000

// TokenAuth is an [Authorizer] for a site with one shared moderator
// token, such as examples/site's -admin-token. A request is a moderator's
// when it carries the token in an "Authorization: Bearer TOKEN" header
// (then [Moderator].ViaHeader is true), or the session cookie
// ([AdminCookie]) that the login form at /admin/login sets for whoever
// types the token there.
//
// The token is compared in constant time; failed sign-ins on the form
// and wrong bearer tokens are limited per client network
// ([MaxLoginFailures], [MaxBearerFailures]). A session is
// "expiry.nonce.MAC" with an HMAC-SHA256 keyed by the secret and the
// token, so changing either ends every session; it lasts [SessionAge].
// Signing out ends the session for good. Ended sessions and failed
// sign-ins are kept in this process's memory, and also in an [AuthStore]
// given with [WithAuthStore], which several instances of a site share so
// that a sign-out or a lock-out on one holds on all.
//
// A Server given a *TokenAuth with [WithAuthorizer] serves the login form;
// one given another Authorizer leaves signing in to its host. A TokenAuth
// is safe for concurrent use.
type TokenAuth struct {
	name  string
	token [32]byte // SHA-256 of the token, compared in constant time
	key   []byte   // HMAC key of sessions: derived from secret and token
	now   func() time.Time

	mu       sync.Mutex
	failures *failures.Table      // by client network (comments.NetworkKey)
	revoked  map[string]time.Time // session nonce → its expiry

	shared AuthStore // nil: this process's memory only (authstate.go)
}

var _ Authorizer = (*TokenAuth)(nil)

// NewTokenAuth returns a TokenAuth for the moderator name (shown on the
// comments they write; "Moderator" if empty) who knows token, at least
// [MinTokenBytes] long. secret keys the session cookies: at least 32
// bytes, the same on every instance of a site; nil picks a random one, so
// sessions end when the process does. A short token or secret is an
// error.
func NewTokenAuth(token string, name string, secret []byte, opts ...TokenAuthOption) (*TokenAuth, error) {
	if len(token) < MinTokenBytes {
		return nil, fmt.Errorf("bloghttp: moderator token is %d bytes, at least %d needed", len(token), MinTokenBytes)
	}
	if secret == nil {
		secret = make([]byte, 32)
		rand.Read(secret)
	}
	if len(secret) < 32 {
		return nil, fmt.Errorf("bloghttp: token auth secret is %d bytes, at least 32 needed", len(secret))
	}
	if strings.TrimSpace(name) == "" {
		name = "Moderator"
	}
	a := &TokenAuth{
		name:    name,
		token:   sha256.Sum256([]byte(token)),
		now:     time.Now,
		revoked: map[string]time.Time{},
	}
	a.failures = failures.New(LoginFailureWindow, maxTrackedAddrs, func() time.Time { return a.now() })
	for _, opt := range opts {
		opt(a)
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("folio admin session key\x00"))
	mac.Write(a.token[:])
	a.key = mac.Sum(nil)
	return a, nil
}

// Authorize returns the moderator when r carries the token in an
// "Authorization: Bearer" header (ViaHeader true) or a valid, unexpired,
// not signed-out session cookie (ViaHeader false). A request with an
// Authorization header is judged by the header alone.
func (a *TokenAuth) Authorize(r *http.Request) (Moderator, bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || !a.checkToken(strings.TrimSpace(tok)) {
			return Moderator{}, false
		}
		return Moderator{Name: a.name, ViaHeader: true}, true
	}
	c, err := r.Cookie(AdminCookie)
	if err != nil || !a.validSession(r.Context(), c.Value) {
		return Moderator{}, false
	}
	return Moderator{Name: a.name}, true
}

// checkToken compares tok with the token in constant time (of the
// hashes, so the token's length does not leak either).
func (a *TokenAuth) checkToken(tok string) bool {
	sum := sha256.Sum256([]byte(tok))
	return subtle.ConstantTimeCompare(sum[:], a.token[:]) == 1
}

// newSession returns the value of a new session cookie and its expiry.
func (a *TokenAuth) newSession() (value string, expires time.Time) {
	nonce := make([]byte, 16)
	rand.Read(nonce)
	expires = a.now().Add(SessionAge).Truncate(time.Second)
	payload := strconv.FormatInt(expires.Unix(), 10) + "." + base64.RawURLEncoding.EncodeToString(nonce)
	return payload + "." + a.sessionMAC(payload), expires
}

func (a *TokenAuth) sessionMAC(payload string) string {
	mac := hmac.New(sha256.New, a.key)
	mac.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// parseSession checks a session cookie's MAC and expiry and returns its
// nonce and expiry.
func (a *TokenAuth) parseSession(value string) (nonce string, expires time.Time, ok bool) {
	i := strings.LastIndexByte(value, '.')
	if i < 0 || len(value) > 200 {
		return "", time.Time{}, false
	}
	payload, sig := value[:i], value[i+1:]
	if !hmac.Equal([]byte(sig), []byte(a.sessionMAC(payload))) {
		return "", time.Time{}, false
	}
	exp, nonce, ok := strings.Cut(payload, ".")
	if !ok {
		return "", time.Time{}, false
	}
	sec, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return "", time.Time{}, false
	}
	expires = time.Unix(sec, 0)
	if !a.now().Before(expires) {
		return "", time.Time{}, false
	}
	return nonce, expires, true
}

func (a *TokenAuth) validSession(ctx context.Context, value string) bool {
	nonce, _, ok := a.parseSession(value)
	if !ok {
		return false
	}
	a.mu.Lock()
	_, gone := a.revoked[nonce]
	a.mu.Unlock()
	if gone {
		return false
	}
	return !a.sharedRevoked(ctx, nonce)
}

// revoke ends the session value before its expiry.
func (a *TokenAuth) revoke(ctx context.Context, value string) error {
	nonce, expires, ok := a.parseSession(value)
	if !ok {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.revoked) >= maxRevoked {
		now := a.now()
		for n, exp := range a.revoked {
			if !now.Before(exp) {
				delete(a.revoked, n)
			}
		}
		if len(a.revoked) >= maxRevoked {
			// Forget the session closest to expiring on its own.
			var soonest string
			for n, exp := range a.revoked {
				if soonest == "" || exp.Before(a.revoked[soonest]) {
					soonest = n
				}
			}
			delete(a.revoked, soonest)
		}
	}
	a.revoked[nonce] = expires
	return a.sharedRevoke(ctx, nonce, expires)
}

// loginWait returns how long the network of addr must wait before it may
// try again, once it has failed limit times within the window; 0 if it may
// now.
func (a *TokenAuth) loginWait(ctx context.Context, addr string, limit int) time.Duration {
	key := comments.NetworkKey(addr)
	return max(a.failures.Wait(key, limit), a.sharedWait(ctx, key, limit))
}

// loginFailed records a failed sign-in, or a wrong bearer token, from the
// network of addr.
func (a *TokenAuth) loginFailed(ctx context.Context, addr string) {
	key := comments.NetworkKey(addr)
	a.failures.Fail(key)
	a.sharedFail(ctx, key)
}

// loginSucceeded forgets the failures of the network of addr.
func (a *TokenAuth) loginSucceeded(ctx context.Context, addr string) {
	key := comments.NetworkKey(addr)
	a.failures.Forget(key)
	a.sharedForget(ctx, key)
}

// checkBearer counts a request whose "Authorization: Bearer" token is
// wrong as a failure of its network and, once the network has failed
// [MaxBearerFailures] times within the window, answers it 429 with
// Retry-After and reports false. A request with the right token, or
// without a bearer token, passes untouched.
func (s *Server) checkBearer(w http.ResponseWriter, r *http.Request, a *TokenAuth) bool {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || a.checkToken(strings.TrimSpace(tok)) {
		return true
	}
	addr := s.clientIP(r)
	if wait := a.loginWait(r.Context(), addr, MaxBearerFailures); wait > 0 {
		setPrivate(w)
		w.Header().Set("Retry-After", commentshttp.RetryAfter(wait))
		s.errorPage(w, r, http.StatusTooManyRequests)
		return false
	}
	a.loginFailed(r.Context(), addr)
	return true
}

// tokenAuth returns the Server's Authorizer if it is a *TokenAuth.
func (s *Server) tokenAuth() *TokenAuth {
	a, _ := s.auth.(*TokenAuth)
	return a
}

// loginData is .Page of login.html.
type loginData struct {
	Action string // where the form posts
	CSRF   string // the anti-forgery field's value
	Error  string // why the last attempt failed; "" for none
}

// routeLogin registers the login form of a TokenAuth.
func (s *Server) routeLogin(m *http.ServeMux, a *TokenAuth) {
	m.HandleFunc("GET /admin/login", func(w http.ResponseWriter, r *http.Request) {
		setPrivate(w)
		if _, ok := a.Authorize(r); ok {
			http.Redirect(w, r, s.Path("/admin/"), http.StatusSeeOther)
			return
		}
		s.renderLogin(w, r, http.StatusOK, "")
	})
	m.HandleFunc("POST /admin/login", func(w http.ResponseWriter, r *http.Request) { s.handleLogin(w, r, a) })
	m.HandleFunc("POST /admin/logout", func(w http.ResponseWriter, r *http.Request) { s.handleLogout(w, r, a) })
}

// loginBinding is what the login form's anti-forgery token is bound to:
// before signing in there is no session to bind it to.
const loginBinding = "login"

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.render(w, r, status, "login.html", loginData{
		Action: s.Path("/admin/login"),
		CSRF:   s.csrfToken(loginBinding),
		Error:  msg,
	})
}

// handleLogin checks the token typed on the login form and, if it is
// right, sets the session cookie and sends the moderator to /admin/.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request, a *TokenAuth) {
	setPrivate(w)
	if err := s.crossOrigin.Check(r); err != nil {
		s.fail(w, r, fmt.Errorf("bloghttp: login: %w: %v", errForbidden, err))
		return
	}
	if err := parseAdminForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.checkCSRF(loginBinding, r.PostFormValue(csrfField)) {
		s.fail(w, r, fmt.Errorf("bloghttp: login: %w", errForbidden))
		return
	}
	addr := s.clientIP(r)
	if wait := a.loginWait(r.Context(), addr, MaxLoginFailures); wait > 0 {
		w.Header().Set("Retry-After", commentshttp.RetryAfter(wait))
		s.renderLogin(w, r, http.StatusTooManyRequests, "Too many failed attempts. Try again later.")
		return
	}
	if !a.checkToken(r.PostFormValue("token")) {
		a.loginFailed(r.Context(), addr)
		w.Header().Set("WWW-Authenticate", `Bearer realm="folio"`)
		s.renderLogin(w, r, http.StatusUnauthorized, "That is not the moderator token.")
		return
	}
	a.loginSucceeded(r.Context(), addr)
	value, expires := a.newSession()
	http.SetCookie(w, s.adminCookie(r, value, expires))
	http.Redirect(w, r, s.Path("/admin/"), http.StatusSeeOther)
}

// handleLogout ends the session of the cookie and clears it. A session
// needs the anti-forgery field, so another site cannot sign the
// moderator out.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request, a *TokenAuth) {
	setPrivate(w)
	if err := s.crossOrigin.Check(r); err != nil {
		s.fail(w, r, fmt.Errorf("bloghttp: logout: %w: %v", errForbidden, err))
		return
	}
	if err := parseAdminForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	if c, err := r.Cookie(AdminCookie); err == nil && a.validSession(r.Context(), c.Value) {
		if !s.checkCSRF(sessionBinding(c.Value), r.PostFormValue(csrfField)) {
			s.fail(w, r, fmt.Errorf("bloghttp: logout: %w", errForbidden))
			return
		}
		if err := a.revoke(r.Context(), c.Value); err != nil {
			// Ended here, but perhaps not on the other instances: say so.
			s.fail(w, r, fmt.Errorf("bloghttp: logout: %w", err))
			return
		}
	}
	gone := s.adminCookie(r, "", time.Time{})
	gone.MaxAge = -1
	http.SetCookie(w, gone)
	http.Redirect(w, r, s.Path("/admin/login"), http.StatusSeeOther)
}

// adminCookie returns the session cookie: for the whole blog (the comment
// form trusts a signed-in moderator too), HttpOnly, SameSite=Lax (so a
// link to the moderation queue in an email opens it signed in; every
// unsafe request also needs the anti-forgery field and passes the
// cross-origin check), and Secure when the blog is served over HTTPS.
func (s *Server) adminCookie(r *http.Request, value string, expires time.Time) *http.Cookie {
	return &http.Cookie{
		Name:     AdminCookie,
		Value:    value,
		Path:     s.Path("/"),
		Expires:  expires,
		HttpOnly: true,
		Secure:   s.base.Scheme == "https" || r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	}
}

// errFormTooLarge: a moderation form over maxAdminForm bytes.
var errFormTooLarge = errors.New("bloghttp: form too large")

// maxAdminForm bounds a moderation form: an edited comment and a bulk
// action's IDs fit with room to spare.
const maxAdminForm = 1 << 20

// parseAdminForm reads a POST form of at most maxAdminForm bytes.
func parseAdminForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxAdminForm)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fmt.Errorf("%w: %w", errBadRequest, errFormTooLarge)
		}
		return fmt.Errorf("bloghttp: form: %w", errBadRequest)
	}
	return nil
}

// setPrivate marks a moderator's answer as never to be cached, by the
// browser or by the page cache.
func setPrivate(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Folio-Cache", "bypass")
}
