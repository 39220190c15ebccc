package loansim

import "github.com/shopspring/decimal"

// monthlyInterest is one month's interest on balance cents at an APR of
// aprBP basis points, rounded half-up to the cent: balance × aprBP /
// 120,000 computed exactly in integers (balance ≥ 0). It is the same
// number money.Amount.MulRate gives for the exact rate aprBP/120,000;
// doing it in integers keeps 100,000 loans a month cheap.
func monthlyInterest(balance, aprBP int64) int64 {
	return (2*balance*aprBP + 120_000) / 240_000
}

// factorPlaces is the precision of annuity arithmetic: far more than the
// cent needs on a 60,000-dollar loan, so rounding the payment is the only
// rounding that shows.
const factorPlaces = 24

// annuity computes level payments and caches the payment factor per (APR,
// term): a pool has a few thousand distinct pairs and many loans share
// each.
type annuity struct {
	factors map[int64]decimal.Decimal
}

func newAnnuity() *annuity { return &annuity{factors: map[int64]decimal.Decimal{}} }

// payment returns the level instalment, in cents rounded half-up, that
// repays principal cents over term months at aprBP: principal × r(1+r)^n /
// ((1+r)^n − 1) with r = aprBP/120,000. Rounding leaves a few cents to
// the last instalment, which pays whatever balance remains.
func (a *annuity) payment(principal, aprBP, term int64) int64 {
	key := aprBP<<16 | term
	f, ok := a.factors[key]
	if !ok {
		f = paymentFactor(aprBP, term)
		a.factors[key] = f
	}
	return decimal.NewFromInt(principal).Mul(f).Round(0).IntPart()
}

func paymentFactor(aprBP, term int64) decimal.Decimal {
	n := decimal.NewFromInt(term)
	if aprBP == 0 {
		return decimal.NewFromInt(1).DivRound(n, factorPlaces)
	}
	r := decimal.NewFromInt(aprBP).DivRound(decimal.NewFromInt(120_000), factorPlaces)
	q := powRound(decimal.NewFromInt(1).Add(r), term, factorPlaces)
	return r.Mul(q).DivRound(q.Sub(decimal.NewFromInt(1)), factorPlaces)
}

// powRound returns x^n (n ≥ 0) by repeated squaring, rounding to places
// after each product so the digits stay bounded.
func powRound(x decimal.Decimal, n int64, places int32) decimal.Decimal {
	out := decimal.NewFromInt(1)
	for ; n > 0; n >>= 1 {
		if n&1 == 1 {
			out = out.Mul(x).Round(places)
		}
		x = x.Mul(x).Round(places)
	}
	return out
}

// nthRoot returns x^(1/n) for 0 ≤ x ≤ 1 by Newton's method, to places
// decimals. It starts above the root, where Newton's steps decrease
// monotonically, and stops when a step no longer changes the value.
func nthRoot(x decimal.Decimal, n int64, places int32) decimal.Decimal {
	if x.Sign() <= 0 {
		return decimal.Zero
	}
	nd := decimal.NewFromInt(n)
	y := decimal.NewFromInt(1)
	for range 200 {
		yn1 := powRound(y, n-1, places+4)
		next := y.Sub(yn1.Mul(y).Sub(x).DivRound(nd.Mul(yn1), places+4)).Round(places + 4)
		if next.Round(places).Equal(y.Round(places)) {
			return next.Round(places)
		}
		y = next
	}
	return y.Round(places)
}
