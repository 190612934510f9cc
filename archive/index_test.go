package archive_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // zones for machines without zoneinfo

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/archive"
)

func loadLoc(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(tb, err)
	return loc
}

func utc(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(tb, err)
	return t
}

// model counts times by local month the plain way, newest first.
func model(times []time.Time, loc *time.Location) []archive.Month {
	counts := map[[2]int]int{}
	for _, t := range times {
		y, m, _ := t.In(loc).Date()
		counts[[2]int{y, int(m)}]++
	}
	var out []archive.Month
	for k, n := range counts {
		out = append(out, archive.Month{Year: k[0], Month: time.Month(k[1]), Count: n})
	}
	slices.SortFunc(out, func(a, b archive.Month) int {
		if a.Year != b.Year {
			return b.Year - a.Year
		}
		return int(b.Month) - int(a.Month)
	})
	return out
}

func TestIndex_zoneBoundaries(t *testing.T) {
	cases := []struct {
		name  string
		zone  string
		at    string // UTC instant
		year  int
		month time.Month
		day   int
	}{
		{"tokyo after midnight on 1 Feb is February", "Asia/Tokyo", "2013-01-31T15:30:00Z", 2013, time.February, 1},
		{"tokyo before midnight is January", "Asia/Tokyo", "2013-01-31T14:59:59Z", 2013, time.January, 31},
		{"tokyo new year", "Asia/Tokyo", "2012-12-31T15:00:00Z", 2013, time.January, 1},
		{"los angeles still January when UTC is February", "America/Los_Angeles", "2013-02-01T07:30:00Z", 2013, time.January, 31},
		{"los angeles February at 00:00 PST", "America/Los_Angeles", "2013-02-01T08:00:00Z", 2013, time.February, 1},
		{"los angeles still 2012 in UTC 2013", "America/Los_Angeles", "2013-01-01T05:00:00Z", 2012, time.December, 31},
		{"los angeles summer offset", "America/Los_Angeles", "2013-07-01T06:59:59Z", 2013, time.June, 30},
		{"utc", "UTC", "2013-02-01T00:00:00Z", 2013, time.February, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ix := archive.NewIndex(loadLoc(t, tc.zone))
			ix.Add(utc(t, tc.at))
			assert.Equal(t, []archive.Month{{Year: tc.year, Month: tc.month, Count: 1}}, ix.Months())
			assert.Equal(t, []archive.Year{{Year: tc.year, Count: 1}}, ix.Years())
			assert.Equal(t, []archive.Day{{Year: tc.year, Month: tc.month, Day: tc.day, Count: 1}},
				ix.Days(tc.year, tc.month))
		})
	}
}

func TestIndex_daylightSaving(t *testing.T) {
	cases := []struct {
		name  string
		zone  string
		times []string // UTC instants
		day   archive.Day
	}{
		{
			// 01:30 happens twice in London on 27 October 2013: BST then GMT.
			name:  "london repeated hour",
			zone:  "Europe/London",
			times: []string{"2013-10-27T00:30:00Z", "2013-10-27T01:30:00Z"},
			day:   archive.Day{Year: 2013, Month: time.October, Day: 27, Count: 2},
		},
		{
			name:  "london spring forward",
			zone:  "Europe/London",
			times: []string{"2013-03-31T00:59:59Z", "2013-03-31T01:00:00Z"},
			day:   archive.Day{Year: 2013, Month: time.March, Day: 31, Count: 2},
		},
		{
			// 01:30 happens twice in New York on 3 November 2013: EDT then EST.
			name:  "new york repeated hour",
			zone:  "America/New_York",
			times: []string{"2013-11-03T05:30:00Z", "2013-11-03T06:30:00Z"},
			day:   archive.Day{Year: 2013, Month: time.November, Day: 3, Count: 2},
		},
		{
			name:  "new york spring forward",
			zone:  "America/New_York",
			times: []string{"2013-03-10T06:59:59Z", "2013-03-10T07:00:00Z"},
			day:   archive.Day{Year: 2013, Month: time.March, Day: 10, Count: 2},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			loc := loadLoc(t, tc.zone)
			var times []time.Time
			for _, s := range tc.times {
				times = append(times, utc(t, s))
			}
			for name, ix := range map[string]*archive.Index{
				"add":   addAll(archive.NewIndex(loc), times),
				"build": archive.Build(times, loc),
			} {
				t.Run(name, func(t *testing.T) {
					assert.Equal(t, []archive.Day{tc.day}, ix.Days(tc.day.Year, tc.day.Month))
					assert.Equal(t, []archive.Month{{Year: tc.day.Year, Month: tc.day.Month, Count: 2}}, ix.Months())
					assert.Equal(t, 2, ix.Total())
					for _, tm := range times {
						assert.True(t, ix.Remove(tm))
					}
					assert.Empty(t, ix.Months())
				})
			}
		})
	}
}

func addAll(ix *archive.Index, times []time.Time) *archive.Index {
	for _, t := range times {
		ix.Add(t)
	}
	return ix
}

func TestIndex_monthEndAcrossZoneChange(t *testing.T) {
	// The last hour of October in London is GMT, the first of the month BST.
	loc := loadLoc(t, "Europe/London")
	ix := archive.NewIndex(loc)
	ix.Add(utc(t, "2013-10-31T23:30:00Z")) // 23:30 GMT, still October
	ix.Add(utc(t, "2013-09-30T23:30:00Z")) // 00:30 BST on 1 October
	assert.Equal(t, []archive.Month{{Year: 2013, Month: time.October, Count: 2}}, ix.Months())
}

func TestIndex_removeToEmpty(t *testing.T) {
	ix := archive.NewIndex(loadLoc(t, "Asia/Tokyo"))
	a := utc(t, "2013-01-02T03:04:05Z")
	b := utc(t, "2014-06-07T08:09:10Z")
	ix.Add(a)
	ix.Add(b)
	ix.Add(b)
	require.Equal(t, 3, ix.Total())

	assert.True(t, ix.Remove(b))
	assert.True(t, ix.Remove(b))
	assert.False(t, ix.Remove(b), "third copy of b was never added")
	assert.True(t, ix.Remove(a.In(time.FixedZone("X", 3600))), "same instant in another zone")
	assert.False(t, ix.Remove(a))

	assert.Empty(t, ix.Months())
	assert.Empty(t, ix.Years())
	assert.Empty(t, ix.Days(2013, time.January))
	assert.Zero(t, ix.Total())
	_, ok := ix.Newest()
	assert.False(t, ok)
	_, ok = ix.Oldest()
	assert.False(t, ok)
}

func TestIndex_removeMissing(t *testing.T) {
	ix := archive.NewIndex(time.UTC)
	a := utc(t, "2013-01-02T03:04:05Z")
	ix.Add(a)
	cases := map[string]time.Time{
		"other month":      utc(t, "2013-02-02T03:04:05Z"),
		"same day":         utc(t, "2013-01-02T09:00:00Z"),
		"one nanosecond":   a.Add(time.Nanosecond),
		"empty other year": utc(t, "1999-01-02T03:04:05Z"),
	}
	for name, tm := range cases {
		t.Run(name, func(t *testing.T) {
			assert.False(t, ix.Remove(tm))
			assert.Equal(t, []archive.Month{{Year: 2013, Month: time.January, Count: 1}}, ix.Months())
			assert.Equal(t, []archive.Day{{Year: 2013, Month: time.January, Day: 2, Count: 1}}, ix.Days(2013, time.January))
		})
	}
}

func TestIndex_Move(t *testing.T) {
	loc := loadLoc(t, "America/Los_Angeles")
	ix := archive.NewIndex(loc)
	jan := utc(t, "2013-02-01T07:30:00Z") // 31 January local
	feb := utc(t, "2013-02-01T08:30:00Z") // 1 February local
	ix.Add(jan)
	ix.Add(utc(t, "2013-01-05T20:00:00Z"))

	require.True(t, ix.Move(jan, feb))
	assert.Equal(t, []archive.Month{
		{Year: 2013, Month: time.February, Count: 1},
		{Year: 2013, Month: time.January, Count: 1},
	}, ix.Months())
	assert.Equal(t, []archive.Day{{Year: 2013, Month: time.January, Day: 5, Count: 1}}, ix.Days(2013, time.January))
	newest, ok := ix.Newest()
	require.True(t, ok)
	assert.True(t, newest.Equal(feb))

	t.Run("missing old changes nothing", func(t *testing.T) {
		before := ix.Months()
		assert.False(t, ix.Move(jan, utc(t, "2020-01-01T00:00:00Z")))
		assert.Equal(t, before, ix.Months())
		assert.Equal(t, 2, ix.Total())
	})
	t.Run("back again empties the month", func(t *testing.T) {
		require.True(t, ix.Move(feb, jan))
		assert.Equal(t, []archive.Month{{Year: 2013, Month: time.January, Count: 2}}, ix.Months())
	})
}

func TestIndex_NewestOldest(t *testing.T) {
	loc := loadLoc(t, "Europe/London")
	ix := archive.NewIndex(loc)
	times := []time.Time{
		utc(t, "2013-01-02T03:04:05.000001Z"),
		utc(t, "2013-01-02T03:04:05.000002Z"),
		utc(t, "2013-01-20T10:00:00Z"),
		utc(t, "2013-05-01T10:00:00Z"),
		utc(t, "2013-05-01T10:00:00Z"),
		utc(t, "2013-05-31T22:59:59Z"), // 31 May 23:59:59 BST
	}
	for _, tm := range times {
		ix.Add(tm)
	}
	check := func(t *testing.T, wantOld, wantNew time.Time) {
		t.Helper()
		old, ok := ix.Oldest()
		require.True(t, ok)
		assert.True(t, old.Equal(wantOld), "oldest %v, want %v", old, wantOld)
		assert.Equal(t, loc, old.Location())
		n, ok := ix.Newest()
		require.True(t, ok)
		assert.True(t, n.Equal(wantNew), "newest %v, want %v", n, wantNew)
	}
	check(t, times[0], times[5])
	require.True(t, ix.Remove(times[5]))
	check(t, times[0], times[4])
	require.True(t, ix.Remove(times[4]))
	check(t, times[0], times[3]) // the duplicate remains
	require.True(t, ix.Remove(times[3]))
	check(t, times[0], times[2])
	require.True(t, ix.Remove(times[0]))
	check(t, times[1], times[2])
	require.True(t, ix.Remove(times[2]))
	check(t, times[1], times[1])
}

func TestIndex_extremesAcrossClockSetBackAtMonthEnd(t *testing.T) {
	// St John's set clocks back from 00:01 NDT on 1 November 2009 to 23:01
	// NST on 31 October: an instant filed in November precedes one filed in
	// October.
	loc := loadLoc(t, "America/St_Johns")
	nov := utc(t, "2009-11-01T02:30:30Z") // 1 November 00:00:30 NDT
	oct := utc(t, "2009-11-01T03:00:00Z") // 31 October 23:30 NST
	require.Equal(t, time.November, nov.In(loc).Month())
	require.Equal(t, time.October, oct.In(loc).Month())

	t.Run("newest", func(t *testing.T) {
		later := utc(t, "2009-11-05T12:00:00Z")
		sep := utc(t, "2009-09-05T12:00:00Z")
		ix := archive.Build([]time.Time{nov, oct, later, sep}, loc)
		require.True(t, ix.Remove(later))
		n, ok := ix.Newest()
		require.True(t, ok)
		assert.True(t, n.Equal(oct), "newest %v", n)
	})
	t.Run("oldest", func(t *testing.T) {
		earlier := utc(t, "2009-10-05T12:00:00Z")
		dec := utc(t, "2009-12-05T12:00:00Z")
		ix := archive.Build([]time.Time{nov, oct, earlier, dec}, loc)
		require.True(t, ix.Remove(earlier))
		o, ok := ix.Oldest()
		require.True(t, ok)
		assert.True(t, o.Equal(nov), "oldest %v", o)
	})
}

func TestIndex_randomAgainstModel(t *testing.T) {
	for _, zone := range []string{"UTC", "Asia/Tokyo", "America/Los_Angeles", "Europe/London", "America/New_York", "Australia/Lord_Howe"} {
		t.Run(zone, func(t *testing.T) {
			loc := loadLoc(t, zone)
			r := rand.New(rand.NewPCG(7, 11))
			start := time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
			var times []time.Time
			for range 3000 {
				times = append(times, time.Unix(start+r.Int64N(4*365*86400), r.Int64N(1e9)))
			}
			built := archive.Build(times, loc)
			added := addAll(archive.NewIndex(loc), times)
			want := model(times, loc)
			assert.Equal(t, want, built.Months())
			assert.Equal(t, want, added.Months())

			// Remove a random half and compare again, extremes included.
			r.Shuffle(len(times), func(i, j int) { times[i], times[j] = times[j], times[i] })
			for _, tm := range times[:1500] {
				require.True(t, built.Remove(tm))
				require.True(t, added.Remove(tm))
			}
			rest := times[1500:]
			want = model(rest, loc)
			assert.Equal(t, want, built.Months())
			assert.Equal(t, want, added.Months())
			oldest, newest := slices.MinFunc(rest, time.Time.Compare), slices.MaxFunc(rest, time.Time.Compare)
			for _, ix := range []*archive.Index{built, added} {
				n, ok := ix.Newest()
				require.True(t, ok)
				assert.True(t, n.Equal(newest))
				o, ok := ix.Oldest()
				require.True(t, ok)
				assert.True(t, o.Equal(oldest))
				assert.Equal(t, len(rest), ix.Total())
			}
		})
	}
}

func TestIndex_zeroValue(t *testing.T) {
	var ix archive.Index
	assert.Equal(t, time.UTC, ix.Location())
	assert.Empty(t, ix.Months())
	ix.Add(utc(t, "2013-01-31T23:00:00Z"))
	assert.Equal(t, []archive.Month{{Year: 2013, Month: time.January, Count: 1}}, ix.Months())
	assert.Equal(t, time.UTC, archive.NewIndex(nil).Location())
}

func TestIndex_AddMonth(t *testing.T) {
	ix := archive.NewIndex(time.UTC)
	require.NoError(t, ix.AddMonth(2013, time.January, 12))
	require.NoError(t, ix.AddMonth(2012, time.March, 3))
	require.NoError(t, ix.AddMonth(2011, time.March, 0))
	ix.Add(utc(t, "2013-01-05T10:00:00Z"))

	assert.Equal(t, []archive.Month{
		{Year: 2013, Month: time.January, Count: 13},
		{Year: 2012, Month: time.March, Count: 3},
	}, ix.Months())
	assert.Equal(t, 16, ix.Total())
	assert.Equal(t, []archive.Day{{Year: 2013, Month: time.January, Day: 5, Count: 1}}, ix.Days(2013, time.January))
	assert.Nil(t, ix.Days(2012, time.March), "seeded days are unknown")
	c := ix.Calendar(2013, time.January, time.Sunday)
	assert.Equal(t, 13, c.Count)
	assert.Equal(t, 12, c.Unplaced)

	t.Run("remove takes unknown times from the unplaced", func(t *testing.T) {
		for range 3 {
			assert.True(t, ix.Remove(utc(t, "2012-03-09T10:00:00Z")))
		}
		assert.False(t, ix.Remove(utc(t, "2012-03-09T10:00:00Z")))
		assert.Equal(t, []archive.Month{{Year: 2013, Month: time.January, Count: 13}}, ix.Months())
	})

	t.Run("bad input changes nothing", func(t *testing.T) {
		err := ix.AddMonth(2013, 13, 1)
		assert.ErrorIs(t, err, archive.ErrInvalidMonth)
		err = ix.AddMonth(2013, time.January, -1)
		assert.ErrorIs(t, err, archive.ErrInvalidCount)
		assert.Equal(t, 13, ix.Total())
	})

	t.Run("SetMonth replaces the month", func(t *testing.T) {
		times := []time.Time{utc(t, "2013-01-09T10:00:00Z"), utc(t, "2013-01-09T11:00:00Z"), utc(t, "2013-01-20T11:00:00Z")}
		require.NoError(t, ix.SetMonth(2013, time.January, times))
		assert.Equal(t, []archive.Month{{Year: 2013, Month: time.January, Count: 3}}, ix.Months())
		assert.Equal(t, []archive.Day{
			{Year: 2013, Month: time.January, Day: 20, Count: 1},
			{Year: 2013, Month: time.January, Day: 9, Count: 2},
		}, ix.Days(2013, time.January))
		assert.Equal(t, 3, ix.Total())
		n, ok := ix.Newest()
		require.True(t, ok)
		assert.True(t, n.Equal(times[2]))
		o, ok := ix.Oldest()
		require.True(t, ok)
		assert.True(t, o.Equal(times[0]))
	})

	t.Run("SetMonth rejects a time outside the month", func(t *testing.T) {
		err := ix.SetMonth(2013, time.January, []time.Time{utc(t, "2013-01-09T10:00:00Z"), utc(t, "2013-02-01T00:00:00Z")})
		require.ErrorIs(t, err, archive.ErrOutsideMonth)
		err = ix.SetMonth(2013, 0, nil)
		require.ErrorIs(t, err, archive.ErrInvalidMonth)
		assert.Equal(t, 3, ix.Total())
		assert.Len(t, ix.Days(2013, time.January), 2)
	})

	t.Run("SetMonth with no times empties the month", func(t *testing.T) {
		require.NoError(t, ix.SetMonth(2013, time.January, nil))
		assert.Empty(t, ix.Months())
		assert.Zero(t, ix.Total())
		_, ok := ix.Newest()
		assert.False(t, ok)
	})

	t.Run("SetMonth on a new month", func(t *testing.T) {
		require.NoError(t, ix.SetMonth(2014, time.May, []time.Time{utc(t, "2014-05-09T10:00:00Z")}))
		assert.Equal(t, []archive.Month{{Year: 2014, Month: time.May, Count: 1}}, ix.Months())
	})
}

func TestIndex_SetMonthUsesLocation(t *testing.T) {
	ix := archive.NewIndex(loadLoc(t, "Asia/Tokyo"))
	// 1 February 00:30 in Tokyo, 31 January in UTC.
	at := utc(t, "2013-01-31T15:30:00Z")
	require.ErrorIs(t, ix.SetMonth(2013, time.January, []time.Time{at}), archive.ErrOutsideMonth)
	require.NoError(t, ix.SetMonth(2013, time.February, []time.Time{at}))
	assert.Equal(t, []archive.Day{{Year: 2013, Month: time.February, Day: 1, Count: 1}}, ix.Days(2013, time.February))
	assert.True(t, errors.Is(ix.SetMonth(2013, time.January, []time.Time{at}), archive.ErrOutsideMonth))
}

func TestIndex_farYears(t *testing.T) {
	times := []time.Time{
		time.Date(-44, time.March, 15, 12, 0, 0, 0, time.UTC),
		time.Date(-1, time.December, 31, 23, 0, 0, 0, time.UTC),
		time.Date(0, time.January, 1, 1, 0, 0, 0, time.UTC),
		time.Date(9999, time.December, 31, 1, 0, 0, 0, time.UTC),
	}
	ix := archive.Build(times, time.UTC)
	assert.Equal(t, model(times, time.UTC), ix.Months())
	assert.Equal(t, []archive.Day{{Year: -44, Month: time.March, Day: 15, Count: 1}}, ix.Days(-44, time.March))
	c := ix.Calendar(0, time.January, time.Sunday)
	require.NotNil(t, c.Prev)
	assert.Equal(t, archive.Month{Year: -1, Month: time.December, Count: 1}, *c.Prev)
	o, ok := ix.Oldest()
	require.True(t, ok)
	assert.True(t, o.Equal(times[0]))
}

func TestIndex_Years(t *testing.T) {
	ix := archive.NewIndex(time.UTC)
	for _, s := range []string{"2011-05-01T00:00:00Z", "2013-01-01T00:00:00Z", "2013-12-31T23:59:59Z", "2013-06-01T00:00:00Z"} {
		ix.Add(utc(t, s))
	}
	assert.Equal(t, []archive.Year{{Year: 2013, Count: 3}, {Year: 2011, Count: 1}}, ix.Years())
}

func TestIndex_concurrent(t *testing.T) {
	loc := loadLoc(t, "Europe/London")
	ix := archive.NewIndex(loc)
	times := benchTimes(4000)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for _, tm := range times[w*1000 : (w+1)*1000] {
				ix.Add(tm)
			}
		})
		wg.Go(func() {
			for range 200 {
				total := 0
				for _, m := range ix.Months() {
					total += m.Count
				}
				_ = ix.Years()
				_, _ = ix.Newest()
				_ = ix.Calendar(2013, time.January, time.Monday)
				_ = ix.Days(2013, time.January)
				assert.LessOrEqual(t, total, len(times))
			}
		})
	}
	wg.Wait()
	assert.Equal(t, model(times, loc), ix.Months())
	assert.Equal(t, len(times), ix.Total())

	// Remove concurrently too: every time exactly once.
	for w := range 4 {
		wg.Go(func() {
			for _, tm := range times[w*1000 : (w+1)*1000] {
				assert.True(t, ix.Remove(tm))
			}
		})
	}
	wg.Wait()
	assert.Empty(t, ix.Months())
	assert.Zero(t, ix.Total())
}
