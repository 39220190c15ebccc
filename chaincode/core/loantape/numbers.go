package loantape

import (
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// The functions below are integer fast paths for the two conversions a
// 100,000-row file does millions of times: reading an amount and writing
// one. They give exactly what money.ParseLenient and Amount.String give
// (the tests compare them on random input) without going through big
// decimals, and fall back to money for anything unusual.

// parseAmount reads a plain decimal (see plainDecimal) into cents,
// rounding half away from zero after the second decimal as
// money.ParseLenient does.
func parseAmount(s string) (money.Amount, error) {
	neg := false
	i := 0
	if s[0] == '+' || s[0] == '-' {
		neg, i = s[0] == '-', 1
	}
	var cents int64
	intDigits := 0
	for ; i < len(s) && s[i] != '.'; i++ {
		cents = cents*10 + int64(s[i]-'0')
		intDigits++
	}
	if intDigits > 15 { // beyond 15 integer digits cents may not fit: let money decide
		return money.ParseLenient(s)
	}
	frac := ""
	if i < len(s) {
		frac = s[i+1:]
	}
	for k := 0; k < 2; k++ {
		cents *= 10
		if k < len(frac) {
			cents += int64(frac[k] - '0')
		}
	}
	if len(frac) > 2 && frac[2] >= '5' {
		cents++
	}
	if neg {
		cents = -cents
	}
	return money.Cents(cents), nil
}

// appendAmount appends a formatted as Amount.String does: sign, whole
// units, a point and exactly two decimals.
func appendAmount(buf []byte, a money.Amount) []byte {
	c := a.Cents()
	if c < 0 {
		buf = append(buf, '-')
		c = -c // |c| <= MaxAmount: cannot overflow
	}
	buf = strconv.AppendInt(buf, c/100, 10)
	return append(buf, '.', byte('0'+c%100/10), byte('0'+c%10))
}

// appendDigits appends n (>= 0) zero-padded to width digits.
func appendDigits(buf []byte, n, width int) []byte {
	var tmp [20]byte
	i := len(tmp)
	for n > 0 || i > len(tmp)-width {
		i--
		tmp[i] = byte('0' + n%10)
		n /= 10
	}
	return append(buf, tmp[i:]...)
}
