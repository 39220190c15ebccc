package loantape

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{"07-31-2020", Date{2020, time.July, 31}, false},
		{"07/31/2020", Date{2020, time.July, 31}, false},
		{"2020-07-31", Date{2020, time.July, 31}, false},
		{"02-29-2024", Date{2024, time.February, 29}, false},
		{"2000-02-29", Date{2000, time.February, 29}, false},
		{"", Date{}, false},
		{"02-29-2023", Date{}, true},
		{"1900-02-29", Date{}, true},
		{"04-31-2020", Date{}, true},
		{"13-01-2020", Date{}, true},
		{"00-10-2020", Date{}, true},
		{"7-31-2020", Date{}, true},
		{"07-31-20", Date{}, true},
		{"2020/07/31", Date{}, true},
		{"07-31/2020", Date{}, true},
		{"+7-31-2020", Date{}, true},
		{"0000-01-01", Date{}, true},
		{"2020-07-31T00:00:00", Date{}, true},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseMonth(t *testing.T) {
	tests := []struct {
		in      string
		want    Month
		wantErr bool
	}{
		{"08/2019", Month{2019, time.August}, false},
		{"8/2019", Month{2019, time.August}, false},
		{"2019-08", Month{2019, time.August}, false},
		{"12/2025", Month{2025, time.December}, false},
		{"", Month{}, false},
		{"13/2019", Month{}, true},
		{"00/2019", Month{}, true},
		{"2019-13", Month{}, true},
		{"08/19", Month{}, true},
		{"08-2019", Month{}, true},
		{"2019/08", Month{}, true},
		{"aa/2019", Month{}, true},
	}
	for _, tt := range tests {
		got, err := ParseMonth(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseMonth(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestDateAndMonthFormats(t *testing.T) {
	d := Date{2020, time.July, 1}
	if d.String() != "2020-07-01" || d.EX102() != "07-01-2020" {
		t.Errorf("date formats: %q %q", d.String(), d.EX102())
	}
	m := Month{2019, time.August}
	if m.String() != "2019-08" || m.EX102() != "08/2019" {
		t.Errorf("month formats: %q %q", m.String(), m.EX102())
	}
	if (Date{}).String() != "" || (Month{}).EX102() != "" {
		t.Error("zero values must format as empty")
	}
	for _, s := range []string{d.String(), d.EX102()} {
		if back, err := ParseDate(s); err != nil || back != d {
			t.Errorf("ParseDate(%q) = %v, %v", s, back, err)
		}
	}
	for _, s := range []string{m.String(), m.EX102()} {
		if back, err := ParseMonth(s); err != nil || back != m {
			t.Errorf("ParseMonth(%q) = %v, %v", s, back, err)
		}
	}
}

func TestMonthArithmetic(t *testing.T) {
	tests := []struct {
		from Month
		n    int
		want Month
	}{
		{Month{2025, time.December}, 1, Month{2026, time.January}},
		{Month{2025, time.January}, -1, Month{2024, time.December}},
		{Month{2025, time.March}, -27, Month{2022, time.December}},
		{Month{2019, time.August}, 76, Month{2025, time.December}},
		{Month{2019, time.August}, 0, Month{2019, time.August}},
	}
	for _, tt := range tests {
		got := tt.from.AddMonths(tt.n)
		if got != tt.want {
			t.Errorf("%v.AddMonths(%d) = %v, want %v", tt.from, tt.n, got, tt.want)
		}
		if back := tt.from.MonthsUntil(got); back != tt.n {
			t.Errorf("%v.MonthsUntil(%v) = %d, want %d", tt.from, got, back, tt.n)
		}
	}
	if !(Month{2019, time.August}).Before(Month{2019, time.September}) || (Month{2019, time.August}).Before(Month{2019, time.August}) {
		t.Error("Month.Before")
	}
	p := MonthlyPeriod(3, Month{2024, time.February})
	if p.Beginning != (Date{2024, time.February, 1}) || p.Ending != (Date{2024, time.February, 29}) || p.Number != 3 {
		t.Errorf("MonthlyPeriod = %+v", p)
	}
}

func TestDatesJSON(t *testing.T) {
	type doc struct {
		D Date  `json:"d"`
		M Month `json:"m"`
		Z Date  `json:"z"`
	}
	in := doc{D: Date{2020, time.July, 31}, M: Month{2019, time.August}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"d":"2020-07-31","m":"2019-08","z":""}` {
		t.Errorf("JSON = %s", b)
	}
	var out doc
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Errorf("round trip = %+v, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"d":"2020-02-30"}`), &out); err == nil {
		t.Error("impossible date accepted from JSON")
	}
}
