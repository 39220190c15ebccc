package positions

import (
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// refuseWoundDown refuses what would move units of a tranche whose deal
// was wound down after the sale of its pool: a transfer, forced or not, a
// placement, an issuance or a redemption. Claims of what the final period
// paid are not movements and stay possible.
func refuseWoundDown(t schema.Tranche, what string) error {
	if t.WoundDown == 0 {
		return nil
	}
	return errs.New(errs.WrongState, "%s refused: deal %s was wound down (liquidated) in period %d; units of tranche %s no longer move, and holders may only claim what the final period paid",
		what, t.Deal, t.WoundDown, t.ID)
}

// DecideWindDown marks the tranche wound down in period (and paused), once.
func DecideWindDown(t schema.Tranche, period int) (schema.Tranche, error) {
	if t.WoundDown != 0 {
		return t, errs.New(errs.WrongState, "tranche %s was wound down in period %d already", t.ID, t.WoundDown)
	}
	if period < 1 {
		return t, errs.Field("period", "must be positive, got %d", period)
	}
	t.WoundDown, t.Rules.Paused = period, true
	return t, nil
}

// WindDown records that the tranche's deal was wound down in period: the
// Servicing contract calls it when it certifies the period that paid out
// the pool's sale.
func (r *Register) WindDown(period int) error {
	t, err := DecideWindDown(r.Tranche, period)
	if err != nil {
		return err
	}
	return r.apply(change{tranche: &t})
}
