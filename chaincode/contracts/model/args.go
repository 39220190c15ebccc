package model

import (
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

// The argument forms every contract shares. Scalars travel as strings and
// are parsed here, so that a bad argument gets the same BAD_INPUT error,
// naming the argument, whichever contract receives it; object IDs are
// checked before they become key components, since a composite key
// refuses invalid UTF-8 and U+0000 and the shim panics on the former.

// MaxIDLength bounds object IDs (pools, deals, tranches, documents).
const MaxIDLength = 64

// ParseID checks an object ID: 1 to 64 characters from A-Z a-z 0-9 . _ -,
// starting with a letter or digit ("DEAL-2026-1", "A-1").
func ParseID(field, s string) (string, error) {
	if s == "" || len(s) > MaxIDLength {
		return "", errs.Field(field, "%q must have 1 to %d characters", clip(s), MaxIDLength)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
			return "", errs.Field(field, "%q: character %q not allowed (letters, digits, . _ -; first a letter or digit)", clip(s), c)
		}
	}
	return s, nil
}

// ParseAssetNumber checks a loan's asset number before it becomes a key
// component: 1 to 64 printable characters without spaces at either end.
// EX-102 asset numbers are usually digits, but issuers' formats vary.
func ParseAssetNumber(field, s string) (string, error) {
	if s == "" || len(s) > MaxIDLength || !utf8.ValidString(s) {
		return "", errs.Field(field, "asset number %q must be 1 to %d bytes of UTF-8", clip(s), MaxIDLength)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return "", errs.Field(field, "asset number %q contains the non-printable character %U", clip(s), r)
		}
	}
	if strings.TrimSpace(s) != s {
		return "", errs.Field(field, "asset number %q has leading or trailing spaces", s)
	}
	return s, nil
}

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
		return 0, errs.Field(field, "%q: no leading zeros", clip(s))
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errs.Field(field, "%q is not a whole number of units (digits only)", clip(s))
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errs.Field(field, "%q does not fit in 64 bits", clip(s))
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
		return 0, errs.Field(field, "%q is not an amount (too long)", clip(s))
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

// ParseIdentityKey reads another identity's key (roles.Identity.Key:
// MSP/64 hex digits).
func ParseIdentityKey(field, s string) (roles.Identity, error) {
	id, err := roles.ParseKey(s)
	if err != nil {
		return roles.Identity{}, errs.Field(field, "%q is not an identity key MSP/<64 hex digits> (Admin:WhoAmI tells an identity its key)", clip(s))
	}
	return id, nil
}

// ParseText checks free text (a reason, a name, a URI): valid UTF-8,
// 1 to max bytes after trimming, no control characters.
func ParseText(field, s string, max int) (string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", errs.Field(field, "required")
	}
	if len(t) > max || !utf8.ValidString(t) {
		return "", errs.Field(field, "must be at most %d bytes of UTF-8", max)
	}
	for _, r := range t {
		if unicode.IsControl(r) {
			return "", errs.Field(field, "contains the control character %U", r)
		}
	}
	return t, nil
}

// ParseSHA256 reads a lower- or upper-case hex SHA-256 and returns it in
// lower case.
func ParseSHA256(field, s string) (string, error) {
	if len(s) != 64 {
		return "", errs.Field(field, "want 64 hex digits of a SHA-256, got %d characters", len(s))
	}
	if _, err := hex.DecodeString(s); err != nil {
		return "", errs.Field(field, "%q is not hex", clip(s))
	}
	return strings.ToLower(s), nil
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

// clip shortens hostile input before it is echoed in an error message.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.ToValidUTF8(s[:max], "\uFFFD") + "…"
}
