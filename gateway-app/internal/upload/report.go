package upload

import (
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/core/assetclass"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// ReportRules are the checks of a servicer report besides loantape's.
type ReportRules struct {
	// Period is the collection period the report must cover.
	Period loantape.Period
	// Lookup, when set, answers a loan's previous ending balance (the
	// gateway's loan book, when it provably matches the ledger): rows of
	// loans it does not know are refused (unknown-asset), and rows whose
	// beginning balance is not the last ending balance too
	// (balance-continuity).
	Lookup func(assetNumber string) (loantape.PriorLoan, bool)
	// Control are the servicer's control totals, checked against the sums
	// of the rows.
	Control ReportControl
	// MaxErrors bounds the rows listed; 0 is DefaultMaxErrors.
	MaxErrors int
	// Class is the pool's asset class: loantape rules that do not fit it
	// are left to the class's own checks.
	Class assetclass.Class
}

// CheckedReport is a report that passed every check.
type CheckedReport struct {
	// Aggregates are the sums of the rows: the totals to declare.
	Aggregates     loantape.ReportAggregates
	Rows           int
	IgnoredColumns []string
}

// CheckReport is the first pass: every row of the file against every rule.
// The error is a *Refused for bad rows or totals, or the error of opening
// or reading the file.
func CheckReport(open Opener, f Format, rules ReportRules) (CheckedReport, error) {
	rc, err := open()
	if err != nil {
		return CheckedReport{}, err
	}
	defer rc.Close()
	max := rules.MaxErrors
	if max == 0 {
		max = DefaultMaxErrors
	}
	v, err := loantape.NewReportValidator(assetclass.ReportRules(rules.Class, loantape.ReportRules{Period: rules.Period, Lookup: rules.Lookup, MaxErrors: max}))
	if err != nil {
		return CheckedReport{}, err
	}
	src := newSource[loantape.PeriodRow](f, rc)
	rows := checkAll[loantape.PeriodRow](src, v)
	if err := refusal(v.Err()); err != nil {
		return CheckedReport{}, err
	}
	if rows == 0 {
		return CheckedReport{}, &Refused{Errors: []*loantape.RowError{{Rule: loantape.RuleRequired, Msg: "the file has no rows"}}}
	}
	agg := v.Aggregates()
	if err := rules.Control.check(agg); err != nil {
		return CheckedReport{}, err
	}
	return CheckedReport{Aggregates: agg, Rows: rows, IgnoredColumns: src.ignored()}, nil
}

// ReportChunks is the second pass: it cuts the file into chunks of size
// rows aggregated for period p and calls each for those from index first
// on (earlier ones are already on the ledger when an upload resumes).
// Check the file first: chunking stops at the first bad row.
func ReportChunks(open Opener, f Format, p loantape.Period, size, first int, each func(loantape.ReportChunk) error) error {
	rc, err := open()
	if err != nil {
		return err
	}
	defer rc.Close()
	for chunk, err := range loantape.ReportChunks(newSource[loantape.PeriodRow](f, rc), size, p) {
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

// Chunks is how many chunks of size rows hold n rows.
func Chunks(n, size int) int { return (n + size - 1) / size }
