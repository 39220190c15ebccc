package waterfall

import (
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// principalAmount sizes a principal step. Priority, regular and pool-decline
// amounts are cumulative targets measured on beginning-of-period balances:
// each step pays the part of its target that earlier steps have not
// already sized, which reproduces the US auto-ABS definitions (the second
// priority principal distribution amount is max(0, A+B − pool) less the
// first, and so on).
//
// With a yield supplement the pool these amounts measure is the adjusted
// pool: poolDecline is then beginning − ending adjusted pool, and a
// regular step after it adds the OC shortfall.
func (r *run) principalAmount(s PrincipalStep, idx []int) (money.Amount, error) {
	var target money.Amount
	switch s.Amount {
	case NotesOverPool:
		target = r.beginningBalance(idx) - r.adjEnd
	case RegularPrincipal:
		oc, err := r.ocTargetAmount()
		if err != nil {
			return 0, err
		}
		target = r.beginningBalance(r.def.noteIndices()) - (r.adjEnd - oc)
	case PoolDecline:
		target = r.adjBegin - r.adjEnd
	case TurboPrincipal:
		if r.effectActive(Turbo) {
			return r.available, nil
		}
		return 0, nil
	case RemainingFunds:
		return r.available, nil
	}
	amount := max(0, target-r.determined)
	r.determined += amount
	return amount, nil
}

// payPrincipal pays a principal step: the amount due is capped at what the
// listed classes still owe, drawn from the named reserve when short, and
// split sequentially or pro rata.
func (r *run) payPrincipal(s PrincipalStep) error {
	idx := r.def.indicesOf(s.Classes)
	balances := make([]money.Amount, len(idx))
	var outstanding money.Amount
	for k, i := range idx {
		balances[k] = r.classes[i].balance
		outstanding += balances[k]
	}
	amount, err := r.principalAmount(s, idx)
	if err != nil {
		return err
	}
	due := min(amount, outstanding)
	if s.ReserveDraw != "" && due > r.available {
		r.drawReserve(r.def.reserveIndex(s.ReserveDraw), due-r.available)
	}
	paid := r.take(due)
	groups := [][]int{make([]int, len(idx))}
	for k := range idx {
		groups[0][k] = k
	}
	if s.Allocation == SequentialAllocation || r.effectActive(Sequential) {
		groups = r.rankGroups(idx, false)
	}
	return r.payClasses(KindPrincipal, s.Classes, idx, balances, groups, due, paid)
}

// payClasses splits due over the classes by their caps, then paid over the
// dues, so that no class is paid more than it is due, and records the lines.
func (r *run) payClasses(kind StepKind, names []string, idx []int, caps []money.Amount, groups [][]int,
	due, paid money.Amount) error {
	dues, err := fill(due, caps, groups)
	if err != nil {
		return err
	}
	paids, err := fill(paid, dues, groups)
	if err != nil {
		return err
	}
	for k, i := range idx {
		l := &r.classes[i]
		l.balance -= paids[k]
		l.principalPaid += paids[k]
		r.record(Payment{Kind: kind, Class: names[k], Due: dues[k], Paid: paids[k]})
	}
	return nil
}

// payCleanUpCall pays the listed notes in full, sequentially, in the period
// the clean-up call is exercised.
func (r *run) payCleanUpCall(s CleanUpCallStep) error {
	if !r.cleanUp {
		return nil
	}
	idx := r.def.indicesOf(s.Classes)
	balances := make([]money.Amount, len(idx))
	var outstanding money.Amount
	for k, i := range idx {
		balances[k] = r.classes[i].balance
		outstanding += balances[k]
	}
	paid := r.take(outstanding)
	return r.payClasses(KindCleanUpCall, s.Classes, idx, balances, r.rankGroups(idx, false), outstanding, paid)
}

// allocateLosses writes down the listed classes, most junior first (equal
// ranks pro rata), by the amount all notes exceed the pool after payments.
// After a clean-up call the pool has been sold, so every note still
// outstanding is written down.
func (r *run) allocateLosses(s LossAllocationStep) error {
	pool := r.poolEnd
	if r.ended {
		pool = 0
	}
	excess := r.notesOutstanding() - pool
	if excess <= 0 {
		return nil
	}
	idx := r.def.indicesOf(s.Classes)
	balances := make([]money.Amount, len(idx))
	for k, i := range idx {
		balances[k] = r.classes[i].balance
	}
	parts, err := fill(excess, balances, r.rankGroups(idx, true))
	if err != nil {
		return fmt.Errorf("loss allocation: %w", err)
	}
	for k, i := range idx {
		l := &r.classes[i]
		l.balance -= parts[k]
		l.writeDown += parts[k]
		l.writtenOff += parts[k]
	}
	return nil
}
