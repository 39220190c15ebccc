package indenture

import (
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/statement"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// TestRowsAddUpToTheGoldenPeriods: each period's loan rows pass the
// report rules against the balances the previous period left, and the
// period the chaincode builds from their sums and the certificate lines
// is the golden period's, figure for figure.
func TestRowsAddUpToTheGoldenPeriods(t *testing.T) {
	d, err := Load("../..")
	if err != nil {
		t.Fatal(err)
	}
	tape, err := d.Tape()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loantape.ValidateTape(loantape.NewSliceSource(tape, 2), loantape.TapeRules{Cutoff: Cutoff.LastDay()}); err != nil {
		t.Fatalf("tape: %v", err)
	}
	prior := map[string]loantape.PriorLoan{}
	for _, l := range tape {
		prior[l.AssetNumber] = loantape.PriorLoan{EndBalance: l.ReportingPeriodActualEndBalanceAmount}
	}
	for n := 1; n <= Periods; n++ {
		rows, err := d.Rows(n)
		if err != nil {
			t.Fatal(err)
		}
		lp := loantape.MonthlyPeriod(n, Cutoff.AddMonths(n))
		agg, err := loantape.ValidateReport(loantape.NewSliceSource(rows, 2), loantape.ReportRules{Period: lp,
			Lookup: func(id string) (loantape.PriorLoan, bool) { p, ok := prior[id]; return p, ok }})
		if err != nil {
			t.Fatalf("period %d rows: %v", n, err)
		}
		for _, r := range rows {
			prior[r.AssetNumber] = loantape.PriorLoan{EndBalance: r.ReportingPeriodActualEndBalanceAmount}
		}
		fig := d.Periods[n-1]
		in := distribution.PeriodInputs{Aggregates: agg, PaymentDate: fig.AccrualEnd, ServicerAdvances: fig.ServicerAdvances,
			Certificate: &distribution.CertificateInputs{ReserveInvestmentEarnings: fig.ReserveInvestmentEarnings,
				AdvanceReimbursements: fig.AdvanceReimbursements, Repurchases: fig.Repurchases, LiquidationProceedsApart: true,
				FeesIncurred: fig.FeesIncurred}}
		got, err := in.Period(fig.AccrualStart)
		if err != nil {
			t.Fatal(err)
		}
		got.IndexFixings = fig.IndexFixings
		if g, w := canonOf(t, got), canonOf(t, fig); g != w {
			t.Errorf("period %d from the rows\n%s\nwant the golden period\n%s", n, g, w)
		}
		if want := availableFunds(t, d, n); d.AvailableFunds(n).String() != want {
			t.Errorf("period %d: remitting %s, the golden available funds are %s", n, d.AvailableFunds(n), want)
		}
	}
}

func availableFunds(t *testing.T, d *Deal, n int) string {
	for _, f := range d.Expected {
		if f.Period == n && f.Name == "availableFunds.total" {
			return f.Value
		}
	}
	t.Fatalf("no availableFunds.total for period %d", n)
	return ""
}

func canonOf(t *testing.T, p waterfall.Period) string {
	b, err := canon.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestFiguresCheckTheEnginesResults: the engine's results of the golden
// periods pass CheckResult and their statements CheckStatement, and a
// result one cent off does not.
func TestFiguresCheckTheEnginesResults(t *testing.T) {
	d, err := Load("../..")
	if err != nil {
		t.Fatal(err)
	}
	st, err := waterfall.NewState(d.Def)
	if err != nil {
		t.Fatal(err)
	}
	results, err := waterfall.Replay(d.Def, st, d.Periods)
	if err != nil {
		t.Fatal(err)
	}
	for i, res := range results {
		b, err := canon.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		if bad := d.CheckResult(i+1, b); len(bad) > 0 {
			t.Errorf("%v", bad)
		}
		s, err := statement.Build(d.Def, d.Periods[i], res)
		if err != nil {
			t.Fatal(err)
		}
		if bad := d.CheckStatement(i+1, s); len(bad) > 0 {
			t.Errorf("%v", bad)
		}
	}
	off := results[0]
	off.Pool.EndingBalance++
	b, _ := canon.Marshal(off)
	if bad := d.CheckResult(1, b); len(bad) != 1 {
		t.Fatalf("a cent off: %v", bad)
	}
}

// TestSeasonedTapeContinuesIntoTheNextPeriod: the tape as of period 1
// holds exactly the balances period 2's rows start from.
func TestSeasonedTapeContinuesIntoTheNextPeriod(t *testing.T) {
	d, err := Load("../..")
	if err != nil {
		t.Fatal(err)
	}
	tape, err := d.SeasonedTape(1)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := d.Rows(2)
	if err != nil {
		t.Fatal(err)
	}
	if len(tape) != len(rows) {
		t.Fatalf("%d loans on the tape, %d rows in period 2", len(tape), len(rows))
	}
	var total int64
	for i, l := range tape {
		if rows[i].AssetNumber != l.AssetNumber || rows[i].ReportingPeriodBeginningLoanBalanceAmount != l.ReportingPeriodActualEndBalanceAmount {
			t.Fatalf("loan %s: tape %s, row %s", l.AssetNumber, l.ReportingPeriodActualEndBalanceAmount, rows[i].ReportingPeriodBeginningLoanBalanceAmount)
		}
		total += l.ReportingPeriodActualEndBalanceAmount.Cents()
	}
	if total != d.Periods[0].EndingPoolBalance.Cents() {
		t.Fatalf("seasoned tape %d cents, period 1 ends at %s", total, d.Periods[0].EndingPoolBalance)
	}
	if _, err := loantape.ValidateTape(loantape.NewSliceSource(tape, 2), loantape.TapeRules{Cutoff: Cutoff.AddMonths(1).LastDay()}); err != nil {
		t.Fatal(err)
	}
}
