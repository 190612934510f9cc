package comments

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Rule is one step of moderation. Check looks at a comment about to be
// stored (its Source rendered into HTML, its author validated) and returns
// a [Verdict]: no opinion, or a status with the reason. It must not change
// c, and may read env.Store but never write to it. An error means the
// rule could not decide; see [Evaluate].
type Rule interface {
	Check(ctx context.Context, c *Comment, env RuleEnv) (Verdict, error)
}

// RuleFunc adapts a function to [Rule].
type RuleFunc func(ctx context.Context, c *Comment, env RuleEnv) (Verdict, error)

// Check calls f(ctx, c, env).
func (f RuleFunc) Check(ctx context.Context, c *Comment, env RuleEnv) (Verdict, error) {
	return f(ctx, c, env)
}

// RuleEnv is what a rule may consult besides the comment.
type RuleEnv struct {
	Store Store     // read only
	Now   time.Time // the time of the check, UTC

	// Vouched reports that the host recognised the author's browser as
	// the one that wrote an approved comment under this name and email
	// ([Submission.Vouched]); [PreviouslyApproved] trusts only then.
	Vouched bool
}

// Verdict is a rule's answer. The zero Verdict, [Pass], has no opinion:
// the next rule decides. Any other carries the status the rule wants and
// why; [Decide] builds one.
type Verdict struct {
	Decision Decision // Status empty: no opinion
}

// Pass is the Verdict of a rule with no opinion on a comment.
var Pass = Verdict{}

// Decide returns the Verdict that rule wants status for the reason given.
func Decide(status Status, rule, reason string) Verdict {
	return Verdict{Decision: Decision{Status: status, Rule: rule, Reason: reason}}
}

// Decided reports whether v carries an opinion.
func (v Verdict) Decided() bool { return v.Decision.Status != "" }

// Names of the rules in this package, as they appear in [Decision.Rule],
// and of the other deciders of a comment's status.
const (
	RuleManual             = "manual"
	RuleLinks              = "links"
	RuleModerationWords    = "moderation-words"
	RulePreviouslyApproved = "previously-approved"
	RuleDisallowedWords    = "disallowed-words"
	RuleDefault            = "default"      // no rule had an opinion
	RuleError              = "rule-error"   // a rule failed; the comment is held
	RuleTrusted            = "trusted"      // a trusted submission skips the rules
	RuleHoneypot           = "honeypot"     // the hidden field was filled
	RuleSpamChecker        = "spam-checker" // the outside SpamChecker
	RuleModerator          = "moderator"    // a moderator's action
)

// severity orders statuses from least to most severe for [Evaluate].
func severity(s Status) int {
	switch s {
	case StatusApproved:
		return 1
	case StatusPending:
		return 2
	case StatusSpam, StatusTrash:
		return 3
	}
	return 0
}

// Evaluate runs c through rules in order and returns the resulting
// decision, as WordPress's check_comment and disallowed list combine:
//
//   - the first verdict of spam or trash ends the run and wins;
//   - otherwise the first hold (pending) wins, though later rules still
//     run so that one of them can send the comment to spam or trash;
//   - otherwise the first approval wins;
//   - a comment no rule had an opinion on is approved (rule "default").
//
// A verdict with a status that is not [Status.Valid] is an error. Evaluate
// returns the first error a rule returns, wrapped with the rule's place;
// the [Service] holds such a comment for a moderator rather than lose it.
func Evaluate(ctx context.Context, rules []Rule, c *Comment, env RuleEnv) (Decision, error) {
	var best Decision
	for i, r := range rules {
		v, err := r.Check(ctx, c, env)
		if err != nil {
			return Decision{}, fmt.Errorf("comments: rule %d: %w", i, err)
		}
		if !v.Decided() {
			continue
		}
		if !v.Decision.Status.Valid() {
			return Decision{}, fmt.Errorf("comments: rule %d (%s): invalid status %q", i, v.Decision.Rule, v.Decision.Status)
		}
		if severity(v.Decision.Status) > severity(best.Status) {
			best = v.Decision
		}
		if severity(best.Status) == 3 {
			break
		}
	}
	if best.Status == "" {
		best = Decision{Status: StatusApproved, Rule: RuleDefault, Reason: "approved: no rule held it"}
	}
	return best, nil
}

// WordPressSettings are the discussion settings of WordPress that its
// moderation follows; [WordPressRules] turns them into rules.
type WordPressSettings struct {
	// ManualModeration holds every comment ("Comment must be manually
	// approved").
	ManualModeration bool
	// MaxLinks holds a comment with this many links or more; 0 turns the
	// check off.
	MaxLinks int
	// ModerationWords hold a comment that contains any of them.
	ModerationWords []string
	// PreviouslyApproved approves an author who already has an approved
	// comment and holds everyone else ("Comment author must have a
	// previously approved comment").
	PreviouslyApproved bool
	// DisallowedWords send a comment containing any of them to
	// DisallowedStatus.
	DisallowedWords []string
	// DisallowedStatus is StatusTrash (WordPress 5.5 and later) or
	// StatusSpam; empty means StatusTrash.
	DisallowedStatus Status
}

// DefaultWordPressSettings returns WordPress's defaults: no manual
// moderation, hold at 2 links, previously approved authors only, no word
// lists, disallowed comments to the trash.
func DefaultWordPressSettings() WordPressSettings {
	return WordPressSettings{MaxLinks: 2, PreviouslyApproved: true, DisallowedStatus: StatusTrash}
}

// WordPressRules returns rules that moderate as WordPress does with the
// settings given, in WordPress's order: manual moderation, link count,
// moderation words, previously approved author, disallowed words. A
// setting that is off adds no rule.
func WordPressRules(set WordPressSettings) []Rule {
	var rules []Rule
	if set.ManualModeration {
		rules = append(rules, ManualModeration())
	}
	if set.MaxLinks > 0 {
		rules = append(rules, LinkLimit(set.MaxLinks))
	}
	if len(set.ModerationWords) > 0 {
		rules = append(rules, ModerationWords(set.ModerationWords...))
	}
	if set.PreviouslyApproved {
		rules = append(rules, PreviouslyApproved())
	}
	if len(set.DisallowedWords) > 0 {
		rules = append(rules, DisallowedWords(set.DisallowedStatus, set.DisallowedWords...))
	}
	return rules
}

// WordPressDefaults returns WordPressRules(DefaultWordPressSettings()):
// hold a comment with 2 links or more, approve an author with an approved
// comment, hold everyone else. Add [ManualModeration], [ModerationWords]
// or [DisallowedWords] to taste, or build from [WordPressSettings].
func WordPressDefaults() []Rule { return WordPressRules(DefaultWordPressSettings()) }

// ManualModeration returns a rule that holds every comment.
func ManualModeration() Rule {
	return RuleFunc(func(context.Context, *Comment, RuleEnv) (Verdict, error) {
		return Decide(StatusPending, RuleManual, "held: every comment is moderated"), nil
	})
}

// LinkLimit returns a rule that holds a comment with max links or more
// ("held: 2 links, limit 2"); max 0 or less never holds. The links counted
// are the more of the anchors in the rendered HTML and the web addresses
// written in the Markdown source, so a link hidden by the renderer or
// left unlinked still counts.
func LinkLimit(max int) Rule {
	return RuleFunc(func(_ context.Context, c *Comment, _ RuleEnv) (Verdict, error) {
		if max <= 0 {
			return Pass, nil
		}
		n := CountLinks(c.Source, string(c.HTML))
		if n >= max {
			return Decide(StatusPending, RuleLinks, fmt.Sprintf("held: %d links, limit %d", n, max)), nil
		}
		return Pass, nil
	})
}

var (
	anchorHref = regexp.MustCompile(`(?i)<a\s[^>]*href`)
	sourceLink = regexp.MustCompile(`(?i)\b(?:https?://|ftp://|mailto:|www\.)`)
)

// CountLinks returns the number of links in a comment: the more of the
// <a href> anchors in html and the web addresses in the Markdown source.
func CountLinks(source, html string) int {
	return max(len(anchorHref.FindAllStringIndex(html, -1)), len(sourceLink.FindAllStringIndex(source, -1)))
}

// ModerationWords returns a rule that holds a comment when any of words
// appears in the author's name, email or URL, the body, the IP address or
// the user agent, compared case-insensitively as substrings, as
// WordPress's "Comment Moderation" list does. Blank words are ignored.
func ModerationWords(words ...string) Rule {
	return wordRule(RuleModerationWords, StatusPending, "held", words)
}

// DisallowedWords returns a rule that sends a comment to status (StatusTrash
// or StatusSpam; any other value means StatusTrash) when any of words
// appears in the fields [ModerationWords] reads. WordPress 5.5 and later
// trash such comments, so they can still be looked at and restored.
func DisallowedWords(status Status, words ...string) Rule {
	if status != StatusSpam {
		status = StatusTrash
	}
	return wordRule(RuleDisallowedWords, status, string(status), words)
}

func wordRule(name string, status Status, verb string, words []string) Rule {
	var list []string
	for _, w := range words {
		if w = strings.ToLower(strings.TrimSpace(w)); w != "" {
			list = append(list, w)
		}
	}
	return RuleFunc(func(_ context.Context, c *Comment, _ RuleEnv) (Verdict, error) {
		if len(list) == 0 {
			return Pass, nil
		}
		fields := [...]struct{ name, text string }{
			{FieldAuthor, c.Author.Name},
			{FieldEmail, c.Author.Email},
			{FieldURL, c.Author.URL},
			{FieldComment, c.Source},
			{"IP address", c.IP},
			{"user agent", c.UserAgent},
		}
		for _, f := range fields {
			text := strings.ToLower(f.text)
			for _, w := range list {
				if strings.Contains(text, w) {
					return Decide(status, name, fmt.Sprintf("%s: %q in %s", verb, w, f.name)), nil
				}
			}
		}
		return Pass, nil
	})
}

// PreviouslyApproved returns a rule that approves a returning commenter,
// as WordPress's "Comment author must have a previously approved
// comment" does, but with proof: an approved comment must carry the same
// name and email (the email compared case-insensitively, as WordPress
// matches them), and the host must vouch that this browser wrote it
// ([RuleEnv.Vouched], set from a cookie the host signed). A name and
// email are easy to guess from a blog's comments; the signed cookie is
// not. A known name and email without the cookie are held ("held: known
// author, not recognised on this browser"), as is anyone else ("held:
// first comment from this author"). A comment without email, a pingback
// or a trackback is held.
func PreviouslyApproved() Rule {
	return RuleFunc(func(ctx context.Context, c *Comment, env RuleEnv) (Verdict, error) {
		if c.Author.Email == "" || (c.Type != "" && c.Type != TypeComment) {
			return Decide(StatusPending, RulePreviouslyApproved, "held: no email to recognise the author by"), nil
		}
		ok, err := env.Store.HasApprovedComment(ctx, c.Author.Name, c.Author.Email)
		if err != nil {
			return Pass, fmt.Errorf("previously approved: %w", err)
		}
		switch {
		case ok && env.Vouched:
			return Decide(StatusApproved, RulePreviouslyApproved, "approved: author has an approved comment"), nil
		case ok:
			return Decide(StatusPending, RulePreviouslyApproved, "held: known author, not recognised on this browser"), nil
		}
		return Decide(StatusPending, RulePreviouslyApproved, "held: first comment from this author"), nil
	})
}

// DryRunResult is what [Service.DryRun] found for one stored comment.
type DryRunResult struct {
	Comment  *Comment // as stored
	Current  Decision // the stored decision, with the stored status
	Proposed Decision // what the rules decide now
	Changed  bool     // whether the status would change
}

// DryRun replays the comments q selects (one page of them; continue with
// q.After set to the cursor of the last result's comment) through rules,
// or the Service's own rules if rules is nil, and reports for each what
// they decide, writing nothing. A comment a moderator decided on or a
// trusted author wrote is reported like any other; acting on the result
// is the host's choice. No browser is there to recognise, so each author
// counts as vouched for; since the stored comment itself counts, an
// approved comment passes [PreviouslyApproved]. Rule errors are returned.
func (s *Service) DryRun(ctx context.Context, rules []Rule, q CommentQuery) ([]DryRunResult, error) {
	if rules == nil {
		rules = s.rules
	}
	list, err := s.store.ListComments(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("comments: dry run: %w", err)
	}
	env := RuleEnv{Store: s.store, Now: s.timeNow(), Vouched: true}
	out := make([]DryRunResult, 0, len(list))
	for _, c := range list {
		d, err := Evaluate(ctx, rules, c.Clone(), env)
		if err != nil {
			return nil, fmt.Errorf("comments: dry run of comment %d: %w", c.ID, err)
		}
		cur := c.Decision
		cur.Status = c.Status
		out = append(out, DryRunResult{Comment: c, Current: cur, Proposed: d, Changed: d.Status != c.Status})
	}
	return out, nil
}
