package mortgage

import (
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// TapeRules configures a TapeValidator.
type TapeRules struct {
	// Cutoff, when set, is the date every row's reportingPeriodEndingDate
	// must carry (the pool's cut-off date).
	Cutoff    loantape.Date
	MaxErrors int
}

// TapeValidator checks the Schedule AL rows of a pool's loan tape at
// cut-off: the mortgage rules here, then loantape's tape rules on the
// projected loan (positive cut-off balance, balance ≤ original, remaining
// term ≤ original, maturity after origination, duplicates, cut-off date).
// Only rows that pass both are summed into the tape aggregates.
type TapeValidator struct {
	errs errorList
	tape *loantape.TapeValidator
}

// NewTapeValidator returns a validator for a tape.
func NewTapeValidator(rules TapeRules) (*TapeValidator, error) {
	// loantape's term and credit-score ranges are auto-loan ranges; the
	// mortgage ones are checked here instead.
	tv, err := loantape.NewTapeValidator(loantape.TapeRules{Cutoff: rules.Cutoff, MaxErrors: rules.MaxErrors, Skip: []string{loantape.RuleRange}})
	if err != nil {
		return nil, err
	}
	return &TapeValidator{errs: loantape.NewRowErrors(rules.MaxErrors), tape: tv}, nil
}

// Check validates one row and reports whether it passed.
func (v *TapeValidator) Check(line int, r ALRow) bool {
	if !checkStatic(&v.errs, line, r) {
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

// ValidateTape checks every row of src and sums the good ones.
func ValidateTape(src Source[ALRow], rules TapeRules) (loantape.TapeAggregates, error) {
	v, err := NewTapeValidator(rules)
	if err != nil {
		return loantape.TapeAggregates{}, err
	}
	loantape.Drain(src, func(line int, r ALRow) { v.Check(line, r) }, v.Reject, v.Stopped)
	return v.Aggregates(), v.Err()
}

// ReportRules configures a ReportValidator.
type ReportRules struct {
	// Period is the report's period; zero takes the first row's.
	Period    loantape.Period
	MaxErrors int
	// Lookup tells what the ledger knows of a loan: ok=false means the
	// pool has no such loan. The beginning balance must equal the prior
	// ending balance (balance-continuity) and delinquency may grow by at
	// most one month (delinquency-progression).
	Lookup func(assetNumber string) (balance loantape.PriorLoan, daysPastDue int, ok bool)
}

// ReportValidator checks the Schedule AL rows of a monthly servicer
// report: the mortgage rules here (UPB roll-forward with curtailments and
// liquidations, payoff vs balance, zero-balance codes, the loss identity,
// delinquency progression), then loantape's report rules on the projected
// row (period, duplicates, continuity, roll-forward, payment split), whose
// validator also sums the report's aggregates.
type ReportValidator struct {
	errs   errorList
	report *loantape.ReportValidator
	lookup func(string) (loantape.PriorLoan, int, bool)
}

// NewReportValidator returns a validator for one report.
func NewReportValidator(rules ReportRules) (*ReportValidator, error) {
	var lookup func(string) (loantape.PriorLoan, bool)
	if rules.Lookup != nil {
		lookup = func(a string) (loantape.PriorLoan, bool) { p, _, ok := rules.Lookup(a); return p, ok }
	}
	rv, err := loantape.NewReportValidator(loantape.ReportRules{Period: rules.Period, MaxErrors: rules.MaxErrors,
		Lookup: lookup, Skip: []string{loantape.RuleRange}})
	if err != nil {
		return nil, err
	}
	return &ReportValidator{errs: loantape.NewRowErrors(rules.MaxErrors), report: rv, lookup: rules.Lookup}, nil
}

// Check validates one row and reports whether it passed.
func (v *ReportValidator) Check(line int, r ALRow) bool {
	ok := checkStatic(&v.errs, line, r)
	ok = checkActivity(&v.errs, line, r) && ok
	if v.lookup != nil && r.AssetNumber != "" {
		if _, dpd, found := v.lookup(r.AssetNumber); found && r.DaysPastDue > dpd+31 {
			ok = fail(&v.errs, line, r.AssetNumber, "currentDelinquencyStatus", RuleDelinquency,
				"currentDelinquencyStatus %d days follows %d days last period: a loan falls at most one month further behind in a month",
				r.DaysPastDue, dpd)
		}
	}
	if !ok {
		return false
	}
	return v.report.Check(line, r.PeriodRow())
}

// Reject records a reader error instead of a row.
func (v *ReportValidator) Reject(err error) { v.errs.Reject(err) }

// Stopped reports whether checking ended.
func (v *ReportValidator) Stopped() bool { return v.errs.Stopped() || v.report.Stopped() }

// Err is nil when every row passed, else a *loantape.ValidationError.
func (v *ReportValidator) Err() error { return v.errs.Merge(v.report.Err()) }

// Aggregates are the sums of the rows that passed.
func (v *ReportValidator) Aggregates() loantape.ReportAggregates { return v.report.Aggregates() }

// ValidateReport checks every row of src and sums the good ones.
func ValidateReport(src Source[ALRow], rules ReportRules) (loantape.ReportAggregates, error) {
	v, err := NewReportValidator(rules)
	if err != nil {
		return loantape.ReportAggregates{}, err
	}
	loantape.Drain(src, func(line int, r ALRow) { v.Check(line, r) }, v.Reject, v.Stopped)
	return v.Aggregates(), v.Err()
}

// checkStatic checks the loan's terms and borrower fields.
func checkStatic(l *errorList, line int, r ALRow) bool {
	id, ok := r.AssetNumber, true
	fail := func(field, rule, format string, a ...any) { ok = fail(l, line, id, field, rule, format, a...) }
	if !validOccupancy(r.OccupancyStatus) {
		fail("occupancyStatus", RuleOccupancy, "occupancyStatus %q is not P, S or I", r.OccupancyStatus)
	}
	switch {
	case r.OriginalLTV.Sign() <= 0 || r.OriginalLTV.GreaterThan(maxLTV):
		fail("originalLTV", RuleLTV, "originalLTV %s is outside (0, 2]: ratios are fractions (0.80 for 80%%)", r.OriginalLTV)
	case !r.OriginalCLTV.IsZero() && r.OriginalCLTV.LessThan(r.OriginalLTV):
		fail("originalCLTV", RuleLTV, "originalCLTV %s is below originalLTV %s: the combined ratio includes the first lien", r.OriginalCLTV, r.OriginalLTV)
	}
	if r.OriginalDTI.Sign() < 0 || r.OriginalDTI.GreaterThan(maxDTI) {
		fail("originalDTI", RuleLTV, "originalDTI %s is outside [0, 0.65]", r.OriginalDTI)
	}
	if r.ObligorCreditScore != 0 && (r.ObligorCreditScore < minScore || r.ObligorCreditScore > maxScore) {
		fail("obligorCreditScore", loantape.RuleRange, "obligorCreditScore %d is outside %d–%d (empty when none)", r.ObligorCreditScore, minScore, maxScore)
	}
	for _, f := range []struct {
		name string
		n    int
		lo   int
	}{{"originalLoanTerm", r.OriginalLoanTerm, 1}, {"remainingTermToMaturityNumber", r.RemainingTerm, 0}} {
		if f.n < f.lo || f.n > maxMortgageTerm {
			fail(f.name, loantape.RuleRange, "%s %d is outside %d–%d months", f.name, f.n, f.lo, maxMortgageTerm)
		}
	}
	if r.DaysPastDue < 0 {
		fail("currentDelinquencyStatus", loantape.RuleRange, "currentDelinquencyStatus %d days is negative", r.DaysPastDue)
	}
	if r.OriginalRate.Sign() <= 0 || r.OriginalRate.GreaterThanOrEqual(maxRate) {
		fail("originalInterestRatePercentage", loantape.RuleRateRange, "originalInterestRatePercentage %s is outside (0, 0.25): rates are fractions", r.OriginalRate)
	}
	if r.CurrentRate.Sign() < 0 || r.CurrentRate.GreaterThanOrEqual(maxRate) {
		fail("reportingPeriodInterestRatePercentage", loantape.RuleRateRange, "reportingPeriodInterestRatePercentage %s is outside [0, 0.25): rates are fractions", r.CurrentRate)
	}
	if len(r.PropertyState) != 2 {
		fail("propertyState", loantape.RuleRange, "propertyState %q is not a two-letter state code", r.PropertyState)
	}
	return ok
}

// checkActivity checks one period's activity: the roll-forward, payoffs,
// zero-balance codes and the loss identity.
func checkActivity(l *errorList, line int, r ALRow) bool {
	id, ok := r.AssetNumber, true
	fail := func(field, rule, format string, a ...any) { ok = fail(l, line, id, field, rule, format, a...) }
	if want, err := r.ExpectedEndBalance(); err != nil || want != r.EndingBalance {
		fail("reportingPeriodActualEndBalanceAmount", loantape.RuleBalanceRollforward,
			"reportingPeriodActualEndBalanceAmount %s ≠ beginning %s − principal %s − curtailment %s − payoff %s − liquidated UPB %s − adjustments %s",
			r.EndingBalance, r.BeginningBalance, r.PrincipalCollected, r.Curtailment, r.Payoff, r.RemovalUPB, r.OtherPrincipalAdjustment)
	}
	if r.Payoff > 0 && r.EndingBalance != 0 {
		fail("payoffAmount", RulePayoffWithBal, "payoffAmount %s is a payment in full but %s remains: report a partial prepayment as curtailmentAmount",
			r.Payoff, r.EndingBalance)
	}
	code := r.ZeroBalanceCode
	known, liquidation := zeroBalanceCode(code)
	switch {
	case code == "" && r.EndingBalance == 0 && r.BeginningBalance != 0:
		fail("zeroBalanceCode", loantape.RuleZeroBalanceCode, "zeroBalanceCode is missing although the loan reached a zero balance")
	case code != "" && !known:
		fail("zeroBalanceCode", RuleUnknownZBCode, "zeroBalanceCode %q is not a GSE code (01, 02, 03, 06, 09, 15, 96)", code)
	case code != "" && r.EndingBalance != 0:
		fail("zeroBalanceCode", loantape.RuleCodeWithBalance, "zeroBalanceCode %s is set although reportingPeriodActualEndBalanceAmount is %s", code, r.EndingBalance)
	}
	if liquidation {
		if want, err := r.ExpectedLoss(); err != nil || want != r.RealizedLoss {
			fail("realizedLossAmount", RuleLossIdentity,
				"realizedLossAmount %s ≠ removed UPB %s + expenses %s − net sale proceeds %s − MI recoveries %s − other recoveries %s = %s",
				r.RealizedLoss, r.RemovalUPB, r.LossExpenses, r.NetSaleProceeds, r.MIRecoveries, r.OtherRecoveries, want)
		}
	} else if r.RemovalUPB != 0 || r.RealizedLoss != 0 {
		fail("zeroBalanceRemovalUPB", RuleLossIdentity,
			"zeroBalanceRemovalUPB %s and realizedLossAmount %s need a liquidation zero-balance code (02, 03, 09, 15), got %q",
			r.RemovalUPB, r.RealizedLoss, code)
	}
	return ok
}
