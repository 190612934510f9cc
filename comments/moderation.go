package comments

import (
	"context"
	"fmt"
)

// Approve shows the comment with that ID to visitors. Like [Service.Spam],
// [Service.Trash] and [Service.Restore], it records Decision{Rule:
// "moderator"}, emits its event after the write, and returns the comment
// as stored; a comment already in the wanted status is returned as it is,
// with no write and no event. It returns an error wrapping [ErrNotFound]
// if there is no such comment.
func (s *Service) Approve(ctx context.Context, id int64) (*Comment, error) {
	return s.setStatus(ctx, id, StatusApproved, EventApproved, "approved by a moderator")
}

// Spam marks the comment with that ID as spam; see [Service.Approve].
func (s *Service) Spam(ctx context.Context, id int64) (*Comment, error) {
	return s.setStatus(ctx, id, StatusSpam, EventSpammed, "marked as spam by a moderator")
}

// Trash moves the comment with that ID to the trash, from which
// [Service.Restore] brings it back; see [Service.Approve].
func (s *Service) Trash(ctx context.Context, id int64) (*Comment, error) {
	return s.setStatus(ctx, id, StatusTrash, EventTrashed, "moved to the trash by a moderator")
}

// Restore brings a trashed or spam comment back to pending, for a
// moderator to approve: the status it had before is not kept, and holding
// it again is the safe choice. A comment neither trashed nor spam is
// returned unchanged. See [Service.Approve].
func (s *Service) Restore(ctx context.Context, id int64) (*Comment, error) {
	c, err := s.get(ctx, "restore", id)
	if err != nil {
		return nil, err
	}
	if c.Status != StatusTrash && c.Status != StatusSpam {
		return c, nil
	}
	return s.update(ctx, "restore", c, StatusPending, EventRestored, "restored by a moderator")
}

// Delete removes the comment with that ID for good, whatever its status;
// its replies move up to its parent. It emits [EventDeleted] with the
// comment as it was, and returns an error wrapping [ErrNotFound] if there
// is no such comment.
func (s *Service) Delete(ctx context.Context, id int64) error {
	c, err := s.get(ctx, "delete", id)
	if err != nil {
		return err
	}
	if err := s.store.DeleteComment(ctx, id); err != nil {
		return fmt.Errorf("comments: delete %d: %w", id, err)
	}
	s.emit(ctx, EventDeleted, c)
	return nil
}

// EditBody replaces the body of the comment with that ID by body, checked
// as a submission's is (a *ValidationError on [FieldComment]) and
// rendered again with the [Renderer]; its status stays, and its decision
// records the edit. It emits [EventEdited] and returns the comment as
// stored, or an error wrapping [ErrNotFound].
func (s *Service) EditBody(ctx context.Context, id int64, body string) (*Comment, error) {
	sub := Submission{Body: body}
	normalize(&sub)
	if p, msg := checkBody(sub.Body); p != "" {
		return nil, &ValidationError{Fields: []FieldError{{Field: FieldComment, Problem: p, Message: msg}}}
	}
	c, err := s.get(ctx, "edit", id)
	if err != nil {
		return nil, err
	}
	html, err := s.renderer.Render(sub.Body)
	if err != nil {
		if ve := renderedTooLarge(err); ve != nil {
			return nil, ve
		}
		return nil, fmt.Errorf("comments: edit %d: render: %w", id, err)
	}
	c.Source, c.HTML = sub.Body, html
	return s.update(ctx, "edit", c, c.Status, EventEdited, "edited by a moderator")
}

// List returns one page of the comments q selects, and the cursor that
// continues after it (nil when the page came back short, so there is no
// more; a full last page is followed by an empty one). For a moderation
// queue: CommentQuery{Statuses: []Status{StatusPending}}.
func (s *Service) List(ctx context.Context, q CommentQuery) ([]*Comment, *Cursor, error) {
	list, err := s.store.ListComments(ctx, q)
	if err != nil {
		return nil, nil, fmt.Errorf("comments: list: %w", err)
	}
	if len(list) < q.EffectiveLimit() || len(list) == 0 {
		return list, nil, nil
	}
	return list, CursorOf(list[len(list)-1]), nil
}

// Get returns the comment with that ID whatever its status, or an error
// wrapping [ErrNotFound]. Deciding who may see it is the caller's work.
func (s *Service) Get(ctx context.Context, id int64) (*Comment, error) {
	return s.get(ctx, "get", id)
}

func (s *Service) get(ctx context.Context, op string, id int64) (*Comment, error) {
	c, err := s.store.GetComment(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("comments: %s %d: %w", op, id, err)
	}
	return c, nil
}

func (s *Service) setStatus(ctx context.Context, id int64, to Status, kind EventKind, reason string) (*Comment, error) {
	op := string(kind)
	c, err := s.get(ctx, op, id)
	if err != nil {
		return nil, err
	}
	if c.Status == to {
		return c, nil
	}
	return s.update(ctx, op, c, to, kind, reason)
}

func (s *Service) update(ctx context.Context, op string, c *Comment, to Status, kind EventKind, reason string) (*Comment, error) {
	c.Status = to
	c.Decision = Decision{Status: to, Rule: RuleModerator, Reason: reason}
	if err := s.store.UpdateComment(ctx, c); err != nil {
		return nil, fmt.Errorf("comments: %s %d: %w", op, c.ID, err)
	}
	s.emit(ctx, kind, c)
	return c.Clone(), nil
}
