package waterfall

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// effectActive reports whether a trigger with effect e is breached now:
// tested this period, or as left by the last period when not yet tested.
func (r *run) effectActive(e Effect) bool {
	for i, t := range r.def.Triggers {
		if t.Effect == e && r.triggers[i].breached {
			return true
		}
	}
	return false
}

// testTriggers runs the named tests. A breached event-of-default trigger
// switches the period to the acceleration steps.
func (r *run) testTriggers(s TriggerStep) {
	for _, name := range s.Triggers {
		ti := r.def.triggerIndex(name)
		if r.triggers[ti].result != nil {
			continue // already tested this period, before an acceleration restart
		}
		res := r.test(ti)
		if res.Breached && res.Effect == EventOfDefault && !r.accelerated {
			r.accelerated, r.eventOfDefault, r.restart = true, true, true
		}
	}
}

// test measures trigger i, compares it with this period's threshold
// exactly (numerator against threshold × denominator, no rounding), and
// updates the trigger's status.
func (r *run) test(ti int) *TriggerResult {
	t := r.def.Triggers[ti]
	var num, den money.Amount
	above := true // breached when the ratio is above the threshold
	switch t.Test {
	case CumulativeNetLoss:
		num, den = r.cnl, r.def.InitialPoolBalance
	case Delinquency:
		num, den = r.p.Delinquencies.Days60to89+r.p.Delinquencies.Days90Plus, r.poolEnd
	case Overcollateralization:
		num, den, above = r.adjEnd, r.beginningBalance(r.triggerClasses(t)), false
	case InterestCoverage:
		num, above = r.p.InterestCollections, false
		for _, i := range r.triggerClasses(t) {
			den += r.classes[i].due
		}
	}
	threshold := t.thresholdFor(r.p.Period)
	res := &TriggerResult{Trigger: t.Name, Test: t.Test, Value: decimal.Zero, Threshold: threshold, Effect: t.Effect}
	if den == 0 {
		res.Undefined = true
	} else {
		res.Value = num.Decimal().DivRound(den.Decimal(), 10)
		limit := threshold.Mul(den.Decimal())
		if above {
			res.Failed = num.Decimal().GreaterThan(limit)
		} else {
			res.Failed = num.Decimal().LessThan(limit)
		}
	}
	l := &r.triggers[ti]
	wasBreached := l.breached
	res.Breached = res.Failed || (wasBreached && !t.Curable)
	res.Cured = wasBreached && !res.Breached
	switch {
	case !res.Breached:
		l.since = 0
	case !wasBreached:
		l.since = r.p.Period
	}
	l.breached, l.result = res.Breached, res
	return res
}

// triggerClasses returns the notes a coverage test measures: its classes,
// or all notes.
func (r *run) triggerClasses(t Trigger) []int {
	if len(t.Classes) == 0 {
		return r.def.noteIndices()
	}
	return r.def.indicesOf(t.Classes)
}
