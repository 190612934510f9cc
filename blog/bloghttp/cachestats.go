package bloghttp

// PageCacheStats are the page cache's counters, for a host's metrics.
type PageCacheStats struct {
	Hits, Misses, Bypasses int64 // answers, by their X-Folio-Cache state
	Evictions              int64 // pages removed, for any reason
	Entries                int   // pages cached now
	Bytes                  int64 // their approximate memory
}

// PageCacheStats returns the page cache's counters since the Server was
// built, and false when the cache is off (see [WithPageCache]).
func (s *Server) PageCacheStats() (PageCacheStats, bool) {
	if s.cache == nil {
		return PageCacheStats{}, false
	}
	st := s.cache.Stats()
	return PageCacheStats{Hits: st.Hits, Misses: st.Misses, Bypasses: st.Bypasses,
		Evictions: st.Evictions, Entries: st.Entries, Bytes: st.Bytes}, true
}
