package store

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// loansAt lists the book at period as "asset balance rate term dpd".
func loansAt(t *testing.T, s *DB, period int) ([]BookLoanAt, error) {
	t.Helper()
	var out []BookLoanAt
	err := s.View(func(r Reader) error {
		return r.LoansAt("P", period, func(l BookLoanAt) error { out = append(out, l); return nil })
	})
	return out, err
}

func TestLoansAtRestatesCutOffAndEachReportAndOneStepBack(t *testing.T) {
	s := openStore(t)
	rate := decimal.RequireFromString("0.0699")
	tape := []loantape.Loan{
		{AssetNumber: "L2", ReportingPeriodActualEndBalanceAmount: 500000, ReportingPeriodInterestRatePercentage: rate,
			RemainingTermToMaturityNumber: 48, OriginalLoanTerm: 60},
		{AssetNumber: "L1", ReportingPeriodActualEndBalanceAmount: 100000, ReportingPeriodInterestRatePercentage: rate,
			RemainingTermToMaturityNumber: 36, OriginalLoanTerm: 36, CurrentDelinquencyStatus: 45},
	}
	row := func(asset string, end money.Amount, term, dpd int) loantape.PeriodRow {
		return loantape.PeriodRow{AssetNumber: asset, ReportingPeriodActualEndBalanceAmount: end,
			ReportingPeriodInterestRatePercentage: rate, RemainingTermToMaturityNumber: term, CurrentDelinquencyStatus: dpd}
	}
	must(t, s.Update(func(w Writer) error { return w.PutTapeLoans("P", tape) }))
	must(t, s.Update(func(w Writer) error {
		return w.PutReportRows("P", 1, []loantape.PeriodRow{row("L1", 97000, 35, 0), row("L2", 0, 0, 0)})
	}))
	cutOff, err := loansAt(t, s, 0)
	must(t, err)
	// Asset order; period 1's rows are one step ahead, so cut-off is the prior.
	if len(cutOff) != 2 || cutOff[0].Asset != "L1" || cutOff[0].Balance != 100000 || cutOff[0].RemainingTerm != 36 ||
		cutOff[0].DaysPastDue != 45 || cutOff[1].Balance != 500000 || cutOff[1].OriginalTerm != 60 {
		t.Fatalf("cut-off: %+v", cutOff)
	}
	one, err := loansAt(t, s, 1)
	must(t, err)
	if one[0].Balance != 97000 || one[0].RemainingTerm != 35 || one[0].DaysPastDue != 0 || one[1].Balance != 0 {
		t.Fatalf("period 1: %+v", one)
	}
	must(t, s.Update(func(w Writer) error {
		return w.PutReportRows("P", 2, []loantape.PeriodRow{row("L1", 94000, 34, 31)})
	}))
	if _, err := loansAt(t, s, 0); !errors.Is(err, ErrBookNotAt) {
		t.Fatalf("two reports past cut-off: got %v, want ErrBookNotAt", err)
	}
	one, err = loansAt(t, s, 1)
	must(t, err)
	if one[0].Balance != 97000 || one[0].DaysPastDue != 0 || one[1].Balance != 0 {
		t.Fatalf("period 1 after period 2's rows: %+v", one)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
