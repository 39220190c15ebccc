package loantape

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Record is the set of record kinds the generic readers, writers and
// chunkers work on.
type Record interface {
	Loan | PeriodRow
}

// fieldsOf returns the field table of record kind R.
func fieldsOf[R Record]() *fieldSet[R] {
	var r R
	switch any(r).(type) {
	case Loan:
		return any(loanFields).(*fieldSet[R])
	default:
		return any(periodFields).(*fieldSet[R])
	}
}

// field describes one EX-102 element of a record kind. The record types
// are plain structs; this table is the only place that knows how a field
// is named, whether it is required and where it lives, so the CSV and XML
// codecs, the canonical encoding and the required-field check cannot
// disagree about a field.
type field[R any] struct {
	name     string
	required bool
	// signed marks the one amount that may be negative
	// (otherPrincipalAdjustmentAmount); every other amount must not be.
	signed bool
	// at returns a pointer to the field in r: *string, *money.Amount,
	// *decimal.Decimal, *int, *Date or *Month.
	at func(r *R) any
}

// fieldSet is a record kind's field table with its lookups.
type fieldSet[R any] struct {
	fields []field[R]
	byName map[string]int // exact element name, for XML (case-sensitive)
	byFold map[string]int // lower-cased name, for CSV headers
	// canonicalOrder lists field indices by name in byte order, and
	// canonicalKeys holds each field's pre-encoded `"name":` prefix.
	canonicalOrder []int
	canonicalKeys  [][]byte
}

func newFieldSet[R any](fs []field[R]) *fieldSet[R] {
	s := &fieldSet[R]{fields: fs, byName: map[string]int{}, byFold: map[string]int{}}
	for i, f := range fs {
		if _, dup := s.byName[f.name]; dup {
			panic("loantape: duplicate field " + f.name)
		}
		s.byName[f.name] = i
		s.byFold[strings.ToLower(f.name)] = i
		s.canonicalOrder = append(s.canonicalOrder, i)
	}
	sort.Slice(s.canonicalOrder, func(a, b int) bool {
		return fs[s.canonicalOrder[a]].name < fs[s.canonicalOrder[b]].name
	})
	s.canonicalKeys = make([][]byte, len(fs))
	for i, f := range fs {
		s.canonicalKeys[i] = append(appendJSONString(nil, f.name), ':')
	}
	return s
}

// names returns the element names in file order.
func (s *fieldSet[R]) names() []string {
	out := make([]string, len(s.fields))
	for i, f := range s.fields {
		out[i] = f.name
	}
	return out
}

// parseValue reads text (already trimmed, not empty) into dst. On failure
// it returns the rule broken and a message naming the field and value.
func parseValue(dst any, name, text string) (rule, msg string) {
	switch p := dst.(type) {
	case *string:
		*p = text
	case *money.Amount:
		if !plainDecimal(text) {
			return RuleNumber, fmt.Sprintf("%s %q is not a number", name, text)
		}
		a, err := parseAmount(text)
		if err != nil {
			return RuleNumber, fmt.Sprintf("%s %q is out of range", name, text)
		}
		*p = a
	case *decimal.Decimal:
		if !plainDecimal(text) {
			return RuleNumber, fmt.Sprintf("%s %q is not a number", name, text)
		}
		d, err := decimal.NewFromString(text)
		if err != nil {
			return RuleNumber, fmt.Sprintf("%s %q is not a number", name, text)
		}
		*p = d
	case *int:
		n, err := strconv.Atoi(text)
		if err != nil || n > maxCount || n < -maxCount {
			return RuleNumber, fmt.Sprintf("%s %q is not a whole number", name, text)
		}
		*p = n
	case *Date:
		d, err := ParseDate(text)
		if err != nil {
			return RuleDate, fmt.Sprintf("%s %v", name, err)
		}
		*p = d
	case *Month:
		m, err := ParseMonth(text)
		if err != nil {
			return RuleDate, fmt.Sprintf("%s %v", name, err)
		}
		*p = m
	default:
		panic(fmt.Sprintf("loantape: field %s has unsupported type %T", name, dst))
	}
	return "", ""
}

// maxCount bounds whole-number fields (terms, days, scores, years) so that
// no later arithmetic on them can overflow.
const maxCount = 1_000_000_000

// maxDecimalDigits bounds the digits of an amount or rate. EX-102 amounts
// have at most 8 decimals; the bound keeps a hostile "1e999999999" or a
// thousand-digit number from costing unbounded time and memory later.
const maxDecimalDigits = 30

// plainDecimal accepts [+-]digits[.digits] (either side of the point may
// be empty, not both) with at most maxDecimalDigits digits: no exponents,
// no thousands separators, no spaces.
func plainDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	n, point := 0, false
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			n++
		case c == '.' && !point:
			point = true
		default:
			return false
		}
	}
	return n > 0 && n <= maxDecimalDigits
}

// formatValue returns the EX-102 text of src and whether it is absent
// (empty string, zero amount, zero number, zero date).
func formatValue(src any) (text string, absent bool) {
	switch p := src.(type) {
	case *string:
		return *p, *p == ""
	case *money.Amount:
		return string(appendAmount(nil, *p)), *p == 0
	case *decimal.Decimal:
		return p.String(), p.IsZero()
	case *int:
		return strconv.Itoa(*p), *p == 0
	case *Date:
		return p.EX102(), p.IsZero()
	case *Month:
		return p.EX102(), p.IsZero()
	}
	panic(fmt.Sprintf("loantape: unsupported field type %T", src))
}

// isEmpty reports whether a field that has no numeric zero meaning is
// absent: strings and dates. Absent numbers cannot be told from zero once
// a record is built, so only the readers can catch a missing required
// number.
func isEmpty(src any) bool {
	switch p := src.(type) {
	case *string:
		return *p == ""
	case *Date:
		return p.IsZero()
	case *Month:
		return p.IsZero()
	}
	return false
}
