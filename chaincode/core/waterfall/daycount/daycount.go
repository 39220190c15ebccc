// Package daycount holds calendar dates without a time zone and the day-count
// conventions ABS notes accrue interest under.
//
// A fraction of a year is returned as an exact pair (days, basis) rather than
// a decimal, so that callers can multiply balance × rate × days first and
// divide by the basis once, rounding a single time to the cent.
package daycount

import (
	"encoding/json"
	"fmt"
	"time"
)

// Date is a calendar date (no time, no zone), written "2006-01-02" in JSON.
// The zero Date means "not set".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate builds a Date; use Parse to validate user input.
func NewDate(year int, month time.Month, day int) Date {
	return Date{Year: year, Month: month, Day: day}
}

// Parse reads a date in ISO 8601 form "2006-01-02" and refuses anything that
// is not a real calendar day ("2025-02-30").
func Parse(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	if t.Year() < 1900 || t.Year() > 2200 {
		return Date{}, fmt.Errorf("date %q: year outside 1900-2200", s)
	}
	return Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, nil
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d == Date{} }

// String formats the date as "2006-01-02".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Before reports whether d is strictly earlier than e.
func (d Date) Before(e Date) bool { return d.serial() < e.serial() }

// serial counts days since 1970-01-01. time.Date in UTC has no daylight
// saving and no leap seconds, so the division is exact.
func (d Date) serial() int64 {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// ActualDays returns the number of calendar days from start (inclusive) to
// end (exclusive); negative if end is before start.
func ActualDays(start, end Date) int64 { return end.serial() - start.serial() }

// MarshalJSON writes the date as a JSON string "2006-01-02".
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a JSON string "2006-01-02".
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date: want a string YYYY-MM-DD, got %s", b)
	}
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Convention names a day-count convention as deal documents write it.
type Convention string

const (
	// Thirty360 is the 30/360 US bond basis: every month counts 30 days, a
	// start on the 31st counts as the 30th, and an end on the 31st counts as
	// the 30th when the start is the 30th or 31st. US auto-ABS term notes
	// pay on the 15th, where the rule reduces to whole months × 30.
	Thirty360 Convention = "30/360"
	// Actual360 counts actual calendar days over a 360-day year; the money
	// market class and floating-rate classes use it.
	Actual360 Convention = "ACT/360"
)

// Valid reports whether c is a convention this package implements.
func (c Convention) Valid() bool { return c == Thirty360 || c == Actual360 }

// Fraction returns the accrual fraction of a year from start to end as
// days/basis. It returns an error for an unknown convention or an end date
// before the start date.
func (c Convention) Fraction(start, end Date) (days, basis int64, err error) {
	if end.Before(start) {
		return 0, 0, fmt.Errorf("day count: end %s before start %s", end, start)
	}
	switch c {
	case Thirty360:
		return days360(start, end), 360, nil
	case Actual360:
		return ActualDays(start, end), 360, nil
	default:
		return 0, 0, fmt.Errorf("day count %q: want %q or %q", string(c), Thirty360, Actual360)
	}
}

func days360(start, end Date) int64 {
	d1, d2 := start.Day, end.Day
	if d1 == 31 {
		d1 = 30
	}
	if d2 == 31 && d1 == 30 {
		d2 = 30
	}
	return int64(360*(end.Year-start.Year) + 30*(int(end.Month)-int(start.Month)) + (d2 - d1))
}
