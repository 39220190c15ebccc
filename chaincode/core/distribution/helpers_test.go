package distribution

import (
	"errors"

	"fmt"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

func amt(s string) money.Amount {
	a, err := money.Parse(s)
	if err != nil {
		panic(err)
	}
	return a
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// abcDefinition is a US auto deal over a pool of the given balance: A, B
// and C notes (80%, 7%, 5%), a residual certificate, a servicing fee, a
// fixed trustee fee, a reserve, an OC target of 8% and a curable
// delinquency trigger that turns on turbo; after an event of default all
// notes are paid sequentially.
func abcDefinition(t testing.TB, pool money.Amount, closing string) waterfall.Definition {
	t.Helper()
	pct := func(p int64) string { return money.Amount(int64(pool) * p / 100).String() }
	js := fmt.Sprintf(`{
  "version": 1, "deal": "TNET AUTO 2025-1", "closingDate": %q, "initialPoolBalance": %q, "dayCount": "30/360",
  "classes": [
    {"name": "A", "rank": 1, "originalBalance": %q, "coupon": {"fixed": "0.045"}},
    {"name": "B", "rank": 2, "originalBalance": %q, "coupon": {"fixed": "0.055"}},
    {"name": "C", "rank": 3, "originalBalance": %q, "coupon": {"fixed": "0.065"}},
    {"name": "Certificates", "rank": 4, "originalBalance": "0", "residual": true}
  ],
  "fees": [{"name": "servicing", "annualRate": "0.01"}, {"name": "trustee", "fixed": "500.00"}],
  "reserves": [{"name": "reserve", "initialBalance": %q, "target": {"fraction": "0.005", "of": "initialPool"}}],
  "triggers": [{"name": "delinquency turbo", "test": "delinquency", "schedule": [{"fromPeriod": 1, "value": "0.05"}],
    "curable": true, "effect": "turbo"}],
  "ocTarget": {"fraction": "0.08", "of": "currentPool", "floorFraction": "0.005"},
  "steps": [
    {"kind": "trigger", "triggers": ["delinquency turbo"]},
    {"kind": "fee", "fee": "servicing"},
    {"kind": "fee", "fee": "trustee"},
    {"kind": "interest", "classes": ["A"], "reserveDraw": "reserve"},
    {"kind": "principal", "amount": "notesOverPool", "allocation": "sequential", "classes": ["A"], "reserveDraw": "reserve"},
    {"kind": "interest", "classes": ["B"], "reserveDraw": "reserve"},
    {"kind": "principal", "amount": "notesOverPool", "allocation": "sequential", "classes": ["A", "B"], "reserveDraw": "reserve"},
    {"kind": "interest", "classes": ["C"], "reserveDraw": "reserve"},
    {"kind": "principal", "amount": "notesOverPool", "allocation": "sequential", "classes": ["A", "B", "C"], "reserveDraw": "reserve"},
    {"kind": "reserve", "account": "reserve", "action": "deposit"},
    {"kind": "principal", "amount": "regular", "allocation": "sequential", "classes": ["A", "B", "C"]},
    {"kind": "principal", "amount": "turbo", "allocation": "sequential", "classes": ["A", "B", "C"]},
    {"kind": "residual", "class": "Certificates"}
  ],
  "accelerationSteps": [
    {"kind": "fee", "fee": "servicing"},
    {"kind": "fee", "fee": "trustee"},
    {"kind": "interest", "classes": ["A"]},
    {"kind": "interest", "classes": ["B"]},
    {"kind": "interest", "classes": ["C"]},
    {"kind": "principal", "amount": "remaining", "allocation": "sequential", "classes": ["A", "B", "C"]},
    {"kind": "residual", "class": "Certificates"}
  ]
}`, closing, pool.String(), pct(80), pct(7), pct(5), money.Amount(int64(pool)/200).String())
	def, err := waterfall.ParseDefinition([]byte(js))
	if err != nil {
		t.Fatalf("definition: %v", err)
	}
	return def
}

// simPool is a loansim pool of n loans cut off in December 2024 and the
// rows of its first months, each with the prior balances it is checked
// against.
type simPool struct {
	sim     *loansim.Simulator
	tape    []loantape.Loan
	balance money.Amount
}

func newSimPool(t testing.TB, seed uint64, n int) *simPool {
	t.Helper()
	sim, err := loansim.New(loansim.PoolSpec{Seed: seed, Loans: n, Cutoff: loantape.MonthOf(2024, 12)}, loansim.DefaultAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	p := &simPool{sim: sim}
	for l := range sim.Tape() {
		p.tape = append(p.tape, l)
		p.balance += l.ReportingPeriodActualEndBalanceAmount
	}
	return p
}

// month advances the pool one month and returns the period, its rows and
// the lookup of balances before the month.
func (p *simPool) month(t testing.TB) (loantape.Period, []loantape.PeriodRow, func(string) (loantape.PriorLoan, bool)) {
	t.Helper()
	prior := p.sim.PriorBalances()
	var rows []loantape.PeriodRow
	per, err := p.sim.Advance(func(r loantape.PeriodRow) error { rows = append(rows, r); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return per, rows, prior
}

func aggregate(t testing.TB, per loantape.Period, rows []loantape.PeriodRow) loantape.ReportAggregates {
	t.Helper()
	g := loantape.NewReportAggregator(per)
	for _, r := range rows {
		if err := g.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	return g.Aggregates()
}

// mapLedger is a LoanLedger over maps.
type mapLedger struct {
	prior    func(string) (loantape.PriorLoan, bool)
	reported map[string]int
}

func (m mapLedger) Prior(a string) (loantape.PriorLoan, bool) { return m.prior(a) }
func (m mapLedger) ReportedIn(a string) (int, bool) {
	c, ok := m.reported[a]
	return c, ok
}

func asErr(err error, target **errs.Error) bool { return errors.As(err, target) }

func newState(def waterfall.Definition) (waterfall.State, error) { return waterfall.NewState(def) }
