package mortgage

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Performance is one row of a GSE monthly performance file: one loan in
// one month. A loan's rows come in month order; the row with a zero-balance
// code is its last and carries the disposition: net sale proceeds,
// recoveries, expenses and the loss they add up to.
type Performance struct {
	LoanSequenceNumber     string         `json:"loanSequenceNumber"`
	MonthlyReportingPeriod loantape.Month `json:"monthlyReportingPeriod"`
	CurrentActualUPB       money.Amount   `json:"currentActualUPB"`
	// CurrentLoanDelinquencyStatus is months past due ("0", "1", "2"...),
	// "RA" (REO acquisition) or "XX" (unknown); see [Delinquency].
	CurrentLoanDelinquencyStatus string `json:"currentLoanDelinquencyStatus"`
	LoanAge                      int    `json:"loanAge"`
	RemainingMonthsToMaturity    int    `json:"remainingMonthsToLegalMaturity"`
	// ModificationFlag is Y in the month of a modification and after.
	ModificationFlag string `json:"modificationFlag"`
	// ZeroBalanceCode says why the balance went to zero (see the
	// ZeroBalance constants); empty while the loan is active.
	ZeroBalanceCode          string          `json:"zeroBalanceCode"`
	ZeroBalanceEffectiveDate loantape.Month  `json:"zeroBalanceEffectiveDate"`
	CurrentInterestRate      decimal.Decimal `json:"currentInterestRate"`
	CurrentDeferredUPB       money.Amount    `json:"currentDeferredUPB"`
	MIRecoveries             money.Amount    `json:"miRecoveries"`
	NetSaleProceeds          Proceeds        `json:"netSaleProceeds"`
	NonMIRecoveries          money.Amount    `json:"nonMIRecoveries"`
	// Expenses are the disposition expenses (legal, preservation, taxes
	// and insurance, miscellaneous). The dataset writes them as a negative
	// number; their magnitude is what the loss identity counts.
	Expenses money.Amount `json:"expenses"`
	// ActualLossCalculation is the loss on disposition, written as the
	// dataset does: negative for a loss.
	ActualLossCalculation money.Amount `json:"actualLossCalculation"`
	// ZeroBalanceRemovalUPB is the UPB when the loan left the pool.
	ZeroBalanceRemovalUPB     money.Amount `json:"zeroBalanceRemovalUPB"`
	DelinquentAccruedInterest money.Amount `json:"delinquentAccruedInterest"`
}

// Zero-balance codes of the GSE files.
const (
	ZeroBalancePrepaid          = "01" // prepaid or matured (voluntary payoff)
	ZeroBalanceThirdPartySale   = "02" // third-party sale at foreclosure
	ZeroBalanceShortSale        = "03" // short sale or charge-off
	ZeroBalanceRepurchase       = "06" // repurchased before disposition
	ZeroBalanceREODisposition   = "09" // REO disposition
	ZeroBalanceReperformingSale = "15" // note sale or reperforming sale
	ZeroBalanceRepurchasedPrior = "96" // removal, repurchase before disposition
)

// zeroBalanceCodes lists every code a performance row may carry and
// whether the disposition realises a loss (so the loss identity applies).
var zeroBalanceCodes = []struct {
	code string
	loss bool
}{
	{ZeroBalancePrepaid, false}, {ZeroBalanceThirdPartySale, true}, {ZeroBalanceShortSale, true},
	{ZeroBalanceRepurchase, false}, {ZeroBalanceREODisposition, true}, {ZeroBalanceReperformingSale, true},
	{ZeroBalanceRepurchasedPrior, false},
}

// zeroBalanceCode reports whether code is known and whether it is a
// liquidation that realises a loss.
func zeroBalanceCode(code string) (known, liquidation bool) {
	for _, z := range zeroBalanceCodes {
		if z.code == code {
			return true, z.loss
		}
	}
	return false, false
}

// performanceLayout is the GSE monthly performance file: 32
// pipe-separated columns, no header; the columns modelled here by position.
var performanceLayout = newLayout("GSE monthly performance", "loanSequenceNumber", []column[Performance]{
	{pos: 1, name: "loanSequenceNumber", kind: Text, required: true, at: func(r *Performance) any { return &r.LoanSequenceNumber }},
	{pos: 2, name: "monthlyReportingPeriod", kind: YearMonth, required: true, doc: "YYYYMM", at: func(r *Performance) any { return &r.MonthlyReportingPeriod }},
	{pos: 3, name: "currentActualUPB", kind: Amount, required: true, at: func(r *Performance) any { return &r.CurrentActualUPB }},
	{pos: 4, name: "currentLoanDelinquencyStatus", kind: Text, required: true, doc: "months past due, RA REO acquisition, XX unknown", at: func(r *Performance) any { return &r.CurrentLoanDelinquencyStatus }},
	{pos: 5, name: "loanAge", kind: Count, at: func(r *Performance) any { return &r.LoanAge }},
	{pos: 6, name: "remainingMonthsToLegalMaturity", kind: Count, at: func(r *Performance) any { return &r.RemainingMonthsToMaturity }},
	{pos: 8, name: "modificationFlag", kind: Text, at: func(r *Performance) any { return &r.ModificationFlag }},
	{pos: 9, name: "zeroBalanceCode", kind: Text, doc: "01 prepaid, 02 third-party sale, 03 short sale, 06/96 repurchase, 09 REO disposition, 15 note sale", at: func(r *Performance) any { return &r.ZeroBalanceCode }},
	{pos: 10, name: "zeroBalanceEffectiveDate", kind: YearMonth, at: func(r *Performance) any { return &r.ZeroBalanceEffectiveDate }},
	{pos: 11, name: "currentInterestRate", kind: Percent, at: func(r *Performance) any { return &r.CurrentInterestRate }},
	{pos: 12, name: "currentDeferredUPB", kind: Amount, at: func(r *Performance) any { return &r.CurrentDeferredUPB }},
	{pos: 14, name: "miRecoveries", kind: Amount, at: func(r *Performance) any { return &r.MIRecoveries }},
	{pos: 15, name: "netSaleProceeds", kind: ProceedsKind, doc: "amount, or C covered / U unknown", at: func(r *Performance) any { return &r.NetSaleProceeds }},
	{pos: 16, name: "nonMIRecoveries", kind: Amount, at: func(r *Performance) any { return &r.NonMIRecoveries }},
	{pos: 17, name: "expenses", kind: Amount, signed: true, doc: "total disposition expenses (negative in the dataset)", at: func(r *Performance) any { return &r.Expenses }},
	{pos: 22, name: "actualLossCalculation", kind: Amount, signed: true, doc: "negative for a loss", at: func(r *Performance) any { return &r.ActualLossCalculation }},
	{pos: 27, name: "zeroBalanceRemovalUPB", kind: Amount, at: func(r *Performance) any { return &r.ZeroBalanceRemovalUPB }},
	{pos: 28, name: "delinquentAccruedInterest", kind: Amount, at: func(r *Performance) any { return &r.DelinquentAccruedInterest }},
})

// PerformanceLayout documents the performance file's modelled columns.
func PerformanceLayout() []ColumnInfo { return performanceLayout.info() }

func (r Performance) loanID() string { return r.LoanSequenceNumber }
