package loantape

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// issue is one broken rule in one record, before it gets its line.
type issue struct {
	field, msg string
}

// check is one named rule applied to one record on its own. Checks return
// nil when the record passes, so the common case allocates nothing.
type check[R any] struct {
	rule string
	run  func(r *R) []issue
}

// Plausibility bounds. Auto loans run up to 96 months in practice; 144
// leaves room for odd products while still catching a term in days or a
// percent typed as a count. FICO Auto Scores span 250–900.
const (
	maxTermMonths  = 144
	minCreditScore = 250
	maxCreditScore = 900
)

var one = decimal.NewFromInt(1)

// reportChecks are the record rules for servicer-report rows, in the order
// their errors are listed for a row.
var reportChecks = []check[PeriodRow]{
	{RuleRequired, requiredPresent(periodFields)},
	{RuleNegativeAmount, nonNegativeAmounts(periodFields)},
	{RuleRateRange, func(r *PeriodRow) []issue {
		return rateInRange("reportingPeriodInterestRatePercentage", r.ReportingPeriodInterestRatePercentage)
	}},
	{RuleRange, func(r *PeriodRow) []issue {
		return join(
			countInRange("remainingTermToMaturityNumber", r.RemainingTermToMaturityNumber, 0, maxTermMonths, "months"),
			countInRange("currentDelinquencyStatus", r.CurrentDelinquencyStatus, 0, maxCount, "days"))
	}},
	{RulePeriodOrder, func(r *PeriodRow) []issue {
		b, e := r.ReportingPeriodBeginningDate, r.ReportingPeriodEndingDate
		if b.IsZero() || e.IsZero() || b.Compare(e) <= 0 {
			return nil
		}
		return []issue{{"reportingPeriodBeginningDate",
			fmt.Sprintf("reportingPeriodBeginningDate %s is after reportingPeriodEndingDate %s", b, e)}}
	}},
	{RuleBalanceRollforward, func(r *PeriodRow) []issue {
		if want, err := r.ExpectedEndBalance(); err == nil && want == r.ReportingPeriodActualEndBalanceAmount {
			return nil
		}
		msg := fmt.Sprintf("reportingPeriodActualEndBalanceAmount %s != beginning %s − principal %s − charged-off %s − adjustments %s",
			r.ReportingPeriodActualEndBalanceAmount, r.ReportingPeriodBeginningLoanBalanceAmount,
			r.ActualPrincipalCollectedAmount, r.ChargedoffPrincipalAmount, r.OtherPrincipalAdjustmentAmount)
		return []issue{{"reportingPeriodActualEndBalanceAmount", msg}}
	}},
	{RulePaymentSplit, func(r *PeriodRow) []issue {
		sum, err := money.Sum(r.ActualInterestCollectedAmount, r.ActualPrincipalCollectedAmount, r.ActualOtherCollectedAmount)
		if err == nil && sum == r.TotalActualAmountPaid {
			return nil
		}
		return []issue{{"totalActualAmountPaid",
			fmt.Sprintf("totalActualAmountPaid %s != interest %s + principal %s + other %s",
				r.TotalActualAmountPaid, r.ActualInterestCollectedAmount, r.ActualPrincipalCollectedAmount, r.ActualOtherCollectedAmount)}}
	}},
	{RuleZeroBalanceCode, func(r *PeriodRow) []issue {
		if !r.IsZeroBalance() || r.ZeroBalanceCode != "" {
			return nil
		}
		return []issue{{"zeroBalanceCode",
			"zeroBalanceCode is missing although reportingPeriodActualEndBalanceAmount is 0.00"}}
	}},
	{RuleCodeWithBalance, func(r *PeriodRow) []issue {
		if r.IsZeroBalance() || r.ZeroBalanceCode == "" {
			return nil
		}
		return []issue{{"zeroBalanceCode",
			fmt.Sprintf("zeroBalanceCode %q is set although reportingPeriodActualEndBalanceAmount is %s",
				r.ZeroBalanceCode, r.ReportingPeriodActualEndBalanceAmount)}}
	}},
	{RuleChargeoffCode, func(r *PeriodRow) []issue {
		// At zero balance the missing code is already zero-balance-code.
		if r.ChargedoffPrincipalAmount <= 0 || r.ZeroBalanceCode != "" || r.IsZeroBalance() {
			return nil
		}
		return []issue{{"chargedoffPrincipalAmount",
			fmt.Sprintf("chargedoffPrincipalAmount %s is charged off without a zeroBalanceCode", r.ChargedoffPrincipalAmount)}}
	}},
}

// tapeChecks are the record rules for loan-tape rows.
var tapeChecks = []check[Loan]{
	{RuleRequired, requiredPresent(loanFields)},
	{RuleNegativeAmount, nonNegativeAmounts(loanFields)},
	{RuleCutoffBalance, func(l *Loan) []issue {
		if l.ReportingPeriodActualEndBalanceAmount > 0 {
			return nil
		}
		return []issue{{"reportingPeriodActualEndBalanceAmount",
			fmt.Sprintf("reportingPeriodActualEndBalanceAmount %s: a loan on the tape must have a positive balance", l.ReportingPeriodActualEndBalanceAmount)}}
	}},
	{RuleRateRange, func(l *Loan) []issue {
		return join(
			rateInRange("originalInterestRatePercentage", l.OriginalInterestRatePercentage),
			rateInRange("reportingPeriodInterestRatePercentage", l.ReportingPeriodInterestRatePercentage))
	}},
	{RuleRange, func(l *Loan) []issue {
		var score []issue
		if l.ObligorCreditScore != 0 {
			score = countInRange("obligorCreditScore", l.ObligorCreditScore, minCreditScore, maxCreditScore, "")
		}
		return join(
			countInRange("originalLoanTerm", l.OriginalLoanTerm, 1, maxTermMonths, "months"),
			countInRange("remainingTermToMaturityNumber", l.RemainingTermToMaturityNumber, 0, maxTermMonths, "months"),
			countInRange("currentDelinquencyStatus", l.CurrentDelinquencyStatus, 0, maxCount, "days"),
			score)
	}},
	{RuleBalanceOverOrig, func(l *Loan) []issue {
		if l.ReportingPeriodActualEndBalanceAmount <= l.OriginalLoanAmount {
			return nil
		}
		return []issue{{"reportingPeriodActualEndBalanceAmount",
			fmt.Sprintf("reportingPeriodActualEndBalanceAmount %s exceeds originalLoanAmount %s",
				l.ReportingPeriodActualEndBalanceAmount, l.OriginalLoanAmount)}}
	}},
	{RuleTermOverOrig, func(l *Loan) []issue {
		if l.RemainingTermToMaturityNumber <= l.OriginalLoanTerm {
			return nil
		}
		return []issue{{"remainingTermToMaturityNumber",
			fmt.Sprintf("remainingTermToMaturityNumber %d exceeds originalLoanTerm %d", l.RemainingTermToMaturityNumber, l.OriginalLoanTerm)}}
	}},
	{RuleDateOrder, func(l *Loan) []issue {
		o, m := l.OriginationDate, l.LoanMaturityDate
		if o.IsZero() || m.IsZero() || !m.Before(o) {
			return nil
		}
		return []issue{{"loanMaturityDate",
			fmt.Sprintf("loanMaturityDate %s is before originationDate %s", m, o)}}
	}},
}

// requiredPresent catches required strings and dates that are empty in a
// record built by code rather than read from a file (the readers already
// refuse missing elements; numbers cannot be told absent from zero).
func requiredPresent[R any](fs *fieldSet[R]) func(*R) []issue {
	return func(r *R) []issue {
		var out []issue
		for _, f := range fs.fields {
			if f.required && isEmpty(f.at(r)) {
				out = append(out, issue{f.name, f.name + " is required but missing or empty"})
			}
		}
		return out
	}
}

// nonNegativeAmounts refuses negative amounts in every amount field not
// marked signed.
func nonNegativeAmounts[R any](fs *fieldSet[R]) func(*R) []issue {
	return func(r *R) []issue {
		var out []issue
		for _, f := range fs.fields {
			if a, ok := f.at(r).(*money.Amount); ok && !f.signed && *a < 0 {
				out = append(out, issue{f.name, fmt.Sprintf("%s %s is negative", f.name, *a)})
			}
		}
		return out
	}
}

func rateInRange(name string, r decimal.Decimal) []issue {
	if r.Sign() >= 0 && r.LessThan(one) {
		return nil
	}
	return []issue{{name,
		fmt.Sprintf("%s %s is outside [0, 1): rates are fractions (0.0687 for 6.87%%)", name, r)}}
}

func countInRange(name string, n, lo, hi int, unit string) []issue {
	if n >= lo && n <= hi {
		return nil
	}
	if unit != "" {
		unit = " " + unit
	}
	return []issue{{name, fmt.Sprintf("%s %d is outside %d–%d%s", name, n, lo, hi, unit)}}
}

func join(parts ...[]issue) []issue {
	var out []issue
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
