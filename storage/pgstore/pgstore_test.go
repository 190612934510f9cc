package pgstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/internal/testenv"
	"github.com/folioblog/folio/storage/pgstore"
	"github.com/folioblog/folio/storage/storagetest"
)

// testDSN returns the database the tests use, or skips the test.
func testDSN(tb testing.TB) string {
	tb.Helper()
	return testenv.PostgresDSN(tb)
}

var (
	adminOnce sync.Once
	admin     *pgxpool.Pool
	adminErr  error
)

// adminPool returns a pool on the test database for setting up and
// inspecting, shared by every test.
func adminPool(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	dsn := testDSN(tb)
	adminOnce.Do(func() {
		admin, adminErr = pgxpool.New(context.Background(), dsn)
	})
	require.NoError(tb, adminErr, "connect to FOLIO_TEST_POSTGRES")
	return admin
}

// newSchema returns the name of a schema no other test uses, dropped with
// everything in it when the test ends. The Store creates it.
func newSchema(tb testing.TB) string {
	tb.Helper()
	pool := adminPool(tb)
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "t_" + hex.EncodeToString(b[:])
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE")
		assert.NoError(tb, err, "drop test schema %s", name)
	})
	return name
}

// openStore opens a Store (with a pool of its own) in schema, closed when
// the test ends.
func openStore(tb testing.TB, schema string, opts ...pgstore.Option) *pgstore.Store {
	tb.Helper()
	s, err := pgstore.Open(context.Background(), testDSN(tb), append([]pgstore.Option{pgstore.WithSchema(schema)}, opts...)...)
	require.NoError(tb, err, "open store in schema %s", schema)
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// newStore returns an empty Store in a fresh schema.
func newStore(tb testing.TB, opts ...pgstore.Option) *pgstore.Store {
	tb.Helper()
	return openStore(tb, newSchema(tb), opts...)
}

func TestConformance(t *testing.T) {
	testDSN(t)
	t.Run("Posts", func(t *testing.T) {
		storagetest.RunPostStore(t, func(t *testing.T) blog.Store { return newStore(t) })
	})
	t.Run("Comments", func(t *testing.T) {
		storagetest.RunCommentStore(t, func(t *testing.T) comments.Store { return newStore(t) })
	})
}

func TestOpen_Migrations(t *testing.T) {
	schema := newSchema(t)
	ctx := context.Background()

	t.Run("ConcurrentOpensMigrateOnce", func(t *testing.T) {
		const n = 4
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				s, err := pgstore.Open(ctx, testDSN(t), pgstore.WithSchema(schema))
				if err == nil {
					s.Close()
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for i, err := range errs {
			assert.NoError(t, err, "open %d", i)
		}
		var applied int
		require.NoError(t, adminPool(t).QueryRow(ctx,
			"SELECT count(*) FROM "+pgx.Identifier{schema, "folio_migrations"}.Sanitize()).Scan(&applied))
		assert.Equal(t, pgstore.SchemaVersion(), applied, "each migration recorded once")
	})

	t.Run("ReopenKeepsData", func(t *testing.T) {
		s := openStore(t, schema)
		p := &blog.Post{Slug: "kept", Title: "Kept", Kind: blog.KindPost, Status: blog.StatusDraft}
		require.NoError(t, s.CreatePost(ctx, p))
		s.Close()
		again := openStore(t, schema)
		got, err := again.GetPost(ctx, p.ID)
		require.NoError(t, err)
		assert.Equal(t, "Kept", got.Title)
	})

	t.Run("NewerSchemaRefused", func(t *testing.T) {
		other := newSchema(t)
		openStore(t, other).Close()
		_, err := adminPool(t).Exec(ctx, "INSERT INTO "+pgx.Identifier{other, "folio_migrations"}.Sanitize()+
			" (version, name) VALUES ($1, 'from the future')", pgstore.SchemaVersion()+1)
		require.NoError(t, err)
		_, err = pgstore.Open(ctx, testDSN(t), pgstore.WithSchema(other))
		assert.ErrorIs(t, err, pgstore.ErrSchemaTooNew)
	})
}

func TestOpen_Invalid(t *testing.T) {
	dsn := testDSN(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		dsn  string
		opts []pgstore.Option
	}{
		{"MalformedDSN", "postgres://%zz", nil},
		{"SchemaTooLong", dsn, []pgstore.Option{pgstore.WithSchema(string(make([]byte, 64)))}},
		{"SchemaWithNUL", dsn, []pgstore.Option{pgstore.WithSchema("a\x00b")}},
		{"ChangeBufferTooSmall", dsn, []pgstore.Option{pgstore.WithChangeBuffer(1)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := pgstore.Open(ctx, tc.dsn, tc.opts...)
			assert.Error(t, err)
			assert.Nil(t, s)
		})
	}
	t.Run("NilPool", func(t *testing.T) {
		_, err := pgstore.New(ctx, nil)
		assert.Error(t, err)
	})
}

func TestNew_CallerOwnsPool(t *testing.T) {
	schema := newSchema(t)
	pool, err := pgxpool.New(context.Background(), testDSN(t))
	require.NoError(t, err)
	defer pool.Close()
	s, err := pgstore.New(context.Background(), pool, pgstore.WithSchema(schema))
	require.NoError(t, err)
	assert.Same(t, pool, s.Pool())
	s.Close()
	assert.NoError(t, pool.Ping(context.Background()), "Close leaves a caller's pool open")
}
