package archive

import "time"

// Calendar is the grid of one month, a week to a row, with the posts of each
// day and links to the nearest months with posts. [Renderer.Calendar] draws
// it as a table; it also marshals to JSON for hosts with their own front end.
type Calendar struct {
	Year  int        `json:"year"`
	Month time.Month `json:"month"`
	// Count is the number of posts in the month, Unplaced among them.
	Count int `json:"count"`
	// Unplaced is the number of posts of the month whose day is not known
	// because they were added with [Index.AddMonth]; they are on no cell.
	Unplaced int `json:"unplaced"`
	// Weekdays are the weekdays of the columns, in order.
	Weekdays [7]time.Weekday `json:"weekdays"`
	// Weeks are the rows of the grid. Cells before the first and after the
	// last day of the month are blank: their Day is 0.
	Weeks [][7]Cell `json:"weeks"`
	// Prev and Next are the nearest earlier and later months with posts, or
	// nil when there is none.
	Prev *Month `json:"prev"`
	Next *Month `json:"next"`
}

// Cell is one day of a [Calendar]. A blank cell, outside the month, has Day 0.
type Cell struct {
	Day   int `json:"day"`
	Count int `json:"count"`
}

// Calendar returns the grid of one month with weeks starting on
// firstWeekday. A month outside 1 to 12 is normalised the way [time.Date]
// does it, so month 13 of 2012 is January 2013.
func (ix *Index) Calendar(year int, month time.Month, firstWeekday time.Weekday) Calendar {
	first := time.Date(year, month, 1, 12, 0, 0, 0, time.UTC)
	year, month = first.Year(), first.Month()
	ndays := time.Date(year, month+1, 0, 12, 0, 0, 0, time.UTC).Day()
	firstWeekday = ((firstWeekday % 7) + 7) % 7

	c := Calendar{Year: year, Month: month}
	for i := range c.Weekdays {
		c.Weekdays[i] = (firstWeekday + time.Weekday(i)) % 7
	}
	lead := (int(first.Weekday()) - int(firstWeekday) + 7) % 7
	c.Weeks = make([][7]Cell, (lead+ndays+6)/7)

	key := monthKey(year, month)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	b := ix.months[key]
	for d := 1; d <= ndays; d++ {
		pos := lead + d - 1
		cell := Cell{Day: d}
		if b != nil {
			cell.Count = int(b.days[d-1])
		}
		c.Weeks[pos/7][pos%7] = cell
	}
	if b != nil {
		c.Count, c.Unplaced = b.count(), b.unplaced
	}
	// sorted is newest first: later months sit before key, earlier after.
	i, found := ix.search(key)
	if i > 0 {
		n := ix.sorted[i-1]
		c.Next = &Month{Year: n.year(), Month: n.month(), Count: n.count()}
	}
	if found {
		i++
	}
	if i < len(ix.sorted) {
		p := ix.sorted[i]
		c.Prev = &Month{Year: p.year(), Month: p.month(), Count: p.count()}
	}
	return c
}
