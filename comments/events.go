package comments

import "context"

// EventKind says what happened to a comment.
type EventKind string

// The kinds of [Event].
const (
	EventSubmitted EventKind = "submitted" // stored from a submission, with the status the rules gave
	EventApproved  EventKind = "approved"
	EventSpammed   EventKind = "spammed"
	EventTrashed   EventKind = "trashed"
	EventRestored  EventKind = "restored"
	EventDeleted   EventKind = "deleted" // Comment is the comment as it was
	EventEdited    EventKind = "edited"
)

// Event tells the host that a comment changed, so it can evict cached
// pages, notify the post's author or count.
type Event struct {
	Kind    EventKind
	Comment *Comment // a copy the receiver may keep
}

// Notifier receives the [Service]'s events. The Service calls Notify
// synchronously, after the write succeeded and never for a failed one, on
// the goroutine of the call that made the change; a Notifier that sends
// email or calls out should queue the work and return. An error is logged
// and changes nothing: the write stands.
type Notifier interface {
	Notify(ctx context.Context, e Event) error
}

// NotifierFunc adapts a function to [Notifier].
type NotifierFunc func(ctx context.Context, e Event) error

// Notify calls f(ctx, e).
func (f NotifierFunc) Notify(ctx context.Context, e Event) error { return f(ctx, e) }

// emit gives e to every notifier, logging their errors.
func (s *Service) emit(ctx context.Context, kind EventKind, c *Comment) {
	for _, n := range s.notifiers {
		if err := n.Notify(ctx, Event{Kind: kind, Comment: c.Clone()}); err != nil {
			s.log.ErrorContext(ctx, "comments: notifier failed", "event", string(kind), "comment", c.ID, "err", err)
		}
	}
}
