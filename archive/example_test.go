package archive_test

import (
	"fmt"
	"time"

	"github.com/folioblog/folio/archive"
)

func ExampleIndex() {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	ix := archive.NewIndex(tokyo)
	// Still January in UTC, already 1 February 00:30 in Tokyo.
	ix.Add(time.Date(2013, time.January, 31, 15, 30, 0, 0, time.UTC))
	ix.Add(time.Date(2013, time.January, 10, 9, 0, 0, 0, time.UTC))
	ix.Add(time.Date(2013, time.January, 12, 9, 0, 0, 0, time.UTC))
	for _, m := range ix.Months() {
		fmt.Println(m.Year, m.Month, m.Count)
	}
	newest, _ := ix.Newest()
	fmt.Println(newest)
	// Output:
	// 2013 February 1
	// 2013 January 2
	// 2013-02-01 00:30:00 +0900 JST
}

func ExampleIndex_AddMonth() {
	ix := archive.NewIndex(time.UTC)
	// Counts a store computed per month, without loading the posts.
	_ = ix.AddMonth(2013, time.January, 12)
	_ = ix.AddMonth(2012, time.December, 4)
	fmt.Println(ix.Months(), ix.Total())

	// Load the times of one month to draw its calendar.
	_ = ix.SetMonth(2013, time.January, []time.Time{
		time.Date(2013, time.January, 2, 10, 0, 0, 0, time.UTC),
		time.Date(2013, time.January, 2, 18, 0, 0, 0, time.UTC),
	})
	fmt.Println(ix.Days(2013, time.January), ix.Total())
	// Output:
	// [{2013 January 12} {2012 December 4}] 16
	// [{2013 January 2 2}] 6
}

func ExampleRenderer_MonthList() {
	ix := archive.NewIndex(time.UTC)
	ix.Add(time.Date(2013, time.January, 2, 10, 0, 0, 0, time.UTC))
	ix.Add(time.Date(2013, time.January, 9, 10, 0, 0, 0, time.UTC))
	ix.Add(time.Date(2012, time.December, 24, 10, 0, 0, 0, time.UTC))

	r := archive.NewRenderer(archive.WithPrefix("/blog"))
	fmt.Print(r.MonthList(ix.Months(), archive.ListOptions{ShowCount: true}))
	// Output:
	// <ul class="folio-archive folio-archive-months">
	// <li><a href="/blog/2013/01/">January 2013</a> (2)</li>
	// <li><a href="/blog/2012/12/">December 2012</a> (1)</li>
	// </ul>
}

func ExampleRenderer_Dropdown() {
	months := []archive.Month{
		{Year: 2013, Month: time.January, Count: 12},
		{Year: 2012, Month: time.December, Count: 4},
	}
	r := archive.NewRenderer()
	fmt.Print(r.Dropdown(months, archive.ListOptions{
		ShowCount: true, CurrentYear: 2013, CurrentMonth: time.January,
	}))
	// Output:
	// <form class="folio-archive-dropdown" method="get" action="/">
	// <label>Archives
	// <select name="archive" data-folio-archive-dropdown>
	// <option value="">Select Month</option>
	// <option value="/2013/01/" selected>January 2013 (12)</option>
	// <option value="/2012/12/">December 2012 (4)</option>
	// </select>
	// </label>
	// <button type="submit">Go</button>
	// </form>
}

func ExampleRenderer_Calendar() {
	ix := archive.NewIndex(time.UTC)
	ix.Add(time.Date(2015, time.February, 14, 10, 0, 0, 0, time.UTC))
	ix.Add(time.Date(2015, time.March, 1, 10, 0, 0, 0, time.UTC))

	labels := archive.EnglishLabels()
	labels.ShortWeekdays = [7]string{"S", "M", "T", "W", "T", "F", "S"}
	r := archive.NewRenderer(archive.WithLabels(labels))
	fmt.Print(r.Calendar(ix.Calendar(2015, time.February, time.Sunday)))
	// Output:
	// <table class="folio-calendar">
	// <caption>February 2015</caption>
	// <thead>
	// <tr><th scope="col" title="Sunday">S</th><th scope="col" title="Monday">M</th><th scope="col" title="Tuesday">T</th><th scope="col" title="Wednesday">W</th><th scope="col" title="Thursday">T</th><th scope="col" title="Friday">F</th><th scope="col" title="Saturday">S</th></tr>
	// </thead>
	// <tbody>
	// <tr><td>1</td><td>2</td><td>3</td><td>4</td><td>5</td><td>6</td><td>7</td></tr>
	// <tr><td>8</td><td>9</td><td>10</td><td>11</td><td>12</td><td>13</td><td><a href="/2015/02/14/">14</a></td></tr>
	// <tr><td>15</td><td>16</td><td>17</td><td>18</td><td>19</td><td>20</td><td>21</td></tr>
	// <tr><td>22</td><td>23</td><td>24</td><td>25</td><td>26</td><td>27</td><td>28</td></tr>
	// </tbody>
	// </table>
	// <nav class="folio-calendar-nav">
	// <a href="/2015/03/" rel="next">March »</a>
	// </nav>
}

func ExampleRenderer_JSON() {
	months := []archive.Month{{Year: 2013, Month: time.January, Count: 12}}
	b, _ := archive.NewRenderer().JSON(months)
	fmt.Println(string(b))
	// Output:
	// [{"year":2013,"month":1,"count":12,"label":"January 2013","url":"/2013/01/"}]
}

func ExampleRenderer_YearList() {
	years := []archive.Year{{Year: 2013, Count: 40}, {Year: 2012, Count: 31}}
	fmt.Print(archive.NewRenderer().YearList(years, archive.ListOptions{ShowCount: true, Limit: 1}))
	// Output:
	// <ul class="folio-archive folio-archive-years">
	// <li><a href="/2013/">2013</a> (40)</li>
	// </ul>
}

func ExampleRenderer_DayList() {
	days := []archive.Day{{Year: 2013, Month: time.January, Day: 2, Count: 3}}
	fmt.Print(archive.NewRenderer().DayList(days, archive.ListOptions{ShowCount: true}))
	// Output:
	// <ul class="folio-archive folio-archive-days">
	// <li><a href="/2013/01/02/">January 2, 2013</a> (3)</li>
	// </ul>
}
