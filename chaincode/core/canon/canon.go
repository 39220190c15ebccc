// Package canon is the chaincode's only way in and out of JSON.
//
// Every endorsing peer must write the same bytes, and anyone holding the
// data must be able to recompute its hash, so ledger values are written in
// one canonical form:
//
//   - no insignificant whitespace, no trailing newline;
//   - object members sorted by key, comparing the keys' UTF-8 bytes (that
//     is, by code point), at every level: maps and structs alike, so the
//     bytes depend on the data and not on Go field order;
//   - strings escaped as encoding/json does with HTML escaping off: \" \\
//     \b \f \n \r \t, other control characters as \u00XX, U+2028 and U+2029
//     as \u2028 and \u2029, everything else literal UTF-8;
//   - integers only: no fractions, no exponents, no leading zeros, no -0.
//     Amounts, rates and factors travel as decimal strings (money.Amount
//     and decimal.Decimal marshal that way);
//   - no duplicate keys.
//
// This is RFC 8785 (JCS) for the data the ledger holds: JCS sorts keys by
// UTF-16 code units, which differs from code point order only between
// characters above U+FFFF and U+E000–U+FFFF, and JCS leaves U+2028/U+2029
// unescaped. Without those characters and without floats, a verifier in
// another language reproduces the bytes with any JCS library.
//
// Unmarshal is strict, because every JSON argument of a contract goes
// through it: unknown fields (matched exactly, not case-insensitively),
// duplicate keys, non-integer numbers, invalid UTF-8 and trailing data are
// refused with a BAD_INPUT error naming the path of the offending value,
// such as "tranches[2].minHolding: expected int64, got JSON string".
package canon

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// Marshal returns the canonical JSON encoding of v. It fails with an
// INTERNAL error if a float32 or float64 is reachable from v (even a zero
// one), or if a type's own MarshalJSON writes a fraction, an exponent or a
// duplicate key: those are bugs in the caller, not bad input.
func Marshal(v any) ([]byte, error) {
	if path, found := findFloat(reflect.ValueOf(v)); found {
		return nil, &errs.Error{Code: errs.Internal, Field: path,
			Msg: "canon: float at " + rootIfEmpty(path) + " in " + typeName(v) + ": use money.Amount, decimal.Decimal or an integer"}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, errs.Wrap(err, "canon: marshal %s", typeName(v))
	}
	raw := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	p := parser{data: raw, emit: true, out: make([]byte, 0, len(raw))}
	if err := p.document(nil); err != nil {
		return nil, errs.New(errs.Internal, "canon: marshal %s: %v", typeName(v), err)
	}
	return p.out, nil
}

// Canonicalize rewrites any JSON text in canonical form, e.g. a document
// supplied by a client whose hash goes on the ledger. Errors are
// BAD_INPUT and name the path of the offending value.
func Canonicalize(data []byte) ([]byte, error) {
	p := parser{data: data, emit: true, out: make([]byte, 0, len(data))}
	if err := p.document(nil); err != nil {
		return nil, badInput(err)
	}
	return p.out, nil
}

// Hash returns the SHA-256 of Marshal(v).
func Hash(v any) ([32]byte, error) {
	b, err := Marshal(v)
	if err != nil {
		return [32]byte{}, err
	}
	return sha256.Sum256(b), nil
}

// HashHex returns Hash(v) as lower-case hex.
func HashHex(v any) (string, error) {
	h, err := Hash(v)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h[:]), nil
}

// Unmarshal decodes one JSON value into v, which must be a non-nil
// pointer, and refuses anything canonical JSON forbids (see the package
// documentation) as well as object keys that match no field of the target
// struct. Input need not be in canonical order or free of whitespace.
//
// Errors are BAD_INPUT *errs.Error values whose Field is the path of the
// offending value ("tranches[2].rate"); errors raised by a type's own
// UnmarshalJSON (such as money.Amount's) keep their text and gain the path.
// On error, v may have been partly filled and must be discarded.
func Unmarshal(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errs.New(errs.Internal, "canon: Unmarshal needs a non-nil pointer, got %s", typeName(v))
	}
	t := rv.Type().Elem()
	pre := parser{data: data}
	if err := pre.document(t); err != nil {
		return badInput(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	err := dec.Decode(v)
	if err == nil {
		return nil
	}
	// encoding/json rarely says where it failed: decode leaf by leaf to find out.
	probe := parser{data: data, probe: true}
	if perr := probe.document(t); perr == errProbeDone {
		return badInput(probe.found)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return errs.Field(te.Field, "expected %s, got JSON %s", te.Type, te.Value)
	}
	return errs.Field("", "%v", err)
}

// badInput turns a parser error into a BAD_INPUT error naming its path.
func badInput(err error) error {
	var pe *parseError
	if errors.As(err, &pe) {
		return errs.Field(pe.path, "%s", pe.msg)
	}
	return errs.Field("", "%v", err)
}

func rootIfEmpty(path string) string {
	if path == "" {
		return "the top level"
	}
	return path
}

func typeName(v any) string {
	if v == nil {
		return "nil"
	}
	return reflect.TypeOf(v).String()
}
