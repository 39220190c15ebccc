package main

import (
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// The scenario is checked here with the same pure core the chaincode
// runs, so that a change to the terms or to the simulator that would
// break the story (no trigger breach, no clean-up call, a refused
// definition) fails a unit test rather than a five-minute demo.

func simulated(t *testing.T) poolFiles {
	t.Helper()
	f, err := simulatePool(periods)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// forecast runs the scenario's periods through the waterfall as the
// chaincode's certification does.
func forecast(t *testing.T, f poolFiles, cleanUpFactor decimal.Decimal, callAt int) []waterfall.Result {
	t.Helper()
	var out []waterfall.Result
	for _, o := range certify(t, f, cleanUpFactor, callAt) {
		out = append(out, o.Result)
	}
	return out
}

// certify computes each period's certification outcome: the waterfall
// result and the cash it moves.
func certify(t *testing.T, f poolFiles, cleanUpFactor decimal.Decimal, callAt int) []distribution.Outcome {
	t.Helper()
	def := definition("AUTO-DEMO-T", f.tapeBalance, cleanUpFactor)
	raw, err := json.Marshal(def)
	if err != nil {
		t.Fatal(err)
	}
	// The definition the demo sends is the one the chaincode will parse.
	if def, err = waterfall.ParseDefinition(raw); err != nil {
		t.Fatalf("the scenario's waterfall is refused: %v", err)
	}
	state, err := waterfall.NewState(def)
	if err != nil {
		t.Fatal(err)
	}
	var out []distribution.Outcome
	for _, r := range f.reports {
		pay, err := distribution.PaymentDate(r.period.Ending, paymentDay)
		if err != nil {
			t.Fatal(err)
		}
		in := distribution.PeriodInputs{Aggregates: r.agg, PaymentDate: pay,
			IndexFixings: map[string]decimal.Decimal{sofr: fixingFor(r.period.Number)}}
		if r.period.Number == callAt {
			in.CleanUpCall, in.CleanUpProceeds = true, r.agg.EndingBalance
		}
		o, err := distribution.Compute(distribution.Inputs{Definition: def, Prior: state, Period: in})
		if err != nil {
			t.Fatalf("period %d: %v", r.period.Number, err)
		}
		out = append(out, o)
		state = o.Result.NewState
	}
	return out
}

func TestTheDealFitsThePoolAndTheMintGate(t *testing.T) {
	f := simulated(t)
	if f.tapeLoans != poolLoans || f.tapeBalance <= 0 || f.sampleLoan == "" {
		t.Fatalf("tape: %d loans, balance %s, sample %q", f.tapeLoans, f.tapeBalance, f.sampleLoan)
	}
	gate, err := f.tapeBalance.MulRateFloor(decimal.RequireFromString(requiredCollateralization))
	if err != nil {
		t.Fatal(err)
	}
	var issued money.Amount
	for _, c := range classes {
		face := faceOf(c, f.tapeBalance)
		if face <= 0 || face.Cents()%100_000 != 0 {
			t.Errorf("class %s face %s is not a positive multiple of $1,000", c.class, face)
		}
		issued += face
		var placed int64
		for _, a := range allocate(c, unitsOf(face)) {
			if a.units <= 0 || a.units%1000 != 0 {
				t.Errorf("class %s: %s gets %d units, not a positive multiple of the 1,000 denomination", c.class, a.holder, a.units)
			}
			placed += a.units
		}
		if placed != unitsOf(face) {
			t.Errorf("class %s: placements add up to %d of %d units", c.class, placed, unitsOf(face))
		}
	}
	if issued > gate {
		t.Fatalf("issued face %s exceeds the mint gate %s", issued, gate)
	}
}

func TestTheStressMonthBreachesTheDelinquencyTriggerWhichThenCures(t *testing.T) {
	results := forecast(t, simulated(t), decimal.Zero, 0)
	var breached, curedAfter []int
	wasBreached := false
	for _, r := range results {
		for _, tr := range r.Triggers {
			switch {
			case tr.Trigger == triggerNetLoss && tr.Breached:
				t.Errorf("period %d: the net loss trigger breached (%s > %s): the story wants only the delinquency trigger", r.Period, tr.Value, tr.Threshold)
			case tr.Trigger != triggerDelinquent:
			case tr.Breached:
				breached = append(breached, r.Period)
				wasBreached = true
			case wasBreached:
				curedAfter = append(curedAfter, r.Period)
			}
		}
	}
	if len(breached) == 0 || breached[0] <= stressPeriod {
		t.Fatalf("delinquency trigger breached in periods %v, want some after the stress month %d", breached, stressPeriod)
	}
	if len(curedAfter) == 0 {
		t.Fatalf("delinquency trigger breached in %v and never cured", breached)
	}
}

func TestEveryPeriodConservesAndTheProofOfReserveHolds(t *testing.T) {
	required := decimal.RequireFromString(requiredCollateralization)
	for _, r := range forecast(t, simulated(t), decimal.Zero, 0) {
		var paid money.Amount
		for _, p := range r.Payments {
			paid += p.Paid
		}
		if paid+r.RoundingResidue != r.AvailableFunds.Total {
			t.Errorf("period %d: payments %s + residue %s != available %s", r.Period, paid, r.RoundingResidue, r.AvailableFunds.Total)
		}
		var notes money.Amount
		for _, c := range r.Classes {
			notes += c.EndingBalance
		}
		res, err := distribution.ProveReserve(r.Pool.EndingBalance, notes, required)
		if err != nil || !res.Covered {
			t.Errorf("period %d: notes %s against pool %s × %s: %+v %v", r.Period, notes, r.Pool.EndingBalance, required, res, err)
		}
	}
}

func TestTheCleanUpCallEndsTheDealOnlyWhenThePoolFactorAllowsIt(t *testing.T) {
	f := simulated(t)
	last := f.reports[periods-1]
	poolFactor := ratio(last.agg.EndingBalance, f.tapeBalance)
	if !cleanUpEligible(last.agg.EndingBalance, f.tapeBalance, defaultCleanUpFactor) {
		t.Fatalf("pool factor %s after %d periods is above the default clean-up factor %s", poolFactor, periods, defaultCleanUpFactor)
	}
	if cleanUpEligible(last.agg.EndingBalance, f.tapeBalance, decimal.RequireFromString("0.10")) {
		t.Fatalf("pool factor %s: a 10%% clean-up call should not be available yet", poolFactor)
	}
	results := forecast(t, f, defaultCleanUpFactor, periods)
	end := results[len(results)-1]
	if !end.CleanUpCall || !end.NewState.CleanUpCalled {
		t.Fatal("the clean-up call was not exercised")
	}
	for _, c := range end.Classes {
		if c.EndingBalance != 0 {
			t.Errorf("class %s keeps %s after the clean-up call", c.Class, c.EndingBalance)
		}
	}
	if end.ResidualPaid <= 0 {
		t.Errorf("the certificate received %s at the clean-up call", end.ResidualPaid)
	}
}
