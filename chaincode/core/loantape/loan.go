package loantape

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Loan is one row of a pool's loan tape at cut-off: the static terms of the
// loan plus its state on the cut-off date. Field names are the EX-102
// element names; the state fields (cut-off date, balance, rate, remaining
// term, delinquency) reuse the elements a servicer report carries for the
// cut-off period, so a tape can be cut straight out of the servicer's
// EX-102 file for the cut-off month.
type Loan struct {
	// AssetNumber identifies the loan within the pool; it is the key of
	// the loan everywhere (tape, reports, Merkle leaves).
	AssetNumber    string `json:"assetNumber"`
	OriginatorName string `json:"originatorName"`
	// OriginationDate is the month the loan was made.
	OriginationDate    Month        `json:"originationDate"`
	OriginalLoanAmount money.Amount `json:"originalLoanAmount"`
	// OriginalLoanTerm is in months.
	OriginalLoanTerm int   `json:"originalLoanTerm"`
	LoanMaturityDate Month `json:"loanMaturityDate"`
	// OriginalInterestRatePercentage is the APR at origination as a
	// fraction (0.0687), whatever the element name says.
	OriginalInterestRatePercentage decimal.Decimal `json:"originalInterestRatePercentage"`
	// ObligorGeographicLocation is the obligor's US state code (VT).
	ObligorGeographicLocation string `json:"obligorGeographicLocation"`
	// ObligorCreditScore is 0 when the obligor has no score.
	ObligorCreditScore      int    `json:"obligorCreditScore"`
	VehicleManufacturerName string `json:"vehicleManufacturerName"`
	VehicleModelName        string `json:"vehicleModelName"`
	// VehicleNewUsedCode is "1" for new and "2" for used in the filings
	// read so far; other codes are kept as they come.
	VehicleNewUsedCode string       `json:"vehicleNewUsedCode"`
	VehicleModelYear   int          `json:"vehicleModelYear"`
	VehicleValueAmount money.Amount `json:"vehicleValueAmount"`

	// ReportingPeriodEndingDate is the cut-off date, when the tape says.
	ReportingPeriodEndingDate Date `json:"reportingPeriodEndingDate"`
	// ReportingPeriodActualEndBalanceAmount is the principal balance at
	// cut-off: the amount the pool buys.
	ReportingPeriodActualEndBalanceAmount money.Amount `json:"reportingPeriodActualEndBalanceAmount"`
	// ReportingPeriodInterestRatePercentage is the rate at cut-off (a
	// fraction); it differs from the original rate only for modified loans.
	ReportingPeriodInterestRatePercentage decimal.Decimal `json:"reportingPeriodInterestRatePercentage"`
	// RemainingTermToMaturityNumber is in months at cut-off.
	RemainingTermToMaturityNumber int `json:"remainingTermToMaturityNumber"`
	// CurrentDelinquencyStatus is days past due at cut-off (usually 0:
	// pools rarely buy delinquent loans).
	CurrentDelinquencyStatus int `json:"currentDelinquencyStatus"`
}

// loanFields is the single description of a tape row that the readers,
// writers, canonical encoding and required-field check all work from. The
// order is the order in which EX-102 files list the elements.
var loanFields = newFieldSet([]field[Loan]{
	{name: "assetNumber", required: true, at: func(l *Loan) any { return &l.AssetNumber }},
	{name: "reportingPeriodEndingDate", at: func(l *Loan) any { return &l.ReportingPeriodEndingDate }},
	{name: "originatorName", at: func(l *Loan) any { return &l.OriginatorName }},
	{name: "originationDate", required: true, at: func(l *Loan) any { return &l.OriginationDate }},
	{name: "originalLoanAmount", required: true, at: func(l *Loan) any { return &l.OriginalLoanAmount }},
	{name: "originalLoanTerm", required: true, at: func(l *Loan) any { return &l.OriginalLoanTerm }},
	{name: "loanMaturityDate", required: true, at: func(l *Loan) any { return &l.LoanMaturityDate }},
	{name: "originalInterestRatePercentage", required: true, at: func(l *Loan) any { return &l.OriginalInterestRatePercentage }},
	{name: "vehicleManufacturerName", at: func(l *Loan) any { return &l.VehicleManufacturerName }},
	{name: "vehicleModelName", at: func(l *Loan) any { return &l.VehicleModelName }},
	{name: "vehicleNewUsedCode", at: func(l *Loan) any { return &l.VehicleNewUsedCode }},
	{name: "vehicleModelYear", at: func(l *Loan) any { return &l.VehicleModelYear }},
	{name: "vehicleValueAmount", at: func(l *Loan) any { return &l.VehicleValueAmount }},
	{name: "obligorCreditScore", at: func(l *Loan) any { return &l.ObligorCreditScore }},
	{name: "obligorGeographicLocation", required: true, at: func(l *Loan) any { return &l.ObligorGeographicLocation }},
	{name: "remainingTermToMaturityNumber", required: true, at: func(l *Loan) any { return &l.RemainingTermToMaturityNumber }},
	{name: "reportingPeriodInterestRatePercentage", required: true, at: func(l *Loan) any { return &l.ReportingPeriodInterestRatePercentage }},
	{name: "reportingPeriodActualEndBalanceAmount", required: true, at: func(l *Loan) any { return &l.ReportingPeriodActualEndBalanceAmount }},
	{name: "currentDelinquencyStatus", at: func(l *Loan) any { return &l.CurrentDelinquencyStatus }},
})

// Canonical returns the loan's deterministic encoding: JSON with keys in
// byte order, every field present, amounts and rates as strings ("1234.50",
// "0.0687"), dates in ISO form. The chaincode hashes it into the loan
// tape's Merkle tree, so it must never change for a given loan.
func (l Loan) Canonical() []byte { return loanFields.canonical(&l, nil) }
