package waterfall

import (
	"strconv"
	"testing"
)

// TestLoanYieldSupplementTable checks the per-loan YSOC against the
// hand-worked table testdata/ysoc_loans.csv, then the pool's total.
func TestLoanYieldSupplementTable(t *testing.T) {
	rows := readTable(t, "testdata/ysoc_loans.csv", "id,apr,monthlyPayment,remainingPayments,ysoc,derivation")
	required := dec("0.12")
	var loans []YieldSupplementLoan
	var want int64
	for _, row := range rows {
		n, err := strconv.Atoi(row[3])
		if err != nil {
			t.Fatal(err)
		}
		l := YieldSupplementLoan{ID: row[0], APR: dec(row[1]), MonthlyPayment: amt(row[2]), RemainingPayments: n}
		got, err := LoanYieldSupplement(l, required)
		if err != nil {
			t.Fatalf("%s: %v", l.ID, err)
		}
		if got != amt(row[4]) {
			t.Errorf("%s: YSOC %s, want %s (%s)", l.ID, got, row[4], row[5])
		}
		loans = append(loans, l)
		want += amt(row[4]).Cents()
	}
	total, err := PoolYieldSupplement(loans, required)
	if err != nil {
		t.Fatal(err)
	}
	if total.Cents() != want {
		t.Errorf("pool YSOC %s, want the sum of the loans %d cents", total, want)
	}
}

func TestLoanYieldSupplementRefusesBadLoans(t *testing.T) {
	for _, l := range []YieldSupplementLoan{
		{ID: "neg term", APR: dec("0.01"), MonthlyPayment: amt("1"), RemainingPayments: -1},
		{ID: "long", APR: dec("0.01"), MonthlyPayment: amt("1"), RemainingPayments: 481},
		{ID: "pct", APR: dec("5.9"), MonthlyPayment: amt("1"), RemainingPayments: 12},
		{ID: "neg pay", APR: dec("0.01"), MonthlyPayment: -1, RemainingPayments: 12},
	} {
		if _, err := LoanYieldSupplement(l, dec("0.1")); err == nil {
			t.Errorf("%s: accepted", l.ID)
		}
	}
}
