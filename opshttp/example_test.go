package opshttp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/folioblog/folio/opshttp"
)

// A host mounts liveness and readiness beside its site; a store's Ready
// method is the readiness check.
func ExampleReadyz() {
	storeUp := false
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", opshttp.Healthz())
	mux.Handle("GET /readyz", opshttp.Readyz(0, opshttp.Check{Name: "store", Run: func(context.Context) error {
		if !storeUp {
			return fmt.Errorf("dial tcp: connection refused")
		}
		return nil
	}}))
	for _, up := range []bool{false, true} {
		storeUp = up
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
		fmt.Print(w.Code, " ", w.Body.String())
	}
	// Output:
	// 503 not ready: store
	// 200 ready
}
