package waterfall

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// couponRate is the class's rate for the period: the fixed rate, or the
// index fixing plus the margin, bounded by the floor and the cap, and never
// below zero (notes do not charge their holders).
func couponRate(c Class, fixings map[string]decimal.Decimal) (decimal.Decimal, error) {
	if c.Coupon.Fixed != nil {
		return *c.Coupon.Fixed, nil
	}
	fixing, ok := fixings[c.Coupon.Index]
	if !ok {
		return decimal.Zero, &FieldError{Path: "period.indexFixings",
			Problem: fmt.Sprintf("no fixing for index %q, needed by class %q", c.Coupon.Index, c.Name)}
	}
	rate := fixing.Add(c.Coupon.Margin)
	if c.Coupon.Floor != nil {
		rate = decimal.Max(rate, *c.Coupon.Floor)
	}
	if c.Coupon.Cap != nil {
		rate = decimal.Min(rate, *c.Coupon.Cap)
	}
	return decimal.Max(rate, decimal.Zero), nil
}

// accrueInterest computes what class i is due this period: interest on its
// beginning balance, the unpaid interest carried in, and, when the class
// says so, interest on that unpaid interest.
func (r *run) accrueInterest(i int) error {
	c, l := r.def.Classes[i], &r.classes[i]
	if l.begin == 0 && l.unpaidBefore == 0 {
		return nil // a class paid off owes nothing and needs no fixing
	}
	rate, err := couponRate(c, r.p.IndexFixings)
	if err != nil {
		return err
	}
	start, end := r.accrualWindow(c)
	days, basis, err := r.def.dayCount(c).Fraction(start, end)
	if err != nil {
		return fmt.Errorf("class %q: %w", c.Name, err)
	}
	l.rate, l.days = rate, days
	if l.accrued, err = accrue(l.begin, rate, days, basis); err != nil {
		return fmt.Errorf("class %q: interest: %w", c.Name, err)
	}
	if c.InterestOnUnpaidInterest {
		if l.onUnpaid, err = accrue(l.unpaidBefore, rate, days, basis); err != nil {
			return fmt.Errorf("class %q: interest on unpaid interest: %w", c.Name, err)
		}
	}
	l.due = l.accrued + l.unpaidBefore + l.onUnpaid
	return nil
}

// accrue is balance × rate × days ÷ basis, rounded half-up to the cent once,
// at the end, from the exact product.
func accrue(balance money.Amount, rate decimal.Decimal, days, basis int64) (money.Amount, error) {
	x := balance.Decimal().Mul(rate).Mul(decimal.NewFromInt(days))
	return money.FromDecimalExact(x.DivRound(decimal.NewFromInt(basis), 2))
}

// payInterest pays the listed classes' interest due, pro rata by amount due
// when short, after drawing the named reserve for the shortfall.
func (r *run) payInterest(s InterestStep) error {
	idx := r.def.indicesOf(s.Classes)
	dues := make([]money.Amount, len(idx))
	var total money.Amount
	for k, i := range idx {
		dues[k] = r.classes[i].due - r.classes[i].interestPaid
		total += dues[k]
	}
	if s.ReserveDraw != "" && total > r.available {
		r.drawReserve(r.def.reserveIndex(s.ReserveDraw), total-r.available)
	}
	paid := r.take(total)
	parts, unallocated, err := money.Allocate(paid, dues)
	if err != nil || unallocated != 0 {
		return fmt.Errorf("interest split %s over %v left %s: %v", paid, dues, unallocated, err)
	}
	for k, i := range idx {
		r.classes[i].interestPaid += parts[k]
		r.record(Payment{Kind: KindInterest, Class: s.Classes[k], Due: dues[k], Paid: parts[k]})
	}
	return nil
}
