package loantape

// IsPlainDecimal reports whether s is a number as loan-level files write
// them: [+-]digits[.digits], no exponent, no thousands separator, no
// spaces, at most 30 digits. Readers of other asset classes' files
// (package mortgage) apply the same rule, so a number means the same thing
// in every tape.
func IsPlainDecimal(s string) bool { return plainDecimal(s) }
