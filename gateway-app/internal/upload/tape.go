package upload

import (
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// TapeRules are the checks of a loan tape besides loantape's.
type TapeRules struct {
	// Cutoff is the pool's cut-off date.
	Cutoff    loantape.Date
	Control   TapeControl
	MaxErrors int
}

// CheckedTape is a tape that passed every check.
type CheckedTape struct {
	Aggregates     loantape.TapeAggregates
	Loans          int
	IgnoredColumns []string
}

// CheckTape is the first pass over a loan tape.
func CheckTape(open Opener, f Format, rules TapeRules) (CheckedTape, error) {
	rc, err := open()
	if err != nil {
		return CheckedTape{}, err
	}
	defer rc.Close()
	max := rules.MaxErrors
	if max == 0 {
		max = DefaultMaxErrors
	}
	v, err := loantape.NewTapeValidator(loantape.TapeRules{Cutoff: rules.Cutoff, MaxErrors: max})
	if err != nil {
		return CheckedTape{}, err
	}
	src := newSource[loantape.Loan](f, rc)
	loans := checkAll[loantape.Loan](src, v)
	if err := refusal(v.Err()); err != nil {
		return CheckedTape{}, err
	}
	if loans == 0 {
		return CheckedTape{}, &Refused{Errors: []*loantape.RowError{{Rule: loantape.RuleRequired, Msg: "the file has no loans"}}}
	}
	agg := v.Aggregates()
	if err := rules.Control.check(agg); err != nil {
		return CheckedTape{}, err
	}
	return CheckedTape{Aggregates: agg, Loans: loans, IgnoredColumns: src.ignored()}, nil
}

// TapeChunks is the second pass over a loan tape; see ReportChunks.
func TapeChunks(open Opener, f Format, size, first int, each func(loantape.TapeChunk) error) error {
	rc, err := open()
	if err != nil {
		return err
	}
	defer rc.Close()
	for chunk, err := range loantape.TapeChunks(newSource[loantape.Loan](f, rc), size) {
		if err != nil {
			return fmt.Errorf("the file changed between its check and its submission: %w", err)
		}
		if chunk.Index < first {
			continue
		}
		if err := each(chunk); err != nil {
			return err
		}
	}
	return nil
}
