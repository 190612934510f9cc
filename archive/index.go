package archive

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// ErrInvalidMonth is returned when a month is outside January to December.
var ErrInvalidMonth = errors.New("invalid month")

// ErrInvalidCount is returned by [Index.AddMonth] when the count is negative.
var ErrInvalidCount = errors.New("invalid count")

// ErrOutsideMonth is returned by [Index.SetMonth] when a time does not fall
// in the month being set, in the index's location.
var ErrOutsideMonth = errors.New("time outside month")

// Year is the number of posts published in one year of the site's location.
type Year struct {
	Year  int `json:"year"`
	Count int `json:"count"`
}

// Month is the number of posts published in one month of the site's
// location.
type Month struct {
	Year  int        `json:"year"`
	Month time.Month `json:"month"`
	Count int        `json:"count"`
}

// Day is the number of posts published on one day of the site's location.
type Day struct {
	Year  int        `json:"year"`
	Month time.Month `json:"month"`
	Day   int        `json:"day"`
	Count int        `json:"count"`
}

// instant is a point in time without a location, comparable with ==.
type instant struct {
	sec  int64
	nsec int32
}

func instantOf(t time.Time) instant {
	return instant{sec: t.Unix(), nsec: int32(t.Nanosecond())}
}

func (a instant) before(b instant) bool {
	return a.sec < b.sec || (a.sec == b.sec && a.nsec < b.nsec)
}

func (a instant) time() time.Time { return time.Unix(a.sec, int64(a.nsec)) }

// bucket holds one local month. It exists only while it counts at least one
// post.
type bucket struct {
	key      int       // year*12 + month - 1
	pos      uint32    // scratch for Build: creation order
	unplaced int       // posts seeded by AddMonth: day and time unknown
	days     [31]int32 // posts with a known time, per local day
	instants []instant // the known times, unordered, duplicates allowed
}

func (b *bucket) count() int { return len(b.instants) + b.unplaced }

func (b *bucket) year() int { return floorDiv(b.key, 12) }

func (b *bucket) month() time.Month { return time.Month(b.key - floorDiv(b.key, 12)*12 + 1) }

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func monthKey(year int, month time.Month) int { return year*12 + int(month) - 1 }

// Index counts publish times by year, month and day of one location. It is
// safe for concurrent use. The zero Index is empty, uses UTC and is ready to
// use; [NewIndex] and [Build] choose the location.
type Index struct {
	mu     sync.RWMutex
	loc    *time.Location
	months map[int]*bucket
	sorted []*bucket // newest month first
	total  int

	// Extremes of the known times; valid when hasExt is true.
	newest, oldest instant
	hasExt         bool
}

// NewIndex returns an empty index that files times by their calendar date in
// loc. A nil loc means UTC.
func NewIndex(loc *time.Location) *Index {
	if loc == nil {
		loc = time.UTC
	}
	return &Index{loc: loc, months: make(map[int]*bucket)}
}

// Build returns an index holding every time in times, filed in loc (nil
// means UTC). It is faster than calling [Index.Add] for each time.
func Build(times []time.Time, loc *time.Location) *Index {
	ix := NewIndex(loc)
	loc = ix.loc
	// First pass: file each time and count per month, so the second pass
	// can size every month's slice exactly instead of growing it. where holds
	// each time's month as an index into ix.sorted, which is unsorted until
	// the end; being free of pointers it costs the collector nothing.
	where := make([]uint32, len(times))
	var last *bucket // times from a store often come in order, month by month
	var lastAt uint32
	for i, t := range times {
		y, m, d := t.In(loc).Date()
		key := monthKey(y, m)
		if last == nil || last.key != key {
			b := ix.months[key]
			if b == nil {
				b = &bucket{key: key}
				ix.months[key] = b
				b.pos = uint32(len(ix.sorted))
				ix.sorted = append(ix.sorted, b)
			}
			last, lastAt = b, b.pos
		}
		last.days[d-1]++
		where[i] = lastAt
	}
	for _, b := range ix.sorted {
		n := 0
		for _, c := range b.days {
			n += int(c)
		}
		b.instants = make([]instant, 0, n)
	}
	for i, t := range times {
		in := instantOf(t)
		b := ix.sorted[where[i]]
		b.instants = append(b.instants, in)
		if !ix.hasExt {
			ix.newest, ix.oldest, ix.hasExt = in, in, true
		} else if ix.newest.before(in) {
			ix.newest = in
		} else if in.before(ix.oldest) {
			ix.oldest = in
		}
	}
	ix.total = len(times)
	slices.SortFunc(ix.sorted, func(a, b *bucket) int { return b.key - a.key })
	return ix
}

// Location reports the location the index files times in.
func (ix *Index) Location() *time.Location {
	if ix.loc == nil {
		return time.UTC
	}
	return ix.loc
}

// place returns the key of t's local month and its local day of the month.
func (ix *Index) place(t time.Time) (key, day int) {
	y, m, d := t.In(ix.Location()).Date()
	return monthKey(y, m), d
}

// bucketFor returns the bucket for key, creating it and keeping the sorted
// list in order. The caller holds the write lock.
func (ix *Index) bucketFor(key int) *bucket {
	if b := ix.months[key]; b != nil {
		return b
	}
	if ix.months == nil {
		ix.months = make(map[int]*bucket)
	}
	b := &bucket{key: key}
	ix.months[key] = b
	i, _ := ix.search(key)
	ix.sorted = slices.Insert(ix.sorted, i, b)
	return b
}

// search finds key in the newest-first sorted list: the position where it is
// or would be inserted, and whether it is there.
func (ix *Index) search(key int) (int, bool) {
	return slices.BinarySearchFunc(ix.sorted, key, func(b *bucket, k int) int { return k - b.key })
}

// dropIfEmpty removes b when it no longer counts any post. The caller holds
// the write lock.
func (ix *Index) dropIfEmpty(b *bucket) {
	if b.count() > 0 {
		return
	}
	delete(ix.months, b.key)
	if i, ok := ix.search(b.key); ok {
		ix.sorted = slices.Delete(ix.sorted, i, i+1)
	}
}

// Add files one post published at t.
func (ix *Index) Add(t time.Time) {
	key, day := ix.place(t)
	in := instantOf(t)
	ix.mu.Lock()
	ix.add(key, day, in)
	ix.mu.Unlock()
}

func (ix *Index) add(key, day int, in instant) {
	b := ix.bucketFor(key)
	b.days[day-1]++
	b.instants = append(b.instants, in)
	ix.total++
	switch {
	case !ix.hasExt:
		ix.newest, ix.oldest, ix.hasExt = in, in, true
	case ix.newest.before(in):
		ix.newest = in
	case in.before(ix.oldest):
		ix.oldest = in
	}
}

// Remove takes away one post published at t and reports whether it was
// there. Times are compared as instants, whatever their location. A time the
// index does not hold changes nothing and reports false, so counts never go
// negative. In a month seeded with [Index.AddMonth] a time that is not known
// is taken from the month's unplaced posts while there are any.
func (ix *Index) Remove(t time.Time) bool {
	key, day := ix.place(t)
	in := instantOf(t)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.remove(key, day, in)
}

func (ix *Index) remove(key, day int, in instant) bool {
	b := ix.months[key]
	if b == nil {
		return false
	}
	// Scan from the end: recently added posts are the likeliest to go.
	i := len(b.instants) - 1
	for ; i >= 0 && b.instants[i] != in; i-- {
	}
	switch {
	case i >= 0:
		last := len(b.instants) - 1
		b.instants[i] = b.instants[last]
		b.instants = b.instants[:last]
		b.days[day-1]--
	case b.unplaced > 0:
		b.unplaced--
	default:
		return false
	}
	ix.total--
	ix.dropIfEmpty(b)
	if i >= 0 && (in == ix.newest || in == ix.oldest) {
		ix.recomputeExtremes()
	}
	return true
}

// Move changes the publish time of one post from one time to another in one
// step, as when a post is re-dated, and reports whether the post was there at
// from. When it was not, Move changes nothing.
func (ix *Index) Move(from, to time.Time) bool {
	fromKey, fromDay := ix.place(from)
	toKey, toDay := ix.place(to)
	fromIn, toIn := instantOf(from), instantOf(to)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if !ix.remove(fromKey, fromDay, fromIn) {
		return false
	}
	ix.add(toKey, toDay, toIn)
	return true
}

// recomputeExtremes finds the newest and oldest known times again after one
// of them was removed. Months are ordered by local date, so the extremes lie
// in the first and last months holding known times; the month next to each is
// scanned too, because a clock set back across midnight at the turn of a
// month files a later instant in the earlier month. The cost is the number of
// posts in those few months, not in the whole index.
func (ix *Index) recomputeExtremes() {
	ix.hasExt = false
	first, last := -1, -1
	for i, b := range ix.sorted {
		if len(b.instants) > 0 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		ix.newest, ix.oldest = instant{}, instant{}
		return
	}
	scan := func(b *bucket) {
		for _, in := range b.instants {
			switch {
			case !ix.hasExt:
				ix.newest, ix.oldest, ix.hasExt = in, in, true
			case ix.newest.before(in):
				ix.newest = in
			case in.before(ix.oldest):
				ix.oldest = in
			}
		}
	}
	seen := map[int]bool{}
	for _, i := range []int{first, first + 1, last - 1, last} {
		if i < first || i > last || seen[i] {
			continue
		}
		seen[i] = true
		scan(ix.sorted[i])
	}
}

// AddMonth adds n posts to a month without saying on which days or at what
// times they were published, so a store that counts posts per month can seed
// the index without loading every post. Such posts count in [Index.Months],
// [Index.Years] and [Index.Total] but not in [Index.Days], [Index.Newest] or
// [Index.Oldest]; [Calendar.Unplaced] shows how many there are. Call
// [Index.SetMonth] with the month's times to make its days known. AddMonth
// returns an error wrapping [ErrInvalidMonth] or [ErrInvalidCount] for a
// month outside 1 to 12 or a negative n, and then changes nothing.
func (ix *Index) AddMonth(year int, month time.Month, n int) error {
	if month < time.January || month > time.December {
		return fmt.Errorf("archive: add month %d-%d: %w", year, int(month), ErrInvalidMonth)
	}
	if n < 0 {
		return fmt.Errorf("archive: add month %04d-%02d: %d posts: %w", year, int(month), n, ErrInvalidCount)
	}
	if n == 0 {
		return nil
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.bucketFor(monthKey(year, month)).unplaced += n
	ix.total += n
	return nil
}

// SetMonth replaces everything the index holds for one month, known times
// and unplaced posts alike, with the given times. It is how a month seeded
// with [Index.AddMonth] gets its days, for example before its calendar is
// drawn. Every time must fall in that month in the index's location;
// otherwise SetMonth returns an error wrapping [ErrOutsideMonth] (or
// [ErrInvalidMonth] for a month outside 1 to 12) and changes nothing.
func (ix *Index) SetMonth(year int, month time.Month, times []time.Time) error {
	if month < time.January || month > time.December {
		return fmt.Errorf("archive: set month %d-%d: %w", year, int(month), ErrInvalidMonth)
	}
	key := monthKey(year, month)
	fresh := &bucket{key: key, instants: make([]instant, 0, len(times))}
	for _, t := range times {
		k, d := ix.place(t)
		if k != key {
			return fmt.Errorf("archive: set month %04d-%02d: %s: %w",
				year, int(month), t.In(ix.Location()).Format(time.RFC3339), ErrOutsideMonth)
		}
		fresh.days[d-1]++
		fresh.instants = append(fresh.instants, instantOf(t))
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if old := ix.months[key]; old != nil {
		ix.total -= old.count()
		old.instants, old.unplaced, old.days = fresh.instants, 0, fresh.days
		ix.dropIfEmpty(old)
	} else if len(fresh.instants) > 0 {
		b := ix.bucketFor(key)
		b.instants, b.days = fresh.instants, fresh.days
	}
	ix.total += len(fresh.instants)
	ix.recomputeExtremes()
	return nil
}

// Total reports the number of posts in the index.
func (ix *Index) Total() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.total
}

// Newest reports the latest publish time in the index, and false when the
// index holds no known time (it is empty or holds only posts added with
// [Index.AddMonth]). It stays exact under [Index.Remove].
func (ix *Index) Newest() (time.Time, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if !ix.hasExt {
		return time.Time{}, false
	}
	return ix.newest.time().In(ix.Location()), true
}

// Oldest reports the earliest publish time in the index, and false when the
// index holds no known time, as for [Index.Newest].
func (ix *Index) Oldest() (time.Time, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if !ix.hasExt {
		return time.Time{}, false
	}
	return ix.oldest.time().In(ix.Location()), true
}

// Months returns every month that has posts, newest first. Its cost grows
// with the number of months, not with the number of posts. The slice is the
// caller's to keep or change.
func (ix *Index) Months() []Month {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([]Month, len(ix.sorted))
	for i, b := range ix.sorted {
		out[i] = Month{Year: b.year(), Month: b.month(), Count: b.count()}
	}
	return out
}

// Years returns every year that has posts, newest first.
func (ix *Index) Years() []Year {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []Year
	for _, b := range ix.sorted {
		y := b.year()
		if n := len(out); n > 0 && out[n-1].Year == y {
			out[n-1].Count += b.count()
			continue
		}
		out = append(out, Year{Year: y, Count: b.count()})
	}
	return out
}

// Days returns the days of one month that have posts with a known time,
// newest first. It returns nil for a month without such posts or outside 1
// to 12; posts added with [Index.AddMonth] are not on any day.
func (ix *Index) Days(year int, month time.Month) []Day {
	if month < time.January || month > time.December {
		return nil
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	b := ix.months[monthKey(year, month)]
	if b == nil {
		return nil
	}
	var out []Day
	for d := len(b.days); d >= 1; d-- {
		if n := b.days[d-1]; n > 0 {
			out = append(out, Day{Year: year, Month: month, Day: d, Count: int(n)})
		}
	}
	return out
}
