package archive_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/archive"
)

func TestIndex_Calendar(t *testing.T) {
	ix := archive.NewIndex(loadLoc(t, "America/New_York"))
	for _, s := range []string{
		"2012-11-15T12:00:00Z",
		"2013-01-02T12:00:00Z",
		"2013-01-02T13:00:00Z",
		"2013-02-01T04:59:59Z", // 31 January 23:59:59 EST
		"2013-05-10T12:00:00Z",
	} {
		ix.Add(utc(t, s))
	}

	t.Run("grid starting on Sunday", func(t *testing.T) {
		c := ix.Calendar(2013, time.January, time.Sunday)
		assert.Equal(t, 2013, c.Year)
		assert.Equal(t, time.January, c.Month)
		assert.Equal(t, 3, c.Count)
		assert.Equal(t, [7]time.Weekday{0, 1, 2, 3, 4, 5, 6}, c.Weekdays)
		require.Len(t, c.Weeks, 5)
		// 1 January 2013 is a Tuesday.
		assert.Equal(t, [7]archive.Cell{{}, {}, {Day: 1}, {Day: 2, Count: 2}, {Day: 3}, {Day: 4}, {Day: 5}}, c.Weeks[0])
		assert.Equal(t, [7]archive.Cell{{Day: 27}, {Day: 28}, {Day: 29}, {Day: 30}, {Day: 31, Count: 1}, {}, {}}, c.Weeks[4])
		require.NotNil(t, c.Prev)
		assert.Equal(t, archive.Month{Year: 2012, Month: time.November, Count: 1}, *c.Prev)
		require.NotNil(t, c.Next)
		assert.Equal(t, archive.Month{Year: 2013, Month: time.May, Count: 1}, *c.Next)
	})

	t.Run("grid starting on Monday", func(t *testing.T) {
		c := ix.Calendar(2013, time.January, time.Monday)
		assert.Equal(t, [7]time.Weekday{1, 2, 3, 4, 5, 6, 0}, c.Weekdays)
		require.Len(t, c.Weeks, 5)
		assert.Equal(t, archive.Cell{Day: 1}, c.Weeks[0][1])
		assert.Equal(t, archive.Cell{}, c.Weeks[0][0])
		assert.Equal(t, archive.Cell{Day: 31, Count: 1}, c.Weeks[4][3])
	})

	t.Run("february 2015 fills four weeks", func(t *testing.T) {
		c := ix.Calendar(2015, time.February, time.Sunday)
		require.Len(t, c.Weeks, 4)
		assert.Equal(t, 1, c.Weeks[0][0].Day)
		assert.Equal(t, 28, c.Weeks[3][6].Day)
	})

	t.Run("empty month between", func(t *testing.T) {
		c := ix.Calendar(2013, time.March, time.Sunday)
		assert.Zero(t, c.Count)
		require.NotNil(t, c.Prev)
		assert.Equal(t, time.January, c.Prev.Month)
		require.NotNil(t, c.Next)
		assert.Equal(t, time.May, c.Next.Month)
	})

	t.Run("ends have no neighbour", func(t *testing.T) {
		assert.Nil(t, ix.Calendar(2012, time.November, time.Sunday).Prev)
		assert.Nil(t, ix.Calendar(2013, time.May, time.Sunday).Next)
		assert.Nil(t, ix.Calendar(2030, time.May, time.Sunday).Next)
		assert.Nil(t, ix.Calendar(2000, time.May, time.Sunday).Prev)
	})

	t.Run("month normalised", func(t *testing.T) {
		c := ix.Calendar(2012, 13, time.Sunday)
		assert.Equal(t, 2013, c.Year)
		assert.Equal(t, time.January, c.Month)
		assert.Equal(t, 3, c.Count)
	})

	t.Run("json", func(t *testing.T) {
		b, err := json.Marshal(ix.Calendar(2012, time.November, time.Sunday))
		require.NoError(t, err)
		var got struct {
			Year  int
			Month int
			Weeks [][7]struct{ Day, Count int }
			Prev  *archive.Month
			Next  struct{ Year, Month, Count int }
		}
		require.NoError(t, json.Unmarshal(b, &got))
		assert.Equal(t, 2012, got.Year)
		assert.Equal(t, 11, got.Month)
		assert.Nil(t, got.Prev)
		assert.Equal(t, 2013, got.Next.Year)
		assert.Equal(t, 1, got.Next.Month)
		assert.Equal(t, 3, got.Next.Count)
		// 1 November 2012 is a Thursday; the 15th is in the third row.
		assert.Equal(t, 15, got.Weeks[2][4].Day)
		assert.Equal(t, 1, got.Weeks[2][4].Count)
	})
}
