package wordpress_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/wordpress"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
)

// redirectStore is memstore with the old paths of posts kept in a map,
// standing in for a store that implements blog.RedirectStore.
type redirectStore struct {
	*memstore.Store
	mu    sync.Mutex
	paths map[string]int64
}

var _ blog.RedirectStore = (*redirectStore)(nil)

func newRedirectStore() *redirectStore {
	return &redirectStore{Store: memstore.New(), paths: map[string]int64{}}
}

func (s *redirectStore) PutRedirect(ctx context.Context, path string, postID int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paths[path] = postID
	return nil
}

func (s *redirectStore) LookupRedirect(ctx context.Context, path string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.paths[path]
	if !ok {
		return 0, blog.ErrNotFound
	}
	return id, nil
}

func (s *redirectStore) redirects() map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int64, len(s.paths))
	for k, v := range s.paths {
		out[k] = v
	}
	return out
}

// plainStore is memstore without its optional capabilities, redirects
// among them: a store as small as the contracts allow.
type plainStore struct {
	blog.Store
	commentStore
}

type commentStore = comments.Store

func newPlainStore() plainStore {
	m := memstore.New()
	return plainStore{m, m}
}

var errInjected = errors.New("injected failure")

// failingStore fails its failAt-th CreatePost (counting from 1) and, if
// failCommentAt is set, its failCommentAt-th CreateComment.
type failingStore struct {
	*redirectStore
	mu                    sync.Mutex
	posts, comments       int
	failAt, failCommentAt int
}

func (s *failingStore) CreatePost(ctx context.Context, p *blog.Post) error {
	s.mu.Lock()
	s.posts++
	n := s.posts
	s.mu.Unlock()
	if n == s.failAt {
		return errInjected
	}
	return s.redirectStore.CreatePost(ctx, p)
}

func (s *failingStore) CreateComment(ctx context.Context, c *comments.Comment) error {
	s.mu.Lock()
	s.comments++
	n := s.comments
	s.mu.Unlock()
	if n == s.failCommentAt {
		return errInjected
	}
	return s.redirectStore.CreateComment(ctx, c)
}

// oslo is the time zone of the fixtures' site.
func oslo(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Europe/Oslo")
	require.NoError(tb, err)
	return loc
}

// fixedNow is the clock of the tests' blogs: after every fixture date but
// the scheduled one.
var fixedNow = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

func newBlog(tb testing.TB, st blog.Store) *blog.Blog {
	tb.Helper()
	b, err := blog.New(st, blog.WithLocation(oslo(tb)), blog.WithClock(func() time.Time { return fixedNow }))
	require.NoError(tb, err)
	return b
}

func newImporter(tb testing.TB, b *blog.Blog, cs comments.Store, opts ...wordpress.Option) *wordpress.Importer {
	tb.Helper()
	im, err := wordpress.NewImporter(b, commentService(tb, cs), opts...)
	require.NoError(tb, err)
	return im
}

// commentService returns a comment service over cs, or nil for a nil cs.
func commentService(tb testing.TB, cs comments.Store) *comments.Service {
	tb.Helper()
	if cs == nil {
		return nil
	}
	// Imported comments land on the posts the import just made: every
	// thread is taken to exist here.
	open := comments.ThreadPolicyFunc(func(context.Context, string) (comments.ThreadInfo, error) {
		return comments.ThreadInfo{Open: true}, nil
	})
	svc, err := comments.NewService(cs, open)
	require.NoError(tb, err)
	return svc
}

func openFixture(tb testing.TB, name string) *os.File {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	require.NoError(tb, err)
	tb.Cleanup(func() { f.Close() })
	return f
}

// importFile imports a fixture into st and returns the summary.
func importFile(tb testing.TB, st interface {
	blog.Store
	comments.Store
}, name string, opts ...wordpress.Option) wordpress.Summary {
	tb.Helper()
	im := newImporter(tb, newBlog(tb, st), st, opts...)
	sum, err := im.Import(context.Background(), openFixture(tb, name))
	require.NoError(tb, err)
	return sum
}

// allPosts returns every post of st, newest first.
func allPosts(tb testing.TB, st blog.Store) []*blog.Post {
	tb.Helper()
	posts, err := st.ListPosts(context.Background(), blog.PostQuery{Limit: blog.MaxLimit})
	require.NoError(tb, err)
	return posts
}

// allComments returns every comment of st, oldest first.
func allComments(tb testing.TB, st comments.Store) []*comments.Comment {
	tb.Helper()
	cs, err := st.ListComments(context.Background(), comments.CommentQuery{Limit: comments.MaxLimit})
	require.NoError(tb, err)
	return cs
}

func threadComments(tb testing.TB, st comments.Store, p *blog.Post) []*comments.Comment {
	tb.Helper()
	cs, err := st.ListComments(context.Background(), comments.CommentQuery{Thread: strconv.FormatInt(p.ID, 10), Limit: comments.MaxLimit})
	require.NoError(tb, err)
	return cs
}

func postByTitle(tb testing.TB, st blog.Store, title string) *blog.Post {
	tb.Helper()
	for _, p := range allPosts(tb, st) {
		if p.Title == title {
			return p
		}
	}
	tb.Fatalf("no post titled %q", title)
	return nil
}
