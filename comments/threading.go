package comments

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// Node is a comment in a tree of replies.
type Node struct {
	Comment  *Comment
	Children []*Node // replies, oldest first
	Depth    int     // 1 for a top-level comment, 2 for a reply to it, …
}

// BuildTree arranges comments into trees of replies: each level oldest
// first (by CreatedAt, then ID). A comment whose parent is not among
// comments (held, trashed or on another page) becomes top-level, as does
// any comment caught in a loop of parents, so every comment given appears
// exactly once. The nodes point at the comments given; BuildTree does not
// change them.
func BuildTree(comments []*Comment) []*Node {
	nodes := make(map[int64]*Node, len(comments))
	ordered := make([]*Comment, 0, len(comments))
	for _, c := range comments {
		if c == nil {
			continue
		}
		if _, dup := nodes[c.ID]; dup {
			continue
		}
		nodes[c.ID] = &Node{Comment: c}
		ordered = append(ordered, c)
	}
	slices.SortStableFunc(ordered, compareComments)

	var roots []*Node
	for _, c := range ordered {
		n := nodes[c.ID]
		if p, ok := nodes[c.ParentID]; ok && c.ParentID != 0 && c.ParentID != c.ID {
			p.Children = append(p.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	placed := make(map[int64]bool, len(nodes))
	var walk func(n *Node, depth int)
	walk = func(n *Node, depth int) {
		placed[n.Comment.ID] = true
		n.Depth = depth
		for _, ch := range n.Children {
			walk(ch, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 1)
	}
	// Comments in a loop of parents were reached from no root: break each
	// loop at its oldest comment, which becomes top-level.
	if len(placed) < len(nodes) {
		for _, c := range ordered {
			if placed[c.ID] {
				continue
			}
			n := nodes[c.ID]
			if p := nodes[c.ParentID]; p != nil {
				p.Children = slices.DeleteFunc(p.Children, func(x *Node) bool { return x == n })
			}
			roots = append(roots, n)
			walk(n, 1)
		}
		slices.SortStableFunc(roots, func(a, b *Node) int { return compareComments(a.Comment, b.Comment) })
	}
	return roots
}

func compareComments(a, b *Comment) int {
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	switch {
	case a.ID < b.ID:
		return -1
	case a.ID > b.ID:
		return 1
	}
	return 0
}

// ThreadPage is one page of a thread's approved comments.
type ThreadPage struct {
	Thread   string
	Nodes    []*Node // the page's top-level comments with all their replies
	Page     int     // 1-based
	PerPage  int     // top-level comments a page
	Pages    int     // pages in all; 0 for a thread without comments
	TopLevel int     // top-level comments in all
	Total    int     // approved comments in all, replies included
}

// Thread returns page (1-based; below 1 means 1) of the approved comments
// on thread, perPage top-level comments to a page ([DefaultPerPage] if 0
// or less), oldest first, each with all its replies, as WordPress pages
// comments. A page past the last has no nodes. Any page and perPage are
// safe, to the ends of the int range.
func (s *Service) Thread(ctx context.Context, thread string, page, perPage int) (ThreadPage, error) {
	if perPage <= 0 {
		perPage = DefaultPerPage
	}
	page = max(page, 1)
	all, err := s.approved(ctx, thread)
	if err != nil {
		return ThreadPage{}, err
	}
	roots := BuildTree(all)
	tp := ThreadPage{Thread: thread, Page: page, PerPage: perPage, TopLevel: len(roots), Total: len(all)}
	if len(roots) > 0 {
		// Divide before multiplying: page and perPage come from visitors
		// and may be anything up to the int range.
		tp.Pages = (len(roots)-1)/perPage + 1
	}
	if page <= tp.Pages {
		start := (page - 1) * perPage // < len(roots): no overflow
		tp.Nodes = roots[start : start+min(perPage, len(roots)-start)]
	}
	return tp, nil
}

// PageOf returns the thread of the comment with that ID and the page of
// [Service.Thread], perPage top-level comments to a page, where it
// appears, so a permalink to it can land there (with #comment-ID). It
// works for a comment of any status, giving the page where it would
// appear if approved: a caller serving visitors must check the status
// itself and answer [ErrNotFound] for a comment they may not see.
// It returns an error wrapping ErrNotFound if there is no such comment.
func (s *Service) PageOf(ctx context.Context, id int64, perPage int) (thread string, page int, err error) {
	if perPage <= 0 {
		perPage = DefaultPerPage
	}
	c, err := s.get(ctx, "page of", id)
	if err != nil {
		return "", 0, err
	}
	page, err = s.PageOfComment(ctx, c, perPage)
	if err != nil {
		return "", 0, err
	}
	return c.Thread, page, nil
}

// PageOfComment is [Service.PageOf] for a comment the caller holds, such
// as one [Service.Submit] just returned: it does not read c again.
func (s *Service) PageOfComment(ctx context.Context, c *Comment, perPage int) (page int, err error) {
	if perPage <= 0 {
		perPage = DefaultPerPage
	}
	id := c.ID
	if rc, ok := s.store.(RootCounter); ok {
		return s.pageByCount(ctx, rc, c, perPage)
	}
	// Most threads fit on one page: a count answers without loading them.
	counts, err := s.store.CountApproved(ctx, []string{c.Thread})
	if err != nil {
		return 0, fmt.Errorf("comments: page of %d: %w", id, err)
	}
	if counts[c.Thread] < perPage {
		return 1, nil
	}
	all, err := s.approved(ctx, c.Thread)
	if err != nil {
		return 0, err
	}
	byID := make(map[int64]*Comment, len(all))
	for _, a := range all {
		byID[a.ID] = a
	}
	byID[c.ID] = c
	// Climb as BuildTree does: up through parents present on the page.
	root, seen := c, map[int64]bool{c.ID: true}
	for root.ParentID != 0 && !seen[root.ParentID] {
		p, ok := byID[root.ParentID]
		if !ok {
			break
		}
		seen[p.ID] = true
		root = p
	}
	before := 0
	for _, r := range BuildTree(all) {
		if r.Comment.ID != root.ID && compareComments(r.Comment, root) < 0 {
			before++
		}
	}
	return before/perPage + 1, nil
}

// pageByCount finds the page of c by counting the top-level comments
// before its top-level ancestor: it climbs through approved parents on
// the same thread, as BuildTree does, then asks the store to count.
func (s *Service) pageByCount(ctx context.Context, rc RootCounter, c *Comment, perPage int) (int, error) {
	root, seen := c, map[int64]bool{c.ID: true}
	for root.ParentID != 0 && !seen[root.ParentID] {
		p, err := s.store.GetComment(ctx, root.ParentID)
		if errors.Is(err, ErrNotFound) {
			break
		}
		if err != nil {
			return 0, fmt.Errorf("comments: page of %d: %w", c.ID, err)
		}
		if p.Thread != c.Thread || p.Status != StatusApproved {
			break
		}
		seen[p.ID] = true
		root = p
	}
	before, err := rc.CountRootsBefore(ctx, c.Thread, Cursor{CreatedAt: root.CreatedAt, ID: root.ID})
	if err != nil {
		return 0, fmt.Errorf("comments: page of %d: %w", c.ID, err)
	}
	return before/perPage + 1, nil
}

// approved returns every approved comment on thread, oldest first.
func (s *Service) approved(ctx context.Context, thread string) ([]*Comment, error) {
	var all []*Comment
	q := CommentQuery{Thread: thread, Statuses: []Status{StatusApproved}, Limit: MaxLimit}
	for {
		list, err := s.store.ListComments(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("comments: thread %q: %w", thread, err)
		}
		all = append(all, list...)
		if len(list) < q.EffectiveLimit() {
			return all, nil
		}
		q.After = CursorOf(list[len(list)-1])
	}
}
