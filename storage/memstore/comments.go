package memstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

var (
	_ comments.GuardedStore = (*Store)(nil)
	_ comments.RootCounter  = (*Store)(nil)
)

// errCommentID is returned by CreateComment when the comment already has an
// ID: the store assigns IDs and never takes one from the caller.
var errCommentID = errors.New("comment ID must be zero on create")

// commentTable holds the comments of a [Store], which hands its
// [comments.Store] methods to it. It has its own lock, so posts and
// comments do not wait for each other.
//
// Every comment is held once, in byID; the ordered slices point at the same
// values. A slice is kept sorted by (CreatedAt, ID), so a listing finds its
// first row with a binary search and reads the rows after it in order.
// Since neither CreatedAt nor ID changes after create, an update never
// moves a comment within the slices.
type commentTable struct {
	mu       sync.RWMutex
	lastID   int64
	byID     map[int64]*comments.Comment
	all      []*comments.Comment             // every comment, by (CreatedAt, ID)
	byThread map[string][]*comments.Comment  // each thread's comments, by (CreatedAt, ID)
	replies  map[int64]map[int64]struct{}    // parent ID → IDs of its replies
	approved map[string]int                  // thread → number of approved comments
	byText   map[textKey][]*comments.Comment // each thread's comments by text, by (CreatedAt, ID)

	// undo holds, during a batch, the values comments had before the
	// batch changed them in place (batch.go).
	undo map[*comments.Comment]comments.Comment
}

// keep records c's value for undoing a batch, if one is running and c was
// not kept already. t.mu must be held.
func (t *commentTable) keep(c *comments.Comment) {
	if t.undo == nil {
		return
	}
	if _, ok := t.undo[c]; !ok {
		t.undo[c] = *c
	}
}

// textKey finds the comments of a thread with one text, for the duplicate
// guard, without reading the rest of the thread.
type textKey struct{ thread, source string }

func keyOfText(c *comments.Comment) textKey { return textKey{c.Thread, c.Source} }

// indexText adds c to, or with remove true takes it from, t.byText.
func (t *commentTable) indexText(c *comments.Comment, remove bool) {
	k := keyOfText(c)
	if !remove {
		t.byText[k] = insertOrdered(t.byText[k], c)
		return
	}
	if rest := removeOrdered(t.byText[k], c); len(rest) > 0 {
		t.byText[k] = rest
	} else {
		delete(t.byText, k)
	}
}

func (t *commentTable) init() {
	t.byID = make(map[int64]*comments.Comment)
	t.byThread = make(map[string][]*comments.Comment)
	t.replies = make(map[int64]map[int64]struct{})
	t.approved = make(map[string]int)
	t.byText = make(map[textKey][]*comments.Comment)
}

// compareKeys orders comments by CreatedAt, then ID: the order of a
// listing, oldest first.
func compareKeys(a, b *comments.Comment) int {
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// compareCursor orders a comment against a cursor by (CreatedAt, ID), for
// the binary search to the start of a page.
func compareCursor(c *comments.Comment, cur *comments.Cursor) int {
	if r := c.CreatedAt.Compare(cur.CreatedAt); r != 0 {
		return r
	}
	return cmp.Compare(c.ID, cur.ID)
}

// insertOrdered puts c into s at its place by (CreatedAt, ID).
func insertOrdered(s []*comments.Comment, c *comments.Comment) []*comments.Comment {
	i, _ := slices.BinarySearchFunc(s, c, compareKeys)
	return slices.Insert(s, i, c)
}

// removeOrdered takes c out of s, which holds it.
func removeOrdered(s []*comments.Comment, c *comments.Comment) []*comments.Comment {
	i, found := slices.BinarySearchFunc(s, c, compareKeys)
	if !found {
		return s
	}
	return slices.Delete(s, i, i+1)
}

// normalizeTime keeps a time the way every backend stores it: UTC,
// microsecond precision, without a monotonic clock reading.
func normalizeTime(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}

func (t *commentTable) linkReply(parent, id int64) {
	if parent == 0 {
		return
	}
	set := t.replies[parent]
	if set == nil {
		set = make(map[int64]struct{})
		t.replies[parent] = set
	}
	set[id] = struct{}{}
}

func (t *commentTable) unlinkReply(parent, id int64) {
	set := t.replies[parent]
	if set == nil {
		return
	}
	delete(set, id)
	if len(set) == 0 {
		delete(t.replies, parent)
	}
}

func approvedDelta(s comments.Status) int {
	if s == comments.StatusApproved {
		return 1
	}
	return 0
}

// CreateComment does the work of [Store.CreateComment].
func (t *commentTable) CreateComment(ctx context.Context, c *comments.Comment) error {
	stored, err := newStoredComment(ctx, c)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.insertLocked(stored)
	c.ID = stored.ID
	return nil
}

// CreateCommentGuarded does the work of [Store.CreateCommentGuarded].
func (t *commentTable) CreateCommentGuarded(ctx context.Context, c *comments.Comment, floodSince time.Time) error {
	stored, err := newStoredComment(ctx, c)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if dup := t.findDuplicateLocked(c); dup != nil {
		return fmt.Errorf("memstore: create comment: thread %q: same as comment %d: %w",
			c.Thread, dup.ID, comments.ErrDuplicate)
	}
	if !floodSince.IsZero() {
		if last := t.latestLocked(c.IP, c.Author.Email); last != nil && last.CreatedAt.After(floodSince) {
			return fmt.Errorf("memstore: create comment: %w",
				&comments.FloodError{RetryAfter: last.CreatedAt.Sub(floodSince)})
		}
	}
	t.insertLocked(stored)
	c.ID = stored.ID
	return nil
}

// newStoredComment checks that c may be created and returns the copy of it
// to store.
func newStoredComment(ctx context.Context, c *comments.Comment) (*comments.Comment, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: create comment: %w", err)
	}
	if c == nil {
		return nil, errors.New("memstore: create comment: nil comment")
	}
	if c.ID != 0 {
		return nil, fmt.Errorf("memstore: create comment %d: %w", c.ID, errCommentID)
	}
	stored := c.Clone()
	stored.CreatedAt = normalizeTime(stored.CreatedAt)
	return stored, nil
}

// insertLocked assigns c the next ID and adds it to every index. t.mu must
// be held for writing.
func (t *commentTable) insertLocked(c *comments.Comment) {
	t.lastID++
	c.ID = t.lastID
	t.byID[c.ID] = c
	t.all = insertOrdered(t.all, c)
	t.byThread[c.Thread] = insertOrdered(t.byThread[c.Thread], c)
	t.linkReply(c.ParentID, c.ID)
	t.approved[c.Thread] += approvedDelta(c.Status)
	t.indexText(c, false)
}

// GetComment does the work of [Store.GetComment].
func (t *commentTable) GetComment(ctx context.Context, id int64) (*comments.Comment, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: get comment %d: %w", id, err)
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	c, ok := t.byID[id]
	if !ok {
		return nil, fmt.Errorf("memstore: get comment %d: %w", id, comments.ErrNotFound)
	}
	return c.Clone(), nil
}

// UpdateComment does the work of [Store.UpdateComment].
func (t *commentTable) UpdateComment(ctx context.Context, c *comments.Comment) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: update comment: %w", err)
	}
	if c == nil {
		return errors.New("memstore: update comment: nil comment")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	old, ok := t.byID[c.ID]
	if !ok {
		return fmt.Errorf("memstore: update comment %d: %w", c.ID, comments.ErrNotFound)
	}
	next := *c
	next.ID, next.Thread, next.CreatedAt = old.ID, old.Thread, old.CreatedAt

	t.approved[old.Thread] += approvedDelta(next.Status) - approvedDelta(old.Status)
	if next.ParentID != old.ParentID {
		t.unlinkReply(old.ParentID, old.ID)
		t.linkReply(next.ParentID, old.ID)
	}
	// Overwrite in place: the ordered slices point at old, and its sort key
	// is unchanged; only the text index may move it.
	t.keep(old)
	t.indexText(old, true)
	*old = next
	t.indexText(old, false)
	return nil
}

// DeleteComment does the work of [Store.DeleteComment].
func (t *commentTable) DeleteComment(ctx context.Context, id int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: delete comment %d: %w", id, err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	c, ok := t.byID[id]
	if !ok {
		return fmt.Errorf("memstore: delete comment %d: %w", id, comments.ErrNotFound)
	}
	newParent := c.ParentID
	if newParent == id { // a comment that claimed to reply to itself
		newParent = 0
	}
	for replyID := range t.replies[id] {
		t.keep(t.byID[replyID])
		t.byID[replyID].ParentID = newParent
		t.linkReply(newParent, replyID)
	}
	delete(t.replies, id)
	t.unlinkReply(c.ParentID, id)

	delete(t.byID, id)
	t.indexText(c, true)
	t.all = removeOrdered(t.all, c)
	if rest := removeOrdered(t.byThread[c.Thread], c); len(rest) > 0 {
		t.byThread[c.Thread] = rest
	} else {
		delete(t.byThread, c.Thread)
	}
	if n := t.approved[c.Thread] - approvedDelta(c.Status); n > 0 {
		t.approved[c.Thread] = n
	} else {
		delete(t.approved, c.Thread)
	}
	return nil
}

// ListComments does the work of [Store.ListComments].
func (t *commentTable) ListComments(ctx context.Context, q comments.CommentQuery) ([]*comments.Comment, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: list comments: %w", err)
	}
	limit := q.EffectiveLimit()
	match := func(c *comments.Comment) bool {
		return len(q.Statuses) == 0 || slices.Contains(q.Statuses, c.Status)
	}

	t.mu.RLock()
	defer t.mu.RUnlock()
	rows := t.all
	if q.Thread != "" {
		rows = t.byThread[q.Thread]
	}
	var out []*comments.Comment
	if !q.Newest {
		start := 0
		if q.After != nil {
			// The first row after the cursor.
			start, _ = slices.BinarySearchFunc(rows, q.After, func(c *comments.Comment, cur *comments.Cursor) int {
				if compareCursor(c, cur) > 0 {
					return 1
				}
				return -1
			})
		}
		for i := start; i < len(rows) && len(out) < limit; i++ {
			if match(rows[i]) {
				out = append(out, rows[i].Clone())
			}
		}
		return out, nil
	}
	end := len(rows)
	if q.After != nil {
		// The first row not before the cursor; the rows before it follow
		// the cursor in a newest-first listing.
		end, _ = slices.BinarySearchFunc(rows, q.After, compareCursor)
	}
	for i := end - 1; i >= 0 && len(out) < limit; i-- {
		if match(rows[i]) {
			out = append(out, rows[i].Clone())
		}
	}
	return out, nil
}

// CountApproved does the work of [Store.CountApproved].
func (t *commentTable) CountApproved(ctx context.Context, threads []string) (map[string]int, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: count approved comments: %w", err)
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	counts := make(map[string]int, len(threads))
	for _, th := range threads {
		counts[th] = t.approved[th]
	}
	return counts, nil
}

// HasApprovedComment does the work of [Store.HasApprovedComment].
func (t *commentTable) HasApprovedComment(ctx context.Context, name, email string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("memstore: has approved comment: %w", err)
	}
	if email == "" {
		return false, nil
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, c := range t.byID {
		if c.Status == comments.StatusApproved && strings.EqualFold(c.Author.Email, email) &&
			strings.Trim(c.Author.Name, " ") == strings.Trim(name, " ") {
			return true, nil
		}
	}
	return false, nil
}

// LatestComment does the work of [Store.LatestComment].
func (t *commentTable) LatestComment(ctx context.Context, ip, email string) (*comments.Comment, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: latest comment: %w", err)
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	if c := t.latestLocked(ip, email); c != nil {
		return c.Clone(), nil
	}
	return nil, fmt.Errorf("memstore: latest comment: %w", comments.ErrNotFound)
}

// latestLocked returns the stored comment LatestComment looks for, or nil.
// t.mu must be held.
func (t *commentTable) latestLocked(ip, email string) *comments.Comment {
	for i := len(t.all) - 1; i >= 0; i-- {
		c := t.all[i]
		if (ip != "" && c.IP == ip) || (email != "" && strings.EqualFold(c.Author.Email, email)) {
			return c
		}
	}
	return nil
}

// FindDuplicate does the work of [Store.FindDuplicate].
func (t *commentTable) FindDuplicate(ctx context.Context, c *comments.Comment) (*comments.Comment, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: find duplicate comment: %w", err)
	}
	if c == nil {
		return nil, errors.New("memstore: find duplicate comment: nil comment")
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	if d := t.findDuplicateLocked(c); d != nil {
		return d.Clone(), nil
	}
	return nil, fmt.Errorf("memstore: find duplicate comment: %w", comments.ErrNotFound)
}

// findDuplicateLocked returns the oldest stored comment FindDuplicate
// looks for, or nil. t.mu must be held.
func (t *commentTable) findDuplicateLocked(c *comments.Comment) *comments.Comment {
	sameAuthor := func(d *comments.Comment) bool {
		switch {
		case c.Author.UserID != "":
			return d.Author.UserID == c.Author.UserID
		case c.Author.Email != "":
			return strings.EqualFold(d.Author.Email, c.Author.Email)
		default:
			return d.Author.Name == c.Author.Name
		}
	}
	for _, d := range t.byText[keyOfText(c)] {
		if d.Status != comments.StatusTrash && d.Source == c.Source && sameAuthor(d) {
			return d
		}
	}
	return nil
}

// The fields of a Store are named, not embedded, so the comment methods are
// declared on Store and handed to its comment table.

// CreateComment stores a copy of c and assigns c.ID; IDs count up from 1.
// CreatedAt is stored in UTC at microsecond precision. It returns an error
// if c.ID is not zero, and ctx's error if ctx is done; either way nothing
// is written.
func (s *Store) CreateComment(ctx context.Context, c *comments.Comment) error {
	defer s.enter(ctx)()
	if err := s.comments.CreateComment(ctx, c); err != nil {
		return err
	}
	s.publish(ctx, blog.Change{Kind: blog.ChangeComment, Thread: c.Thread})
	return nil
}

// CreateCommentGuarded creates c as CreateComment does, unless, judged
// under one lock with the write, [Store.FindDuplicate] finds a duplicate
// of c (the error then wraps [comments.ErrDuplicate]) or, when floodSince
// is not zero, a comment from c.IP or c.Author.Email (compared
// case-insensitively; an empty one matches nothing) was created after
// floodSince (the error then wraps a [*comments.FloodError], matching
// [comments.ErrFlood], whose RetryAfter is how long after floodSince that
// comment came). Nothing is written when it returns an error.
func (s *Store) CreateCommentGuarded(ctx context.Context, c *comments.Comment, floodSince time.Time) error {
	defer s.enter(ctx)()
	if err := s.comments.CreateCommentGuarded(ctx, c, floodSince); err != nil {
		return err
	}
	s.publish(ctx, blog.Change{Kind: blog.ChangeComment, Thread: c.Thread})
	return nil
}

// GetComment returns a copy of the comment with that ID, or an error
// wrapping [comments.ErrNotFound].
func (s *Store) GetComment(ctx context.Context, id int64) (*comments.Comment, error) {
	return s.comments.GetComment(ctx, id)
}

// UpdateComment replaces every field of the comment with ID c.ID by c's,
// except ID, Thread and CreatedAt, which keep their stored values. It
// returns an error wrapping [comments.ErrNotFound] if there is no such
// comment.
func (s *Store) UpdateComment(ctx context.Context, c *comments.Comment) error {
	defer s.enter(ctx)()
	if err := s.comments.UpdateComment(ctx, c); err != nil {
		return err
	}
	if stored, err := s.comments.GetComment(ctx, c.ID); err == nil {
		s.publish(ctx, blog.Change{Kind: blog.ChangeComment, Thread: stored.Thread})
	} else {
		s.publish(ctx, blog.Change{Kind: blog.ChangeFlush})
	}
	return nil
}

// DeleteComment removes the comment with that ID and moves its replies up
// to its parent. It returns an error wrapping [comments.ErrNotFound] if
// there is no such comment.
func (s *Store) DeleteComment(ctx context.Context, id int64) error {
	defer s.enter(ctx)()
	var thread string
	if c, err := s.comments.GetComment(ctx, id); err == nil {
		thread = c.Thread
	}
	if err := s.comments.DeleteComment(ctx, id); err != nil {
		return err
	}
	if thread != "" {
		s.publish(ctx, blog.Change{Kind: blog.ChangeComment, Thread: thread})
	} else {
		s.publish(ctx, blog.Change{Kind: blog.ChangeFlush})
	}
	return nil
}

// ListComments returns copies of the comments that match q, ordered by
// (CreatedAt, ID), oldest first unless q.Newest, at most
// q.EffectiveLimit() of them, starting after q.After. A query for one
// thread reads only that thread's comments.
func (s *Store) ListComments(ctx context.Context, q comments.CommentQuery) ([]*comments.Comment, error) {
	return s.comments.ListComments(ctx, q)
}

// CountApproved returns the number of approved comments on each of the
// threads; every thread asked for is in the map, with 0 if it has none.
func (s *Store) CountApproved(ctx context.Context, threads []string) (map[string]int, error) {
	return s.comments.CountApproved(ctx, threads)
}

// HasApprovedComment reports whether an approved comment carries this
// name (trimmed of spaces) and this
// email, compared case-insensitively. An empty email has none.
func (s *Store) HasApprovedComment(ctx context.Context, name, email string) (bool, error) {
	return s.comments.HasApprovedComment(ctx, name, email)
}

// LatestComment returns a copy of the most recent comment, by (CreatedAt,
// ID), sent from ip or, if email is not empty, with that email compared
// case-insensitively. An empty ip matches no comment. It returns an error
// wrapping [comments.ErrNotFound] if none matches.
func (s *Store) LatestComment(ctx context.Context, ip, email string) (*comments.Comment, error) {
	return s.comments.LatestComment(ctx, ip, email)
}

// FindDuplicate returns a copy of the oldest comment, not in the trash, on
// c.Thread with c.Source and the same author as c: the same UserID if c
// has one, else the same email (compared case-insensitively) if c has one,
// else the same name. It returns an error wrapping [comments.ErrNotFound]
// if there is none.
func (s *Store) FindDuplicate(ctx context.Context, c *comments.Comment) (*comments.Comment, error) {
	return s.comments.FindDuplicate(ctx, c)
}

// CountRootsBefore does the work of [Store.CountRootsBefore].
func (t *commentTable) CountRootsBefore(ctx context.Context, thread string, at comments.Cursor) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("memstore: count top-level comments: %w", err)
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	list := t.byThread[thread]
	end, _ := slices.BinarySearchFunc(list, &at, compareCursor)
	n := 0
	for _, c := range list[:end] {
		if c.Status != comments.StatusApproved {
			continue
		}
		p, ok := t.byID[c.ParentID]
		if c.ParentID == 0 || c.ParentID == c.ID || !ok || p.Thread != thread || p.Status != comments.StatusApproved {
			n++
		}
	}
	return n, nil
}

// CountRootsBefore returns the number of approved comments on thread
// before at, by (CreatedAt, ID), that a thread page shows at the top
// level ([comments.RootCounter]). It walks the thread's comments before
// at in memory.
func (s *Store) CountRootsBefore(ctx context.Context, thread string, at comments.Cursor) (int, error) {
	return s.comments.CountRootsBefore(ctx, thread, at)
}
