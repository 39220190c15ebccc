package loansim

import (
	"io"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/mortgage"
)

// Every simulated row passes the mortgage rules, month after month, with
// each loan's balance and delinquency checked against its previous month;
// the pool sees payoffs, curtailments and liquidations; and the same seed
// gives the same rows.
func TestMortgageSimPassesTheServicerChecks(t *testing.T) {
	spec := PoolSpec{Seed: 19, Loans: 400, Cutoff: loantape.Month{Year: 2025, Month: time.December}}
	sim, err := NewMortgage(spec)
	if err != nil {
		t.Fatal(err)
	}
	tape := sim.Tape()
	if _, err := mortgage.ValidateTape(sliceSource(tape), mortgage.TapeRules{Cutoff: spec.Cutoff.LastDay()}); err != nil {
		t.Fatal(err)
	}
	prior := map[string]mortgage.ALRow{}
	for _, r := range tape {
		prior[r.AssetNumber] = r
	}
	var payoffs, curtailments, liquidations int
	var loss money.Amount
	for period := 1; period <= 24; period++ {
		p, rows := sim.Advance()
		lookup := func(a string) (loantape.PriorLoan, int, bool) {
			r, ok := prior[a]
			return loantape.PriorLoan{EndBalance: r.EndingBalance}, r.DaysPastDue, ok
		}
		agg, err := mortgage.ValidateReport(sliceSource(rows), mortgage.ReportRules{Period: p, Lookup: lookup})
		if err != nil {
			t.Fatalf("period %d: %v", period, err)
		}
		if agg.LoanCount != len(rows) {
			t.Fatalf("period %d: %d rows summed of %d", period, agg.LoanCount, len(rows))
		}
		for _, r := range rows {
			prior[r.AssetNumber] = r
			switch {
			case r.Payoff > 0:
				payoffs++
			case r.Curtailment > 0:
				curtailments++
			case r.RemovalUPB > 0:
				liquidations++
				loss += r.RealizedLoss
			}
		}
	}
	if payoffs == 0 || curtailments == 0 || liquidations == 0 || loss <= 0 {
		t.Fatalf("24 months: %d payoffs, %d curtailments, %d liquidations (loss %s)", payoffs, curtailments, liquidations, loss)
	}
	again, _ := NewMortgage(spec)
	if string(again.Tape()[7].Canonical()) != string(tape[7].Canonical()) {
		t.Fatal("the same seed gave another pool")
	}
}

type rowsSource struct {
	rows []mortgage.ALRow
	next int
}

func sliceSource(rows []mortgage.ALRow) *rowsSource { return &rowsSource{rows: rows} }

func (s *rowsSource) Read() (mortgage.ALRow, error) {
	if s.next >= len(s.rows) {
		return mortgage.ALRow{}, io.EOF
	}
	s.next++
	return s.rows[s.next-1], nil
}

func (s *rowsSource) Line() int { return s.next + 1 }
