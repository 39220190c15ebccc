// Package args parses the scalar arguments the contracts share (units,
// counts, cash amounts, decimals). Scalars travel as strings and are parsed
// here, so that a bad argument gets the same BAD_INPUT error, naming the
// argument, whichever contract receives it. Identifier formats (IDs, asset
// numbers, identity keys) are part of the ledger schema and live there.
//
// It may import the pure core and nothing from Fabric.
package args

import (
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// ParseUnits reads a count of tranche units: a base-10 integer > 0 that
// fits in int64, without sign, spaces or leading zeros.
func ParseUnits(field, s string) (int64, error) {
	n, err := parseCount(field, s)
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, errs.Field(field, "must be positive, got 0")
	}
	return n, nil
}

// ParseCount reads a count that may be zero (e.g. units to freeze).
func ParseCount(field, s string) (int64, error) { return parseCount(field, s) }

func parseCount(field, s string) (int64, error) {
	if s == "" {
		return 0, errs.Field(field, "required: a whole number of units")
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, errs.Field(field, "%q: no leading zeros", schema.Clip(s))
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errs.Field(field, "%q is not a whole number of units (digits only)", schema.Clip(s))
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errs.Field(field, "%q does not fit in 64 bits", schema.Clip(s))
	}
	return n, nil
}

// ParseAmount reads a positive cash amount with at most two decimals
// ("1250.00", "0.01").
func ParseAmount(field, s string) (money.Amount, error) {
	a, err := ParseNonNegativeAmount(field, s)
	if err != nil {
		return 0, err
	}
	if a == 0 {
		return 0, errs.Field(field, "must be positive, got %s", a)
	}
	return a, nil
}

// ParseNonNegativeAmount reads an amount that may be zero.
func ParseNonNegativeAmount(field, s string) (money.Amount, error) {
	if len(s) > 40 {
		return 0, errs.Field(field, "%q is not an amount (too long)", schema.Clip(s))
	}
	a, err := money.Parse(s)
	if err != nil {
		return 0, errs.Field(field, "%v", err)
	}
	if a < 0 {
		return 0, errs.Field(field, "must not be negative, got %s", a)
	}
	return a, nil
}

// maxDecimalExponent bounds the exponent of decimals read from clients:
// decimal arithmetic rescales to the larger exponent, and "1e-99999999"
// would take minutes. No rate needs more than 12 places.
const maxDecimalExponent = 18

// CheckDecimal refuses a decimal whose exponent or size makes arithmetic
// with it expensive, and one outside [min, max]. Call it on every decimal
// decoded from a client before using it.
func CheckDecimal(field string, d decimal.Decimal, min, max decimal.Decimal) error {
	// Refuse without printing d: d.String() would write out every digit
	// of 1e-999999999.
	if bits := d.Coefficient().BitLen(); bits > 128 {
		return errs.Field(field, "a number of %d bits is out of range (at most 38 digits)", bits)
	}
	if e := d.Exponent(); e < -maxDecimalExponent || e > maxDecimalExponent {
		return errs.Field(field, "%se%d is out of range (at most %d decimal places)", d.Coefficient(), e, maxDecimalExponent)
	}
	if d.LessThan(min) || d.GreaterThan(max) {
		return errs.Field(field, "%s is outside [%s, %s]", d, min, max)
	}
	return nil
}
