package calendar

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// USFederalReserve names the calendar of Federal Reserve holidays.
const USFederalReserve = "US-FRB"

//go:embed data/*.csv
var dataFiles embed.FS

// files maps a calendar name to its data file.
var files = map[string]string{USFederalReserve: "data/us_frb.csv"}

// Names lists the calendars this package knows, sorted.
func Names() []string {
	ns := make([]string, 0, len(files))
	for n := range files {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// Calendar is a set of non-business days: Saturdays, Sundays and holidays,
// over the years FirstYear..LastYear its data covers.
type Calendar struct {
	Name                string
	FirstYear, LastYear int
	holidays            map[daycount.Date]string
}

// Named loads a calendar by name, e.g. USFederalReserve.
func Named(name string) (*Calendar, error) {
	file, ok := files[name]
	if !ok {
		return nil, fmt.Errorf("calendar %q: unknown, want one of %s", name, strings.Join(Names(), ", "))
	}
	f, err := dataFiles.Open(file)
	if err != nil {
		return nil, fmt.Errorf("calendar %q: %w", name, err)
	}
	defer f.Close()
	return parse(name, f)
}

// parse reads "date,holiday" lines; the years from the first to the last
// must each have at least one holiday (a year missing would silently be
// all business days).
func parse(name string, r io.Reader) (*Calendar, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = 2
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("calendar %q: %w", name, err)
	}
	if len(rows) < 2 || rows[0][0] != "date" || rows[0][1] != "holiday" {
		return nil, fmt.Errorf("calendar %q: want a header date,holiday and at least one holiday", name)
	}
	c := &Calendar{Name: name, holidays: make(map[daycount.Date]string, len(rows))}
	years := map[int]bool{}
	for i, row := range rows[1:] {
		d, err := daycount.Parse(row[0])
		if err != nil {
			return nil, fmt.Errorf("calendar %q: line %d: %w", name, i+2, err)
		}
		if _, dup := c.holidays[d]; dup {
			return nil, fmt.Errorf("calendar %q: line %d: %s listed twice", name, i+2, d)
		}
		c.holidays[d] = row[1]
		years[d.Year] = true
		if c.FirstYear == 0 || d.Year < c.FirstYear {
			c.FirstYear = d.Year
		}
		c.LastYear = max(c.LastYear, d.Year)
	}
	for y := c.FirstYear; y <= c.LastYear; y++ {
		if !years[y] {
			return nil, fmt.Errorf("calendar %q: no holidays listed for %d, between %d and %d", name, y, c.FirstYear, c.LastYear)
		}
	}
	return c, nil
}

// WithHolidays returns a copy of the calendar with extra holidays (a deal's
// own closes, e.g. SIFMA's Good Friday). Each must fall in a covered year.
func (c *Calendar) WithHolidays(extra []daycount.Date, label string) (*Calendar, error) {
	n := &Calendar{Name: c.Name, FirstYear: c.FirstYear, LastYear: c.LastYear,
		holidays: make(map[daycount.Date]string, len(c.holidays)+len(extra))}
	for d, h := range c.holidays {
		n.holidays[d] = h
	}
	for _, d := range extra {
		if err := c.covers(d); err != nil {
			return nil, err
		}
		if _, ok := n.holidays[d]; !ok {
			n.holidays[d] = label
		}
	}
	return n, nil
}

func (c *Calendar) covers(d daycount.Date) error {
	if d.Year < c.FirstYear || d.Year > c.LastYear {
		return fmt.Errorf("calendar %s covers %d to %d; %s is outside (add the year's holidays to its data file)",
			c.Name, c.FirstYear, c.LastYear, d)
	}
	return nil
}

// Holiday returns the name of the holiday on d, if any.
func (c *Calendar) Holiday(d daycount.Date) (string, bool) {
	h, ok := c.holidays[d]
	return h, ok
}

// IsBusinessDay reports whether d is neither a weekend day nor a holiday.
func (c *Calendar) IsBusinessDay(d daycount.Date) (bool, error) {
	if err := c.covers(d); err != nil {
		return false, err
	}
	switch toTime(d).Weekday() {
	case time.Saturday, time.Sunday:
		return false, nil
	}
	_, holiday := c.holidays[d]
	return !holiday, nil
}

// Convention is a business-day convention as deal documents name it.
type Convention string

const (
	// Following rolls a non-business day to the next business day.
	Following Convention = "following"
	// ModifiedFollowing rolls to the next business day unless that is in
	// the next month, then to the previous business day.
	ModifiedFollowing Convention = "modifiedFollowing"
	// Preceding rolls to the previous business day.
	Preceding Convention = "preceding"
)

// Valid reports whether c is a convention this package implements.
func (c Convention) Valid() bool { return c == Following || c == ModifiedFollowing || c == Preceding }

// Adjust rolls d to a business day by the convention.
func (c *Calendar) Adjust(d daycount.Date, conv Convention) (daycount.Date, error) {
	switch conv {
	case Following:
		return c.roll(d, 1)
	case Preceding:
		return c.roll(d, -1)
	case ModifiedFollowing:
		next, err := c.roll(d, 1)
		if err != nil || next.Month == d.Month {
			return next, err
		}
		return c.roll(d, -1)
	default:
		return daycount.Date{}, fmt.Errorf("business-day convention %q: want %q, %q or %q",
			string(conv), Following, ModifiedFollowing, Preceding)
	}
}

// AddBusinessDays moves n business days from d (n < 0 goes back): the
// fixing date of a rate set two business days before its period is
// AddBusinessDays(start, -2).
func (c *Calendar) AddBusinessDays(d daycount.Date, n int) (daycount.Date, error) {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for moved := 0; moved < n; {
		d = AddDays(d, step)
		ok, err := c.IsBusinessDay(d)
		if err != nil {
			return daycount.Date{}, err
		}
		if ok {
			moved++
		}
	}
	return d, nil
}

// roll moves from d by step days until a business day; a business day
// stays. Ten days is more than any run of holidays and weekends.
func (c *Calendar) roll(d daycount.Date, step int) (daycount.Date, error) {
	for i := 0; i < 10; i++ {
		ok, err := c.IsBusinessDay(d)
		if err != nil {
			return daycount.Date{}, err
		}
		if ok {
			return d, nil
		}
		d = AddDays(d, step)
	}
	return daycount.Date{}, fmt.Errorf("calendar %s: no business day within ten days of %s", c.Name, d)
}

// AddDays returns the date n calendar days after d.
func AddDays(d daycount.Date, n int) daycount.Date {
	t := toTime(d).AddDate(0, 0, n)
	return daycount.NewDate(t.Year(), t.Month(), t.Day())
}

// AddMonths returns the same day n months after d, or the month's last day
// when it is shorter (the 31st becomes the 30th, or February's last).
func AddMonths(d daycount.Date, n int) daycount.Date {
	first := time.Date(d.Year, d.Month, 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	return daycount.NewDate(first.Year(), first.Month(), min(d.Day, last))
}

func toTime(d daycount.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}
