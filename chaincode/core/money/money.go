// Package money holds the project's only representation of cash amounts:
// integer minor units (cents) with checked arithmetic and one explicit
// rounding rule, so that every endorsing peer computes the same bytes and no
// cent is created or lost.
//
// Rates, factors and per-unit indices are decimals (github.com/shopspring/decimal);
// they become money only through the rounding functions below.
package money

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/shopspring/decimal"
)

// Amount is a cash amount in minor units (cents for USD). The zero value is
// zero. Amount marshals to JSON as a decimal string with exactly two
// fraction digits ("1234.50") so that clients never see a float.
type Amount int64

// MaxAmount bounds every amount the ledger accepts: about 92 trillion in
// major units, far beyond any ABS deal, and far enough from MaxInt64 that a
// sum of two accepted amounts is still representable.
const MaxAmount Amount = math.MaxInt64 / 2

// ErrOverflow is returned when a result would leave [-MaxAmount, MaxAmount].
var ErrOverflow = errors.New("amount overflow")

var hundred = decimal.NewFromInt(100)

// Cents builds an Amount from a count of minor units.
func Cents(c int64) Amount { return Amount(c) }

// FromMajor builds an Amount from whole major units (dollars).
func FromMajor(u int64) Amount { return Amount(u * 100) }

// Parse reads a decimal string such as "1234.5", "-0.01" or "1000". It
// refuses more than two fraction digits rather than rounding silently:
// input amounts are exact or wrong.
func Parse(s string) (Amount, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("amount %q: empty", s)
	}
	d, err := decimal.NewFromString(t)
	if err != nil {
		return 0, fmt.Errorf("amount %q: not a decimal number", s)
	}
	if err := checkExponent(s, d); err != nil {
		return 0, err
	}
	if d.Exponent() < -2 && !d.Equal(d.Truncate(2)) {
		return 0, fmt.Errorf("amount %q: more than two decimal places", s)
	}
	return FromDecimalExact(d)
}

// ParseLenient reads a decimal string that may carry more than two fraction
// digits (EX-102 files use eight) and rounds it half-up to the cent.
func ParseLenient(s string) (Amount, error) {
	t := strings.TrimSpace(s)
	d, err := decimal.NewFromString(t)
	if err != nil || t == "" {
		return 0, fmt.Errorf("amount %q: not a decimal number", s)
	}
	if err := checkExponent(s, d); err != nil {
		return 0, err
	}
	return FromDecimalRounded(d)
}

// maxExponent bounds the decimal exponent of parsed input. Rescaling a
// decimal like "1e-10000000" takes seconds and "1e99999999" effectively
// never ends, so hostile input is refused before any arithmetic; no real
// amount needs more than 30 digits on either side of the point.
const maxExponent = 30

func checkExponent(s string, d decimal.Decimal) error {
	if e := d.Exponent(); e > maxExponent || e < -maxExponent {
		return fmt.Errorf("amount %q: out of range", s)
	}
	return nil
}

// FromDecimalExact converts a decimal holding at most two fraction digits.
func FromDecimalExact(d decimal.Decimal) (Amount, error) {
	c := d.Mul(hundred)
	if !c.Equal(c.Truncate(0)) {
		return 0, fmt.Errorf("amount %s: more than two decimal places", d.String())
	}
	return fromCentsDecimal(c)
}

// FromDecimalRounded converts any decimal, rounding half away from zero to
// the cent ("half-up" as ABS documents use the term).
func FromDecimalRounded(d decimal.Decimal) (Amount, error) {
	return fromCentsDecimal(d.Mul(hundred).Round(0))
}

// FromDecimalFloor converts any decimal, rounding toward negative infinity;
// used where paying out a fraction of a cent too much would break
// conservation (per-holder claims), the remainder staying on a residue line.
func FromDecimalFloor(d decimal.Decimal) (Amount, error) {
	return fromCentsDecimal(d.Mul(hundred).Floor())
}

func fromCentsDecimal(c decimal.Decimal) (Amount, error) {
	bi := c.BigInt()
	if !bi.IsInt64() {
		return 0, ErrOverflow
	}
	a := Amount(bi.Int64())
	if a > MaxAmount || a < -MaxAmount {
		return 0, ErrOverflow
	}
	return a, nil
}

// Decimal returns the amount in major units as a decimal.
func (a Amount) Decimal() decimal.Decimal { return decimal.New(int64(a), -2) }

// Cents returns the amount in minor units.
func (a Amount) Cents() int64 { return int64(a) }

// String formats the amount with exactly two fraction digits.
func (a Amount) String() string { return a.Decimal().StringFixed(2) }

// IsZero, IsNegative and IsPositive make call sites read as prose.
func (a Amount) IsZero() bool     { return a == 0 }
func (a Amount) IsNegative() bool { return a < 0 }
func (a Amount) IsPositive() bool { return a > 0 }

// Add returns a+b or ErrOverflow.
func (a Amount) Add(b Amount) (Amount, error) {
	s := a + b // cannot wrap: both are within MaxAmount = MaxInt64/2
	if s > MaxAmount || s < -MaxAmount {
		return 0, ErrOverflow
	}
	return s, nil
}

// Sub returns a-b or ErrOverflow.
func (a Amount) Sub(b Amount) (Amount, error) { return a.Add(-b) }

// Min and Max of two amounts.
func Min(a, b Amount) Amount {
	if a < b {
		return a
	}
	return b
}
func Max(a, b Amount) Amount {
	if a > b {
		return a
	}
	return b
}

// Sum adds amounts with overflow checking.
func Sum(as ...Amount) (Amount, error) {
	var t Amount
	var err error
	for _, a := range as {
		if t, err = t.Add(a); err != nil {
			return 0, err
		}
	}
	return t, nil
}

// MulRate returns a × r rounded half-up to the cent (e.g. a fee at an annual
// rate already divided by 12, or a balance times a day-count fraction).
func (a Amount) MulRate(r decimal.Decimal) (Amount, error) {
	return FromDecimalRounded(a.Decimal().Mul(r))
}

// MulRateFloor returns a × r rounded down to the cent.
func (a Amount) MulRateFloor(r decimal.Decimal) (Amount, error) {
	return FromDecimalFloor(a.Decimal().Mul(r))
}

// Ratio returns a / b as a decimal with the given number of fraction digits
// (truncated), or zero when b is zero.
func Ratio(a, b Amount, places int32) decimal.Decimal {
	if b == 0 {
		return decimal.Zero
	}
	return decimal.NewFromInt(int64(a)).DivRound(decimal.NewFromInt(int64(b)), places+2).Truncate(places)
}

// Allocate splits total across weights pro rata using the largest-remainder
// method, so the parts add up to total exactly; ties go to the earlier index.
// Weights must be non-negative; if they sum to zero every part is zero and
// the whole total is returned as the unallocated remainder.
func Allocate(total Amount, weights []Amount) (parts []Amount, unallocated Amount, err error) {
	parts = make([]Amount, len(weights))
	var wsum big.Int
	for i, w := range weights {
		if w < 0 {
			return nil, 0, fmt.Errorf("allocate: weight %d is negative", i)
		}
		wsum.Add(&wsum, big.NewInt(int64(w)))
	}
	if wsum.Sign() == 0 || total == 0 {
		return parts, total, nil
	}
	type rem struct {
		i int
		r big.Int
	}
	rems := make([]rem, len(weights))
	var given Amount
	tot := big.NewInt(int64(total))
	for i, w := range weights {
		var q, r big.Int
		q.Mul(tot, big.NewInt(int64(w)))
		q.QuoRem(&q, &wsum, &r) // truncates toward zero: |q| <= |total|
		parts[i] = Amount(q.Int64())
		given += parts[i]
		rems[i] = rem{i: i, r: *new(big.Int).Abs(&r)}
	}
	left := total - given
	step := Amount(1)
	if left < 0 {
		step = -1
	}
	// Hand out the leftover cents one at a time to the largest remainders.
	used := make([]bool, len(weights))
	for left != 0 {
		best := -1
		for i := range rems {
			if used[i] || weights[i] == 0 {
				continue
			}
			if best < 0 || rems[i].r.Cmp(&rems[best].r) > 0 {
				best = i
			}
		}
		if best < 0 {
			break
		}
		used[best] = true
		parts[best] += step
		left -= step
	}
	return parts, left, nil
}

// MarshalJSON writes the amount as a JSON string "1234.50".
func (a Amount) MarshalJSON() ([]byte, error) { return []byte(`"` + a.String() + `"`), nil }

// UnmarshalJSON accepts a JSON string or number with at most two fraction digits.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return errors.New("amount: null is not an amount")
	}
	s = strings.Trim(s, `"`)
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}
