package comments_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
)

func TestNewService_options(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opts   []comments.Option
		option string // the OptionError's Option; "" for none
	}{
		{"defaults", nil, ""},
		{"short token key", []comments.Option{comments.WithTokenKey([]byte("short"))}, "WithTokenKey"},
		{"negative flood interval", []comments.Option{comments.WithFloodInterval(-time.Second)}, "WithFloodInterval"},
		{"flood guard off", []comments.Option{comments.WithFloodInterval(0)}, ""},
		{"max depth 0", []comments.Option{comments.WithMaxDepth(0)}, "WithMaxDepth"},
		{"max depth 1", []comments.Option{comments.WithMaxDepth(1)}, ""},
		{"negative close after", []comments.Option{comments.WithCloseAfter(-time.Hour)}, "WithCloseAfter"},
		{"close after", []comments.Option{comments.WithCloseAfter(time.Hour)}, ""},
		{"token min age not below max", []comments.Option{comments.WithTokenAge(time.Hour, time.Hour)}, "WithTokenAge"},
		{"nil rule", []comments.Option{comments.WithRules(nil)}, "WithRules"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := append([]comments.Option{comments.WithLogger(quietLogger())}, tt.opts...)
			svc, err := comments.NewService(memstore.New(), openThreads, opts...)
			if tt.option == "" {
				require.NoError(t, err)
				assert.NotNil(t, svc)
				return
			}
			oe, ok := errors.AsType[*comments.OptionError](err)
			require.True(t, ok, "want an *OptionError, got %v", err)
			assert.Equal(t, tt.option, oe.Option)
			assert.Nil(t, svc)
		})
	}
}

func TestNewService_requiredArguments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		store   comments.Store
		threads comments.ThreadPolicy
		option  string
	}{
		{"nil store", nil, openThreads, "store"},
		{"nil thread policy", memstore.New(), nil, "threads"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, err := comments.NewService(tt.store, tt.threads)
			oe, ok := errors.AsType[*comments.OptionError](err)
			require.True(t, ok, "want an *OptionError, got %v", err)
			assert.Equal(t, tt.option, oe.Option)
			assert.Nil(t, svc)
		})
	}
}

func TestService_Submit_setsServerFields(t *testing.T) {
	t.Parallel()
	h := newHarness(t, comments.WithRules())
	s := h.sub("post-1", "Ann", "ann@example.com", "**Hi** <script>alert(1)</script>")
	s.Author.Verified = true // without a UserID the host vouched for nothing
	c := h.submit(t, s)
	assert.NotZero(t, c.ID)
	assert.Equal(t, comments.TypeComment, c.Type)
	assert.Equal(t, start, c.CreatedAt)
	assert.False(t, c.Author.Verified)
	assert.Equal(t, comments.StatusApproved, c.Status)
	assert.Equal(t, comments.Decision{Status: comments.StatusApproved, Rule: comments.RuleDefault, Reason: c.Decision.Reason}, c.Decision)
	assert.Contains(t, string(c.HTML), "<strong>Hi</strong>")
	assert.NotContains(t, string(c.HTML), "<script")

	stored, err := h.store.GetComment(context.Background(), c.ID)
	require.NoError(t, err)
	assert.Equal(t, c, stored, "Submit returns the comment as stored")
}

func TestService_Submit_thread(t *testing.T) {
	t.Parallel()
	created := start.Add(-30 * 24 * time.Hour)
	policy := comments.ThreadPolicyFunc(func(_ context.Context, key string) (comments.ThreadInfo, error) {
		switch key {
		case "open":
			return comments.ThreadInfo{Open: true, CreatedAt: created}, nil
		case "closed":
			return comments.ThreadInfo{Open: false, CreatedAt: created}, nil
		case "broken":
			return comments.ThreadInfo{}, errors.New("database down")
		}
		return comments.ThreadInfo{}, comments.ErrNotFound
	})
	tests := []struct {
		name    string
		thread  string
		advance time.Duration // after the thread's 30th day
		want    error
	}{
		{"open", "open", 0, nil},
		{"closed", "closed", 0, comments.ErrClosed},
		{"unknown", "nope", 0, comments.ErrNotFound},
		{"just past the close-after age", "open", time.Second, comments.ErrClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarnessThreads(t, policy, comments.WithRules(), comments.WithCloseAfter(30*24*time.Hour))
			h.clock.Advance(tt.advance)
			c, err := h.svc.Submit(context.Background(), h.sub(tt.thread, "Ann", "ann@example.com", "Hello."))
			if tt.want == nil {
				require.NoError(t, err)
				assert.NotNil(t, c)
				return
			}
			assert.ErrorIs(t, err, tt.want)
		})
	}
	t.Run("lookup failure", func(t *testing.T) {
		t.Parallel()
		h := newHarnessThreads(t, policy)
		_, err := h.svc.Submit(context.Background(), h.sub("broken", "Ann", "ann@example.com", "Hello."))
		require.Error(t, err)
		assert.NotErrorIs(t, err, comments.ErrClosed)
		assert.NotErrorIs(t, err, comments.ErrNotFound)
	})
	t.Run("trusted authors are refused on a closed thread too", func(t *testing.T) {
		t.Parallel()
		h := newHarnessThreads(t, policy)
		s := h.sub("closed", "Mod", "mod@example.com", "Hello.")
		s.Trusted = true
		_, err := h.svc.Submit(context.Background(), s)
		assert.ErrorIs(t, err, comments.ErrClosed)
	})
}

func TestService_Submit_parent(t *testing.T) {
	t.Parallel()
	h := newHarness(t, comments.WithRules(comments.ManualModeration()))
	top := h.approved(t, "post-1", 0, "top")
	other := h.approved(t, "post-2", 0, "elsewhere")
	held := h.submit(t, h.sub("post-1", "Bob", "bob@example.com", "held"))
	require.Equal(t, comments.StatusPending, held.Status)

	tests := []struct {
		name   string
		parent int64
		ok     bool
	}{
		{"approved parent on the thread", top.ID, true},
		{"no such parent", 9999, false},
		{"parent on another thread", other.ID, false},
		{"parent awaiting moderation", held.ID, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := h.sub("post-1", "Cat", "cat@example.com", "reply to "+tt.name)
			s.ParentID = tt.parent
			c, err := h.svc.Submit(context.Background(), s)
			h.clock.Advance(time.Minute)
			if tt.ok {
				require.NoError(t, err)
				assert.Equal(t, tt.parent, c.ParentID)
				return
			}
			var ve *comments.ValidationError
			require.ErrorAs(t, err, &ve)
			fe, ok := ve.Field(comments.FieldParent)
			require.True(t, ok)
			assert.Equal(t, comments.ProblemInvalid, fe.Problem)
		})
	}
}

func TestService_Submit_depthCapping(t *testing.T) {
	t.Parallel()
	t.Run("max depth 3", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, comments.WithMaxDepth(3))
		d1 := h.approved(t, "p", 0, "depth 1")
		d2 := h.approved(t, "p", d1.ID, "depth 2")
		d3 := h.approved(t, "p", d2.ID, "depth 3")
		assert.Equal(t, d2.ID, d3.ParentID, "depth 3 is allowed")
		deeper := h.approved(t, "p", d3.ID, "would be depth 4")
		assert.Equal(t, d2.ID, deeper.ParentID, "hangs beside its parent, at depth 3")
	})
	t.Run("max depth 1 flattens every reply", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, comments.WithMaxDepth(1))
		d1 := h.approved(t, "p", 0, "top")
		reply := h.approved(t, "p", d1.ID, "reply")
		assert.Zero(t, reply.ParentID)
	})
	t.Run("default depth 5", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		var ids []int64
		parent := int64(0)
		for i := range 7 {
			c := h.approved(t, "p", parent, "level "+string(rune('1'+i)))
			ids = append(ids, c.ID)
			parent = c.ID
		}
		// Levels 1–5 nest; 6 and 7 hang on level 4, beside level 5.
		got, err := h.store.GetComment(context.Background(), ids[5])
		require.NoError(t, err)
		assert.Equal(t, ids[3], got.ParentID)
		tree := comments.BuildTree(mustList(t, h, "p"))
		assert.Equal(t, 5, maxDepth(tree))
	})
}

func mustList(t testing.TB, h *harness, thread string) []*comments.Comment {
	t.Helper()
	list, err := h.store.ListComments(context.Background(), comments.CommentQuery{Thread: thread})
	require.NoError(t, err)
	return list
}

func maxDepth(nodes []*comments.Node) int {
	d := 0
	for _, n := range nodes {
		d = max(d, n.Depth, maxDepth(n.Children))
	}
	return d
}

func TestService_Submit_honeypot(t *testing.T) {
	t.Parallel()
	h := newHarness(t, comments.WithRules())
	s := h.sub("post-1", "Bot", "bot@example.com", "Buy now")
	s.Honeypot = "http://spam.example"
	c, err := h.svc.Submit(context.Background(), s)
	require.NoError(t, err, "a robot is not told it was caught")
	assert.Equal(t, comments.StatusSpam, c.Status)
	assert.Equal(t, comments.RuleHoneypot, c.Decision.Rule)
	stored, err := h.store.GetComment(context.Background(), c.ID)
	require.NoError(t, err, "nothing is silently dropped")
	assert.Equal(t, comments.StatusSpam, stored.Status)
	assert.Equal(t, []comments.EventKind{comments.EventSubmitted}, h.events.Kinds())
}

func TestService_Submit_spamChecker(t *testing.T) {
	t.Parallel()
	calls := 0
	checker := func(spam bool, err error) comments.SpamChecker {
		return comments.SpamCheckerFunc(func(context.Context, *comments.Comment) (bool, string, error) {
			calls++
			return spam, "known spammer", err
		})
	}
	tests := []struct {
		name      string
		checker   comments.SpamChecker
		rules     []comments.Rule
		trusted   bool
		want      comments.Status
		rule      string
		wantCalls int
	}{
		{"spam", checker(true, nil), nil, false, comments.StatusSpam, comments.RuleSpamChecker, 1},
		{"ham", checker(false, nil), nil, false, comments.StatusApproved, comments.RuleDefault, 1},
		{"failure holds an approved comment", checker(false, errors.New("timeout")), nil, false, comments.StatusPending, comments.RuleSpamChecker, 1},
		{"failure keeps the rules' hold", checker(false, errors.New("timeout")), []comments.Rule{comments.ManualModeration()}, false, comments.StatusPending, comments.RuleManual, 1},
		{"not asked about trashed comments", checker(false, nil), []comments.Rule{comments.DisallowedWords(comments.StatusTrash, "hello")}, false, comments.StatusTrash, comments.RuleDisallowedWords, 0},
		{"not asked about trusted comments", checker(true, nil), nil, true, comments.StatusApproved, comments.RuleTrusted, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { // not parallel: calls is shared
			calls = 0
			h := newHarness(t, comments.WithRules(tt.rules...), comments.WithSpamChecker(tt.checker))
			s := h.sub("post-1", "Ann", "ann@example.com", "hello")
			s.Trusted = tt.trusted
			c := h.submit(t, s)
			assert.Equal(t, tt.want, c.Status)
			assert.Equal(t, tt.rule, c.Decision.Rule)
			assert.Equal(t, tt.wantCalls, calls)
		})
	}
}

func TestService_Submit_ruleFailureHolds(t *testing.T) {
	t.Parallel()
	failing := comments.RuleFunc(func(context.Context, *comments.Comment, comments.RuleEnv) (comments.Verdict, error) {
		return comments.Pass, errors.New("rule broke")
	})
	h := newHarness(t, comments.WithRules(failing))
	c := h.submit(t, h.sub("post-1", "Ann", "ann@example.com", "hello"))
	assert.Equal(t, comments.StatusPending, c.Status)
	assert.Equal(t, comments.RuleError, c.Decision.Rule)
}

func TestService_Submit_trusted(t *testing.T) {
	t.Parallel()
	h := newHarness(t, comments.WithRules(comments.ManualModeration()))
	for i := range 3 { // no token, no flood interval between them
		s := comments.Submission{
			Thread: "post-1", Author: comments.Author{UserID: "admin", Name: "Admin"},
			Body: "note " + string(rune('a'+i)), IP: "192.0.2.9", Trusted: true,
		}
		c, err := h.svc.Submit(context.Background(), s)
		require.NoError(t, err)
		assert.Equal(t, comments.StatusApproved, c.Status)
		assert.Equal(t, comments.RuleTrusted, c.Decision.Rule)
	}
	_, err := h.svc.Submit(context.Background(), comments.Submission{
		Thread: "post-1", Author: comments.Author{UserID: "admin"}, Body: "note a", Trusted: true,
	})
	assert.ErrorIs(t, err, comments.ErrDuplicate, "trusted authors are still kept from repeating themselves")
}

func TestService_Submit_duplicate(t *testing.T) {
	t.Parallel()
	h := newHarness(t, comments.WithRules())
	first := h.submit(t, h.sub("post-1", "Ann", "ann@example.com", "Same words."))

	_, err := h.svc.Submit(context.Background(), h.sub("post-1", "Ann", "ANN@example.com", "Same words."))
	assert.ErrorIs(t, err, comments.ErrDuplicate)
	_, err = h.svc.Submit(context.Background(), h.sub("post-1", "Ann", "ann@example.com", "  Same words.\r\n"))
	assert.ErrorIs(t, err, comments.ErrDuplicate, "the same after trimming")

	h.submit(t, h.sub("post-2", "Ann", "ann@example.com", "Same words."))
	h.submit(t, h.sub("post-1", "Bob", "bob@example.com", "Same words."))

	_, err = h.svc.Trash(context.Background(), first.ID)
	require.NoError(t, err)
	h.submit(t, h.sub("post-1", "Ann", "ann@example.com", "Same words."))
}

func TestService_Submit_flood(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		edit    func(*comments.Submission)
		wait    time.Duration
		flood   bool
		retryIn time.Duration
	}{
		{"same IP after 14s", func(s *comments.Submission) { s.Author.Email = "other@example.com" }, 14 * time.Second, true, time.Second},
		{"same IP after 15s", func(s *comments.Submission) { s.Author.Email = "other@example.com" }, 15 * time.Second, false, 0},
		{"same email after 14s", func(s *comments.Submission) { s.IP = "198.51.100.7" }, 14 * time.Second, true, time.Second},
		{"same email after 15s", func(s *comments.Submission) { s.IP = "198.51.100.7" }, 15 * time.Second, false, 0},
		{"same email, other case, at once", func(s *comments.Submission) { s.IP = "198.51.100.7"; s.Author.Email = "ANN@EXAMPLE.COM" }, 0, true, 15 * time.Second},
		{"someone else at once", func(s *comments.Submission) { s.IP = "198.51.100.7"; s.Author.Email = "bob@example.com" }, 0, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, comments.WithRules())
			_, err := h.svc.Submit(context.Background(), h.sub("post-1", "Ann", "ann@example.com", "first"))
			require.NoError(t, err)
			h.clock.Advance(tt.wait)
			s := h.sub("post-1", "Ann", "ann@example.com", "second")
			tt.edit(&s)
			_, err = h.svc.Submit(context.Background(), s)
			if !tt.flood {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, comments.ErrFlood)
			var fe *comments.FloodError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.retryIn, fe.RetryAfter)
		})
	}
	t.Run("off", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, comments.WithRules(), comments.WithFloodInterval(0))
		for _, body := range []string{"one", "two", "three"} {
			_, err := h.svc.Submit(context.Background(), h.sub("post-1", "Ann", "ann@example.com", body))
			require.NoError(t, err)
		}
	})
}

func TestService_Submit_events(t *testing.T) {
	t.Parallel()
	store := memstore.New()
	var seen []bool
	check := comments.NotifierFunc(func(ctx context.Context, e comments.Event) error {
		_, err := store.GetComment(ctx, e.Comment.ID)
		seen = append(seen, err == nil)
		e.Comment.Source = "changed by the notifier"
		return errors.New("a notifier's error changes nothing")
	})
	clk := newClock()
	svc, err := comments.NewService(store, openThreads, comments.WithClock(clk.Now), comments.WithTokenKey(testKey),
		comments.WithTokenAge(0, time.Hour), comments.WithLogger(quietLogger()), comments.WithNotifier(check))
	require.NoError(t, err)

	c, err := svc.Submit(context.Background(), comments.Submission{
		Thread: "t", Author: comments.Author{Name: "Ann", Email: "ann@example.com"}, Body: "hi", Token: svc.NewToken("t"),
	})
	require.NoError(t, err)
	assert.Equal(t, []bool{true}, seen, "the event comes after the write")
	assert.Equal(t, "hi", c.Source, "the notifier got a copy")

	_, err = svc.Submit(context.Background(), comments.Submission{Thread: "t", Body: "no author", Token: svc.NewToken("t")})
	require.Error(t, err)
	_, err = svc.Submit(context.Background(), comments.Submission{
		Thread: "t", Author: comments.Author{Name: "Ann", Email: "ann@example.com"}, Body: "flood", Token: svc.NewToken("t"),
	})
	require.ErrorIs(t, err, comments.ErrFlood)
	assert.Len(t, seen, 1, "failed submissions emit nothing")
}

func TestService_Submit_cancelledContext(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := h.svc.Submit(ctx, h.sub("post-1", "Ann", "ann@example.com", "hello"))
	assert.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, h.events.Kinds())
	assert.Empty(t, mustList(t, h, "post-1"))
}

func TestService_Submit_authorURL(t *testing.T) {
	t.Parallel()
	h := newHarness(t, comments.WithRules())
	s := h.sub("post-1", "Ann", "ann@example.com", "hi")
	s.Author.URL = "HTTPS://Example.COM/ann"
	c := h.submit(t, s)
	want, ok := comments.SafeURL("HTTPS://Example.COM/ann")
	require.True(t, ok)
	assert.Equal(t, want, c.Author.URL, "stored as SafeURL normalised it")
	assert.True(t, strings.HasPrefix(strings.ToLower(c.Author.URL), "https://"))
}
