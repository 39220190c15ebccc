package loantape

import (
	"fmt"
	"strconv"
	"time"
)

// Month is a calendar month: the precision EX-102 uses for origination,
// maturity, first-payment and zero-balance dates. The zero Month is
// "absent".
type Month struct {
	Year  int
	Month time.Month
}

// Date is a calendar day without a time zone: EX-102 period dates are
// days, and a time.Time would drag a location and a clock into records that
// every peer must encode identically. The zero Date is "absent".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// MonthOf builds a Month, normalising out-of-range months the way
// time.Date does (month 13 of 2025 is January 2026).
func MonthOf(year int, month time.Month) Month {
	m := int(month) - 1
	year += m / 12
	m %= 12
	if m < 0 {
		m += 12
		year--
	}
	return Month{Year: year, Month: time.Month(m + 1)}
}

// IsZero reports whether m is absent.
func (m Month) IsZero() bool { return m == Month{} }

// AddMonths returns the month n months after m (n may be negative).
func (m Month) AddMonths(n int) Month { return MonthOf(m.Year, m.Month+time.Month(n)) }

// MonthsUntil returns the number of months from m to o (negative if o is
// earlier).
func (m Month) MonthsUntil(o Month) int {
	return (o.Year-m.Year)*12 + int(o.Month) - int(m.Month)
}

// Before reports whether m is earlier than o.
func (m Month) Before(o Month) bool { return m.MonthsUntil(o) > 0 }

// FirstDay and LastDay return the month's first and last calendar day.
func (m Month) FirstDay() Date { return Date{m.Year, m.Month, 1} }

// LastDay returns the month's last calendar day.
func (m Month) LastDay() Date { return Date{m.Year, m.Month, daysIn(m.Year, m.Month)} }

// String formats m as ISO 8601 YYYY-MM, or "" when absent.
func (m Month) String() string { return string(m.appendISO(nil)) }

// EX102 formats m as EDGAR does, MM/YYYY, or "" when absent.
func (m Month) EX102() string { return string(m.appendEX102(nil)) }

func (m Month) appendISO(b []byte) []byte {
	if m.IsZero() {
		return b
	}
	return appendDigits(append(appendDigits(b, m.Year, 4), '-'), int(m.Month), 2)
}

func (m Month) appendEX102(b []byte) []byte {
	if m.IsZero() {
		return b
	}
	return appendDigits(append(appendDigits(b, int(m.Month), 2), '/'), m.Year, 4)
}

// ParseMonth reads MM/YYYY (EX-102; the month may have one digit) or
// YYYY-MM (ISO). The empty string is the zero Month.
func ParseMonth(s string) (Month, error) {
	if s == "" {
		return Month{}, nil
	}
	var mm, yyyy string
	switch {
	case len(s) == 7 && s[4] == '-':
		yyyy, mm = s[:4], s[5:]
	case len(s) == 7 && s[2] == '/':
		mm, yyyy = s[:2], s[3:]
	case len(s) == 6 && s[1] == '/':
		mm, yyyy = s[:1], s[2:]
	default:
		return Month{}, fmt.Errorf("%q is not a month (MM/YYYY or YYYY-MM)", s)
	}
	y, okY := digits(yyyy)
	m, okM := digits(mm)
	if !okY || !okM || len(yyyy) != 4 || m < 1 || m > 12 || y < 1 {
		return Month{}, fmt.Errorf("%q is not a month (MM/YYYY or YYYY-MM)", s)
	}
	return Month{Year: y, Month: time.Month(m)}, nil
}

// MarshalText writes ISO YYYY-MM ("" when absent); JSON uses it.
func (m Month) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText accepts what ParseMonth accepts.
func (m *Month) UnmarshalText(b []byte) error {
	v, err := ParseMonth(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// IsZero reports whether d is absent.
func (d Date) IsZero() bool { return d == Date{} }

// YearMonth returns the month d falls in.
func (d Date) YearMonth() Month { return Month{d.Year, d.Month} }

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmpInt(d.Year, o.Year)
	case d.Month != o.Month:
		return cmpInt(int(d.Month), int(o.Month))
	default:
		return cmpInt(d.Day, o.Day)
	}
}

// String formats d as ISO 8601 YYYY-MM-DD, or "" when absent.
func (d Date) String() string { return string(d.appendISO(nil)) }

// EX102 formats d as EDGAR does, MM-DD-YYYY, or "" when absent.
func (d Date) EX102() string { return string(d.appendEX102(nil)) }

func (d Date) appendISO(b []byte) []byte {
	if d.IsZero() {
		return b
	}
	b = append(appendDigits(b, d.Year, 4), '-')
	return appendDigits(append(appendDigits(b, int(d.Month), 2), '-'), d.Day, 2)
}

func (d Date) appendEX102(b []byte) []byte {
	if d.IsZero() {
		return b
	}
	b = append(appendDigits(b, int(d.Month), 2), '-')
	return appendDigits(append(appendDigits(b, d.Day, 2), '-'), d.Year, 4)
}

// ParseDate reads MM-DD-YYYY (EX-102), MM/DD/YYYY (what spreadsheets
// write for US dates) or YYYY-MM-DD (ISO). The empty string is the zero
// Date. Impossible days (02-30-2024) are refused.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	bad := fmt.Errorf("%q is not a date (MM-DD-YYYY or YYYY-MM-DD)", s)
	if len(s) != 10 {
		return Date{}, bad
	}
	var yyyy, mm, dd string
	switch {
	case s[4] == '-' && s[7] == '-':
		yyyy, mm, dd = s[:4], s[5:7], s[8:]
	case (s[2] == '-' && s[5] == '-') || (s[2] == '/' && s[5] == '/'):
		mm, dd, yyyy = s[:2], s[3:5], s[6:]
	default:
		return Date{}, bad
	}
	y, okY := digits(yyyy)
	m, okM := digits(mm)
	d, okD := digits(dd)
	if !okY || !okM || !okD || y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return Date{}, bad
	}
	return Date{Year: y, Month: time.Month(m), Day: d}, nil
}

// MarshalText writes ISO YYYY-MM-DD ("" when absent); JSON uses it.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText accepts what ParseDate accepts.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Period is one monthly reporting period of a deal: its number (1 for the
// first month after cut-off) and its first and last day.
type Period struct {
	Number    int  `json:"number"`
	Beginning Date `json:"beginning"`
	Ending    Date `json:"ending"`
}

// MonthlyPeriod returns period number n covering calendar month m.
func MonthlyPeriod(n int, m Month) Period {
	return Period{Number: n, Beginning: m.FirstDay(), Ending: m.LastDay()}
}

// daysIn uses the proleptic Gregorian calendar, as EDGAR does.
func daysIn(year int, m time.Month) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	default:
		return 31
	}
}

// digits parses a short run of ASCII digits (no sign, no spaces).
func digits(s string) (int, bool) {
	if s == "" || len(s) > 4 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
