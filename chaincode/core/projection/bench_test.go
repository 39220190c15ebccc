package projection

import (
	"testing"
)

// benchPool is a 10,000-loan auto pool and its rep lines (1-point rate
// bands × 12-month term bands).
func benchPool(b *testing.B) (Deal, []Loan, []Loan) {
	deal := autoDeal(b)
	loans := syntheticLoans(b, 10_000, deal.State.PoolBalance)
	lines, err := RepLines(loans, dec("0.01"), 12)
	if err != nil {
		b.Fatal(err)
	}
	return deal, loans, lines
}

func benchAssumptions() Assumptions {
	a := baseAssumptions()
	a.Months = 72
	return a
}

// One scenario, 72 months, every loan amortised on its own.
func BenchmarkScenarioLoanLevel(b *testing.B) {
	deal, loans, _ := benchPool(b)
	a := benchAssumptions()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Analyze(deal, loans, a, Pricing{}); err != nil {
			b.Fatal(err)
		}
	}
}

// One scenario, 72 months, on rep lines.
func BenchmarkScenarioRepLines(b *testing.B) {
	deal, _, lines := benchPool(b)
	a := benchAssumptions()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Analyze(deal, lines, a, Pricing{}); err != nil {
			b.Fatal(err)
		}
	}
}

// A 3 × 3 grid, loan-level, on GOMAXPROCS workers (per grid: divide by 9
// for a scenario).
func BenchmarkGrid3x3LoanLevel(b *testing.B) {
	deal, loans, _ := benchPool(b)
	prepays := []Prepayment{{Kind: ABS, Rate: dec("0.01")}, {Kind: ABS, Rate: dec("0.015")}, {Kind: ABS, Rate: dec("0.02")}}
	defaults := []Defaults{{Kind: CDR, Rate: dec("0.01")}, {Kind: CDR, Rate: dec("0.03")}, {Kind: CDR, Rate: dec("0.06")}}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Grid(deal, loans, benchAssumptions(), Pricing{}, prepays, defaults); err != nil {
			b.Fatal(err)
		}
	}
}

// Breakeven CDRs of every class on rep lines (a projection per try).
func BenchmarkBreakevenRepLines(b *testing.B) {
	deal, _, lines := benchPool(b)
	a := benchAssumptions()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Analyze(deal, lines, a, Pricing{Breakeven: true}); err != nil {
			b.Fatal(err)
		}
	}
}
