package waterfall

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

var twelve = decimal.NewFromInt(12)

// paidInYearBefore is what the fee's normal step paid earlier in the
// calendar year of this payment date: the state's count if it is of the
// same year, nothing in a new year.
func (r *run) paidInYearBefore(f FeeState) money.Amount {
	if f.CapYear == r.p.AccrualEnd.Year {
		return f.PaidInCapYear
	}
	return 0
}

// feeAccrual is the fee for this period on its basis: the fixed amount,
// the amount incurred, or the annual rate ÷ 12 on the beginning pool,
// adjusted pool or note balance, rounded half-up to the cent once.
func (r *run) feeAccrual(f Fee) (money.Amount, error) {
	var base money.Amount
	switch f.basis() {
	case FixedFee:
		return f.Fixed, nil
	case AsIncurred:
		return r.p.incurred(f.Name), nil
	case BeginningPool:
		base = r.poolBegin
	case BeginningAdjustedPool:
		base = r.adjBegin
	case NoteBalance:
		base = r.beginningBalance(r.def.noteIndices())
	}
	return money.FromDecimalExact(base.Decimal().Mul(f.AnnualRate).DivRound(twelve, 2))
}

// payFee pays what the fee is owed, carried-forward shortfall and this
// period's accrual together, limited by its cap unless this is the fee's
// excess step. Whatever stays owed is carried to the next period.
func (r *run) payFee(s FeeStep) {
	fi := r.def.feeIndex(s.Fee)
	f := &r.fees[fi]
	due := f.owed
	if limit := r.def.Fees[fi].CapPerPeriod; limit > 0 && !s.Excess {
		due = min(due, max(0, limit-f.paid))
	}
	if limit := r.def.Fees[fi].AnnualCap; limit > 0 && !s.Excess {
		due = min(due, max(0, limit-f.paidInYear))
	}
	paid := r.take(due)
	f.owed -= paid
	f.paid += paid
	if !s.Excess {
		f.paidInYear += paid
	}
	r.record(Payment{Kind: KindFee, Fee: s.Fee, Due: due, Paid: paid})
}
