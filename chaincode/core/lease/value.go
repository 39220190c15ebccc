package lease

import (
	"fmt"
	"math/big"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Bounds that keep valuation exact and cheap: a lease runs at most
// MaxLeaseTerm months, and a discount rate has at most MaxRatePlaces
// decimal places and is below MaxDiscountRate.
const (
	MaxLeaseTerm  = 144
	MaxRatePlaces = 8
)

// MaxDiscountRate bounds the annual discount rate (exclusive).
var MaxDiscountRate = decimal.RequireFromString("0.5")

// Flows are a lease's remaining cash flows by month: Flows[m] is what is
// due m months after the valuation month (Flows[0] is what is already due
// and unpaid, not discounted).
type Flows []money.Amount

// Schedule returns the lease's remaining cash flows after the valuation
// month asOf: the past-due amount at month 0, each scheduled payment
// falling after asOf at its month, and the booked residual at the maturity
// month (at month 0 when maturity has passed and the residual is not yet
// realised). A lease that has ended has no flows.
func (r Row) Schedule(asOf loantape.Month) (Flows, error) {
	if r.EndCode != "" {
		return nil, nil
	}
	f := FrequencyMonths(r.PaymentFrequency)
	if f == 0 || r.OriginalLeaseTerm <= 0 || r.OriginalLeaseTerm%f != 0 || r.OriginalLeaseTerm > MaxLeaseTerm {
		return nil, fmt.Errorf("lease %s: term %d months is not a whole number (1–%d months) of %q payment periods",
			r.AssetNumber, r.OriginalLeaseTerm, MaxLeaseTerm, r.PaymentFrequency)
	}
	payments := r.OriginalLeaseTerm / f
	maturity := r.FirstPaymentDate.AddMonths((payments - 1) * f)
	last := max(0, asOf.MonthsUntil(maturity))
	if last > MaxLeaseTerm {
		// The lease starts after the valuation month: it is not in a pool
		// yet (and the bound keeps valuation cheap).
		return nil, fmt.Errorf("lease %s: maturity %s is more than %d months after the valuation month %s", r.AssetNumber, maturity, MaxLeaseTerm, asOf)
	}
	flows := make(Flows, last+1)
	flows[0] = r.PastDue
	for k := range payments {
		if m := asOf.MonthsUntil(r.FirstPaymentDate.AddMonths(k * f)); m > 0 {
			flows[m] += r.ScheduledPaymentAmount
		}
	}
	flows[last] += r.BookedResidualValue
	return flows, nil
}

// Undiscounted is the plain sum of the flows.
func (fl Flows) Undiscounted() money.Amount {
	var s money.Amount
	for _, a := range fl {
		s += a
	}
	return s
}

// Discount returns the present value of the flows at the annual rate,
// compounded monthly: Σ flows[m] ÷ (1 + rate/12)^m.
//
// Rounding: the sum is computed exactly, as one fraction
// Σ flows[m]·12^m·(12+rate)^(M−m) ÷ (12+rate)^M in integers, and rounded
// half-up to the cent once. A pool's discounted balance is the sum of its
// leases' values so rounded.
func (fl Flows) Discount(rate decimal.Decimal) (money.Amount, error) {
	if err := checkRate(rate); err != nil {
		return 0, err
	}
	if len(fl) == 0 {
		return 0, nil
	}
	// rate = R / 10^p; 12/(12+rate) = A/B with A = 12·10^p, B = A + R.
	p := -min(rate.Exponent(), 0)
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(p)), nil)
	a := new(big.Int).Mul(big.NewInt(12), scale)
	r := rate.Coefficient()
	if rate.Exponent() > 0 {
		r.Mul(r, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(rate.Exponent())), nil))
	}
	b := new(big.Int).Add(a, r)
	sum, aPow, bPow, t := new(big.Int), big.NewInt(1), big.NewInt(1), new(big.Int)
	for m, c := range fl {
		if m > 0 {
			aPow.Mul(aPow, a)
			bPow.Mul(bPow, b)
		}
		sum.Mul(sum, b)
		sum.Add(sum, t.Mul(big.NewInt(int64(c)), aPow))
	}
	// Round half-up: ⌊(2·sum + bPow) ÷ (2·bPow)⌋ for a non-negative sum.
	if sum.Sign() < 0 {
		return 0, fmt.Errorf("negative cash flows cannot be valued")
	}
	num := new(big.Int).Add(new(big.Int).Lsh(sum, 1), bPow)
	q := num.Quo(num, new(big.Int).Lsh(bPow, 1))
	if !q.IsInt64() {
		return 0, money.ErrOverflow
	}
	return money.Cents(q.Int64()), nil
}

func checkRate(rate decimal.Decimal) error {
	if rate.Sign() < 0 || !rate.LessThan(MaxDiscountRate) {
		return fmt.Errorf("discount rate %s is outside [0, %s): rates are fractions (0.065 for 6.5%%)", rate, MaxDiscountRate)
	}
	if !rate.Equal(rate.Truncate(MaxRatePlaces)) {
		return fmt.Errorf("discount rate %s has more than %d decimal places", rate, MaxRatePlaces)
	}
	return nil
}

// ExpectedBalance is the lease's discounted balance at its period's end,
// at its discount rate: 0 once it has ended.
func (r Row) ExpectedBalance() (money.Amount, error) {
	fl, err := r.Schedule(r.PeriodEndingDate.YearMonth())
	if err != nil {
		return 0, err
	}
	return fl.Discount(r.DiscountRate)
}

// ResidualResult is the residual realised at maturity against the booked
// residual: positive a gain to the pool, negative a loss; zero for a lease
// that has not matured this period.
func (r Row) ResidualResult() money.Amount {
	if r.EndCode != EndMatured {
		return 0
	}
	return r.ResidualRealised - r.BookedResidualValue
}

// ResidualSummary sums the residual realisation of a period's rows.
type ResidualSummary struct {
	Matured  int          `json:"matured"`
	Booked   money.Amount `json:"booked"`
	Realised money.Amount `json:"realised"`
	Gains    money.Amount `json:"gains"`
	Losses   money.Amount `json:"losses"` // positive
}

// Add counts one row.
func (s *ResidualSummary) Add(r Row) {
	if r.EndCode != EndMatured {
		return
	}
	s.Matured++
	s.Booked += r.BookedResidualValue
	s.Realised += r.ResidualRealised
	if g := r.ResidualResult(); g > 0 {
		s.Gains += g
	} else {
		s.Losses -= g
	}
}
