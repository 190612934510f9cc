package archive

import (
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"time"
)

// Labels are the words the widgets show, for translation. Empty fields take
// the English default from [EnglishLabels]. Formats are [fmt] formats; the
// arguments they receive are listed beside each. Labels are text: the
// widgets escape them, so they cannot carry markup.
type Labels struct {
	Months        [12]string // month names, January first
	Weekdays      [7]string  // weekday names, Sunday first (time.Weekday order)
	ShortWeekdays [7]string  // weekday abbreviations for calendar headers, Sunday first
	Archives      string     // accessible name of the dropdown, "Archives"
	SelectMonth   string     // first, empty option of the dropdown, "Select Month"
	Submit        string     // dropdown button for visitors without script, "Go"
	YearFormat    string     // year: year int; "%d"
	MonthFormat   string     // month: name string, year int, month int; "%[1]s %[2]d"
	DayFormat     string     // day: name string, year int, month int, day int; "%[1]s %[4]d, %[2]d"
	CountFormat   string     // posts after a label: count int; "(%d)"
	PrevFormat    string     // calendar link to the earlier month, arguments as MonthFormat; "« %[1]s"
	NextFormat    string     // calendar link to the later month, arguments as MonthFormat; "%[1]s »"
}

// EnglishLabels returns the default labels.
func EnglishLabels() Labels {
	l := Labels{
		Archives:    "Archives",
		SelectMonth: "Select Month",
		Submit:      "Go",
		YearFormat:  "%d",
		MonthFormat: "%[1]s %[2]d",
		DayFormat:   "%[1]s %[4]d, %[2]d",
		CountFormat: "(%d)",
		PrevFormat:  "« %[1]s",
		NextFormat:  "%[1]s »",
	}
	for m := time.January; m <= time.December; m++ {
		l.Months[m-1] = m.String()
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		l.Weekdays[d] = d.String()
		l.ShortWeekdays[d] = d.String()[:3]
	}
	return l
}

// withDefaults fills the empty fields of l from the English labels.
func (l Labels) withDefaults() Labels {
	en := EnglishLabels()
	fill := func(s *string, def string) {
		if *s == "" {
			*s = def
		}
	}
	for i := range l.Months {
		fill(&l.Months[i], en.Months[i])
	}
	for i := range l.Weekdays {
		fill(&l.Weekdays[i], en.Weekdays[i])
		fill(&l.ShortWeekdays[i], en.ShortWeekdays[i])
	}
	fill(&l.Archives, en.Archives)
	fill(&l.SelectMonth, en.SelectMonth)
	fill(&l.Submit, en.Submit)
	fill(&l.YearFormat, en.YearFormat)
	fill(&l.MonthFormat, en.MonthFormat)
	fill(&l.DayFormat, en.DayFormat)
	fill(&l.CountFormat, en.CountFormat)
	fill(&l.PrevFormat, en.PrevFormat)
	fill(&l.NextFormat, en.NextFormat)
	return l
}

func (l *Labels) monthName(m time.Month) string {
	if m < time.January || m > time.December {
		return m.String()
	}
	return l.Months[m-1]
}

// URLFunc returns the address of an archive page: a day page when day is
// not 0, else a month page when month is not 0, else a year page.
type URLFunc func(year int, month time.Month, day int) string

// PathURL returns the default [URLFunc], WordPress's paths under prefix:
// /2013/, /2013/01/ and /2013/01/02/ for an empty prefix, /blog/2013/01/ for
// prefix "/blog" or "/blog/".
func PathURL(prefix string) URLFunc {
	prefix = strings.TrimRight(prefix, "/")
	return func(year int, month time.Month, day int) string {
		switch {
		case month == 0:
			return fmt.Sprintf("%s/%04d/", prefix, year)
		case day == 0:
			return fmt.Sprintf("%s/%04d/%02d/", prefix, year, int(month))
		default:
			return fmt.Sprintf("%s/%04d/%02d/%02d/", prefix, year, int(month), day)
		}
	}
}

// DropdownScript is a small script that sends a visitor to the month chosen
// in a [Renderer.Dropdown] as soon as it is chosen. The dropdown carries no
// inline script, so that it works under a strict Content-Security-Policy;
// serve this from a file of the site (script-src 'self') and load it with
// <script src=... defer>. Without it the dropdown's button submits the form.
const DropdownScript = `document.querySelectorAll("select[data-folio-archive-dropdown]").forEach(function (s) {
	s.addEventListener("change", function () {
		if (s.value) { window.location.assign(s.value); }
	});
});
`

// Option configures a [Renderer].
type Option func(*config)

type config struct {
	labels Labels
	url    URLFunc
	action string
}

// WithLabels sets the words the widgets show; empty fields keep the English
// default.
func WithLabels(l Labels) Option { return func(c *config) { c.labels = l } }

// WithURL sets how archive page addresses are built. The default is
// PathURL("").
func WithURL(f URLFunc) Option { return func(c *config) { c.url = f } }

// WithPrefix mounts the archive pages under prefix, such as "/blog": it sets
// the URLs to [PathURL](prefix) and the dropdown's form action to prefix
// followed by "/". A later [WithURL] or [WithDropdownAction] overrides either.
func WithPrefix(prefix string) Option {
	return func(c *config) {
		c.url = PathURL(prefix)
		c.action = strings.TrimRight(prefix, "/") + "/"
	}
}

// WithDropdownAction sets where the dropdown's form goes when a visitor
// without script presses its button; the default is "/". The request is a
// GET with the chosen month page's address in the parameter "archive"; the
// handler there should redirect to it after checking that it is one of the
// site's own month pages, so the form cannot be used as an open redirect.
func WithDropdownAction(action string) Option { return func(c *config) { c.action = action } }

// Renderer draws archive widgets as HTML through html/template, so every
// label and address is escaped for its context. It is built once and safe
// for concurrent use.
type Renderer struct {
	labels Labels
	url    URLFunc
	action string
}

// NewRenderer returns a renderer with English labels and WordPress's paths
// at the root of the site, changed by opts.
func NewRenderer(opts ...Option) *Renderer {
	c := config{url: PathURL(""), action: "/"}
	for _, o := range opts {
		o(&c)
	}
	if c.url == nil {
		c.url = PathURL("")
	}
	return &Renderer{labels: c.labels.withDefaults(), url: c.url, action: c.action}
}

// ListOptions shape the list and dropdown widgets.
type ListOptions struct {
	// ShowCount adds the number of posts after each label: "January 2013 (12)".
	ShowCount bool
	// Limit keeps only the first Limit entries when positive.
	Limit int
	// CurrentYear and CurrentMonth mark the archive page being shown: its
	// entry is selected in the dropdown and has aria-current="page" in a
	// list. Zero marks none; CurrentMonth is ignored by [Renderer.YearList].
	CurrentYear  int
	CurrentMonth time.Month
}

// entry is one item of a list or dropdown, ready for the templates.
type entry struct {
	Label   string
	Count   string
	URL     string
	Current bool
}

// MonthLabel returns the label of a month, "January 2013" in English.
func (r *Renderer) MonthLabel(year int, month time.Month) string {
	return fmt.Sprintf(r.labels.MonthFormat, r.labels.monthName(month), year, int(month))
}

func (r *Renderer) count(o ListOptions, n int) string {
	if !o.ShowCount {
		return ""
	}
	return fmt.Sprintf(r.labels.CountFormat, n)
}

func limit[T any](s []T, n int) []T {
	if n > 0 && n < len(s) {
		return s[:n]
	}
	return s
}

func (r *Renderer) monthEntries(months []Month, o ListOptions) []entry {
	months = limit(months, o.Limit)
	out := make([]entry, len(months))
	for i, m := range months {
		out[i] = entry{
			Label:   r.MonthLabel(m.Year, m.Month),
			Count:   r.count(o, m.Count),
			URL:     safeURL(r.url(m.Year, m.Month, 0)),
			Current: m.Year == o.CurrentYear && m.Month == o.CurrentMonth,
		}
	}
	return out
}

// MonthList draws months as a list of links to their pages, in the order
// given, usually [Index.Months].
func (r *Renderer) MonthList(months []Month, o ListOptions) template.HTML {
	return execute("list", listData{Class: "folio-archive-months", Entries: r.monthEntries(months, o)})
}

// YearList draws years as a list of links to their pages, in the order
// given, usually [Index.Years].
func (r *Renderer) YearList(years []Year, o ListOptions) template.HTML {
	years = limit(years, o.Limit)
	es := make([]entry, len(years))
	for i, y := range years {
		es[i] = entry{
			Label:   fmt.Sprintf(r.labels.YearFormat, y.Year),
			Count:   r.count(o, y.Count),
			URL:     r.url(y.Year, 0, 0),
			Current: y.Year == o.CurrentYear,
		}
	}
	return execute("list", listData{Class: "folio-archive-years", Entries: es})
}

// DayList draws days as a list of links to their pages, in the order given,
// usually [Index.Days]. The current marks in o do not apply to days.
func (r *Renderer) DayList(days []Day, o ListOptions) template.HTML {
	days = limit(days, o.Limit)
	es := make([]entry, len(days))
	for i, d := range days {
		es[i] = entry{
			Label: fmt.Sprintf(r.labels.DayFormat, r.labels.monthName(d.Month), d.Year, int(d.Month), d.Day),
			Count: r.count(o, d.Count),
			URL:   r.url(d.Year, d.Month, d.Day),
		}
	}
	return execute("list", listData{Class: "folio-archive-days", Entries: es})
}

// Dropdown draws months as a form with a select whose option values are the
// month pages' addresses, led by the "Select Month" option, and a submit
// button. It carries no inline script: the select has the attribute
// data-folio-archive-dropdown, which [DropdownScript] uses to navigate as
// soon as a month is chosen. Without script the button sends the form to the
// action set by [WithDropdownAction].
func (r *Renderer) Dropdown(months []Month, o ListOptions) template.HTML {
	return execute("dropdown", dropdownData{
		Action:      r.action,
		Archives:    r.labels.Archives,
		SelectMonth: r.labels.SelectMonth,
		Submit:      r.labels.Submit,
		Entries:     r.monthEntries(months, o),
	})
}

// Calendar draws c as a table: the caption names the month, a header row the
// weekdays, days with posts link to their day pages, and links to the
// nearest earlier and later months with posts follow the table.
func (r *Renderer) Calendar(c Calendar) template.HTML {
	d := calendarData{Caption: r.MonthLabel(c.Year, c.Month)}
	for i, wd := range c.Weekdays {
		wd = ((wd % 7) + 7) % 7
		d.Head[i] = headCell{Short: r.labels.ShortWeekdays[wd], Full: r.labels.Weekdays[wd]}
	}
	d.Weeks = make([][7]dayCell, len(c.Weeks))
	for w, week := range c.Weeks {
		for i, cell := range week {
			dc := dayCell{Day: cell.Day}
			if cell.Day > 0 && cell.Count > 0 {
				dc.URL = r.url(c.Year, c.Month, cell.Day)
			}
			d.Weeks[w][i] = dc
		}
	}
	if c.Prev != nil {
		name := r.labels.monthName(c.Prev.Month)
		d.Prev = &entry{
			Label: fmt.Sprintf(r.labels.PrevFormat, name, c.Prev.Year, int(c.Prev.Month)),
			URL:   r.url(c.Prev.Year, c.Prev.Month, 0),
		}
	}
	if c.Next != nil {
		name := r.labels.monthName(c.Next.Month)
		d.Next = &entry{
			Label: fmt.Sprintf(r.labels.NextFormat, name, c.Next.Year, int(c.Next.Month)),
			URL:   r.url(c.Next.Year, c.Next.Month, 0),
		}
	}
	return execute("calendar", d)
}

// jsonMonth is one month as [Renderer.JSON] writes it.
type jsonMonth struct {
	Month
	Label string `json:"label"`
	URL   string `json:"url"`
}

// JSON returns months as a JSON array for hosts that draw archives with
// their own front end; each month carries its label and page address beside
// year, month and count:
//
//	[{"year":2013,"month":1,"count":12,"label":"January 2013","url":"/2013/01/"}]
//
// An empty or nil slice gives []. The error is from [json.Marshal].
func (r *Renderer) JSON(months []Month) ([]byte, error) {
	out := make([]jsonMonth, len(months))
	for i, m := range months {
		out[i] = jsonMonth{Month: m, Label: r.MonthLabel(m.Year, m.Month), URL: r.url(m.Year, m.Month, 0)}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("archive: json: %w", err)
	}
	return b, nil
}

// safeURL keeps an address whose scheme, if any, is http or https, and
// otherwise gives the harmless value html/template itself uses. The list
// widgets get this from html/template for href; the dropdown needs it by hand
// because its addresses sit in option values, which a script navigates to.
func safeURL(u string) string {
	if i := strings.IndexAny(u, ":/?#"); i >= 0 && u[i] == ':' {
		switch strings.ToLower(u[:i]) {
		case "http", "https":
		default:
			return "#ZgotmplZ"
		}
	}
	return u
}

type listData struct {
	Class   string
	Entries []entry
}

type dropdownData struct {
	Action, Archives, SelectMonth, Submit string
	Entries                               []entry
}

type headCell struct{ Short, Full string }

type dayCell struct {
	Day int
	URL string
}

type calendarData struct {
	Caption    string
	Head       [7]headCell
	Weeks      [][7]dayCell
	Prev, Next *entry
}

// widgets are parsed once and shared; html/template templates are safe for
// concurrent execution.
var widgets = template.Must(template.New("archive").Parse(`
{{- define "list" -}}
<ul class="folio-archive {{.Class}}">
{{- range .Entries}}
<li><a href="{{.URL}}"{{if .Current}} aria-current="page"{{end}}>{{.Label}}</a>{{with .Count}} {{.}}{{end}}</li>
{{- end}}
</ul>
{{end -}}

{{- define "dropdown" -}}
<form class="folio-archive-dropdown" method="get" action="{{.Action}}">
<label>{{.Archives}}
<select name="archive" data-folio-archive-dropdown>
<option value="">{{.SelectMonth}}</option>
{{- range .Entries}}
<option value="{{.URL}}"{{if .Current}} selected{{end}}>{{.Label}}{{with .Count}} {{.}}{{end}}</option>
{{- end}}
</select>
</label>
<button type="submit">{{.Submit}}</button>
</form>
{{end -}}

{{- define "calendar" -}}
<table class="folio-calendar">
<caption>{{.Caption}}</caption>
<thead>
<tr>{{range .Head}}<th scope="col" title="{{.Full}}">{{.Short}}</th>{{end}}</tr>
</thead>
<tbody>
{{- range .Weeks}}
<tr>{{range .}}{{if not .Day}}<td class="pad"></td>{{else if .URL}}<td><a href="{{.URL}}">{{.Day}}</a></td>{{else}}<td>{{.Day}}</td>{{end}}{{end}}</tr>
{{- end}}
</tbody>
</table>
{{- if or .Prev .Next}}
<nav class="folio-calendar-nav">
{{- with .Prev}}
<a href="{{.URL}}" rel="prev">{{.Label}}</a>
{{- end}}
{{- with .Next}}
<a href="{{.URL}}" rel="next">{{.Label}}</a>
{{- end}}
</nav>
{{- end}}
{{end -}}
`))

// execute runs one of the widgets. The templates and their data are Folio's
// own and the writer cannot fail, so an error is a bug and panics.
func execute(name string, data any) template.HTML {
	var b strings.Builder
	if err := widgets.ExecuteTemplate(&b, name, data); err != nil {
		panic(fmt.Sprintf("archive: %s widget: %v", name, err))
	}
	return template.HTML(b.String())
}
