package lease

import (
	"errors"
	"io"
	"os"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

func open(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func readAll(t *testing.T, src *Reader) []Row {
	t.Helper()
	var out []Row
	for {
		r, err := src.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("line %d: %v", src.Line(), err)
		}
		out = append(out, r)
	}
}

func amt(s string) money.Amount {
	a, err := money.Parse(s)
	if err != nil {
		panic(err)
	}
	return a
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// The cut-off values of testdata/worked_2026_04.md: each lease's
// discounted balance and undiscounted flows, and the pool's.
func TestCutoffValuesGolden(t *testing.T) {
	rows := readAll(t, NewReader(open(t, "tape_2026_03.csv")))
	want := []struct{ id, disc, undisc string }{
		{"L1", "35415.66", "39000.00"}, {"L2", "32541.11", "34000.00"}, {"L3", "52582.13", "62000.00"},
		{"L4", "3482.59", "3500.00"}, {"L5", "17394.76", "18400.00"},
	}
	if len(rows) != len(want) {
		t.Fatalf("want %d leases, got %d", len(want), len(rows))
	}
	var pool money.Amount
	for i, w := range want {
		r := rows[i]
		fl, err := r.Schedule(loantape.MonthOf(2026, 3))
		if err != nil {
			t.Fatal(err)
		}
		got, err := fl.Discount(r.DiscountRate)
		if err != nil {
			t.Fatal(err)
		}
		if r.AssetNumber != w.id || got != amt(w.disc) || fl.Undiscounted() != amt(w.undisc) {
			t.Errorf("%s: discounted %s undiscounted %s, want %s %s", r.AssetNumber, got, fl.Undiscounted(), w.disc, w.undisc)
		}
		pool += got
	}
	if pool != amt("141416.25") {
		t.Errorf("discounted pool balance %s, want 141416.25", pool)
	}
	// The hand-worked L2 flows: quarterly payments 3, 6, 9, 12 months on,
	// the residual with the last.
	fl, _ := rows[1].Schedule(loantape.MonthOf(2026, 3))
	if len(fl) != 13 || fl[3] != amt("6000") || fl[6] != amt("6000") || fl[9] != amt("6000") || fl[12] != amt("16000") || fl[1] != 0 {
		t.Errorf("L2 flows %v", fl)
	}

	cutoff := loantape.Date{Year: 2026, Month: 3, Day: 31}
	rate := dec("0.06")
	agg, err := ValidateTape(NewReader(open(t, "tape_2026_03.csv")), TapeRules{Cutoff: cutoff, DiscountRate: &rate})
	if err != nil {
		t.Fatal(err)
	}
	if agg.LoanCount != 5 || agg.Balance != amt("141416.25") || agg.OriginalBalance != amt("166000.00") {
		t.Errorf("tape aggregates: %d leases, balance %s, cost %s", agg.LoanCount, agg.Balance, agg.OriginalBalance)
	}
}

// The April report of testdata/worked_2026_04.md, lease by lease and in
// the report's aggregates: rent, accretion, a default, a residual loss at
// maturity, a buyout.
func TestAprilReportGolden(t *testing.T) {
	rows := readAll(t, NewReader(open(t, "report_2026_04.csv")))
	want := []struct {
		id                                       string
		principal, scheduled, interest, off, adj string
	}{
		{"L1", "822.92", "822.92", "177.08", "0", "0"},
		{"L2", "0", "0", "0", "0", "-162.71"},
		{"L3", "0", "0", "0", "52582.13", "0"},
		{"L4", "2882.59", "2882.59", "17.41", "600.00", "0"},
		{"L5", "16800.00", "800.00", "0", "594.76", "0"},
	}
	for i, w := range want {
		s := rows[i].Split()
		if rows[i].AssetNumber != w.id || s.Principal != amt(w.principal) || s.Scheduled != amt(w.scheduled) ||
			s.Interest != amt(w.interest) || s.ChargedOff != amt(w.off) || s.Adjustment != amt(w.adj) {
			t.Errorf("%s: split %+v, want %+v", rows[i].AssetNumber, s, w)
		}
	}

	prior := map[string]money.Amount{}
	for _, r := range readAll(t, NewReader(open(t, "tape_2026_03.csv"))) {
		prior[r.AssetNumber] = r.DiscountedBalance
	}
	rate := dec("0.06")
	agg, res, err := ValidateReport(NewReader(open(t, "report_2026_04.csv")), ReportRules{DiscountRate: &rate,
		Lookup: func(a string) (loantape.PriorLoan, bool) {
			b, ok := prior[a]
			return loantape.PriorLoan{EndBalance: b}, ok
		}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want money.Amount
	}{
		{"beginning", agg.BeginningBalance, amt("141416.25")},
		{"ending", agg.EndingBalance, amt("67296.56")},
		{"scheduled principal", agg.ScheduledPrincipal, amt("4505.51")},
		{"prepayments", agg.Prepayments, amt("16000.00")},
		{"interest", agg.InterestCollected, amt("194.49")},
		{"charged off", agg.ChargedOffPrincipal, amt("53776.89")},
		{"adjustments", agg.OtherPrincipalAdjustments, amt("-162.71")},
		{"recoveries", agg.Recoveries, amt("30000.00")},
		{"collected", agg.TotalCollected, amt("20700.00")},
	} {
		if c.got != c.want {
			t.Errorf("%s: %s, want %s", c.name, c.got, c.want)
		}
	}
	if res != (ResidualSummary{Matured: 1, Booked: amt("3000"), Realised: amt("2400"), Losses: amt("600")}) {
		t.Errorf("residuals %+v", res)
	}
}
