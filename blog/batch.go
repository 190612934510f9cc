package blog

import (
	"context"
	"errors"
	"fmt"
)

// Batcher is an optional capability of a [Store]: running many writes as
// one unit, which a bulk import needs to be fast (one transaction and one
// sync for hundreds of rows instead of one each).
//
// Batch calls fn with a context derived from ctx. Every call fn makes on
// the same store with that context (or one derived from it) joins the
// batch: its writes are visible to the batch's own reads at once, and they
// are kept only if fn returns nil and the batch commits. If fn returns an
// error, or ctx is done, or the commit fails, nothing written in the batch
// is kept and Batch returns the error. A call inside the batch that fails
// (a taken slug, say) writes nothing of its own and leaves the batch
// usable, as it would outside one. Change events of a batch's writes are
// delivered after it commits, and not at all if it does not.
//
// Other writers of the store may wait for a batch to end; keep batches to
// a few hundred writes. fn must write with the context it is given: a
// write to the same store with an unrelated context waits for the batch
// to end, which, called from fn itself, is never. Batches do not nest: a Batch called with a context
// already in a batch of the same store runs fn in that batch.
type Batcher interface {
	Batch(ctx context.Context, fn func(ctx context.Context) error) error
}

// ErrBatchAborted is wrapped by the error of [Blog.ImportBatch] when a
// post of the batch was refused, so that nothing of the batch was kept.
var ErrBatchAborted = errors.New("blog: batch not written")

// Batch runs fn as one unit of writes on the Blog's store: every call fn
// makes with the context it is given, on this Blog or on any service over
// the same store value (a comments service, say), is committed together when fn
// returns nil, and none is kept when it returns an error. See [Batcher]
// for the contract.
//
// A store without [Batcher] gets no atomicity: fn runs with ctx and each
// write commits on its own, as without Batch. Callers that must not leave
// half a batch behind check [Blog.CanBatch].
func (b *Blog) Batch(ctx context.Context, fn func(ctx context.Context) error) error {
	if bs, ok := b.store.(Batcher); ok {
		return bs.Batch(ctx, fn)
	}
	return fn(ctx)
}

// CanBatch reports whether the Blog's store implements [Batcher], so that
// [Blog.Batch] is atomic.
func (b *Blog) CanBatch() bool {
	_, ok := b.store.(Batcher)
	return ok
}

// ImportBatch imports posts as [Blog.ImportPost] does, all in one
// [Blog.Batch]: on a store with [Batcher] they are written in one
// transaction, which is many times faster than one ImportPost each. It
// returns the stored posts in the order of posts.
//
// It is all or nothing on a store with [Batcher]: if any post is refused
// (a [*ValidationError]) or the store fails, no post of the batch is kept,
// and the error wraps [ErrBatchAborted] and the cause, naming the index of
// the post. Without Batcher the posts before the failing one are kept.
// An importer that skips bad posts rather than failing calls
// [Blog.ImportPost] for each inside its own [Blog.Batch] instead.
func (b *Blog) ImportBatch(ctx context.Context, posts []*Post) ([]*Post, error) {
	out := make([]*Post, len(posts))
	err := b.Batch(ctx, func(ctx context.Context) error {
		for i, p := range posts {
			q, err := b.ImportPost(ctx, p)
			if err != nil {
				return fmt.Errorf("%w: post %d: %w", ErrBatchAborted, i, err)
			}
			out[i] = q
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
