package storagetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/folioblog/folio/blog"
)

// readier is the readiness check a health endpoint uses: a store that can
// tell whether it is reachable and migrated.
type readier interface {
	Ready(ctx context.Context) error
}

func readyStore(t *testing.T, s blog.Store) readier {
	t.Helper()
	r, ok := s.(readier)
	if !ok {
		t.Skip("the store has no Ready method")
	}
	return r
}

func readyOpenStore(t *testing.T, s blog.Store) {
	r := readyStore(t, s)
	assert.NoError(t, r.Ready(context.Background()), "a freshly built store is ready")
}

func readyCancelledContext(t *testing.T, s blog.Store) {
	r := readyStore(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.Error(t, r.Ready(ctx), "Ready with a cancelled context reports an error rather than success")
}
