package calendar

import (
	"encoding/csv"
	"os"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

func mustDate(t *testing.T, s string) daycount.Date {
	t.Helper()
	d, err := daycount.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func usFRB(t *testing.T) *Calendar {
	t.Helper()
	c, err := Named(USFederalReserve)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAdjustTable rolls the dates of testdata/adjust_us_frb.csv.
func TestAdjustTable(t *testing.T) {
	c := usFRB(t)
	f, err := os.Open("testdata/adjust_us_frb.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows[1:] {
		got, err := c.Adjust(mustDate(t, row[0]), Convention(row[1]))
		if err != nil {
			t.Fatalf("%s %s: %v", row[0], row[1], err)
		}
		if got.String() != row[2] {
			t.Errorf("%s %s = %s, want %s (%s)", row[0], row[1], got, row[2], row[3])
		}
	}
}

// TestEveryYearHasTheElevenHolidays checks the data file's shape: eleven
// Federal Reserve holidays a year, 2025 to 2028 at least.
func TestEveryYearHasTheElevenHolidays(t *testing.T) {
	c := usFRB(t)
	if c.FirstYear > 2025 || c.LastYear < 2028 {
		t.Fatalf("covers %d-%d, want at least 2025-2028", c.FirstYear, c.LastYear)
	}
	perYear := map[int]int{}
	for d := range c.holidays {
		perYear[d.Year]++
	}
	for y := c.FirstYear; y <= c.LastYear; y++ {
		if perYear[y] != 11 {
			t.Errorf("%d: %d holidays, want 11", y, perYear[y])
		}
	}
	if h, ok := c.Holiday(mustDate(t, "2027-07-05")); !ok || !strings.Contains(h, "Independence") {
		t.Errorf("2027-07-05 = %q, %v; want Independence Day (observed)", h, ok)
	}
}

func TestOutsideTheDataIsRefused(t *testing.T) {
	c := usFRB(t)
	for _, s := range []string{"2024-12-31", "2081-01-15"} {
		if _, err := c.Adjust(mustDate(t, s), Following); err == nil || !strings.Contains(err.Error(), "covers") {
			t.Errorf("%s: %v, want a refusal naming the years covered", s, err)
		}
	}
	if _, err := c.Adjust(mustDate(t, "2026-01-15"), "nearest"); err == nil {
		t.Error("unknown convention accepted")
	}
	if _, err := Named("TARGET2"); err == nil {
		t.Error("unknown calendar accepted")
	}
}

func TestExtraHolidaysAndBusinessDayArithmetic(t *testing.T) {
	c := usFRB(t)
	// Good Friday 2026 is 3 April; SIFMA closes, the Federal Reserve does not.
	sifma, err := c.WithHolidays([]daycount.Date{mustDate(t, "2026-04-03")}, "Good Friday")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.IsBusinessDay(mustDate(t, "2026-04-03")); !ok {
		t.Error("the Federal Reserve calendar closed on Good Friday")
	}
	if got, _ := sifma.Adjust(mustDate(t, "2026-04-03"), Following); got.String() != "2026-04-06" {
		t.Errorf("Good Friday rolled to %s, want Monday 2026-04-06", got)
	}
	// Two business days before Tuesday 17 Feb 2026: Monday 16 is a holiday,
	// then the weekend, Friday 13 (1), Thursday 12 (2).
	if got, _ := c.AddBusinessDays(mustDate(t, "2026-02-17"), -2); got.String() != "2026-02-12" {
		t.Errorf("fixing date %s, want 2026-02-12", got)
	}
	if _, err := c.WithHolidays([]daycount.Date{mustDate(t, "2081-01-02")}, "x"); err == nil {
		t.Error("extra holiday outside the data accepted")
	}
	for _, m := range []struct{ from, want string }{{"2026-01-31", "2026-02-28"}, {"2026-01-15", "2026-02-15"}, {"2027-12-20", "2028-01-20"}} {
		if got := AddMonths(mustDate(t, m.from), 1); got.String() != m.want {
			t.Errorf("AddMonths(%s, 1) = %s, want %s", m.from, got, m.want)
		}
	}
}

func TestParseRefusesAGapYear(t *testing.T) {
	_, err := parse("X", strings.NewReader("date,holiday\n2025-01-01,a\n2027-01-01,b\n"))
	if err == nil || !strings.Contains(err.Error(), "no holidays listed for 2026") {
		t.Fatalf("got %v", err)
	}
}

// The data file's later years follow the statutory rules: spot-check
// dates worked by hand from them.
func TestUSFRBLaterYears(t *testing.T) {
	c, err := Named("US-FRB")
	if err != nil {
		t.Fatal(err)
	}
	if c.FirstYear != 2025 || c.LastYear != 2080 {
		t.Fatalf("US-FRB covers %d to %d, want 2025 to 2080", c.FirstYear, c.LastYear)
	}
	for _, m := range []struct{ date, want string }{
		{"2031-01-15", "2031-01-15"}, // a Wednesday
		{"2031-11-27", "2031-11-28"}, // Thanksgiving: fourth Thursday of November 2031
		{"2033-12-26", "2033-12-27"}, // Christmas 2033 is a Sunday: observed Monday 26
		{"2037-01-19", "2037-01-20"}, // MLK: third Monday of January 2037
	} {
		got, err := c.Adjust(mustDate(t, m.date), Following)
		if err != nil || got.String() != m.want {
			t.Errorf("%s rolled to %s (%v), want %s", m.date, got, err, m.want)
		}
	}
}
