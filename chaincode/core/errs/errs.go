// Package errs gives every chaincode refusal a stable code that survives the
// trip to the client.
//
// Fabric hands a chaincode error to the client only as text (status 500), so
// the code travels inside the text: Error renders
//
//	[CODE] message
//	[CODE] message (rule N)
//
// for example
//
//	[RULE_JURISDICTION_BLOCKED] transfer refused: receiver jurisdiction US-NY not allowed for tranche A (rule 4)
//
// and Parse recovers code, rule and message on the client side, however the
// gateway prefixed the text. HTTPStatus maps codes to REST statuses.
//
// Contracts build errors with New, Field (bad input), Refuse (transfer
// rules) and Wrap (add context, keep the code), and inspect them with CodeOf
// and Is; all of them see through fmt.Errorf("...: %w") wrapping.
package errs

import (
	"errors"
	"fmt"
	"strconv"
)

// Error is a refusal with a stable code.
type Error struct {
	Code  Code   // what kind of refusal; never empty
	Rule  int    // transfer-rule number (package rules), or 0
	Field string // input field or row at fault, or ""; Msg names it too
	Msg   string // human-readable, names the object, value and limit

	cause error // the error this one wraps, if any (see Wrap)
}

// Error renders "[CODE] msg", followed by " (rule N)" when Rule > 0.
func (e *Error) Error() string {
	s := "[" + string(e.Code) + "] " + e.Msg
	if e.Rule > 0 {
		s += " (rule " + strconv.Itoa(e.Rule) + ")"
	}
	return s
}

// Unwrap returns the wrapped cause, if any, so errors.Is and errors.As reach it.
func (e *Error) Unwrap() error { return e.cause }

// New returns an error with the given code and a formatted message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// Field returns a BAD_INPUT error for the named input field (or row). The
// message is prefixed with the field name, as encoding/json does, so the
// client sees which field is wrong: Field("units", "must be positive, got %d", -5)
// renders "[BAD_INPUT] units: must be positive, got -5".
func Field(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	if field != "" {
		msg = field + ": " + msg
	}
	return &Error{Code: BadInput, Field: field, Msg: msg}
}

// Refuse returns a transfer-rule refusal: code is one of the RULE_* codes
// and rule its number as defined by package rules.
func Refuse(code Code, rule int, format string, args ...any) *Error {
	return &Error{Code: code, Rule: rule, Msg: fmt.Sprintf(format, args...)}
}

// Wrap adds context in front of err's message and keeps err's code, rule
// and field, so that a low-level BAD_INPUT stays BAD_INPUT:
//
//	errs.Wrap(err, "tranche %s", id) // "[BAD_INPUT] tranche A: minHolding: must not be negative"
//
// An err without a code (a stub or library error) becomes INTERNAL. Wrap
// returns nil when err is nil, so `return errs.Wrap(f(), ...)` is safe.
func Wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	prefix := fmt.Sprintf(format, args...)
	var e *Error
	if errors.As(err, &e) {
		return &Error{Code: e.Code, Rule: e.Rule, Field: e.Field, Msg: prefix + ": " + e.Msg, cause: err}
	}
	return &Error{Code: Internal, Msg: prefix + ": " + err.Error(), cause: err}
}

// CodeOf returns the code of the first *Error in err's chain, or "" if
// there is none (including when err is nil).
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Is reports whether err carries the given code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }
