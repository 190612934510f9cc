package pagecache

import "slices"

// Internals for the tests of package pagecache_test.
var (
	ETagMatches      = etagMatches
	QValue           = qValue
	AcceptsGzip      = acceptsGzip
	HasCookie        = hasCookie
	QueryAllowed     = queryAllowed
	DefaultQueryKeys = defaultQueryKeys
)

// Keys lists the keys of the cached pages, sorted.
func (c *Cache) Keys() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var keys []string
	for k := range c.entries {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Compress returns body gzipped as the cache stores it.
func (c *Cache) Compress(body []byte) []byte { return c.compress(body) }

// Deps returns the dependencies of the cached page key, or nil if it is
// not cached.
func (c *Cache) Deps(key string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[key]; e != nil {
		return e.deps
	}
	return nil
}

// InFlight returns how many renders are running, how many evictions are
// remembered for them, and how many renders requests wait for.
func (c *Cache) InFlight() (rendering, generations, flights int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rendering, len(c.depSeq), len(c.flights)
}

// Closed reports whether the cache stopped caching because its change
// feed ended.
func (c *Cache) Closed() bool { return c.closed.Load() }
