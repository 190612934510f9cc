package archive_test

import (
	"encoding/json"
	"flag"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/archive"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(tb testing.TB, name string, got template.HTML) {
	tb.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(tb, os.MkdirAll("testdata", 0o755))
		require.NoError(tb, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(tb, err, "run go test -update to create %s", path)
	assert.Equal(tb, string(want), string(got))
}

// sampleIndex holds posts in January 2013 (3), December 2012 (2) and
// March 2011 (1), New York time.
func sampleIndex(tb testing.TB) *archive.Index {
	tb.Helper()
	ix := archive.NewIndex(loadLoc(tb, "America/New_York"))
	for _, s := range []string{
		"2011-03-13T12:00:00Z",
		"2012-12-24T12:00:00Z",
		"2012-12-25T12:00:00Z",
		"2013-01-02T12:00:00Z",
		"2013-01-02T15:00:00Z",
		"2013-01-31T23:00:00Z",
	} {
		ix.Add(utc(tb, s))
	}
	return ix
}

func frenchLabels() archive.Labels {
	return archive.Labels{
		Months: [12]string{"janvier", "février", "mars", "avril", "mai", "juin",
			"juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		Weekdays:      [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
		ShortWeekdays: [7]string{"dim", "lun", "mar", "mer", "jeu", "ven", "sam"},
		Archives:      "Archives",
		SelectMonth:   "Choisir un mois",
		Submit:        "OK",
		DayFormat:     "%[4]d %[1]s %[2]d",
		CountFormat:   "(%d)",
		PrevFormat:    "« %[1]s %[2]d",
		NextFormat:    "%[1]s %[2]d »",
	}
}

func TestRenderer_golden(t *testing.T) {
	ix := sampleIndex(t)
	en := archive.NewRenderer()
	blog := archive.NewRenderer(archive.WithPrefix("/blog/"))
	fr := archive.NewRenderer(archive.WithLabels(frenchLabels()))
	cases := []struct {
		file string
		html template.HTML
	}{
		{"month_list.html", en.MonthList(ix.Months(), archive.ListOptions{})},
		{"month_list_counts.html", en.MonthList(ix.Months(), archive.ListOptions{
			ShowCount: true, Limit: 2, CurrentYear: 2012, CurrentMonth: time.December,
		})},
		{"month_list_empty.html", en.MonthList(nil, archive.ListOptions{ShowCount: true})},
		{"year_list.html", blog.YearList(ix.Years(), archive.ListOptions{ShowCount: true, CurrentYear: 2013})},
		{"day_list.html", en.DayList(ix.Days(2013, time.January), archive.ListOptions{ShowCount: true})},
		{"day_list_fr.html", fr.DayList(ix.Days(2013, time.January), archive.ListOptions{ShowCount: true, Limit: 1})},
		{"dropdown.html", en.Dropdown(ix.Months(), archive.ListOptions{
			ShowCount: true, CurrentYear: 2012, CurrentMonth: time.December,
		})},
		{"dropdown_prefix.html", blog.Dropdown(ix.Months(), archive.ListOptions{})},
		{"calendar.html", en.Calendar(ix.Calendar(2013, time.January, time.Sunday))},
		{"calendar_prefix_monday.html", blog.Calendar(ix.Calendar(2012, time.December, time.Monday))},
		{"calendar_fr_no_next.html", fr.Calendar(ix.Calendar(2013, time.February, time.Monday))},
		{"calendar_alone.html", en.Calendar(archive.NewIndex(nil).Calendar(2016, time.February, time.Sunday))},
	}
	for _, tc := range cases {
		t.Run(strings.TrimSuffix(tc.file, ".html"), func(t *testing.T) {
			golden(t, tc.file, tc.html)
		})
	}
}

func TestRenderer_escapesLabels(t *testing.T) {
	const evil = `<script>alert("x")</script>`
	l := archive.Labels{
		Archives:    evil,
		SelectMonth: evil,
		Submit:      evil,
		MonthFormat: evil + " %[1]s",
		CountFormat: evil + " %d",
		DayFormat:   evil + " %[4]d",
		YearFormat:  evil + " %d",
		PrevFormat:  evil + " %[1]s",
		NextFormat:  evil + " %[1]s",
	}
	l.Months[0] = evil
	l.ShortWeekdays[0] = evil
	l.Weekdays[0] = `" onmouseover="alert(1)`
	r := archive.NewRenderer(archive.WithLabels(l))
	ix := sampleIndex(t)
	o := archive.ListOptions{ShowCount: true}
	widgets := map[string]template.HTML{
		"month list": r.MonthList(ix.Months(), o),
		"year list":  r.YearList(ix.Years(), o),
		"day list":   r.DayList(ix.Days(2013, time.January), o),
		"dropdown":   r.Dropdown(ix.Months(), o),
		"calendar":   r.Calendar(ix.Calendar(2013, time.January, time.Sunday)),
	}
	for name, html := range widgets {
		t.Run(name, func(t *testing.T) {
			assert.NotContains(t, string(html), "<script")
			assert.Contains(t, string(html), "&lt;script&gt;")
			assert.NotContains(t, string(html), `" onmouseover`)
		})
	}
}

func TestRenderer_unsafeURL(t *testing.T) {
	r := archive.NewRenderer(archive.WithURL(func(year int, month time.Month, day int) string {
		return "javascript:alert(1)"
	}), archive.WithDropdownAction("JavaScript:alert(2)"))
	ix := sampleIndex(t)
	widgets := map[string]template.HTML{
		"month list": r.MonthList(ix.Months(), archive.ListOptions{}),
		"year list":  r.YearList(ix.Years(), archive.ListOptions{}),
		"day list":   r.DayList(ix.Days(2013, time.January), archive.ListOptions{}),
		"dropdown":   r.Dropdown(ix.Months(), archive.ListOptions{}),
		"calendar":   r.Calendar(ix.Calendar(2013, time.January, time.Sunday)),
	}
	for name, html := range widgets {
		t.Run(name, func(t *testing.T) {
			assert.NotContains(t, strings.ToLower(string(html)), "javascript:")
			assert.Contains(t, string(html), "#ZgotmplZ")
		})
	}
}

func TestRenderer_noInlineScript(t *testing.T) {
	html := string(archive.NewRenderer().Dropdown(sampleIndex(t).Months(), archive.ListOptions{}))
	for _, bad := range []string{"onchange", "onclick", "<script", "javascript:"} {
		assert.NotContains(t, html, bad)
	}
	assert.Contains(t, html, "data-folio-archive-dropdown")
	assert.Contains(t, archive.DropdownScript, "data-folio-archive-dropdown")
}

func TestPathURL(t *testing.T) {
	cases := []struct {
		prefix string
		year   int
		month  time.Month
		day    int
		want   string
	}{
		{"", 2013, 0, 0, "/2013/"},
		{"", 2013, time.January, 0, "/2013/01/"},
		{"", 2013, time.January, 2, "/2013/01/02/"},
		{"/blog", 2013, time.December, 0, "/blog/2013/12/"},
		{"/blog/", 2013, time.December, 31, "/blog/2013/12/31/"},
		{"/", 987, 0, 0, "/0987/"},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			assert.Equal(t, tc.want, archive.PathURL(tc.prefix)(tc.year, tc.month, tc.day))
		})
	}
}

func TestLabels_defaults(t *testing.T) {
	// Only the month names given: everything else stays English.
	l := archive.Labels{}
	l.Months[0] = "janvier"
	r := archive.NewRenderer(archive.WithLabels(l))
	assert.Equal(t, "janvier 2013", r.MonthLabel(2013, time.January))
	assert.Equal(t, "February 2013", r.MonthLabel(2013, time.February))
	html := string(r.Dropdown(nil, archive.ListOptions{}))
	assert.Contains(t, html, ">Select Month</option>")

	en := archive.EnglishLabels()
	assert.Equal(t, "December", en.Months[11])
	assert.Equal(t, "Sat", en.ShortWeekdays[time.Saturday])
}

func TestRenderer_JSON(t *testing.T) {
	r := archive.NewRenderer(archive.WithPrefix("/blog"))
	b, err := r.JSON(sampleIndex(t).Months())
	require.NoError(t, err)
	var got []struct {
		Year, Month, Count int
		Label, URL         string
	}
	require.NoError(t, json.Unmarshal(b, &got))
	require.Len(t, got, 3)
	assert.Equal(t, 2013, got[0].Year)
	assert.Equal(t, 1, got[0].Month)
	assert.Equal(t, 3, got[0].Count)
	assert.Equal(t, "January 2013", got[0].Label)
	assert.Equal(t, "/blog/2013/01/", got[0].URL)
	assert.Equal(t, "/blog/2011/03/", got[2].URL)

	b, err = r.JSON(nil)
	require.NoError(t, err)
	assert.JSONEq(t, `[]`, string(b))
}

func TestRenderer_concurrent(t *testing.T) {
	r := archive.NewRenderer()
	ix := sampleIndex(t)
	want := r.Dropdown(ix.Months(), archive.ListOptions{ShowCount: true})
	t.Run("group", func(t *testing.T) {
		for i := range 8 {
			t.Run(string(rune('a'+i)), func(t *testing.T) {
				t.Parallel()
				for range 50 {
					assert.Equal(t, want, r.Dropdown(ix.Months(), archive.ListOptions{ShowCount: true}))
					_ = r.Calendar(ix.Calendar(2013, time.January, time.Sunday))
				}
			})
		}
	})
}
