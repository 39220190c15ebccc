package waterfall

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// YieldSupplementLoan is what the yield supplement computation needs of one
// receivable: its remaining scheduled monthly payments and its APR.
type YieldSupplementLoan struct {
	ID                string          `json:"id"`
	APR               decimal.Decimal `json:"apr"`
	MonthlyPayment    money.Amount    `json:"monthlyPayment"`
	RemainingPayments int             `json:"remainingPayments"`
}

// discountPlaces is the precision of the discount factors. Each factor is
// rounded half-up to it at every multiplication, so the result is the same
// on every peer; 30 places keep the error far below a cent for any term.
const discountPlaces = 30

// maxRemainingPayments bounds a loan's term (40 years of months).
const maxRemainingPayments = 480

// LoanYieldSupplement is the loan's YSOC: the excess of its scheduled
// payments discounted monthly at its APR over the same payments discounted
// at the required rate, rounded half-up to the cent; zero when the APR is
// at or above the required rate.
func LoanYieldSupplement(l YieldSupplementLoan, requiredRate decimal.Decimal) (money.Amount, error) {
	switch {
	case l.RemainingPayments < 0 || l.RemainingPayments > maxRemainingPayments:
		return 0, fmt.Errorf("loan %q: remainingPayments must be 0 to %d, got %d", l.ID, maxRemainingPayments, l.RemainingPayments)
	case l.MonthlyPayment < 0 || l.MonthlyPayment > MaxInputAmount:
		return 0, fmt.Errorf("loan %q: monthlyPayment %s out of range", l.ID, l.MonthlyPayment)
	case !saneDecimal(l.APR) || l.APR.IsNegative() || l.APR.GreaterThanOrEqual(one):
		return 0, fmt.Errorf("loan %q: apr %s must be a fraction in [0, 1)", l.ID, l.APR)
	case !saneDecimal(requiredRate) || requiredRate.IsNegative() || requiredRate.GreaterThanOrEqual(one):
		return 0, fmt.Errorf("required rate %s must be a fraction in [0, 1)", requiredRate)
	}
	if !l.APR.LessThan(requiredRate) {
		return 0, nil
	}
	atAPR := annuityFactor(l.APR, l.RemainingPayments)
	atRequired := annuityFactor(requiredRate, l.RemainingPayments)
	excess := l.MonthlyPayment.Decimal().Mul(atAPR.Sub(atRequired))
	return money.FromDecimalExact(excess.Round(2))
}

// annuityFactor is Σ_{k=1..n} (1 + rate/12)^−k, the present value of 1 a
// month for n months.
func annuityFactor(rate decimal.Decimal, n int) decimal.Decimal {
	v := one.DivRound(one.Add(rate.DivRound(twelve, discountPlaces)), discountPlaces)
	sum, vk := decimal.Zero, one
	for k := 0; k < n; k++ {
		vk = vk.Mul(v).Round(discountPlaces)
		sum = sum.Add(vk)
	}
	return sum
}

// PoolYieldSupplement is the YSOC of a pool: the sum of its loans'
// amounts, each rounded to the cent. The servicer reports it in
// Period.YieldSupplementAmount for a deal with a required rate.
func PoolYieldSupplement(loans []YieldSupplementLoan, requiredRate decimal.Decimal) (money.Amount, error) {
	var total money.Amount
	for i, l := range loans {
		y, err := LoanYieldSupplement(l, requiredRate)
		if err != nil {
			return 0, fmt.Errorf("loans[%d]: %w", i, err)
		}
		if total, err = total.Add(y); err != nil {
			return 0, fmt.Errorf("loans[%d]: %w", i, err)
		}
	}
	return total, nil
}
