package waterfall

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Two pool measures. Many auto-loan deals discount their receivables at a
// required rate: the yield supplement overcollateralization amount (YSOC)
// is the part of the pool balance that loans with an APR below the
// required rate do not earn, and the adjusted pool balance = pool balance −
// YSOC is what the notes are sized against. The servicing fee is still
// charged on the pool balance including YSOC. A definition without
// YieldSupplement has a zero YSOC, so both measures are the same number.

// YieldSupplement sets the YSOC, either as a Schedule fixed at closing or
// recomputed each period from the loans at a RequiredRate.
type YieldSupplement struct {
	// Schedule is the YSOC at closing (entry 0) and at the end of period n
	// (entry n), as the prospectus tables it; after its last entry it is
	// zero.
	Schedule []money.Amount `json:"schedule,omitempty"`
	// RequiredRate (with InitialAmount, the YSOC at closing) means the
	// servicer recomputes the YSOC on its loan tape each period
	// (PoolYieldSupplement) and reports it in Period.YieldSupplementAmount.
	RequiredRate  decimal.Decimal `json:"requiredRate,omitzero"`
	InitialAmount money.Amount    `json:"initialAmount,omitzero"`
}

const (
	// CurrentAdjustedPool is the adjusted pool balance (pool − YSOC) at the
	// end of the period being paid.
	CurrentAdjustedPool PoolBasis = "currentAdjustedPool"
	// InitialAdjustedPool is the initial pool balance less the YSOC at
	// closing.
	InitialAdjustedPool PoolBasis = "initialAdjustedPool"
)

// StepDown replaces a target's Fraction (or Amount) from FromPeriod on.
// While any trigger named in UnlessBreached is breached the step-down does
// not apply (deals step the OC target down only while performance holds).
// Floors keep applying.
type StepDown struct {
	FromPeriod     int             `json:"fromPeriod"`
	Fraction       decimal.Decimal `json:"fraction,omitzero"`
	Amount         money.Amount    `json:"amount,omitzero"`
	UnlessBreached []string        `json:"unlessBreached,omitempty"`
}

// FeeBasis is what a fee is charged on.
type FeeBasis string

const (
	// FixedFee is Fee.Fixed every period.
	FixedFee FeeBasis = "fixed"
	// BeginningPool is AnnualRate ÷ 12 × the pool balance, YSOC included,
	// at the beginning of the period (the servicing-fee convention).
	BeginningPool FeeBasis = "beginningPool"
	// BeginningAdjustedPool is AnnualRate ÷ 12 × the adjusted pool balance
	// at the beginning of the period.
	BeginningAdjustedPool FeeBasis = "beginningAdjustedPool"
	// NoteBalance is AnnualRate ÷ 12 × the notes' balance at the beginning
	// of the period.
	NoteBalance FeeBasis = "noteBalance"
	// AsIncurred is the amount the period reports in Period.FeesIncurred
	// (trustee and other expenses), usually with an AnnualCap.
	AsIncurred FeeBasis = "asIncurred"
)

// basis returns the fee's basis, defaulting from how it is written.
func (f Fee) basis() FeeBasis {
	switch {
	case f.Basis != "":
		return f.Basis
	case f.Fixed != 0:
		return FixedFee
	default:
		return BeginningPool
	}
}

// initialYieldSupplement is the YSOC at closing.
func (d *Definition) initialYieldSupplement() money.Amount {
	ys := d.YieldSupplement
	switch {
	case ys == nil:
		return 0
	case len(ys.Schedule) > 0:
		return ys.Schedule[0]
	default:
		return ys.InitialAmount
	}
}

// initialAdjustedPool is the initial pool balance less the YSOC at closing.
func (d *Definition) initialAdjustedPool() money.Amount {
	return d.InitialPoolBalance - d.initialYieldSupplement()
}

// endingYieldSupplement is the YSOC at the end of period p: the scheduled
// amount, or the one the servicer computed; never more than the pool.
func (d *Definition) endingYieldSupplement(p *Period) money.Amount {
	ys := d.YieldSupplement
	var y money.Amount
	switch {
	case ys == nil:
		return 0
	case len(ys.Schedule) > 0:
		if p.Period < len(ys.Schedule) {
			y = ys.Schedule[p.Period]
		}
	default:
		y = p.YieldSupplementAmount
	}
	return min(y, p.EndingPoolBalance)
}

// targetAmount evaluates a target for this period: the fraction (or
// amount) in force after step-downs, on its basis, then the floors. The
// floor fraction is of the initial pool on the same measure (the initial
// adjusted pool for a target on an adjusted basis).
func (r *run) targetAmount(t PoolTarget) (money.Amount, error) {
	fraction, amount := t.Fraction, t.Amount
	for _, s := range t.StepDowns {
		if s.FromPeriod <= r.p.Period && !r.anyBreached(s.UnlessBreached) {
			fraction, amount = s.Fraction, s.Amount
		}
	}
	target := amount
	if t.Amount == 0 {
		var base money.Amount
		switch t.Of {
		case CurrentPool:
			base = r.poolEnd
		case InitialPool:
			base = r.def.InitialPoolBalance
		case CurrentAdjustedPool:
			base = r.adjEnd
		case InitialAdjustedPool:
			base = r.def.initialAdjustedPool()
		}
		var err error
		if target, err = base.MulRate(fraction); err != nil {
			return 0, err
		}
	}
	floorBase := r.def.InitialPoolBalance
	if t.Of == CurrentAdjustedPool || t.Of == InitialAdjustedPool {
		floorBase = r.def.initialAdjustedPool()
	}
	floor, err := floorBase.MulRate(t.FloorFraction)
	if err != nil {
		return 0, err
	}
	return max(target, floor, t.FloorAmount), nil
}

// anyBreached reports whether any named trigger is breached now.
func (r *run) anyBreached(names []string) bool {
	for _, n := range names {
		if r.triggers[r.def.triggerIndex(n)].breached {
			return true
		}
	}
	return false
}

// ocTargetAmount is the OC target of the period, never more than the
// adjusted pool (so that the notes amortize fully at the end). It is
// evaluated when first needed, after the trigger steps, so that a
// step-down sees this period's trigger tests.
func (r *run) ocTargetAmount() (money.Amount, error) {
	if r.def.OCTarget == nil || r.ocTargetSet {
		return r.ocTarget, nil
	}
	t, err := r.targetAmount(*r.def.OCTarget)
	if err != nil {
		return 0, err
	}
	r.ocTarget, r.ocTargetSet = min(t, r.adjEnd), true
	return r.ocTarget, nil
}
