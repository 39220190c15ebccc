package lease

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// errorList is the package's name for loantape's row-error list.
type errorList = loantape.RowErrors

// rowCheck gathers one row's broken rules.
type rowCheck struct {
	l    *errorList
	line int
	id   string
	ok   bool
}

func (c *rowCheck) fail(field, rule, format string, a ...any) {
	c.ok = false
	c.l.Add(&loantape.RowError{Line: c.line, AssetNumber: c.id, Field: field, Rule: rule, Msg: fmt.Sprintf(format, a...)})
}

// checkTerms checks the lease's static terms and its valuation at the
// period's end against the deal's discount rate (when given).
func checkTerms(c *rowCheck, r Row, dealRate *decimal.Decimal) {
	if !knownEquipment(r.EquipmentType) {
		c.fail("equipmentType", RuleEquipmentType, "equipmentType %q is not a code of the equipment table", r.EquipmentType)
	}
	if r.EquipmentCondition != "N" && r.EquipmentCondition != "U" {
		c.fail("equipmentCondition", RuleEquipmentCond, "equipmentCondition %q is not N (new) or U (used)", r.EquipmentCondition)
	}
	if len(r.LesseeState) != 2 {
		c.fail("lesseeState", loantape.RuleRange, "lesseeState %q is not a two-letter state code", r.LesseeState)
	}
	if r.OriginalEquipmentCost <= 0 || r.BookedResidualValue > r.OriginalEquipmentCost {
		c.fail("bookedResidualValue", RuleResidualOverCost, "bookedResidualValue %s exceeds originalEquipmentCost %s (or the cost is not positive)",
			r.BookedResidualValue, r.OriginalEquipmentCost)
	}
	if r.DaysPastDue < 0 {
		c.fail("daysPastDue", loantape.RuleRange, "daysPastDue %d is negative", r.DaysPastDue)
	}
	if (r.PastDue > 0) != (r.DaysPastDue > 0) {
		c.fail("pastDueAmount", RulePastDue, "pastDueAmount %s with daysPastDue %d: both are zero or neither", r.PastDue, r.DaysPastDue)
	}
	if err := checkRate(r.DiscountRate); err != nil {
		c.fail("discountRate", RuleDiscountRate, "discountRate: %v", err)
		return
	}
	if dealRate != nil && !r.DiscountRate.Equal(*dealRate) {
		c.fail("discountRate", RuleDiscountRate, "discountRate %s differs from the deal's %s", r.DiscountRate, *dealRate)
	}
	f := FrequencyMonths(r.PaymentFrequency)
	if f == 0 || r.OriginalLeaseTerm <= 0 || r.OriginalLeaseTerm > MaxLeaseTerm || r.OriginalLeaseTerm%f != 0 || r.ScheduledPaymentAmount <= 0 {
		c.fail("originalLeaseTerm", RuleTermSchedule,
			"originalLeaseTerm %d months with paymentFrequency %q and scheduledPaymentAmount %s: want M, Q, S or A, a whole number of payment periods up to %d months, a positive payment",
			r.OriginalLeaseTerm, r.PaymentFrequency, r.ScheduledPaymentAmount, MaxLeaseTerm)
		return
	}
	maturity := r.FirstPaymentDate.AddMonths(r.OriginalLeaseTerm - f)
	if maturity != r.LeaseMaturityDate {
		c.fail("leaseMaturityDate", RuleTermMaturity, "leaseMaturityDate %s ≠ firstPaymentDate %s + %d payments of %d months (%s)",
			r.LeaseMaturityDate, r.FirstPaymentDate, r.OriginalLeaseTerm/f-1, f, maturity)
	}
	asOf := r.PeriodEndingDate.YearMonth()
	if want := max(0, asOf.MonthsUntil(r.LeaseMaturityDate)); r.EndCode == "" && r.RemainingTerm != want {
		c.fail("remainingTerm", RuleRemainingTerm, "remainingTerm %d ≠ %d months from %s to maturity %s", r.RemainingTerm, want, asOf, r.LeaseMaturityDate)
	}
	if !c.ok {
		return
	}
	switch want, err := r.ExpectedBalance(); {
	case err != nil:
		c.fail("discountedBalance", RuleDiscountedBalance, "discountedBalance: %v", err)
	case want != r.DiscountedBalance:
		c.fail("discountedBalance", RuleDiscountedBalance,
			"discountedBalance %s ≠ %s, the remaining payments, past-due amount and booked residual discounted at %s",
			r.DiscountedBalance, want, r.DiscountRate)
	}
}

// checkEnd checks the lease end code against the amounts that go with it.
func checkEnd(c *rowCheck, r Row) {
	switch r.EndCode {
	case "", EndMatured, EndTerminated, EndDefaulted:
	default:
		c.fail("leaseEndCode", RuleEndCode, "leaseEndCode %q is not M (matured), T (early termination) or D (default)", r.EndCode)
		return
	}
	for _, a := range []struct {
		field, code string
		set         bool
	}{
		{"residualRealisedAmount", EndMatured, r.ResidualRealised > 0},
		{"earlyTerminationAmount", EndTerminated, r.EarlyTerminationAmount > 0},
		{"recoveryAmount", EndDefaulted, r.Recovery > 0},
	} {
		if a.set && r.EndCode != a.code {
			c.fail(a.field, RuleEndAmounts, "%s is set but leaseEndCode is %q, not %s", a.field, r.EndCode, a.code)
		}
	}
}

// TapeRules configures a TapeValidator.
type TapeRules struct {
	// Cutoff, when set, is the date every row's reportingPeriodEndingDate
	// must carry (the pool's cut-off date).
	Cutoff loantape.Date
	// DiscountRate, when set, is the deal's rate every row must carry.
	DiscountRate *decimal.Decimal
	MaxErrors    int
}

// skipped are loantape rules a lease replaces: a discounted balance may
// exceed the equipment cost when the discount rate is below the lease's
// implicit rate (residual-over-cost bounds the cost side instead).
var skipped = []string{loantape.RuleBalanceOverOrig}

// TapeValidator checks the rows of a pool's lease tape at cut-off: the
// lease rules here, then loantape's tape rules on the projected loan
// (positive balance, duplicates, cut-off date). Only rows that pass both
// are summed into the tape aggregates.
type TapeValidator struct {
	errs  errorList
	tape  *loantape.TapeValidator
	rules TapeRules
}

// NewTapeValidator returns a validator for a tape.
func NewTapeValidator(rules TapeRules) (*TapeValidator, error) {
	tv, err := loantape.NewTapeValidator(loantape.TapeRules{Cutoff: rules.Cutoff, MaxErrors: rules.MaxErrors, Skip: skipped})
	if err != nil {
		return nil, err
	}
	return &TapeValidator{errs: loantape.NewRowErrors(rules.MaxErrors), tape: tv, rules: rules}, nil
}

// Check validates one row and reports whether it passed.
func (v *TapeValidator) Check(line int, r Row) bool {
	c := &rowCheck{l: &v.errs, line: line, id: r.AssetNumber, ok: true}
	if r.EndCode != "" {
		c.fail("leaseEndCode", RuleEndCode, "leaseEndCode %q on the cut-off tape: a lease that has ended is not in the pool", r.EndCode)
	}
	checkTerms(c, r, v.rules.DiscountRate)
	if !c.ok {
		return false
	}
	return v.tape.Check(line, r.TapeLoan())
}

// Reject records a reader error instead of a row.
func (v *TapeValidator) Reject(err error) { v.errs.Reject(err) }

// Stopped reports whether checking ended.
func (v *TapeValidator) Stopped() bool { return v.errs.Stopped() || v.tape.Stopped() }

// Err is nil when every row passed, else a *loantape.ValidationError.
func (v *TapeValidator) Err() error { return v.errs.Merge(v.tape.Err()) }

// Aggregates are the sums of the rows that passed.
func (v *TapeValidator) Aggregates() loantape.TapeAggregates { return v.tape.Aggregates() }

// ReportRules configures a ReportValidator.
type ReportRules struct {
	// Period is the report's period; zero takes the first row's.
	Period       loantape.Period
	DiscountRate *decimal.Decimal
	MaxErrors    int
	// Lookup tells the lease's discounted balance at the end of the last
	// period; ok=false means the pool has no such lease.
	Lookup func(assetNumber string) (loantape.PriorLoan, bool)
}

// ReportValidator checks the rows of a monthly servicer report: the lease
// rules here (terms, valuation, end codes), then loantape's report rules
// on the projected row (period, duplicates, continuity of the discounted
// balance), whose validator also sums the report's aggregates.
type ReportValidator struct {
	errs     errorList
	report   *loantape.ReportValidator
	rules    ReportRules
	residual ResidualSummary
}

// NewReportValidator returns a validator for one report.
func NewReportValidator(rules ReportRules) (*ReportValidator, error) {
	rv, err := loantape.NewReportValidator(loantape.ReportRules{Period: rules.Period, MaxErrors: rules.MaxErrors,
		Lookup: rules.Lookup, Skip: skipped})
	if err != nil {
		return nil, err
	}
	return &ReportValidator{errs: loantape.NewRowErrors(rules.MaxErrors), report: rv, rules: rules}, nil
}

// Check validates one row and reports whether it passed.
func (v *ReportValidator) Check(line int, r Row) bool {
	c := &rowCheck{l: &v.errs, line: line, id: r.AssetNumber, ok: true}
	checkEnd(c, r)
	checkTerms(c, r, v.rules.DiscountRate)
	if !c.ok || !v.report.Check(line, r.PeriodRow()) {
		return false
	}
	v.residual.Add(r)
	return true
}

// Reject records a reader error instead of a row.
func (v *ReportValidator) Reject(err error) { v.errs.Reject(err) }

// Stopped reports whether checking ended.
func (v *ReportValidator) Stopped() bool { return v.errs.Stopped() || v.report.Stopped() }

// Err is nil when every row passed, else a *loantape.ValidationError.
func (v *ReportValidator) Err() error { return v.errs.Merge(v.report.Err()) }

// Aggregates are the sums of the rows that passed.
func (v *ReportValidator) Aggregates() loantape.ReportAggregates { return v.report.Aggregates() }

// Residuals is the residual realisation of the rows that passed.
func (v *ReportValidator) Residuals() ResidualSummary { return v.residual }

// ValidateTape checks every row of src and sums the good ones.
func ValidateTape(src *Reader, rules TapeRules) (loantape.TapeAggregates, error) {
	v, err := NewTapeValidator(rules)
	if err != nil {
		return loantape.TapeAggregates{}, err
	}
	loantape.Drain(src, func(line int, r Row) { v.Check(line, r) }, v.Reject, v.Stopped)
	return v.Aggregates(), v.Err()
}

// ValidateReport checks every row of src and sums the good ones.
func ValidateReport(src *Reader, rules ReportRules) (loantape.ReportAggregates, ResidualSummary, error) {
	v, err := NewReportValidator(rules)
	if err != nil {
		return loantape.ReportAggregates{}, ResidualSummary{}, err
	}
	loantape.Drain(src, func(line int, r Row) { v.Check(line, r) }, v.Reject, v.Stopped)
	return v.Aggregates(), v.Residuals(), v.Err()
}
