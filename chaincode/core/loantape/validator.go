package loantape

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// ReportRules configures a ReportValidator.
type ReportRules struct {
	// Period is the report's period. Every row must carry its dates. If
	// the dates are zero, the first row's dates become the period.
	Period Period
	// MaxErrors is how many errors are kept before checking stops;
	// 0 means DefaultMaxErrors.
	MaxErrors int
	// Lookup, when set, tells the validator what the ledger knows of a
	// loan: ok=false means the pool has no such loan (rule unknown-asset);
	// otherwise the row's beginning balance must equal prior.EndBalance
	// (rule balance-continuity). The chaincode looks loans up in the
	// loanTape collection, the gateway in its read model.
	Lookup func(assetNumber string) (prior PriorLoan, ok bool)
	// Skip lists rules not to enforce for this servicer (only rules whose
	// RuleInfo.Skippable is true).
	Skip []string
}

// PriorLoan is what a report row is checked against.
type PriorLoan struct {
	// EndBalance is the loan's balance at the end of the previous
	// period; before the first report, its cut-off balance.
	EndBalance money.Amount
}

// ReportValidator checks the rows of one servicer report as they stream
// by and sums the good ones. It keeps the errors (in file order, up to
// the limit), the asset numbers seen and one ReportAggregator: memory
// grows with the number of loans only by the duplicate-check set.
//
//	v, err := loantape.NewReportValidator(loantape.ReportRules{Period: p})
//	for row, err := range rd.All() {
//		if err != nil { v.Reject(err) } else { v.Check(rd.Line(), row) }
//		if v.Stopped() { break }
//	}
//	if err := v.Err(); err != nil { ... } // *ValidationError
//	totals := v.Aggregates()
type ReportValidator struct {
	rc     recordChecker[PeriodRow]
	lookup func(string) (PriorLoan, bool)
	period Period
	agg    *ReportAggregator
}

// NewReportValidator returns a validator, or an error if rules.Skip names
// a rule that does not exist or may not be skipped, or rules.Period has
// one date only or ends before it begins.
func NewReportValidator(rules ReportRules) (*ReportValidator, error) {
	p := rules.Period
	if p.Beginning.IsZero() != p.Ending.IsZero() || p.Beginning.Compare(p.Ending) > 0 {
		return nil, fmt.Errorf("period %s to %s: give both dates, in order, or neither", p.Beginning, p.Ending)
	}
	rc, err := newRecordChecker(reportChecks, rules.MaxErrors, rules.Skip)
	if err != nil {
		return nil, err
	}
	return &ReportValidator{rc: rc, lookup: rules.Lookup, period: rules.Period, agg: NewReportAggregator(rules.Period)}, nil
}

// Check validates one row read at line and, if it breaks no rule, adds it
// to the aggregates. It reports whether checking may go on (false once the
// error limit is reached).
func (v *ReportValidator) Check(line int, row PeriodRow) bool {
	if v.rc.limit.stopped {
		return false
	}
	asset := row.AssetNumber
	ok := v.rc.run(line, asset, &row)
	ok = v.checkPeriod(line, &row) && ok
	ok = v.rc.unique(line, asset) && ok
	ok = v.checkPrior(line, &row) && ok
	if ok {
		if err := v.agg.Add(row); err != nil {
			v.rc.fail(line, asset, "", RuleOverflow, err.Error())
		}
	}
	return !v.rc.limit.stopped
}

// Reject records an error a reader returned instead of a row. Errors that
// are not *RowError are read failures and stop checking. It reports
// whether checking may go on.
func (v *ReportValidator) Reject(err error) bool { return v.rc.reject(err) }

// Stopped reports whether the error limit or a fatal error ended checking.
func (v *ReportValidator) Stopped() bool { return v.rc.limit.stopped }

// Err returns nil if every row passed, else a *ValidationError.
func (v *ReportValidator) Err() error { return v.rc.limit.err() }

// Aggregates returns the sums of the rows that passed every rule.
func (v *ReportValidator) Aggregates() ReportAggregates { return v.agg.Aggregates() }

func (v *ReportValidator) checkPeriod(line int, r *PeriodRow) bool {
	b, e := r.ReportingPeriodBeginningDate, r.ReportingPeriodEndingDate
	if b.IsZero() || e.IsZero() {
		return true // already a required-field error
	}
	p := &v.period
	if p.Beginning.IsZero() && p.Ending.IsZero() {
		if b.Compare(e) <= 0 {
			p.Beginning, p.Ending = b, e
		}
		return true
	}
	if b == p.Beginning && e == p.Ending {
		return true
	}
	return v.rc.fail(line, r.AssetNumber, periodField(b, p.Beginning), RulePeriodMismatch,
		fmt.Sprintf("period %s to %s differs from the report's period %s to %s", b, e, p.Beginning, p.Ending))
}

func periodField(b, want Date) string {
	if b != want {
		return "reportingPeriodBeginningDate"
	}
	return "reportingPeriodEndingDate"
}

func (v *ReportValidator) checkPrior(line int, r *PeriodRow) bool {
	if v.lookup == nil || r.AssetNumber == "" {
		return true
	}
	prior, ok := v.lookup(r.AssetNumber)
	if !ok {
		return v.rc.fail(line, r.AssetNumber, "assetNumber", RuleUnknownAsset,
			fmt.Sprintf("assetNumber %s is not in the pool", r.AssetNumber))
	}
	if r.ReportingPeriodBeginningLoanBalanceAmount != prior.EndBalance {
		return v.rc.fail(line, r.AssetNumber, "reportingPeriodBeginningLoanBalanceAmount", RuleBalanceContinuity,
			fmt.Sprintf("reportingPeriodBeginningLoanBalanceAmount %s != the loan's previous ending balance %s",
				r.ReportingPeriodBeginningLoanBalanceAmount, prior.EndBalance))
	}
	return true
}

// ValidateReport reads every row of src, checks it and sums the good ones.
// The error is nil or a *ValidationError (or the error of a bad rules
// value).
func ValidateReport(src RowSource[PeriodRow], rules ReportRules) (ReportAggregates, error) {
	v, err := NewReportValidator(rules)
	if err != nil {
		return ReportAggregates{}, err
	}
	drain(src, v.Check, v.Reject)
	return v.Aggregates(), v.Err()
}

// TapeRules configures a TapeValidator.
type TapeRules struct {
	// Cutoff is the tape's cut-off date. Loans that carry
	// reportingPeriodEndingDate must match it; if it is zero, the first
	// such loan's date becomes the cut-off.
	Cutoff Date
	// MaxErrors is how many errors are kept; 0 means DefaultMaxErrors.
	MaxErrors int
	// Skip lists skippable rules not to enforce.
	Skip []string
}

// TapeValidator checks the loans of a cut-off tape as they stream by and
// sums the good ones; see ReportValidator.
type TapeValidator struct {
	rc     recordChecker[Loan]
	cutoff Date
	agg    *TapeAggregator
}

// NewTapeValidator returns a validator, or an error for a bad Skip list.
func NewTapeValidator(rules TapeRules) (*TapeValidator, error) {
	rc, err := newRecordChecker(tapeChecks, rules.MaxErrors, rules.Skip)
	if err != nil {
		return nil, err
	}
	return &TapeValidator{rc: rc, cutoff: rules.Cutoff, agg: NewTapeAggregator()}, nil
}

// Check validates one loan read at line and, if it breaks no rule, adds
// it to the aggregates. It reports whether checking may go on.
func (v *TapeValidator) Check(line int, l Loan) bool {
	if v.rc.limit.stopped {
		return false
	}
	ok := v.rc.run(line, l.AssetNumber, &l)
	ok = v.rc.unique(line, l.AssetNumber) && ok
	if d := l.ReportingPeriodEndingDate; !d.IsZero() {
		if v.cutoff.IsZero() {
			v.cutoff = d
		} else if d != v.cutoff {
			ok = v.rc.fail(line, l.AssetNumber, "reportingPeriodEndingDate", RulePeriodMismatch,
				fmt.Sprintf("cut-off date %s differs from the tape's %s", d, v.cutoff))
		}
	}
	if ok {
		if err := v.agg.Add(l); err != nil {
			v.rc.fail(line, l.AssetNumber, "", RuleOverflow, err.Error())
		}
	}
	return !v.rc.limit.stopped
}

// Reject records an error a reader returned instead of a loan.
func (v *TapeValidator) Reject(err error) bool { return v.rc.reject(err) }

// Stopped reports whether the error limit or a fatal error ended checking.
func (v *TapeValidator) Stopped() bool { return v.rc.limit.stopped }

// Err returns nil if every loan passed, else a *ValidationError.
func (v *TapeValidator) Err() error { return v.rc.limit.err() }

// Aggregates returns the sums of the loans that passed every rule.
func (v *TapeValidator) Aggregates() TapeAggregates { return v.agg.Aggregates() }

// ValidateTape reads every loan of src, checks it and sums the good ones.
func ValidateTape(src RowSource[Loan], rules TapeRules) (TapeAggregates, error) {
	v, err := NewTapeValidator(rules)
	if err != nil {
		return TapeAggregates{}, err
	}
	drain(src, v.Check, v.Reject)
	return v.Aggregates(), v.Err()
}

// drain feeds src to a validator until the end, a fatal error or the
// error limit.
func drain[R Record](src RowSource[R], check func(int, R) bool, reject func(error) bool) {
	for {
		rec, err := src.Read()
		if err == io.EOF {
			return
		}
		more := false
		if err != nil {
			more = reject(err)
		} else {
			more = check(src.Line(), rec)
		}
		if !more {
			return
		}
	}
}

// recordChecker is what both validators share: the record rules, the
// skip list, the error limit and the duplicate check.
type recordChecker[R Record] struct {
	checks []check[R]
	skip   map[string]bool
	limit  errorLimit
	seen   map[string]int // asset number → line of first appearance
}

func newRecordChecker[R Record](checks []check[R], maxErrors int, skip []string) (recordChecker[R], error) {
	if maxErrors < 0 {
		return recordChecker[R]{}, fmt.Errorf("MaxErrors %d is negative", maxErrors)
	}
	if maxErrors == 0 {
		maxErrors = DefaultMaxErrors
	}
	rc := recordChecker[R]{checks: checks, skip: map[string]bool{}, limit: errorLimit{max: maxErrors}, seen: map[string]int{}}
	for _, name := range skip {
		info, ok := ruleInfo(name)
		if !ok {
			return recordChecker[R]{}, fmt.Errorf("skip: no rule %q", name)
		}
		if !info.Skippable {
			return recordChecker[R]{}, fmt.Errorf("skip: rule %s may not be skipped", name)
		}
		rc.skip[name] = true
	}
	return rc, nil
}

// run applies every record rule not skipped and reports whether r passed.
func (c *recordChecker[R]) run(line int, asset string, r *R) bool {
	ok := true
	for _, ch := range c.checks {
		if c.skip[ch.rule] {
			continue
		}
		for _, is := range ch.run(r) {
			ok = false
			c.limit.add(&RowError{Line: line, AssetNumber: asset, Field: is.field, Rule: ch.rule, Msg: is.msg})
		}
	}
	return ok
}

// unique records asset and refuses it if an earlier row had it.
func (c *recordChecker[R]) unique(line int, asset string) bool {
	if asset == "" {
		return true // already a required-field error
	}
	if first, dup := c.seen[asset]; dup {
		return c.fail(line, asset, "assetNumber", RuleDuplicateAsset,
			"assetNumber "+asset+" already appeared on line "+strconv.Itoa(first))
	}
	c.seen[asset] = line
	return true
}

// fail records one error; it always returns false so callers can write
// ok = c.fail(...) in a chain of checks.
func (c *recordChecker[R]) fail(line int, asset, field, rule, msg string) bool {
	c.limit.add(&RowError{Line: line, AssetNumber: asset, Field: field, Rule: rule, Msg: msg})
	return false
}

func (c *recordChecker[R]) reject(err error) bool {
	var re *RowError
	if !errors.As(err, &re) {
		re = readError(0, err)
	}
	return c.limit.add(re)
}
