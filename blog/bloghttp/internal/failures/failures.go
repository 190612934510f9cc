// Package failures counts failed attempts — sign-ins, wrong bearer
// tokens — per key (a client network) in fixed windows, in bounded memory,
// so that the HTTP layer can refuse a key that failed too often.
package failures

import (
	"sync"
	"time"
)

// Table counts failures per key. A key's window starts at its first
// failure and lasts the table's window; a failure after that starts a new
// one. When the table holds its most keys, a new key makes it forget the
// keys whose window has passed, then the one whose window ends first: a
// key that never failed is never refused. A Table is safe for concurrent
// use.
type Table struct {
	window time.Duration
	max    int
	now    func() time.Time

	mu   sync.Mutex
	keys map[string]*entry
}

type entry struct {
	count int
	first time.Time
}

// New returns a Table with windows of window that remembers at most max
// keys, reading the time from now.
func New(window time.Duration, max int, now func() time.Time) *Table {
	return &Table{window: window, max: max, now: now, keys: map[string]*entry{}}
}

// Wait returns how long key must wait before it may try again, once it has
// failed limit times within its window; 0 if it may now. A key not in the
// table never waits.
func (t *Table) Wait(key string, limit int) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.keys[key]
	if e == nil {
		return 0
	}
	now := t.now()
	if now.Sub(e.first) >= t.window || e.count < limit {
		return 0
	}
	return e.first.Add(t.window).Sub(now)
}

// Fail records a failure of key.
func (t *Table) Fail(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if t.keys[key] == nil && len(t.keys) >= t.max {
		oldest := ""
		for k, e := range t.keys {
			switch {
			case now.Sub(e.first) >= t.window:
				delete(t.keys, k)
			case oldest == "" || e.first.Before(t.keys[oldest].first):
				oldest = k
			}
		}
		if len(t.keys) >= t.max {
			delete(t.keys, oldest)
		}
	}
	e := t.keys[key]
	if e == nil || now.Sub(e.first) >= t.window {
		e = &entry{first: now}
		t.keys[key] = e
	}
	e.count++
}

// Forget drops the failures of key, as after a success.
func (t *Table) Forget(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, key)
}
