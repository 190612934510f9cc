package comments

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Submission is a comment as a visitor sent it, with what the host knows
// of the request. Nothing in it is trusted but Trusted, which only the
// host may set.
type Submission struct {
	Thread   string // the key of the page commented on (comment_post_ID)
	ParentID int64  // the comment replied to (comment_parent); 0 for none
	Author   Author // UserID set means the host authenticated the author
	Body     string // Markdown

	IP        string // the visitor's address
	UserAgent string

	Token    string // the form token ([TokenField])
	Honeypot string // the trap field ([HoneypotField]); people leave it empty

	// Vouched reports that the host recognised the visitor's browser, by
	// a cookie it signed, as the one that wrote an approved comment under
	// the same name and email; only the host may set it. Without it
	// [PreviouslyApproved] holds the comment. A host sets it with
	// [WithVoucher].
	Vouched bool

	// Trusted marks the host's moderator or an author it trusts: the
	// submission skips the token check, the flood guard, the rules and the
	// spam checker, and is approved at once. It is still validated and
	// still refused as a duplicate or on a closed thread.
	Trusted bool
}

// Submit takes a visitor's comment through the pipeline and returns it as
// stored, with its ID, rendered HTML, status and the [Decision] behind
// the status. In order:
//
//  1. the server's fields are set afresh (ID, HTML, status, decision and
//     time are never taken from the input) and the text fields trimmed;
//  2. validation: a [*ValidationError] listing every bad field;
//  3. the thread: an error wrapping [ErrNotFound] if the [ThreadPolicy]
//     does not know it, [ErrClosed] if it is closed or older than
//     [WithCloseAfter];
//  4. the parent: a *ValidationError on [FieldParent] unless it exists,
//     is on the same thread and is approved; a reply deeper than
//     [WithMaxDepth] hangs on the deepest ancestor allowed;
//  5. the form token (not for Trusted): a [*TokenError];
//  6. the honeypot: filled, the comment goes on, to be stored as spam
//     (rule "honeypot") without the rules or the spam checker; the caller
//     should answer as for any comment awaiting moderation;
//  7. duplicates: an error wrapping [ErrDuplicate];
//  8. the flood guard (not for Trusted): a [*FloodError] matching
//     [ErrFlood];
//  9. the body is rendered with the [Renderer]: HTML too large to store
//     ([ErrHTMLTooLarge]) is a *ValidationError on [FieldComment];
//  10. the rules ([Evaluate]; a failing rule holds the comment), then the
//     [SpamChecker] (a failing one holds the comment); Trusted skips both
//     and is approved;
//  11. the comment is stored, then [EventSubmitted] is emitted.
//
// A returned error means nothing was stored. The duplicate and flood
// guards are checked early, before the work of rendering and moderating;
// if the Store is a [GuardedStore] they are judged again atomically with
// the write, so two submissions racing, even on several instances, cannot
// both pass. With a plain Store they read before they write, and two
// identical submissions in the same instant may both be stored.
func (s *Service) Submit(ctx context.Context, sub Submission) (*Comment, error) {
	c, err := s.submit(ctx, sub)
	if err != nil && s.refused != nil {
		s.refused(ctx, err)
	}
	return c, err
}

func (s *Service) submit(ctx context.Context, sub Submission) (*Comment, error) {
	normalize(&sub)
	author, err := validate(&sub)
	if err != nil {
		return nil, err
	}
	author.Verified = author.Verified && author.UserID != ""
	c := &Comment{
		Thread:    sub.Thread,
		ParentID:  sub.ParentID,
		Type:      TypeComment,
		Author:    author,
		Source:    sub.Body,
		IP:        sub.IP,
		UserAgent: sub.UserAgent,
		CreatedAt: s.timeNow(),
	}

	if err := s.checkThread(ctx, c.Thread, c.CreatedAt); err != nil {
		return nil, err
	}
	if c.ParentID != 0 {
		parent, err := s.attachParent(ctx, c.Thread, c.ParentID)
		if err != nil {
			return nil, err
		}
		c.ParentID = parent
	}
	if !sub.Trusted {
		if err := s.VerifyToken(ctx, sub.Token, c.Thread, c.IP); err != nil {
			return nil, err
		}
	}
	honeypot := sub.Honeypot != ""

	if err := s.checkDuplicate(ctx, c); err != nil {
		return nil, err
	}
	if !sub.Trusted {
		if err := s.checkFlood(ctx, c); err != nil {
			return nil, err
		}
	}

	html, err := s.renderer.Render(c.Source)
	if err != nil {
		if ve := renderedTooLarge(err); ve != nil {
			return nil, ve
		}
		return nil, fmt.Errorf("comments: submit: render: %w", err)
	}
	c.HTML = html

	switch {
	case sub.Trusted:
		c.Decision = Decision{Status: StatusApproved, Rule: RuleTrusted, Reason: "approved: trusted author"}
	case honeypot:
		c.Decision = Decision{Status: StatusSpam, Rule: RuleHoneypot, Reason: "spam: the hidden honeypot field was filled"}
	default:
		d, err := s.moderate(ctx, c, sub.Vouched)
		if err != nil {
			return nil, err
		}
		c.Decision = d
	}
	c.Status = c.Decision.Status

	if err := s.create(ctx, c, !sub.Trusted); err != nil {
		return nil, err
	}
	if !sub.Trusted && s.flood > 0 {
		s.networks.record(NetworkKey(c.IP), c.CreatedAt, s.flood)
	}
	s.emit(ctx, EventSubmitted, c)
	return c.Clone(), nil
}

// create stores c. With a [GuardedStore] the duplicate and, if flood is
// true, the flood guard are judged again atomically with the write, so
// they hold across instances sharing the store.
func (s *Service) create(ctx context.Context, c *Comment, flood bool) error {
	g, ok := s.store.(GuardedStore)
	if !ok {
		if err := s.store.CreateComment(ctx, c); err != nil {
			return fmt.Errorf("comments: submit: %w", err)
		}
		return nil
	}
	var since time.Time
	if flood && s.flood > 0 {
		since = c.CreatedAt.Add(-s.flood)
	}
	err := g.CreateCommentGuarded(ctx, c, since)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrDuplicate):
		return fmt.Errorf("comments: thread %q: %w", c.Thread, ErrDuplicate)
	case errors.Is(err, ErrFlood):
		if fe := s.checkFlood(ctx, c); fe != nil {
			return fe
		}
		return &FloodError{RetryAfter: s.flood}
	}
	return fmt.Errorf("comments: submit: %w", err)
}

// moderate runs the rules then the spam checker on c. Only a cancelled
// context fails it; other failures hold the comment.
func (s *Service) moderate(ctx context.Context, c *Comment, vouched bool) (Decision, error) {
	d, err := Evaluate(ctx, s.rules, c.Clone(), RuleEnv{Store: s.store, Now: c.CreatedAt, Vouched: vouched})
	if err != nil {
		if ctx.Err() != nil {
			return Decision{}, fmt.Errorf("comments: submit: %w", ctx.Err())
		}
		s.log.ErrorContext(ctx, "comments: moderation rule failed; holding the comment", "thread", c.Thread, "err", err)
		return Decision{Status: StatusPending, Rule: RuleError, Reason: "held: a moderation rule failed"}, nil
	}
	if s.spam == nil || d.Status == StatusSpam || d.Status == StatusTrash {
		return d, nil
	}
	spam, reason, err := s.spam.CheckSpam(ctx, c.Clone())
	switch {
	case err != nil:
		if ctx.Err() != nil {
			return Decision{}, fmt.Errorf("comments: submit: %w", ctx.Err())
		}
		s.log.ErrorContext(ctx, "comments: spam checker failed; holding the comment", "thread", c.Thread, "err", err)
		if d.Status == StatusApproved {
			d = Decision{Status: StatusPending, Rule: RuleSpamChecker, Reason: "held: the spam check failed"}
		}
	case spam:
		if reason == "" {
			reason = "judged spam"
		}
		d = Decision{Status: StatusSpam, Rule: RuleSpamChecker, Reason: "spam: " + reason}
	}
	return d, nil
}

// checkThread asks the ThreadPolicy whether thread takes comments at now.
func (s *Service) checkThread(ctx context.Context, thread string, now time.Time) error {
	info, err := s.threads.Thread(ctx, thread)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("comments: thread %q: %w", thread, ErrNotFound)
		}
		return fmt.Errorf("comments: thread %q: %w", thread, err)
	}
	if !info.Open {
		return fmt.Errorf("comments: thread %q: %w", thread, ErrClosed)
	}
	if s.closeAfter > 0 && !info.CreatedAt.IsZero() && now.Sub(info.CreatedAt) > s.closeAfter {
		return fmt.Errorf("comments: thread %q is older than %v: %w", thread, s.closeAfter, ErrClosed)
	}
	return nil
}

// attachParent checks the parent a reply names and returns the ID of the
// comment it will hang on: the parent, or, past the max depth, the
// deepest ancestor at which a reply is allowed.
func (s *Service) attachParent(ctx context.Context, thread string, id int64) (int64, error) {
	bad := func(msg string) error {
		return &ValidationError{Fields: []FieldError{{Field: FieldParent, Problem: ProblemInvalid, Message: msg}}}
	}
	parent, err := s.store.GetComment(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return 0, bad("The comment you reply to does not exist.")
	case err != nil:
		return 0, fmt.Errorf("comments: submit: parent %d: %w", id, err)
	case parent.Thread != thread:
		return 0, bad("The comment you reply to is on another page.")
	case parent.Status != StatusApproved:
		return 0, bad("Replies to comments awaiting moderation are not allowed.")
	}
	// chain[0] is the parent, chain[len-1] the top-level ancestor; the
	// parent is at depth len(chain).
	chain := []int64{parent.ID}
	seen := map[int64]bool{parent.ID: true}
	for cur := parent; cur.ParentID != 0 && !seen[cur.ParentID]; {
		seen[cur.ParentID] = true
		next, err := s.store.GetComment(ctx, cur.ParentID)
		if errors.Is(err, ErrNotFound) {
			break
		}
		if err != nil {
			return 0, fmt.Errorf("comments: submit: ancestor %d: %w", cur.ParentID, err)
		}
		chain = append(chain, next.ID)
		cur = next
	}
	depth := len(chain) + 1 // of the new reply
	if depth <= s.maxDepth {
		return parent.ID, nil
	}
	// Hang the reply at depth maxDepth, on the ancestor at maxDepth-1.
	i := len(chain) - (s.maxDepth - 1)
	if i >= len(chain) {
		return 0, nil
	}
	return chain[i], nil
}
