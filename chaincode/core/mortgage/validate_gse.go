package mortgage

import (
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Plausibility bounds for residential mortgages.
const (
	maxMortgageTerm = 480 // 40-year loans exist; anything longer is a typo
	minScore        = 300
	maxScore        = 850
	maxLTVPercent   = 200
	maxDTIPercent   = 65
)

var (
	maxRate = decimal.RequireFromString("0.25") // a note rate of 25% is a percent typed as a fraction
	maxLTV  = decimal.NewFromInt(2)
	maxDTI  = decimal.RequireFromString("0.65")
)

func validOccupancy(s string) bool { return s == "P" || s == "S" || s == "I" }

// OriginationValidator checks GSE origination rows one at a time.
type OriginationValidator struct {
	errs errorList
	seen map[string]int // loan → line
}

// NewOriginationValidator keeps up to maxErrors errors (0: the default).
func NewOriginationValidator(maxErrors int) *OriginationValidator {
	return &OriginationValidator{errs: loantape.NewRowErrors(maxErrors), seen: map[string]int{}}
}

// Check validates one row read at line and reports whether it passed.
func (v *OriginationValidator) Check(line int, o Origination) bool {
	id, ok := o.LoanSequenceNumber, true
	fail := func(field, rule, format string, a ...any) { ok = fail(&v.errs, line, id, field, rule, format, a...) }
	if prev, dup := v.seen[id]; dup {
		fail("loanSequenceNumber", loantape.RuleDuplicateAsset, "loanSequenceNumber %s already appeared on line %d", id, prev)
	} else {
		v.seen[id] = line
	}
	if o.CreditScore != ScoreNotAvailable && (o.CreditScore < minScore || o.CreditScore > maxScore) {
		fail("creditScore", loantape.RuleRange, "creditScore %d is outside %d–%d (9999 when not available)", o.CreditScore, minScore, maxScore)
	}
	if !validOccupancy(o.OccupancyStatus) {
		fail("occupancyStatus", RuleOccupancy, "occupancyStatus %q is not P, S or I", o.OccupancyStatus)
	}
	ltvKnown := o.OriginalLTV != RatioNotAvailable
	switch {
	case ltvKnown && (o.OriginalLTV <= 0 || o.OriginalLTV > maxLTVPercent):
		fail("originalLTV", RuleLTV, "originalLTV %d%% is outside 1–%d%% (999 when not available)", o.OriginalLTV, maxLTVPercent)
	case ltvKnown && o.OriginalCLTV != RatioNotAvailable && o.OriginalCLTV != 0 && o.OriginalCLTV < o.OriginalLTV:
		fail("originalCLTV", RuleLTV, "originalCLTV %d%% is below originalLTV %d%%: the combined ratio includes the first lien", o.OriginalCLTV, o.OriginalLTV)
	}
	if o.OriginalDTI != RatioNotAvailable && (o.OriginalDTI < 0 || o.OriginalDTI > maxDTIPercent) {
		fail("originalDTI", RuleLTV, "originalDTI %d%% is outside 0–%d%% (999 when not available)", o.OriginalDTI, maxDTIPercent)
	}
	if o.OriginalUPB <= 0 {
		fail("originalUPB", loantape.RuleRange, "originalUPB %s must be positive", o.OriginalUPB)
	}
	if r := o.OriginalInterestRate; r.Sign() <= 0 || r.GreaterThanOrEqual(maxRate) {
		fail("originalInterestRate", loantape.RuleRateRange, "originalInterestRate %s%% is outside (0, 25%%)", r.Shift(2))
	}
	if o.OriginalLoanTerm < 1 || o.OriginalLoanTerm > maxMortgageTerm {
		fail("originalLoanTerm", loantape.RuleRange, "originalLoanTerm %d is outside 1–%d months", o.OriginalLoanTerm, maxMortgageTerm)
	} else if want := o.FirstPaymentDate.AddMonths(o.OriginalLoanTerm - 1); want != o.MaturityDate {
		fail("maturityDate", RuleTermMaturity, "maturityDate %s ≠ firstPaymentDate %s + %d months − 1 = %s",
			o.MaturityDate, o.FirstPaymentDate, o.OriginalLoanTerm, want)
	}
	if len(o.PropertyState) != 2 {
		fail("propertyState", loantape.RuleRange, "propertyState %q is not a two-letter state code", o.PropertyState)
	}
	return ok
}

// Reject records a reader error instead of a row.
func (v *OriginationValidator) Reject(err error) { v.errs.Reject(err) }

// Stopped reports whether the error limit or a fatal error ended checking.
func (v *OriginationValidator) Stopped() bool { return v.errs.Stopped() }

// Err is nil when every row passed, else a *loantape.ValidationError.
func (v *OriginationValidator) Err() error { return v.errs.Merge(nil) }

// ValidateOriginations checks every row of src.
func ValidateOriginations(src Source[Origination], maxErrors int) error {
	v := NewOriginationValidator(maxErrors)
	loantape.Drain(src, func(line int, o Origination) { v.Check(line, o) }, v.Reject, v.Stopped)
	return v.Err()
}

// Delinquency is a parsed performance delinquency status.
type Delinquency struct {
	Months  int  // months past due when Known and not REO
	REO     bool // "RA": REO acquisition
	Unknown bool // "XX"
}

// ParseDelinquency reads a GSE delinquency status.
func ParseDelinquency(s string) (Delinquency, bool) {
	switch s {
	case "RA":
		return Delinquency{REO: true}, true
	case "XX":
		return Delinquency{Unknown: true}, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 999 || s[0] == '+' {
		return Delinquency{}, false
	}
	return Delinquency{Months: n}, true
}

// loanHistory is what the performance validator remembers of a loan.
type loanHistory struct {
	month  loantape.Month
	upb    money.Amount
	status Delinquency
	closed bool // a zero-balance row was seen
}

// PerformanceValidator checks a GSE performance file, whose rows list each
// loan's months in order. It remembers the last month of every loan seen
// (O(loans) memory, like the duplicate check of a tape).
type PerformanceValidator struct {
	errs  errorList
	loans map[string]loanHistory
}

// NewPerformanceValidator keeps up to maxErrors errors (0: the default).
func NewPerformanceValidator(maxErrors int) *PerformanceValidator {
	return &PerformanceValidator{errs: loantape.NewRowErrors(maxErrors), loans: map[string]loanHistory{}}
}

// Check validates one row read at line and reports whether it passed. A
// failed row is still remembered as the loan's latest month, so one bad
// month does not make every later month fail too.
func (v *PerformanceValidator) Check(line int, r Performance) bool {
	id, ok := r.LoanSequenceNumber, true
	fail := func(field, rule, format string, a ...any) { ok = fail(&v.errs, line, id, field, rule, format, a...) }
	status, known := ParseDelinquency(r.CurrentLoanDelinquencyStatus)
	if !known {
		fail("currentLoanDelinquencyStatus", RuleDelinquencyCode, "currentLoanDelinquencyStatus %q is not months past due, RA or XX", r.CurrentLoanDelinquencyStatus)
	}
	prior, seen := v.loans[id]
	if seen {
		switch {
		case prior.closed:
			fail("monthlyReportingPeriod", RuleAfterZeroBal, "loan %s reached a zero balance in %s; no month may follow", id, prior.month)
		case r.MonthlyReportingPeriod != prior.month.AddMonths(1):
			fail("monthlyReportingPeriod", RuleMonthSequence, "monthlyReportingPeriod %s does not follow the loan's previous month %s",
				r.MonthlyReportingPeriod, prior.month)
		}
		if known && !prior.status.Unknown && !status.Unknown {
			switch {
			case prior.status.REO && !status.REO:
				fail("currentLoanDelinquencyStatus", RuleDelinquency, "the loan was in REO (RA) last month; status %q cannot follow", r.CurrentLoanDelinquencyStatus)
			case status.REO && !prior.status.REO && prior.status.Months < 2:
				fail("currentLoanDelinquencyStatus", RuleDelinquency, "REO acquisition (RA) follows a loan %d month(s) delinquent; foreclosure needs a serious delinquency", prior.status.Months)
			case !status.REO && !prior.status.REO && status.Months > prior.status.Months+1:
				fail("currentLoanDelinquencyStatus", RuleDelinquency, "delinquency went from %d to %d months in one month", prior.status.Months, status.Months)
			}
		}
		if r.CurrentActualUPB > prior.upb && prior.upb > 0 && r.ModificationFlag != "Y" {
			fail("currentActualUPB", RuleUPBIncrease, "currentActualUPB %s rose from %s without a modification", r.CurrentActualUPB, prior.upb)
		}
	}
	ok = v.checkZeroBalance(line, r) && ok
	v.loans[id] = loanHistory{month: r.MonthlyReportingPeriod, upb: r.CurrentActualUPB, status: status, closed: r.ZeroBalanceCode != ""}
	return ok
}

// checkZeroBalance checks the code against the balance and, on a
// liquidation with known proceeds, the loss identity in the dataset's
// sign convention: actualLossCalculation = net sale proceeds + MI
// recoveries + non-MI recoveries − |expenses| − (removal UPB + delinquent
// accrued interest), negative for a loss.
func (v *PerformanceValidator) checkZeroBalance(line int, r Performance) bool {
	id, code := r.LoanSequenceNumber, r.ZeroBalanceCode
	if code == "" {
		if r.ActualLossCalculation != 0 {
			return fail(&v.errs, line, id, "actualLossCalculation", RuleLossIdentity, "actualLossCalculation %s is reported but the loan has no zero-balance code", r.ActualLossCalculation)
		}
		return true
	}
	known, liquidation := zeroBalanceCode(code)
	if !known {
		return fail(&v.errs, line, id, "zeroBalanceCode", RuleUnknownZBCode, "zeroBalanceCode %q is not a GSE code (01, 02, 03, 06, 09, 15, 96)", code)
	}
	if r.CurrentActualUPB != 0 {
		return fail(&v.errs, line, id, "zeroBalanceCode", loantape.RuleCodeWithBalance, "zeroBalanceCode %s is set although currentActualUPB is %s", code, r.CurrentActualUPB)
	}
	if !liquidation || r.NetSaleProceeds.Flag != "" {
		return true
	}
	expenses := r.Expenses
	if expenses < 0 {
		expenses = -expenses
	}
	recovered, err1 := money.Sum(r.NetSaleProceeds.Amount, r.MIRecoveries, r.NonMIRecoveries)
	owed, err2 := money.Sum(r.ZeroBalanceRemovalUPB, r.DelinquentAccruedInterest, expenses)
	if err1 != nil || err2 != nil {
		return fail(&v.errs, line, id, "actualLossCalculation", loantape.RuleOverflow, "loss components overflow")
	}
	if want := recovered - owed; want != r.ActualLossCalculation {
		return fail(&v.errs, line, id, "actualLossCalculation", RuleLossIdentity,
			"actualLossCalculation %s ≠ net sale proceeds %s + MI %s + non-MI recoveries %s − expenses %s − (removal UPB %s + delinquent interest %s) = %s",
			r.ActualLossCalculation, r.NetSaleProceeds.Amount, r.MIRecoveries, r.NonMIRecoveries, expenses,
			r.ZeroBalanceRemovalUPB, r.DelinquentAccruedInterest, want)
	}
	return true
}

// Reject records a reader error instead of a row.
func (v *PerformanceValidator) Reject(err error) { v.errs.Reject(err) }

// Stopped reports whether the error limit or a fatal error ended checking.
func (v *PerformanceValidator) Stopped() bool { return v.errs.Stopped() }

// Err is nil when every row passed, else a *loantape.ValidationError.
func (v *PerformanceValidator) Err() error { return v.errs.Merge(nil) }

// ValidatePerformance checks every row of src.
func ValidatePerformance(src Source[Performance], maxErrors int) error {
	v := NewPerformanceValidator(maxErrors)
	loantape.Drain(src, func(line int, r Performance) { v.Check(line, r) }, v.Reject, v.Stopped)
	return v.Err()
}
