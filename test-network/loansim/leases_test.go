package loansim

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/lease"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Every simulated row passes the lease checks, the tape at the cut-off and
// each report against the previous period's balances, over two years; the
// pool sees defaults, buyouts, delinquencies and maturities with residual
// gains and losses; the same seed gives the same pool.
func TestLeaseSimPassesTheChecks(t *testing.T) {
	rate := decimal.RequireFromString("0.065")
	cutoff := loantape.Month{Year: 2025, Month: time.December}
	sim, err := NewLeases(PoolSpec{Seed: 7, Loans: 400, Cutoff: cutoff}, rate)
	if err != nil {
		t.Fatal(err)
	}
	tv, _ := lease.NewTapeValidator(lease.TapeRules{Cutoff: cutoff.LastDay(), DiscountRate: &rate})
	prior := map[string]money.Amount{}
	for i, r := range sim.Tape() {
		tv.Check(i+2, r)
		prior[r.AssetNumber] = r.DiscountedBalance
	}
	if err := tv.Err(); err != nil {
		t.Fatal(err)
	}
	var ends = map[string]int{}
	var res lease.ResidualSummary
	delinquent := 0
	for range 24 {
		p, rows := sim.Advance()
		v, _ := lease.NewReportValidator(lease.ReportRules{Period: p, DiscountRate: &rate,
			Lookup: func(a string) (loantape.PriorLoan, bool) {
				b, ok := prior[a]
				return loantape.PriorLoan{EndBalance: b}, ok
			}})
		for i, r := range rows {
			v.Check(i+2, r)
			ends[r.EndCode]++
			if r.DaysPastDue > 0 {
				delinquent++
			}
		}
		if err := v.Err(); err != nil {
			t.Fatalf("period %d: %v", p.Number, err)
		}
		for _, r := range rows {
			prior[r.AssetNumber] = r.DiscountedBalance
			res.Add(r)
		}
	}
	if ends[lease.EndMatured] == 0 || ends[lease.EndDefaulted] == 0 || ends[lease.EndTerminated] == 0 || delinquent == 0 ||
		res.Gains == 0 || res.Losses == 0 {
		t.Errorf("ends %v, delinquent rows %d, residuals %+v: the pool should see every event", ends, delinquent, res)
	}
	again, _ := NewLeases(PoolSpec{Seed: 7, Loans: 400, Cutoff: cutoff}, rate)
	if a, b := again.Tape()[17], sim.Tape()[17]; string(a.Canonical()) != string(b.Canonical()) {
		t.Error("the same seed gave another pool")
	}
}
