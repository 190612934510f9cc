// Package archive counts a blog's posts by year, month and day of the site's
// time zone and draws the archive widgets a blog shows beside its posts: a
// list of months with counts ("January 2013 (12)"), a dropdown, yearly and
// daily lists and a month calendar. It sees only publish times and does no
// I/O, so any store can feed it.
//
// # The index
//
// An [Index] holds publish times filed by their calendar date in one
// [time.Location], so a post at 00:30 on 1 February in the site's zone is a
// February post even while it is still January in UTC, and a post in the
// hour repeated when clocks go back is counted once, on its local day.
// [NewIndex] starts an empty index and [Build] makes one from many times at
// once. [Index.Add], [Index.Remove] and [Index.Move] keep it current as posts
// are published, deleted or re-dated; an Index is safe for concurrent use.
//
// [Index.Months], [Index.Years] and [Index.Days] list what has posts, newest
// first. Months are kept in order as they appear and disappear, so reading
// them costs the number of months, not the number of posts, and Add is a
// map lookup and an append.
//
// [Index.Newest] and [Index.Oldest] stay exact when posts are removed: the
// index keeps each post's instant in its month (16 bytes a post), so when the
// newest post goes it scans only the newest months again. The same instants
// let [Index.Remove] tell a post the index holds from one it never saw: a
// time that is not there reports false and no count goes below zero.
//
// # Seeding from month counts
//
// A store that can count posts per month need not load every post at
// start-up: [Index.AddMonth] adds a month's count without days or times.
// Those posts are "unplaced": they count in months, years and the total but
// not on any day, and [Calendar.Unplaced] says how many a calendar lacks.
// [Index.SetMonth] replaces a month with its real times, for example before
// drawing its calendar.
//
// # Calendar
//
// [Index.Calendar] returns a month as a grid of weeks with the posts of each
// day and the nearest earlier and later months that have posts.
//
// # Widgets
//
// A [Renderer], built once with [NewRenderer], draws the widgets with
// html/template, so labels and addresses are escaped:
// [Renderer.MonthList], [Renderer.YearList], [Renderer.DayList],
// [Renderer.Dropdown] and [Renderer.Calendar] return [html/template.HTML]
// ready to put in a page, and [Renderer.JSON] serves hosts with their own
// front end. [Labels] translate every word; [WithPrefix] mounts the archive
// pages under a path such as /blog/, and [WithURL] replaces the default
// WordPress-style addresses /2013/, /2013/01/ and /2013/01/02/.
//
// The dropdown works without script through a small GET form. It carries no
// inline script, which a strict Content-Security-Policy would block; serve
// [DropdownScript] as a file to navigate as soon as a month is chosen.
package archive
