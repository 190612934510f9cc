package storagetest_test

import (
	"testing"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
	"github.com/folioblog/folio/storage/storagetest"
)

// A backend runs the suites from an ordinary test in its own package,
// usually called TestConformance, with a function that returns a new,
// empty store for each subtest. Here the backend is memstore; a store on
// disk or in a database would make its store with t.TempDir or in a new
// schema, and close it with t.Cleanup. The example is compiled but not
// run: go test runs the function below only as a test.
func ExampleRunPostStore() {
	testConformance := func(t *testing.T) {
		storagetest.RunPostStore(t, func(t *testing.T) blog.Store {
			return memstore.New()
		})
		storagetest.RunCommentStore(t, func(t *testing.T) comments.Store {
			return memstore.New()
		})
	}
	_ = testConformance // func TestConformance(t *testing.T) in the backend's package
}

// The benchmarks take a factory too, called with each sub-benchmark's b.
// Run them with go test -run '^$' -bench Store.
func ExampleRunPostStoreBenchmarks() {
	benchmarkStore := func(b *testing.B) {
		storagetest.RunPostStoreBenchmarks(b, func(b *testing.B) blog.Store {
			return memstore.New()
		})
		storagetest.RunCommentStoreBenchmarks(b, func(b *testing.B) comments.Store {
			return memstore.New()
		})
	}
	_ = benchmarkStore // func BenchmarkStore(b *testing.B) in the backend's package
}
