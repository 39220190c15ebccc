package loantape

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Zero-balance codes as the published analyses of EX-102 filings read
// them. They are hints, not a closed list: rows keep whatever code the
// servicer sent, and only "is there a code at all" is ever checked.
const (
	ZeroBalancePrepaidOrMatured     = "1"
	ZeroBalanceThirdPartySale       = "2"
	ZeroBalanceRepurchasedOrReplace = "3"
	ZeroBalanceChargedOff           = "4"
)

// PeriodRow is one loan's line in a monthly servicer report. Field names
// are the EX-102 element names. Optional amounts that are absent are zero.
type PeriodRow struct {
	AssetNumber                  string `json:"assetNumber"`
	ReportingPeriodBeginningDate Date   `json:"reportingPeriodBeginningDate"`
	ReportingPeriodEndingDate    Date   `json:"reportingPeriodEndingDate"`

	// ReportingPeriodBeginningLoanBalanceAmount is the principal balance
	// at the start of the period: last period's ending balance.
	ReportingPeriodBeginningLoanBalanceAmount money.Amount `json:"reportingPeriodBeginningLoanBalanceAmount"`
	// NextReportingPeriodPaymentAmountDue is what the obligor owes next
	// period, arrears included.
	NextReportingPeriodPaymentAmountDue money.Amount `json:"nextReportingPeriodPaymentAmountDue"`
	// ReportingPeriodScheduledPaymentAmount is this period's instalment.
	ReportingPeriodScheduledPaymentAmount money.Amount `json:"reportingPeriodScheduledPaymentAmount"`
	ScheduledInterestAmount               money.Amount `json:"scheduledInterestAmount"`
	// ScheduledPrincipalAmount is the principal due this period; it
	// decides how much of the principal collected was a prepayment.
	ScheduledPrincipalAmount money.Amount `json:"scheduledPrincipalAmount"`

	// TotalActualAmountPaid is everything the obligor paid: interest +
	// principal + other (rule payment-split).
	TotalActualAmountPaid          money.Amount `json:"totalActualAmountPaid"`
	ActualInterestCollectedAmount  money.Amount `json:"actualInterestCollectedAmount"`
	ActualPrincipalCollectedAmount money.Amount `json:"actualPrincipalCollectedAmount"`
	// ActualOtherCollectedAmount is fees and other non-principal,
	// non-interest cash.
	ActualOtherCollectedAmount money.Amount `json:"actualOtherCollectedAmount"`
	// OtherPrincipalAdjustmentAmount is a non-cash change of principal
	// (the only amount that may be negative): positive reduces the balance.
	OtherPrincipalAdjustmentAmount money.Amount `json:"otherPrincipalAdjustmentAmount"`
	// ChargedoffPrincipalAmount is principal written off this period.
	ChargedoffPrincipalAmount money.Amount `json:"chargedoffPrincipalAmount"`
	// RecoveredAmount is cash recovered on earlier charge-offs.
	RecoveredAmount money.Amount `json:"recoveredAmount"`
	// RepossessedProceedsAmount is liquidation proceeds of a repossessed
	// vehicle, when the servicer reports them apart from recoveries.
	RepossessedProceedsAmount money.Amount `json:"repossessedProceedsAmount"`

	// ReportingPeriodActualEndBalanceAmount is the principal balance at
	// the end of the period (rule balance-rollforward).
	ReportingPeriodActualEndBalanceAmount money.Amount `json:"reportingPeriodActualEndBalanceAmount"`
	// CurrentDelinquencyStatus is days past due at the end of the period.
	CurrentDelinquencyStatus int `json:"currentDelinquencyStatus"`
	// ZeroBalanceCode says why the balance reached zero; present only then.
	ZeroBalanceCode string `json:"zeroBalanceCode"`
	// ZeroBalanceEffectiveDate is the month the balance reached zero.
	ZeroBalanceEffectiveDate Month `json:"zeroBalanceEffectiveDate"`
	// ReportingPeriodInterestRatePercentage is the current rate (fraction).
	ReportingPeriodInterestRatePercentage decimal.Decimal `json:"reportingPeriodInterestRatePercentage"`
	// RemainingTermToMaturityNumber is in months after this period.
	RemainingTermToMaturityNumber int `json:"remainingTermToMaturityNumber"`
}

// periodFields describes a report row for the readers, writers, canonical
// encoding and checks, in EX-102 element order.
var periodFields = newFieldSet([]field[PeriodRow]{
	{name: "assetNumber", required: true, at: func(r *PeriodRow) any { return &r.AssetNumber }},
	{name: "reportingPeriodBeginningDate", required: true, at: func(r *PeriodRow) any { return &r.ReportingPeriodBeginningDate }},
	{name: "reportingPeriodEndingDate", required: true, at: func(r *PeriodRow) any { return &r.ReportingPeriodEndingDate }},
	{name: "remainingTermToMaturityNumber", required: true, at: func(r *PeriodRow) any { return &r.RemainingTermToMaturityNumber }},
	{name: "reportingPeriodBeginningLoanBalanceAmount", required: true, at: func(r *PeriodRow) any { return &r.ReportingPeriodBeginningLoanBalanceAmount }},
	{name: "nextReportingPeriodPaymentAmountDue", at: func(r *PeriodRow) any { return &r.NextReportingPeriodPaymentAmountDue }},
	{name: "reportingPeriodInterestRatePercentage", required: true, at: func(r *PeriodRow) any { return &r.ReportingPeriodInterestRatePercentage }},
	{name: "scheduledInterestAmount", at: func(r *PeriodRow) any { return &r.ScheduledInterestAmount }},
	{name: "scheduledPrincipalAmount", required: true, at: func(r *PeriodRow) any { return &r.ScheduledPrincipalAmount }},
	{name: "otherPrincipalAdjustmentAmount", signed: true, at: func(r *PeriodRow) any { return &r.OtherPrincipalAdjustmentAmount }},
	{name: "reportingPeriodActualEndBalanceAmount", required: true, at: func(r *PeriodRow) any { return &r.ReportingPeriodActualEndBalanceAmount }},
	{name: "reportingPeriodScheduledPaymentAmount", at: func(r *PeriodRow) any { return &r.ReportingPeriodScheduledPaymentAmount }},
	{name: "totalActualAmountPaid", required: true, at: func(r *PeriodRow) any { return &r.TotalActualAmountPaid }},
	{name: "actualInterestCollectedAmount", required: true, at: func(r *PeriodRow) any { return &r.ActualInterestCollectedAmount }},
	{name: "actualPrincipalCollectedAmount", required: true, at: func(r *PeriodRow) any { return &r.ActualPrincipalCollectedAmount }},
	{name: "actualOtherCollectedAmount", at: func(r *PeriodRow) any { return &r.ActualOtherCollectedAmount }},
	{name: "currentDelinquencyStatus", required: true, at: func(r *PeriodRow) any { return &r.CurrentDelinquencyStatus }},
	{name: "zeroBalanceCode", at: func(r *PeriodRow) any { return &r.ZeroBalanceCode }},
	{name: "chargedoffPrincipalAmount", at: func(r *PeriodRow) any { return &r.ChargedoffPrincipalAmount }},
	{name: "recoveredAmount", at: func(r *PeriodRow) any { return &r.RecoveredAmount }},
	{name: "repossessedProceedsAmount", at: func(r *PeriodRow) any { return &r.RepossessedProceedsAmount }},
	{name: "zeroBalanceEffectiveDate", at: func(r *PeriodRow) any { return &r.ZeroBalanceEffectiveDate }},
})

// Canonical returns the row's deterministic encoding: JSON with keys in
// byte order, every field present, amounts and rates as strings, dates in
// ISO form. The chaincode hashes it into the report's Merkle tree.
func (r PeriodRow) Canonical() []byte { return periodFields.canonical(&r, nil) }

// ScheduledPrincipalCollected is the part of the principal collected that
// was due this period: the collection up to ScheduledPrincipalAmount.
func (r PeriodRow) ScheduledPrincipalCollected() money.Amount {
	return money.Max(0, money.Min(r.ActualPrincipalCollectedAmount, r.ScheduledPrincipalAmount))
}

// UnscheduledPrincipalCollected is the prepayment: principal collected
// above ScheduledPrincipalAmount (payoffs and curtailments).
func (r PeriodRow) UnscheduledPrincipalCollected() money.Amount {
	return r.ActualPrincipalCollectedAmount - r.ScheduledPrincipalCollected()
}

// ExpectedEndBalance is the ending balance the roll-forward identity
// demands: beginning − principal collected − charged off − other
// adjustments. The error is money.ErrOverflow for absurd inputs.
func (r PeriodRow) ExpectedEndBalance() (money.Amount, error) {
	b := r.ReportingPeriodBeginningLoanBalanceAmount
	var err error
	for _, less := range [...]money.Amount{r.ActualPrincipalCollectedAmount, r.ChargedoffPrincipalAmount, r.OtherPrincipalAdjustmentAmount} {
		if b, err = b.Sub(less); err != nil {
			return 0, err
		}
	}
	return b, nil
}

// IsZeroBalance reports whether the loan ended the period at zero.
func (r PeriodRow) IsZeroBalance() bool { return r.ReportingPeriodActualEndBalanceAmount == 0 }
