package failures_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/folioblog/folio/blog/bloghttp/internal/failures"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestTable(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	tb := failures.New(15*time.Minute, 100, c.now)

	assert.Zero(t, tb.Wait("a", 3), "a key that never failed never waits")
	for range 2 {
		tb.Fail("a")
	}
	assert.Zero(t, tb.Wait("a", 3), "below the limit")
	tb.Fail("a")
	assert.Equal(t, 15*time.Minute, tb.Wait("a", 3), "at the limit: the rest of the window")
	assert.Zero(t, tb.Wait("b", 3), "another key is not affected")

	c.t = c.t.Add(10 * time.Minute)
	assert.Equal(t, 5*time.Minute, tb.Wait("a", 3))
	c.t = c.t.Add(5 * time.Minute)
	assert.Zero(t, tb.Wait("a", 3), "the window has passed")

	tb.Fail("a")
	assert.Zero(t, tb.Wait("a", 1+1), "a failure after the window starts a new one")
	tb.Forget("a")
	tb.Fail("a")
	assert.Zero(t, tb.Wait("a", 2), "Forget drops the count")
}

func TestTable_full(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	tb := failures.New(time.Hour, 3, c.now)
	for i := range 3 {
		tb.Fail("k" + strconv.Itoa(i))
		tb.Fail("k" + strconv.Itoa(i))
		c.t = c.t.Add(time.Minute)
	}
	tb.Fail("new")
	tb.Fail("new")
	assert.Zero(t, tb.Wait("never-failed", 1), "a full table never refuses a key that did not fail")
	assert.Equal(t, 58*time.Minute, tb.Wait("k1", 2), "a newer key is kept")
	assert.Zero(t, tb.Wait("k0", 2), "the key whose window ends first is forgotten")
	assert.NotZero(t, tb.Wait("new", 2), "the new key is counted")
}
