package loantape

import (
	"strconv"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// canonical appends the canonical JSON of rec to buf: one object, keys in
// byte order, every field present, no whitespace. Amounts and rates are
// strings so that no JSON reader can turn them into floats; whole numbers
// are JSON numbers; dates are ISO strings ("" when absent).
//
// It is written by hand rather than with encoding/json because the bytes
// are hashed into Merkle trees: they must not depend on struct field order,
// on encoding/json's HTML escaping or on a global such as
// decimal.MarshalJSONWithoutQuotes.
func (s *fieldSet[R]) canonical(rec *R, buf []byte) []byte {
	if buf == nil {
		buf = make([]byte, 0, 1024) // a report row is about 850 bytes
	}
	buf = append(buf, '{')
	for n, i := range s.canonicalOrder {
		if n > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, s.canonicalKeys[i]...)
		switch p := s.fields[i].at(rec).(type) {
		case *string:
			buf = appendJSONString(buf, *p)
		case *money.Amount:
			buf = append(appendAmount(append(buf, '"'), *p), '"')
		case *decimal.Decimal:
			buf = append(append(append(buf, '"'), p.String()...), '"')
		case *int:
			buf = strconv.AppendInt(buf, int64(*p), 10)
		case *Date:
			buf = append(p.appendISO(append(buf, '"')), '"')
		case *Month:
			buf = append(p.appendISO(append(buf, '"')), '"')
		}
	}
	return append(buf, '}')
}

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, other characters as UTF-8, invalid UTF-8
// replaced by U+FFFD (as encoding/json does), so the result is always
// valid JSON and always the same for the same input.
func appendJSONString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				buf = append(buf, '\\', c)
			case c < 0x20:
				buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				buf = append(buf, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, "\ufffd"...)
		} else {
			buf = append(buf, s[i:i+size]...)
		}
		i += size
	}
	return append(buf, '"')
}
