package waterfall

import "github.com/tranchenet/tranchenet/chaincode/core/money"

// reserveTarget is account i's required balance now: its pool target,
// never more than the notes still outstanding, and zero once the clean-up
// call ends the deal.
func (r *run) reserveTarget(i int) (money.Amount, error) {
	if r.ended {
		return 0, nil
	}
	t, err := r.targetAmount(r.def.Reserves[i].Target)
	if err != nil {
		return 0, err
	}
	return min(t, r.notesOutstanding()), nil
}

func (r *run) reserveStep(s ReserveStep) error {
	ai := r.def.reserveIndex(s.Account)
	target, err := r.reserveTarget(ai)
	if err != nil {
		return err
	}
	a := &r.reserves[ai]
	switch s.Action {
	case Deposit:
		due := max(0, target-a.balance)
		paid := r.take(due)
		a.balance += paid
		a.deposit += paid
		r.record(Payment{Kind: KindReserve, Account: s.Account, Due: due, Paid: paid})
	case Release:
		r.releaseReserve(ai, max(0, a.balance-target))
	}
	return nil
}

// drawReserve moves up to amount from account i into available funds to
// cover a shortfall.
func (r *run) drawReserve(i int, amount money.Amount) {
	a := &r.reserves[i]
	d := min(amount, a.balance)
	a.balance -= d
	a.draw += d
	r.funds.ReserveDraws += d
	r.available += d
}

// releaseReserve moves amount from account i into available funds.
func (r *run) releaseReserve(i int, amount money.Amount) {
	a := &r.reserves[i]
	a.balance -= amount
	a.release += amount
	r.funds.ReserveReleases += amount
	r.available += amount
}
