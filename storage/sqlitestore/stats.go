package sqlitestore

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// histogram counts durations (or sizes) in power-of-two buckets, safe for
// concurrent use without a lock.
type histogram struct {
	buckets [64]atomic.Uint64
	max     atomic.Int64
}

func (h *histogram) record(d time.Duration) {
	v := uint64(max(d, 0))
	h.buckets[bits.Len64(v)].Add(1)
	for {
		m := h.max.Load()
		if int64(v) <= m || h.max.CompareAndSwap(m, int64(v)) {
			return
		}
	}
}

// snapshot returns the counts and maximum.
func (h *histogram) snapshot() Histogram {
	var out Histogram
	for i := range h.buckets {
		n := h.buckets[i].Load()
		out.Count += n
		out.Buckets[i] = n
	}
	out.Max = time.Duration(h.max.Load())
	return out
}

// Histogram is a distribution of durations in power-of-two buckets:
// Buckets[i] counts the values v with 2^(i-1) ≤ v < 2^i nanoseconds
// (Buckets[0] the zeros).
type Histogram struct {
	Count   uint64
	Buckets [64]uint64
	Max     time.Duration
}

// Quantile returns an upper bound of the q-quantile (0 < q ≤ 1): the top
// of the bucket holding it, or Max if that is lower; 0 without values.
func (h Histogram) Quantile(q float64) time.Duration {
	if h.Count == 0 {
		return 0
	}
	rank := uint64(q*float64(h.Count) + 0.5)
	rank = min(max(rank, 1), h.Count)
	var seen uint64
	for i, n := range h.Buckets {
		seen += n
		if seen >= rank {
			if i == 0 {
				return 0
			}
			return min(time.Duration(uint64(1)<<i-1), h.Max)
		}
	}
	return h.Max
}

// writeStats are the Store's wait-time histograms.
type writeStats struct {
	lockWait  histogram // waiting for writeMu, the process's writer
	begin     histogram // BEGIN IMMEDIATE: waiting for SQLite's lock (busy time)
	queueWait histogram // a guarded comment waiting for its group
	commit    histogram // a group, from its start to its commit
	batchSize histogram // comments per group (as a count, not a duration)

	checkpoint histogram // a background checkpoint
	walFrames  histogram // frames in the WAL at a checkpoint (a count)
}

// WriteStats are the wait-time histograms of a Store's writes since it was
// opened, for finding where a slow write waited.
type WriteStats struct {
	// LockWait is the time write transactions waited for the process's
	// one writer.
	LockWait Histogram
	// Busy is the time BEGIN IMMEDIATE took: waiting for SQLite's write
	// lock while another process, or a checkpoint, held it.
	Busy Histogram
	// QueueWait is the time a guarded comment waited for the group it was
	// committed in to begin.
	QueueWait Histogram
	// Commit is the time a group took, from its start to its commit.
	Commit Histogram
	// BatchSize counts the comments per group: its "durations" are counts.
	BatchSize Histogram
	// Checkpoint is the time each WAL checkpoint took, off the request
	// path (a Store made by Open), and WALFrames the frames in the log at
	// each (counts).
	Checkpoint, WALFrames Histogram
}

// WriteStats returns the wait-time histograms of s's writes so far.
func (s *Store) WriteStats() WriteStats {
	return WriteStats{
		LockWait:  s.stats.lockWait.snapshot(),
		Busy:      s.stats.begin.snapshot(),
		QueueWait: s.stats.queueWait.snapshot(),
		Commit:    s.stats.commit.snapshot(),
		BatchSize: s.stats.batchSize.snapshot(),

		Checkpoint: s.stats.checkpoint.snapshot(),
		WALFrames:  s.stats.walFrames.snapshot(),
	}
}
