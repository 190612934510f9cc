package comments

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"time"
)

// Defaults of a [Service] built without the matching [Option].
const (
	DefaultFloodInterval = 15 * time.Second // as WordPress's comment flood check
	DefaultMaxDepth      = 5                // as WordPress's thread_comments_depth
	DefaultTokenMinAge   = 2 * time.Second
	DefaultTokenMaxAge   = 24 * time.Hour
	DefaultNonceLimit    = 100_000
	DefaultPerPage       = 50 // top-level comments on a page of a thread
)

// MinTokenKey is the shortest key [WithTokenKey] accepts, in bytes.
const MinTokenKey = 32

// Service is the comment engine: it takes submissions through validation,
// the guards and the moderation rules, stores them with their rendered
// HTML, serves threads page by page and carries out moderators' decisions.
//
// Build one with [NewService] and share it: every method is safe for
// concurrent use.
type Service struct {
	store         Store
	now           func() time.Time
	log           *slog.Logger
	renderer      *Renderer
	rules         []Rule
	flood         time.Duration
	networks      floodNetworks // the flood guard's memory of IPv6 /64s
	maxDepth      int
	closeAfter    time.Duration
	spam          SpamChecker
	threads       ThreadPolicy
	notifiers     []Notifier
	refused       func(context.Context, error) // WithRefusals; nil for none
	tokenKey      []byte
	tokenMinAge   time.Duration
	tokenMaxAge   time.Duration
	nonces        NonceStore
	rulesSet      bool
	tokenKeyGiven bool
}

// Option configures a [Service] in [NewService].
type Option func(*Service)

// WithClock sets the clock the Service reads the time from (time.Now by
// default). Tests pass a fake one.
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithLogger sets where the Service logs what it decides on its own: a
// random token key, a failing spam checker or notifier (slog.Default() by
// default).
func WithLogger(l *slog.Logger) Option { return func(s *Service) { s.log = l } }

// WithRenderer sets the Markdown renderer comment bodies go through
// (NewRenderer() by default).
func WithRenderer(r *Renderer) Option { return func(s *Service) { s.renderer = r } }

// WithRules replaces the moderation rules ([WordPressDefaults] by default).
// Rules run in the order given; see [Evaluate]. WithRules() with no rule
// approves every comment that passes the guards.
func WithRules(rules ...Rule) Option {
	return func(s *Service) {
		s.rules = append([]Rule(nil), rules...)
		s.rulesSet = true
	}
}

// WithFloodInterval sets the least time between two comments from the same
// IP address (a whole IPv6 /64 counting as one, see [NetworkKey]) or email
// ([DefaultFloodInterval] by default; 0 turns the flood guard off).
func WithFloodInterval(d time.Duration) Option { return func(s *Service) { s.flood = d } }

// WithMaxDepth sets how deep replies nest ([DefaultMaxDepth] by default; 1
// means no replies nest, every comment is top-level). A reply that would
// go deeper hangs on the deepest ancestor allowed, as a flat reply.
func WithMaxDepth(n int) Option { return func(s *Service) { s.maxDepth = n } }

// WithCloseAfter closes threads older than d to new comments, as
// WordPress's "automatically close comments on posts older than N days"
// (0, the default, never closes them). A thread's age is the CreatedAt
// its [ThreadPolicy] reports; a thread with none never closes by age.
func WithCloseAfter(d time.Duration) Option { return func(s *Service) { s.closeAfter = d } }

// WithSpamChecker adds an outside spam check run after the rules (none by
// default).
func WithSpamChecker(c SpamChecker) Option { return func(s *Service) { s.spam = c } }

// WithNotifier adds a receiver of the Service's [Event]s; several may be
// added and are called in order.
func WithNotifier(n Notifier) Option {
	return func(s *Service) { s.notifiers = append(s.notifiers, n) }
}

// WithTokenKey sets the secret that signs form tokens; it must be at least
// [MinTokenKey] bytes. Without it the Service draws a random key at start
// (and logs that it did): tokens then die with the process and are not
// accepted by other instances, so a host with several instances or
// restarts under load must set one.
func WithTokenKey(key []byte) Option {
	return func(s *Service) {
		s.tokenKey = append([]byte(nil), key...)
		s.tokenKeyGiven = true
	}
}

// WithTokenAge sets how old a form token must be ([DefaultTokenMinAge]: a
// person takes longer than that to write a comment) and may be
// ([DefaultTokenMaxAge]) when the form comes back.
func WithTokenAge(min, max time.Duration) Option {
	return func(s *Service) { s.tokenMinAge, s.tokenMaxAge = min, max }
}

// WithNonceStore sets where the nonces of used form tokens are remembered:
// by default the Store itself if it is a [NonceKeeper] (a store several
// instances share), else an in-memory [NonceCache] of [DefaultNonceLimit]
// entries.
// Several instances of a host need a shared one to refuse a token replayed
// on another instance.
func WithNonceStore(n NonceStore) Option { return func(s *Service) { s.nonces = n } }

// NewService returns a Service over store that takes comments only on the
// threads that threads knows and reports open, configured by opts. A
// required argument that is nil or an option out of range (a negative
// interval, a max depth below 1, a token key shorter than [MinTokenKey], a
// token min age not below its max age, a nil rule) is an [*OptionError]
// naming it; nothing is built.
func NewService(store Store, threads ThreadPolicy, opts ...Option) (*Service, error) {
	if store == nil {
		return nil, &OptionError{Option: "store", Reason: "nil"}
	}
	if threads == nil {
		return nil, &OptionError{Option: "threads", Reason: "nil: every Service needs the host's thread policy"}
	}
	s := &Service{
		store:       store,
		threads:     threads,
		now:         time.Now,
		flood:       DefaultFloodInterval,
		maxDepth:    DefaultMaxDepth,
		tokenMinAge: DefaultTokenMinAge,
		tokenMaxAge: DefaultTokenMaxAge,
	}
	for _, opt := range opts {
		opt(s)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.renderer == nil {
		s.renderer = NewRenderer()
	}
	if !s.rulesSet {
		s.rules = WordPressDefaults()
	}
	for i, r := range s.rules {
		if r == nil {
			return nil, &OptionError{Option: "WithRules", Reason: fmt.Sprintf("rule %d is nil", i)}
		}
	}
	switch {
	case s.flood < 0:
		return nil, &OptionError{Option: "WithFloodInterval", Reason: fmt.Sprintf("negative interval %v", s.flood)}
	case s.maxDepth < 1:
		return nil, &OptionError{Option: "WithMaxDepth", Reason: fmt.Sprintf("depth %d, want 1 or more", s.maxDepth)}
	case s.closeAfter < 0:
		return nil, &OptionError{Option: "WithCloseAfter", Reason: fmt.Sprintf("negative age %v", s.closeAfter)}
	case s.tokenMinAge < 0 || s.tokenMaxAge <= s.tokenMinAge:
		return nil, &OptionError{Option: "WithTokenAge", Reason: fmt.Sprintf("ages %v..%v, want 0 <= min < max", s.tokenMinAge, s.tokenMaxAge)}
	}
	if s.tokenKeyGiven {
		if len(s.tokenKey) < MinTokenKey {
			return nil, &OptionError{Option: "WithTokenKey", Reason: fmt.Sprintf("key of %d bytes, want %d or more", len(s.tokenKey), MinTokenKey)}
		}
	} else {
		s.tokenKey = make([]byte, MinTokenKey)
		rand.Read(s.tokenKey) // never fails since Go 1.24
		s.log.Info("comments: no token key set; using a random one, so form tokens do not survive a restart or work across instances")
	}
	if s.nonces == nil {
		if k, ok := store.(NonceKeeper); ok {
			s.nonces = keeperNonces{k}
		} else {
			s.nonces = NewNonceCache(DefaultNonceLimit, s.now)
		}
	}
	return s, nil
}

// ThreadInfo is what the host knows of a thread: whether it takes comments
// and when it began (its post's publication time; zero if unknown).
type ThreadInfo struct {
	Open      bool
	CreatedAt time.Time
}

// ThreadPolicy is the host's view of its threads. Thread returns the
// thread with that key, or an error wrapping [ErrNotFound] if there is
// none (an unpublished post is none, for visitors). Other errors fail the
// submission. It must be safe for concurrent use.
type ThreadPolicy interface {
	Thread(ctx context.Context, key string) (ThreadInfo, error)
}

// ThreadPolicyFunc adapts a function to [ThreadPolicy].
type ThreadPolicyFunc func(ctx context.Context, key string) (ThreadInfo, error)

// Thread calls f(ctx, key).
func (f ThreadPolicyFunc) Thread(ctx context.Context, key string) (ThreadInfo, error) {
	return f(ctx, key)
}

// timeNow returns the Service's time in UTC at the precision stores keep.
func (s *Service) timeNow() time.Time { return s.now().UTC().Truncate(time.Microsecond) }
