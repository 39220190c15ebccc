package loantape

import (
	"errors"
	"io"
	"slices"
)

// RowErrors keeps row errors up to a limit, in the order found, and stops
// at the limit or at a fatal error, as this package's validators do. The
// asset classes' validators (mortgage, lease) keep their own rules' errors
// in one and merge them with the loantape validator's that checked their
// projected rows (Merge).
type RowErrors struct {
	max     int
	errs    []*RowError
	limited bool
	stopped bool
}

// NewRowErrors keeps up to max errors (DefaultMaxErrors when max ≤ 0).
func NewRowErrors(max int) RowErrors {
	if max <= 0 {
		max = DefaultMaxErrors
	}
	return RowErrors{max: max}
}

// Add records an error unless checking has stopped.
func (l *RowErrors) Add(e *RowError) {
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

// Reject records an error a reader returned instead of a record; anything
// that is not a *RowError is a read failure and stops checking.
func (l *RowErrors) Reject(err error) {
	var re *RowError
	if errors.As(err, &re) {
		l.Add(re)
		return
	}
	l.Add(&RowError{Rule: RuleRead, Msg: err.Error()})
	l.stopped = true
}

// Stopped reports whether checking has stopped (the limit, or a fatal
// error).
func (l *RowErrors) Stopped() bool { return l.stopped }

// Merge returns these errors with those of a validator's error (a
// *ValidationError, or nil), in line order, as one *ValidationError; nil
// when there are none.
func (l *RowErrors) Merge(more error) error {
	all, limited := slices.Clone(l.errs), l.limited
	var ve *ValidationError
	if errors.As(more, &ve) {
		all = append(all, ve.Errors...)
		limited = limited || ve.Limited
	}
	if len(all) == 0 {
		return nil
	}
	slices.SortStableFunc(all, func(a, b *RowError) int { return a.Line - b.Line })
	return &ValidationError{Errors: all, Limited: limited}
}

// Drain feeds every record of src to check and every reader error to
// reject, until EOF, a fatal or non-row error, or stop() says the limit is
// reached.
func Drain[R any](src interface {
	Read() (R, error)
	Line() int
}, check func(line int, rec R), reject func(error), stop func() bool) {
	for !stop() {
		rec, err := src.Read()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			reject(err)
			var re *RowError
			if !errors.As(err, &re) || re.Fatal() {
				return
			}
			continue
		}
		check(src.Line(), rec)
	}
}
