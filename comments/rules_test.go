package comments_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
)

// says returns a rule that always gives the verdict (status, name).
func says(status comments.Status, name string) comments.Rule {
	return comments.RuleFunc(func(context.Context, *comments.Comment, comments.RuleEnv) (comments.Verdict, error) {
		if status == "" {
			return comments.Pass, nil
		}
		return comments.Decide(status, name, "because "+name), nil
	})
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	const (
		approve = comments.StatusApproved
		hold    = comments.StatusPending
		spam    = comments.StatusSpam
		trash   = comments.StatusTrash
	)
	tests := []struct {
		name       string
		rules      []comments.Rule
		wantStatus comments.Status
		wantRule   string
	}{
		{"no rules approve", nil, approve, comments.RuleDefault},
		{"no opinions approve", []comments.Rule{says("", "a"), says("", "b")}, approve, comments.RuleDefault},
		{"first approval", []comments.Rule{says("", "a"), says(approve, "b"), says(approve, "c")}, approve, "b"},
		{"a hold beats an earlier approval", []comments.Rule{says(approve, "a"), says(hold, "b")}, hold, "b"},
		{"the first hold wins", []comments.Rule{says(hold, "a"), says(hold, "b"), says(approve, "c")}, hold, "a"},
		{"trash beats an earlier hold", []comments.Rule{says(hold, "a"), says(trash, "b")}, trash, "b"},
		{"spam ends the run", []comments.Rule{says(spam, "a"), says(trash, "b")}, spam, "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := comments.Evaluate(context.Background(), tt.rules, &comments.Comment{}, comments.RuleEnv{})
			require.NoError(t, err)
			assert.Equal(t, tt.wantStatus, d.Status)
			assert.Equal(t, tt.wantRule, d.Rule)
			assert.NotEmpty(t, d.Reason)
		})
	}
	t.Run("errors", func(t *testing.T) {
		t.Parallel()
		broken := comments.RuleFunc(func(context.Context, *comments.Comment, comments.RuleEnv) (comments.Verdict, error) {
			return comments.Pass, errors.New("broken")
		})
		_, err := comments.Evaluate(context.Background(), []comments.Rule{says(hold, "a"), broken}, &comments.Comment{}, comments.RuleEnv{})
		assert.Error(t, err)
		_, err = comments.Evaluate(context.Background(), []comments.Rule{says("weird", "a")}, &comments.Comment{}, comments.RuleEnv{})
		assert.Error(t, err, "an unknown status")
	})
}

func TestRules(t *testing.T) {
	t.Parallel()
	html := func(src string) *comments.Comment {
		h, err := comments.Render(src)
		if err != nil {
			panic(err)
		}
		return &comments.Comment{Source: src, HTML: h, Author: comments.Author{Name: "Ann", Email: "ann@example.com"}}
	}
	with := func(f func(*comments.Comment)) *comments.Comment {
		c := &comments.Comment{
			Author: comments.Author{Name: "Ann", Email: "ann@example.com", URL: "https://ann.example"},
			Source: "Nice post.", IP: "192.0.2.1", UserAgent: "Mozilla/5.0",
		}
		f(c)
		return c
	}
	tests := []struct {
		name       string
		rule       comments.Rule
		comment    *comments.Comment
		wantStatus comments.Status // "" for no opinion
		wantReason string
	}{
		{"manual moderation holds", comments.ManualModeration(), with(func(*comments.Comment) {}), comments.StatusPending, "held: every comment is moderated"},

		{"one link passes", comments.LinkLimit(2), html("see [this](https://a.example)"), "", ""},
		{"two Markdown links hold", comments.LinkLimit(2), html("[a](https://a.example) and [b](https://b.example)"), comments.StatusPending, "held: 2 links, limit 2"},
		{"bare addresses count", comments.LinkLimit(2), html("www.a.example and http://b.example and https://c.example"), comments.StatusPending, "held: 3 links, limit 2"},
		{"anchors in the HTML count", comments.LinkLimit(2), &comments.Comment{HTML: `<p><a href="x">1</a> <a rel="ugc" href="y">2</a></p>`}, comments.StatusPending, "held: 2 links, limit 2"},
		{"limit 0 is off", comments.LinkLimit(0), html("[a](https://a.example) [b](https://b.example) [c](https://c.example)"), "", ""},

		{"moderation word in body", comments.ModerationWords("casino"), with(func(c *comments.Comment) { c.Source = "Best CASINO here" }), comments.StatusPending, `held: "casino" in comment`},
		{"moderation word in name", comments.ModerationWords("  Pills "), with(func(c *comments.Comment) { c.Author.Name = "cheap pills" }), comments.StatusPending, `held: "pills" in author`},
		{"moderation word in email", comments.ModerationWords("spam.example"), with(func(c *comments.Comment) { c.Author.Email = "x@SPAM.example" }), comments.StatusPending, `held: "spam.example" in email`},
		{"moderation word in URL", comments.ModerationWords("shop"), with(func(c *comments.Comment) { c.Author.URL = "https://shop.example" }), comments.StatusPending, `held: "shop" in url`},
		{"moderation word in IP", comments.ModerationWords("203.0.113."), with(func(c *comments.Comment) { c.IP = "203.0.113.5" }), comments.StatusPending, `held: "203.0.113." in IP address`},
		{"moderation word in user agent", comments.ModerationWords("curl"), with(func(c *comments.Comment) { c.UserAgent = "curl/8.0" }), comments.StatusPending, `held: "curl" in user agent`},
		{"non-ASCII word, other case", comments.ModerationWords("ÄRGER"), with(func(c *comments.Comment) { c.Source = "so ein ärger" }), comments.StatusPending, `held: "ärger" in comment`},
		{"no moderation word", comments.ModerationWords("casino", " "), with(func(*comments.Comment) {}), "", ""},
		{"blank words only", comments.ModerationWords("", "  "), with(func(*comments.Comment) {}), "", ""},

		{"disallowed word trashes", comments.DisallowedWords(comments.StatusTrash, "viagra"), with(func(c *comments.Comment) { c.Source = "Viagra!" }), comments.StatusTrash, `trash: "viagra" in comment`},
		{"disallowed word as spam", comments.DisallowedWords(comments.StatusSpam, "viagra"), with(func(c *comments.Comment) { c.Source = "viagra" }), comments.StatusSpam, `spam: "viagra" in comment`},
		{"disallowed to an odd status trashes", comments.DisallowedWords(comments.StatusApproved, "viagra"), with(func(c *comments.Comment) { c.Source = "viagra" }), comments.StatusTrash, `trash: "viagra" in comment`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := tt.rule.Check(context.Background(), tt.comment, comments.RuleEnv{Store: memstore.New()})
			require.NoError(t, err)
			if tt.wantStatus == "" {
				assert.False(t, v.Decided(), "want no opinion, got %+v", v)
				return
			}
			assert.Equal(t, tt.wantStatus, v.Decision.Status)
			assert.Equal(t, tt.wantReason, v.Decision.Reason)
		})
	}
}

func TestWordPressDefaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t) // WordPressDefaults
	ctx := context.Background()

	first := h.submit(t, h.sub("post-1", "Ann", "ann@example.com", "First!"))
	assert.Equal(t, comments.Decision{Status: comments.StatusPending, Rule: comments.RulePreviouslyApproved, Reason: "held: first comment from this author"}, first.Decision)

	again := h.submit(t, h.sub("post-1", "Ann", "ann@example.com", "Still waiting?"))
	assert.Equal(t, comments.StatusPending, again.Status, "a held comment does not count")

	_, err := h.svc.Approve(ctx, first.ID)
	require.NoError(t, err)
	back := h.sub("post-2", "Ann", "Ann@Example.com", "Back again.")
	back.Vouched = true
	known := h.submit(t, back)
	assert.Equal(t, comments.Decision{Status: comments.StatusApproved, Rule: comments.RulePreviouslyApproved, Reason: "approved: author has an approved comment"}, known.Decision)

	withLinks := h.sub("post-2", "Ann", "ann@example.com", "[one](https://a.example) [two](https://b.example)")
	withLinks.Vouched = true
	links := h.submit(t, withLinks)
	assert.Equal(t, comments.Decision{Status: comments.StatusPending, Rule: comments.RuleLinks, Reason: "held: 2 links, limit 2"}, links.Decision)
}

func TestWordPressRules(t *testing.T) {
	t.Parallel()
	set := comments.DefaultWordPressSettings()
	set.ManualModeration = true
	set.ModerationWords = []string{"casino"}
	set.DisallowedWords = []string{"viagra"}
	h := newHarness(t, comments.WithRules(comments.WordPressRules(set)...))
	ctx := context.Background()

	c := h.submit(t, h.sub("p", "Ann", "ann@example.com", "hello"))
	assert.Equal(t, comments.RuleManual, c.Decision.Rule, "manual moderation comes first")
	_, err := h.svc.Approve(ctx, c.ID)
	require.NoError(t, err)
	c = h.submit(t, h.sub("p", "Ann", "ann@example.com", "hello again"))
	assert.Equal(t, comments.StatusPending, c.Status, "manual moderation holds known authors too")

	c = h.submit(t, h.sub("p", "Ann", "ann@example.com", "casino viagra [a](https://a.example) [b](https://b.example)"))
	assert.Equal(t, comments.StatusTrash, c.Status, "disallowed words win over every hold")
	assert.Equal(t, comments.RuleDisallowedWords, c.Decision.Rule)

	none := comments.WordPressRules(comments.WordPressSettings{})
	assert.Empty(t, none, "every setting off adds no rule")
}

func TestService_DryRun(t *testing.T) {
	t.Parallel()
	h := newHarness(t, comments.WithRules())
	ctx := context.Background()
	a := h.submit(t, h.sub("p", "Ann", "ann@example.com", "nice post"))
	b := h.submit(t, h.sub("p", "Bob", "bob@example.com", "cheap casino deals"))
	require.Equal(t, comments.StatusApproved, a.Status)
	require.Equal(t, comments.StatusApproved, b.Status)
	before := mustList(t, h, "p")
	events := len(h.events.Kinds())

	results, err := h.svc.DryRun(ctx, []comments.Rule{comments.DisallowedWords(comments.StatusSpam, "casino")}, comments.CommentQuery{Thread: "p"})
	require.NoError(t, err)
	require.Len(t, results, 2)
	assert.Equal(t, a.ID, results[0].Comment.ID)
	assert.False(t, results[0].Changed)
	assert.Equal(t, comments.StatusApproved, results[0].Proposed.Status)
	assert.Equal(t, b.ID, results[1].Comment.ID)
	assert.True(t, results[1].Changed)
	assert.Equal(t, comments.StatusApproved, results[1].Current.Status)
	assert.Equal(t, comments.Decision{Status: comments.StatusSpam, Rule: comments.RuleDisallowedWords, Reason: `spam: "casino" in comment`}, results[1].Proposed)

	assert.Equal(t, before, mustList(t, h, "p"), "a dry run writes nothing")
	assert.Len(t, h.events.Kinds(), events, "and emits nothing")

	own, err := h.svc.DryRun(ctx, nil, comments.CommentQuery{Thread: "p"})
	require.NoError(t, err)
	for _, r := range own {
		assert.False(t, r.Changed, "the Service's own rules agree with themselves")
	}
}

// A returning commenter is trusted only when an approved comment has the
// same name and email and the host vouches for the browser: an email
// alone, or a name and email without the host's cookie, is held.
func TestPreviouslyApproved_NameEmailAndVouch(t *testing.T) {
	t.Parallel()
	const first = "held: first comment from this author"
	const unknownBrowser = "held: known author, not recognised on this browser"
	tests := []struct {
		name, author, email string
		vouched             bool
		want                comments.Status
		reason              string
	}{
		{"same name and email, vouched", "Ann Author", "ann@example.com", true, comments.StatusApproved, "approved: author has an approved comment"},
		{"email in another case, vouched", "Ann Author", "ANN@example.COM", true, comments.StatusApproved, "approved: author has an approved comment"},
		{"name with spaces around, vouched", "  Ann Author ", "ann@example.com", true, comments.StatusApproved, "approved: author has an approved comment"},
		{"same name and email, not vouched", "Ann Author", "ann@example.com", false, comments.StatusPending, unknownBrowser},
		{"guessed email under another name, vouched", "Mallory", "ann@example.com", true, comments.StatusPending, first},
		{"guessed email under another name", "Mallory", "ann@example.com", false, comments.StatusPending, first},
		{"same name, another email, vouched", "Ann Author", "ann@example.org", true, comments.StatusPending, first},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t) // WordPressDefaults
			c := h.submit(t, h.sub("p", "Ann Author", "ann@example.com", "First."))
			_, err := h.svc.Approve(context.Background(), c.ID)
			require.NoError(t, err)

			s := h.sub("p", tt.author, tt.email, "Again.")
			s.Vouched = tt.vouched
			got := h.submit(t, s)
			assert.Equal(t, comments.Decision{Status: tt.want, Rule: comments.RulePreviouslyApproved, Reason: tt.reason}, got.Decision)
		})
	}
}
