package daycount

import (
	"encoding/json"
	"testing"
	"time"
)

func TestFraction(t *testing.T) {
	d := func(s string) Date {
		v, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		conv       Convention
		start, end string
		days       int64
	}{
		// Payment date to payment date: one month under 30/360, actual days under ACT/360.
		{Thirty360, "2025-01-15", "2025-02-15", 30},
		{Actual360, "2025-01-15", "2025-02-15", 31},
		{Actual360, "2025-02-15", "2025-03-15", 28},
		{Actual360, "2024-02-15", "2024-03-15", 29}, // leap year
		// Stub first period from a closing date of 2025-01-28 to 2025-03-15.
		{Thirty360, "2025-01-28", "2025-03-15", 47}, // 30×2 + (15−28)
		{Actual360, "2025-01-28", "2025-03-15", 46}, // 3 + 28 + 15
		// 31st rules of the bond basis.
		{Thirty360, "2025-01-31", "2025-03-31", 60}, // 31→30 both ends
		{Thirty360, "2025-01-30", "2025-03-31", 60},
		{Thirty360, "2025-01-29", "2025-03-31", 62}, // end stays 31 when start < 30
		{Thirty360, "2024-12-15", "2025-01-15", 30}, // across a year end
		{Thirty360, "2025-01-15", "2025-01-15", 0},
	}
	for _, c := range cases {
		days, basis, err := c.conv.Fraction(d(c.start), d(c.end))
		if err != nil || days != c.days || basis != 360 {
			t.Errorf("%s %s→%s = %d/%d, %v; want %d/360", c.conv, c.start, c.end, days, basis, err, c.days)
		}
	}
	if _, _, err := Thirty360.Fraction(d("2025-02-15"), d("2025-01-15")); err == nil {
		t.Error("end before start accepted")
	}
	if _, _, err := Convention("ACT/ACT").Fraction(d("2025-01-15"), d("2025-02-15")); err == nil {
		t.Error("unknown convention accepted")
	}
}

func TestParseAndJSON(t *testing.T) {
	for _, bad := range []string{"", "2025-02-30", "15/01/2025", "2025-1-5", "1800-01-01"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	var v struct{ D Date }
	if err := json.Unmarshal([]byte(`{"D":"2025-03-15"}`), &v); err != nil || v.D != NewDate(2025, time.March, 15) {
		t.Fatalf("unmarshal: %v %v", v.D, err)
	}
	b, err := json.Marshal(v)
	if err != nil || string(b) != `{"D":"2025-03-15"}` {
		t.Fatalf("marshal: %s %v", b, err)
	}
	if err := json.Unmarshal([]byte(`{"D":20250315}`), &v); err == nil {
		t.Fatal("number accepted as date")
	}
	if !(Date{}).IsZero() || v.D.IsZero() {
		t.Fatal("IsZero wrong")
	}
}
