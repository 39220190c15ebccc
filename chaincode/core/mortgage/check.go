package mortgage

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// errorList keeps row errors up to a limit, in the order found, and stops
// at the limit or at a fatal error, as loantape's validators do.
type errorList struct {
	max     int
	errs    []*loantape.RowError
	limited bool
	stopped bool
}

func newErrorList(max int) errorList {
	if max <= 0 {
		max = loantape.DefaultMaxErrors
	}
	return errorList{max: max}
}

// fail records a broken rule and returns false (the row failed).
func (l *errorList) fail(line int, loan, field, rule, format string, a ...any) bool {
	l.add(&loantape.RowError{Line: line, AssetNumber: loan, Field: field, Rule: rule, Msg: fmt.Sprintf(format, a...)})
	return false
}

func (l *errorList) add(e *loantape.RowError) {
	if l.stopped {
		return
	}
	l.errs = append(l.errs, e)
	if e.Fatal() {
		l.stopped = true
	} else if len(l.errs) >= l.max {
		l.stopped, l.limited = true, true
	}
}

// reject records an error a reader returned instead of a record; anything
// that is not a *RowError is a read failure and stops checking.
func (l *errorList) reject(err error) {
	var re *loantape.RowError
	if errors.As(err, &re) {
		l.add(re)
		return
	}
	l.add(&loantape.RowError{Line: 0, Rule: loantape.RuleRead, Msg: err.Error()})
	l.stopped = true
}

// err merges these errors with those of a loantape validator that checked
// the projected rows, in line order, and returns a *ValidationError.
func (l *errorList) err(more error) error {
	all := slices.Clone(l.errs)
	limited := l.limited
	var ve *loantape.ValidationError
	if errors.As(more, &ve) {
		all = append(all, ve.Errors...)
		limited = limited || ve.Limited
	}
	if len(all) == 0 {
		return nil
	}
	slices.SortStableFunc(all, func(a, b *loantape.RowError) int { return a.Line - b.Line })
	return &loantape.ValidationError{Errors: all, Limited: limited}
}

// drain feeds every record of src to check and every reader error to
// reject, until EOF, a fatal error or stop() says the limit is reached.
func drain[R any](src Source[R], check func(int, R), reject func(error), stop func() bool) {
	for !stop() {
		rec, err := src.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return
			}
			reject(err)
			var re *loantape.RowError
			if !errors.As(err, &re) || re.Fatal() {
				return
			}
			continue
		}
		check(src.Line(), rec)
	}
}
