package waterfall

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

var twelve = decimal.NewFromInt(12)

// feeAccrual is the fee for this period: the fixed amount, or the annual
// rate ÷ 12 on the pool balance at the beginning of the period, rounded
// half-up to the cent once.
func (r *run) feeAccrual(f Fee) (money.Amount, error) {
	if f.Fixed != 0 {
		return f.Fixed, nil
	}
	return money.FromDecimalExact(r.poolBegin.Decimal().Mul(f.AnnualRate).DivRound(twelve, 2))
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
	paid := r.take(due)
	f.owed -= paid
	f.paid += paid
	r.record(Payment{Kind: KindFee, Fee: s.Fee, Due: due, Paid: paid})
}
