package distribution

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// IndexScale is the number of decimal places of a per-unit index (cash per
// unit, in major currency units). Twelve places lose at most 10⁻¹² per unit
// per payment to the residue line: a hundred-million-unit class loses less
// than a hundredth of a cent.
const IndexScale = 12

// MaxUnits bounds the units an index is spread over or a claim is computed
// for, so that units × index cannot exceed what money.Amount holds.
const MaxUnits int64 = 1 << 50

// ParseIndex reads an index as stored in a position's IndexPaid or a
// ClassBook: a non-negative decimal with at most IndexScale places. The
// empty string is the zero index (a position that has never been paid).
func ParseIndex(field, s string) (decimal.Decimal, error) {
	if s == "" {
		return decimal.Zero, nil
	}
	if len(s) > 64 {
		return decimal.Zero, errs.Field(field, "index %.20q… is longer than 64 characters", s)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Zero, errs.Field(field, "index %q is not a decimal", s)
	}
	return d, checkIndex(field, d)
}

// checkIndex enforces the index's domain: non-negative, IndexScale places.
func checkIndex(field string, d decimal.Decimal) error {
	if d.Sign() < 0 {
		return errs.Field(field, "index %s is negative", d)
	}
	if !d.Equal(d.Truncate(IndexScale)) {
		return errs.Field(field, "index %s has more than %d decimal places", d, IndexScale)
	}
	if d.GreaterThan(maxIndex) {
		return errs.Field(field, "index %s exceeds %s", d, maxIndex)
	}
	return nil
}

// maxIndex bounds an index: at most money.MaxAmount per unit.
var maxIndex = money.MaxAmount.Decimal()

func checkUnits(field string, units int64, positive bool) error {
	switch {
	case units < 0:
		return errs.Field(field, "units %d is negative", units)
	case positive && units == 0:
		return errs.Field(field, "must be positive: a payment cannot be spread over zero units")
	case units > MaxUnits:
		return errs.Field(field, "units %d exceed the limit %d", units, MaxUnits)
	}
	return nil
}

// Increment is what one payment adds to a class's index.
type Increment struct {
	// Delta is payment ÷ units truncated to IndexScale places.
	Delta decimal.Decimal `json:"delta"`
	// Residue is payment − units × Delta, exact: what no unit receives.
	Residue decimal.Decimal `json:"residue"`
}

// IncrementFor spreads payment over units. The payment must not be
// negative; units must be positive (a class with no units outstanding
// cannot be paid: the caller must refuse rather than lose the cash).
func IncrementFor(payment money.Amount, units int64) (Increment, error) {
	if payment < 0 {
		return Increment{}, errs.Field("payment", "%s is negative", payment)
	}
	if err := checkUnits("units", units, true); err != nil {
		return Increment{}, err
	}
	q, r := payment.Decimal().QuoRem(decimal.NewFromInt(units), IndexScale)
	return Increment{Delta: q, Residue: r}, nil
}

// Entitlement is units × (index − indexPaid), exact: what a holder is owed
// and has not taken. It refuses an indexPaid above the index (indices only
// grow, so that would be corrupt state).
func Entitlement(units int64, index, indexPaid decimal.Decimal) (decimal.Decimal, error) {
	if err := checkUnits("units", units, false); err != nil {
		return decimal.Zero, err
	}
	if err := checkIndex("index", index); err != nil {
		return decimal.Zero, err
	}
	if err := checkIndex("indexPaid", indexPaid); err != nil {
		return decimal.Zero, err
	}
	if indexPaid.GreaterThan(index) {
		return decimal.Zero, errs.New(errs.Internal, "indexPaid %s is above the class index %s", indexPaid, index)
	}
	return decimal.NewFromInt(units).Mul(index.Sub(indexPaid)), nil
}

// Claim is what a holder takes when it settles.
type Claim struct {
	// Amount is the entitlement floored to the cent: the cash paid.
	Amount money.Amount `json:"amount"`
	// Residue is entitlement − Amount, in [0, 0.01): the fraction of a cent
	// the holder cannot be paid, kept on the class's residue line.
	Residue decimal.Decimal `json:"residue"`
}

// ClaimFor computes the claim of units held since indexPaid, the class
// index being index.
func ClaimFor(units int64, index, indexPaid decimal.Decimal) (Claim, error) {
	e, err := Entitlement(units, index, indexPaid)
	if err != nil {
		return Claim{}, err
	}
	amount, err := money.FromDecimalFloor(e)
	if err != nil {
		return Claim{}, errs.New(errs.Overflow, "claim of %d units × (%s − %s) overflows", units, index, indexPaid)
	}
	return Claim{Amount: amount, Residue: e.Sub(amount.Decimal())}, nil
}
