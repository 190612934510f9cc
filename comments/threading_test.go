package comments_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
)

// shape writes a forest as "id(child child) id", with each node's depth
// checked against its nesting.
func shape(t testing.TB, nodes []*comments.Node, depth int) string {
	t.Helper()
	var parts []string
	for _, n := range nodes {
		assert.Equal(t, depth, n.Depth, "depth of %d", n.Comment.ID)
		s := fmt.Sprint(n.Comment.ID)
		if len(n.Children) > 0 {
			s += "(" + shape(t, n.Children, depth+1) + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func TestBuildTree(t *testing.T) {
	t.Parallel()
	at := func(id, parent int64, minute int) *comments.Comment {
		return &comments.Comment{ID: id, ParentID: parent, CreatedAt: start.Add(time.Duration(minute) * time.Minute)}
	}
	tests := []struct {
		name string
		in   []*comments.Comment
		want string
	}{
		{"empty", nil, ""},
		{"flat, oldest first", []*comments.Comment{at(3, 0, 3), at(1, 0, 1), at(2, 0, 2)}, "1 2 3"},
		{"same time, lower ID first", []*comments.Comment{at(9, 0, 1), at(4, 0, 1)}, "4 9"},
		{"nested", []*comments.Comment{at(1, 0, 1), at(2, 1, 2), at(3, 2, 3), at(4, 1, 4), at(5, 0, 5)}, "1(2(3) 4) 5"},
		{"replies sorted at each level", []*comments.Comment{at(4, 1, 2), at(2, 1, 9), at(1, 0, 1)}, "1(4 2)"},
		{"orphans become top-level", []*comments.Comment{at(2, 99, 2), at(3, 2, 3), at(1, 0, 1)}, "1 2(3)"},
		{"self-parent", []*comments.Comment{at(1, 1, 1)}, "1"},
		{"a loop is broken at its oldest comment", []*comments.Comment{at(1, 2, 1), at(2, 1, 2), at(3, 0, 3)}, "1(2) 3"},
		{"nil and repeated comments are skipped", []*comments.Comment{nil, at(1, 0, 1), at(1, 0, 1)}, "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, shape(t, comments.BuildTree(tt.in), 1))
		})
	}
}

// pagedThread builds, on thread "p": three top-level comments each with a
// reply, a reply to the second reply, and one held comment. It returns
// the IDs by name.
func pagedThread(t testing.TB) (*harness, map[string]int64) {
	t.Helper()
	h := newHarness(t)
	ids := map[string]int64{}
	for _, top := range []string{"a", "b", "c"} {
		ids[top] = h.approved(t, "p", 0, "top "+top).ID
		ids[top+"1"] = h.approved(t, "p", ids[top], "reply to "+top).ID
	}
	ids["b11"] = h.approved(t, "p", ids["b1"], "reply to b1").ID
	held := h.submit(t, h.sub("p", "New", "new@example.com", "held reply to c"))
	require.Equal(t, comments.StatusPending, held.Status)
	ids["held"] = held.ID
	h.approved(t, "other", 0, "another thread")
	return h, ids
}

func TestService_Thread(t *testing.T) {
	t.Parallel()
	h, ids := pagedThread(t)
	ctx := context.Background()
	want := func(names ...string) string {
		s := strings.Join(names, " ")
		for _, name := range []string{"b11", "a1", "b1", "c1", "a", "b", "c"} {
			s = strings.ReplaceAll(s, name, fmt.Sprint(ids[name]))
		}
		return s
	}
	tests := []struct {
		name      string
		page, per int
		wantNodes string
		wantPage  int
		wantPages int
	}{
		{"first page", 1, 2, want("a(a1)", "b(b1(b11))"), 1, 2},
		{"second page", 2, 2, want("c(c1)"), 2, 2},
		{"past the end", 3, 2, "", 3, 2},
		{"page below 1 is the first", 0, 2, want("a(a1)", "b(b1(b11))"), 1, 2},
		{"default page size", 1, 0, want("a(a1)", "b(b1(b11))", "c(c1)"), 1, 1},
		{"page at the end of the int range", math.MaxInt, 2, "", math.MaxInt, 2},
		{"page whose first comment's index overflows", math.MaxInt/2 + 2, 2, "", math.MaxInt/2 + 2, 2},
		{"page below the int range is the first", math.MinInt, 2, want("a(a1)", "b(b1(b11))"), 1, 2},
		{"page size at the end of the int range", 1, math.MaxInt, want("a(a1)", "b(b1(b11))", "c(c1)"), 1, 1},
		{"both at the end of the int range", math.MaxInt, math.MaxInt, "", math.MaxInt, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tp, err := h.svc.Thread(ctx, "p", tt.page, tt.per)
			require.NoError(t, err)
			assert.Equal(t, tt.wantNodes, shape(t, tp.Nodes, 1))
			assert.Equal(t, tt.wantPage, tp.Page)
			assert.Equal(t, tt.wantPages, tp.Pages)
			assert.Equal(t, 3, tp.TopLevel)
			assert.Equal(t, 7, tp.Total, "approved comments only")
			assert.Equal(t, "p", tp.Thread)
		})
	}
	empty, err := h.svc.Thread(ctx, "nobody-commented", 1, 10)
	require.NoError(t, err)
	assert.Zero(t, empty.Pages)
	assert.Empty(t, empty.Nodes)
}

func TestService_PageOf(t *testing.T) {
	t.Parallel()
	h, ids := pagedThread(t)
	ctx := context.Background()
	tests := []struct {
		name     string
		comment  string
		perPage  int
		wantPage int
	}{
		{"top-level on the first page", "a", 2, 1},
		{"deep reply on the first page", "b11", 2, 1},
		{"top-level on the second page", "c", 2, 2},
		{"reply on the second page", "c1", 2, 2},
		{"one to a page", "c1", 1, 3},
		{"a held comment lands where it would appear", "held", 2, 2},
		{"default page size", "c1", 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			thread, page, err := h.svc.PageOf(ctx, ids[tt.comment], tt.perPage)
			require.NoError(t, err)
			assert.Equal(t, "p", thread)
			assert.Equal(t, tt.wantPage, page)
		})
	}
	_, _, err := h.svc.PageOf(ctx, 9999, 2)
	assert.ErrorIs(t, err, comments.ErrNotFound)
}

// TestService_PageOfComment checks that the page found by count (the store
// is a RootCounter) is the page found by listing the thread (it is not),
// for every comment of a thread paged several ways, and that
// PageOfComment agrees with PageOf.
func TestService_PageOfComment(t *testing.T) {
	t.Parallel()
	h, ids := pagedThread(t)
	ctx := context.Background()
	require.Implements(t, (*comments.RootCounter)(nil), h.store)
	listing, err := comments.NewService(plainStore{h.store}, openThreads, comments.WithTokenKey(testKey), comments.WithLogger(quietLogger()))
	require.NoError(t, err)
	for name, id := range ids {
		c, err := h.svc.Get(ctx, id)
		require.NoError(t, err)
		for _, perPage := range []int{1, 2, 3, 0} {
			byCount, err := h.svc.PageOfComment(ctx, c, perPage)
			require.NoError(t, err)
			byList, err := listing.PageOfComment(ctx, c, perPage)
			require.NoError(t, err)
			assert.Equal(t, byList, byCount, "comment %s, %d to a page: the count finds the page the listing does", name, perPage)
			_, page, err := h.svc.PageOf(ctx, id, perPage)
			require.NoError(t, err)
			assert.Equal(t, page, byCount, "comment %s, %d to a page: PageOf agrees", name, perPage)
		}
	}
}
