package comments

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// FloodError is the error [Service.Submit] returns when an author comments
// again within the flood interval. It matches [ErrFlood] with [errors.Is];
// RetryAfter says how long to wait, for a Retry-After header.
type FloodError struct {
	RetryAfter time.Duration
}

// Error says how long to wait.
func (e *FloodError) Error() string {
	return fmt.Sprintf("%v; retry after %v", ErrFlood, e.RetryAfter)
}

// Is reports whether target is ErrFlood.
func (e *FloodError) Is(target error) bool { return target == ErrFlood }

// checkFlood returns a *FloodError if the latest comment from the IP
// address, the network ([NetworkKey]: an IPv6 /64) or the email of c is
// younger than the flood interval. The store is asked about the address
// and email; the network is remembered by this process.
func (s *Service) checkFlood(ctx context.Context, c *Comment) error {
	if s.flood <= 0 {
		return nil
	}
	if wait := s.networks.wait(NetworkKey(c.IP), c.CreatedAt, s.flood); wait > 0 {
		return &FloodError{RetryAfter: wait}
	}
	last, err := s.store.LatestComment(ctx, c.IP, c.Author.Email)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("comments: flood check: %w", err)
	}
	if since := c.CreatedAt.Sub(last.CreatedAt); since < s.flood {
		// A comment stamped a moment after this one's clock reading (a
		// concurrent request) makes since negative: the wait is still at
		// most the interval.
		return &FloodError{RetryAfter: min(s.flood-max(since, 0), s.flood)}
	}
	return nil
}

// checkDuplicate returns an error wrapping ErrDuplicate if the author of c
// already wrote the same on its thread.
func (s *Service) checkDuplicate(ctx context.Context, c *Comment) error {
	_, err := s.store.FindDuplicate(ctx, c)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil
	case err != nil:
		return fmt.Errorf("comments: duplicate check: %w", err)
	}
	return fmt.Errorf("comments: thread %q: %w", c.Thread, ErrDuplicate)
}

// HoneypotField is the name of the comment form's trap field: a text
// input the form hides from people (with CSS, aria-hidden, tabindex="-1"
// and autocomplete="off") and that only robots fill in. A submission with
// it filled is stored as spam, and its sender is told it awaits
// moderation, as for any held comment.
const HoneypotField = "comment_website"

// SpamChecker is an outside spam filter, such as a service in the manner of
// Akismet. CheckSpam reports whether c, about to be stored, is spam and
// why. It runs after the rules, on comments they did not already send to
// spam or trash, and never on trusted ones. An error holds the comment
// for a moderator (it is logged, and the comment kept, not lost).
type SpamChecker interface {
	CheckSpam(ctx context.Context, c *Comment) (spam bool, reason string, err error)
}

// SpamCheckerFunc adapts a function to [SpamChecker].
type SpamCheckerFunc func(ctx context.Context, c *Comment) (bool, string, error)

// CheckSpam calls f(ctx, c).
func (f SpamCheckerFunc) CheckSpam(ctx context.Context, c *Comment) (bool, string, error) {
	return f(ctx, c)
}
