package loantape

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// RowError is the one error type this package returns for bad input. It
// names where (Line, counted from 1 as editors do; 0 for whole-file totals),
// which loan, which element and which rule, so the servicer can fix the
// file without guessing:
//
//	line 17 (loan 100234): reportingPeriodActualEndBalanceAmount 1200.00 != beginning 1500.00 − principal 250.00 − charged-off 0.00 − adjustments 0.00 (rule balance-rollforward)
type RowError struct {
	Line        int
	AssetNumber string
	Field       string
	Rule        string
	Msg         string

	cause error // for RuleRead: the reader's own error
}

func (e *RowError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
	}
	if e.AssetNumber != "" {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("(loan ")
		b.WriteString(e.AssetNumber)
		b.WriteByte(')')
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	b.WriteString(" (rule ")
	b.WriteString(e.Rule)
	b.WriteByte(')')
	return b.String()
}

// Unwrap returns the underlying read error, if any.
func (e *RowError) Unwrap() error { return e.cause }

// Fatal reports whether the error ends the file: a missing column, broken
// XML, a read failure. After a non-fatal error the reader can go on to the
// next row.
func (e *RowError) Fatal() bool {
	r, ok := ruleInfo(e.Rule)
	return ok && r.Fatal
}

// isFatal reports whether err stops reading: every error that is not a
// non-fatal *RowError does.
func isFatal(err error) bool {
	var re *RowError
	if errors.As(err, &re) {
		return re.Fatal()
	}
	return true
}

// readError wraps a reader's I/O error.
func readError(line int, err error) *RowError {
	return &RowError{Line: line, Rule: RuleRead, Msg: err.Error(), cause: err}
}

// DefaultMaxErrors is how many row errors a validator keeps before it stops
// checking: enough to show a servicer every kind of mistake in a file, few
// enough that a 100,000-row file with a systematic error does not produce
// 100,000 messages.
const DefaultMaxErrors = 100

// ValidationError is a validator's verdict on a file: the row errors in
// file order.
type ValidationError struct {
	Errors []*RowError
	// Limited reports that checking stopped when the error limit was
	// reached; rows after the last error listed were not checked.
	Limited bool
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d error", len(e.Errors))
	if len(e.Errors) != 1 {
		b.WriteByte('s')
	}
	if e.Limited {
		b.WriteString(" (checking stopped at the error limit)")
	}
	for _, r := range e.Errors {
		b.WriteString("\n")
		b.WriteString(r.Error())
	}
	return b.String()
}

// Unwrap exposes the row errors to errors.Is and errors.As.
func (e *ValidationError) Unwrap() []error {
	out := make([]error, len(e.Errors))
	for i, r := range e.Errors {
		out[i] = r
	}
	return out
}

// errorLimit keeps row errors up to a limit. It stops at the limit, or at
// the first fatal error.
type errorLimit struct {
	max     int
	errs    []*RowError
	limited bool
	stopped bool
}

// add records e and reports whether checking may go on.
func (l *errorLimit) add(e *RowError) bool {
	if l.stopped {
		return false
	}
	l.errs = append(l.errs, e)
	if e.Fatal() {
		l.stopped = true
	} else if len(l.errs) >= l.max {
		l.stopped, l.limited = true, true
	}
	return !l.stopped
}

func (l *errorLimit) err() error {
	if len(l.errs) == 0 {
		return nil
	}
	return &ValidationError{Errors: l.errs, Limited: l.limited}
}
