package comments

import (
	"container/heap"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// TokenField is the name of the comment form's hidden field that carries
// the token from [Service.NewToken].
const TokenField = "folio_token"

// ErrBadToken: the form token is missing, forged, for another thread,
// used already, too new or too old. Errors matching it are *TokenError,
// which says which.
var ErrBadToken = errors.New("comments: bad form token")

// TokenProblem says what is wrong with a form token.
type TokenProblem string

// The problems a [TokenError] reports.
const (
	TokenMissing     TokenProblem = "missing"
	TokenMalformed   TokenProblem = "malformed"    // not a token at all
	TokenForged      TokenProblem = "forged"       // the signature does not match
	TokenOtherThread TokenProblem = "other thread" // signed for another thread
	TokenReused      TokenProblem = "reused"       // its form was sent already
	TokenTooNew      TokenProblem = "too new"      // sent faster than a person types
	TokenExpired     TokenProblem = "expired"      // the form is older than the max age
)

// TokenError is the error a form token fails with. It matches
// [ErrBadToken] with [errors.Is].
type TokenError struct {
	Problem TokenProblem
}

// Error names the problem.
func (e *TokenError) Error() string { return fmt.Sprintf("%v: %s", ErrBadToken, e.Problem) }

// Is reports whether target is ErrBadToken.
func (e *TokenError) Is(target error) bool { return target == ErrBadToken }

const (
	tokenVersion = 1
	nonceLen     = 16
	threadTagLen = 8
	payloadLen   = 1 + 8 + nonceLen + threadTagLen
	tokenLen     = payloadLen + sha256.Size
)

var tokenContext = []byte("folio comment form token\x00")

// NewToken returns a token for a comment form on thread, to be sent back
// in the [TokenField] field. It signs (HMAC-SHA256 with the token key) the
// time of issue, a random nonce and the thread, and is written in
// unpadded base64url. The thread key is trimmed of spaces, as
// [Service.Submit] trims it. Each form shown should carry a new one: a token is
// accepted once.
func (s *Service) NewToken(thread string) string {
	var raw [tokenLen]byte
	raw[0] = tokenVersion
	binary.BigEndian.PutUint64(raw[1:9], uint64(s.now().UnixMilli()))
	rand.Read(raw[9 : 9+nonceLen])
	tag := threadTag(strings.TrimSpace(thread))
	copy(raw[9+nonceLen:payloadLen], tag[:])
	copy(raw[payloadLen:], s.tokenMAC(raw[:payloadLen]))
	return base64.RawURLEncoding.EncodeToString(raw[:])
}

// VerifyToken checks that token was issued by [Service.NewToken] for
// thread, is old enough and young enough and was not used before by this
// visitor (their IP address, reduced by [NetworkKey] to its /64 for IPv6,
// since any host picks any address of its /64), and uses it up for them.
// It returns a *TokenError, or an error from the [NonceStore].
//
// A token is single-use per visitor rather than outright, so that a page
// cache may serve one rendered form, token included, to many visitors:
// each of them can comment once with it, while a bot replaying a token
// from one address is refused.
func (s *Service) VerifyToken(ctx context.Context, token, thread, visitor string) error {
	if token == "" {
		return &TokenError{Problem: TokenMissing}
	}
	if len(token) != base64.RawURLEncoding.EncodedLen(tokenLen) {
		return &TokenError{Problem: TokenMalformed}
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != tokenLen || raw[0] != tokenVersion {
		return &TokenError{Problem: TokenMalformed}
	}
	tag := threadTag(strings.TrimSpace(thread))
	if !hmac.Equal(raw[payloadLen:], s.tokenMAC(raw[:payloadLen])) {
		return &TokenError{Problem: TokenForged}
	}
	if !hmac.Equal(raw[9+nonceLen:payloadLen], tag[:]) {
		return &TokenError{Problem: TokenOtherThread}
	}
	issued := time.UnixMilli(int64(binary.BigEndian.Uint64(raw[1:9])))
	now := s.now()
	age := now.Sub(issued)
	switch {
	case age < s.tokenMinAge:
		return &TokenError{Problem: TokenTooNew}
	case age > s.tokenMaxAge:
		return &TokenError{Problem: TokenExpired}
	}
	nonce := base64.RawURLEncoding.EncodeToString(raw[9:9+nonceLen]) + "|" + NetworkKey(visitor)
	fresh, err := s.nonces.Use(ctx, nonce, issued.Add(s.tokenMaxAge))
	if err != nil {
		return fmt.Errorf("comments: token nonce: %w", err)
	}
	if !fresh {
		return &TokenError{Problem: TokenReused}
	}
	return nil
}

// tokenMAC signs a token's payload, which holds the thread's tag.
func (s *Service) tokenMAC(payload []byte) []byte {
	m := hmac.New(sha256.New, s.tokenKey)
	m.Write(tokenContext)
	m.Write(payload)
	return m.Sum(nil)
}

// threadTag is the part of a token that names its thread: the first bytes
// of the thread key's SHA-256.
func threadTag(thread string) (tag [threadTagLen]byte) {
	sum := sha256.Sum256([]byte(thread))
	copy(tag[:], sum[:])
	return tag
}

// NonceStore remembers the nonces of used form tokens so each is accepted
// once. Use records nonce until expires (after which the token is refused
// as expired anyway) and reports whether it was new. It must be safe for
// concurrent use; to refuse replays across several instances of a host,
// they must share one (a table with a unique key, say).
type NonceStore interface {
	Use(ctx context.Context, nonce string, expires time.Time) (fresh bool, err error)
}

// NonceKeeper is an optional capability of a [Store] that several
// instances of a host share (storage/pgstore): it remembers used form
// token nonces where every instance sees them. UseTokenNonce has the
// contract of [NonceStore.Use]: it records nonce until expires and
// reports true exactly once per nonce, across every instance. A
// [Service] over such a Store uses it unless [WithNonceStore] says
// otherwise, so that a token used on one instance is refused on another.
type NonceKeeper interface {
	UseTokenNonce(ctx context.Context, nonce string, expires time.Time) (fresh bool, err error)
}

// keeperNonces is the NonceStore of a Store that is a NonceKeeper.
type keeperNonces struct{ k NonceKeeper }

func (n keeperNonces) Use(ctx context.Context, nonce string, expires time.Time) (bool, error) {
	return n.k.UseTokenNonce(ctx, nonce, expires)
}

// NonceCache is the in-memory [NonceStore]: it keeps at most a fixed
// number of nonces and forgets each when it expires. When full it forgets
// the one closest to expiry first; a nonce forgotten early lets its token
// be accepted once more, which costs a robot no less than fetching a new
// form. It serves one process only.
type NonceCache struct {
	mu    sync.Mutex
	limit int
	now   func() time.Time
	seen  map[string]struct{}
	queue nonceHeap
}

// NewNonceCache returns a NonceCache of at most limit nonces (1 at least),
// reading the time from now (time.Now if nil).
func NewNonceCache(limit int, now func() time.Time) *NonceCache {
	if now == nil {
		now = time.Now
	}
	return &NonceCache{limit: max(limit, 1), now: now, seen: make(map[string]struct{})}
}

// Use records nonce until expires and reports whether it was not already
// recorded. It never fails.
func (c *NonceCache) Use(_ context.Context, nonce string, expires time.Time) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	for len(c.queue) > 0 && !c.queue[0].expires.After(now) {
		delete(c.seen, heap.Pop(&c.queue).(nonceEntry).nonce)
	}
	if _, ok := c.seen[nonce]; ok {
		return false, nil
	}
	for len(c.queue) >= c.limit {
		delete(c.seen, heap.Pop(&c.queue).(nonceEntry).nonce)
	}
	c.seen[nonce] = struct{}{}
	heap.Push(&c.queue, nonceEntry{nonce: nonce, expires: expires})
	return true, nil
}

// Len returns the number of nonces remembered.
func (c *NonceCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}

type nonceEntry struct {
	nonce   string
	expires time.Time
}

type nonceHeap []nonceEntry

func (h nonceHeap) Len() int           { return len(h) }
func (h nonceHeap) Less(i, j int) bool { return h[i].expires.Before(h[j].expires) }
func (h nonceHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *nonceHeap) Push(x any)        { *h = append(*h, x.(nonceEntry)) }
func (h *nonceHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
