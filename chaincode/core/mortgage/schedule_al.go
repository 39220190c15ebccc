package mortgage

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// ALRow is one loan in one reporting period of a Regulation AB II Schedule
// AL residential-mortgage asset data file: the loan's static terms, the
// borrower and property at origination, and the period's activity. At
// cut-off (no activity, only the ending balance) it is a row of the pool's
// loan tape; afterwards a row of a monthly servicer report. Column names
// are the Schedule AL element names in camel case, in the project's
// loantape conventions: rates as fractions, days past due, amounts rounded
// to the cent.
type ALRow struct {
	AssetNumber        string          `json:"assetNumber"`
	OriginatorName     string          `json:"originatorName"`
	OriginationDate    loantape.Month  `json:"originationDate"`
	OriginalLoanAmount money.Amount    `json:"originalLoanAmount"`
	OriginalLoanTerm   int             `json:"originalLoanTerm"`
	LoanMaturityDate   loantape.Month  `json:"loanMaturityDate"`
	OriginalRate       decimal.Decimal `json:"originalInterestRatePercentage"`
	// OriginalLTV, OriginalCLTV and OriginalDTI are fractions (0.80).
	OriginalLTV         decimal.Decimal `json:"originalLTV"`
	OriginalCLTV        decimal.Decimal `json:"originalCLTV"`
	OriginalDTI         decimal.Decimal `json:"originalDTI"`
	ObligorCreditScore  int             `json:"obligorCreditScore"`
	PropertyState       string          `json:"propertyState"`
	OccupancyStatus     string          `json:"occupancyStatus"`
	LoanPurpose         string          `json:"loanPurpose"`
	ServicingFeeRate    decimal.Decimal `json:"servicingFeePercentage"`
	GuaranteeFeeRate    decimal.Decimal `json:"guaranteeFeePercentage"`
	PeriodBeginningDate loantape.Date   `json:"reportingPeriodBeginningDate"`
	PeriodEndingDate    loantape.Date   `json:"reportingPeriodEndingDate"`
	BeginningBalance    money.Amount    `json:"reportingPeriodBeginningLoanBalanceAmount"`
	ScheduledPrincipal  money.Amount    `json:"scheduledPrincipalAmount"`
	ScheduledInterest   money.Amount    `json:"scheduledInterestAmount"`
	InterestCollected   money.Amount    `json:"actualInterestCollectedAmount"`
	// PrincipalCollected is the regular (amortising) principal paid.
	PrincipalCollected money.Amount `json:"actualPrincipalCollectedAmount"`
	// Curtailment is a partial prepayment; Payoff the principal of a
	// prepayment in full (or a repurchase).
	Curtailment money.Amount `json:"curtailmentAmount"`
	Payoff      money.Amount `json:"payoffAmount"`
	// OtherPrincipalAdjustment is a non-cash change, signed: positive
	// reduces the balance, negative (a capitalised modification) adds.
	OtherPrincipalAdjustment money.Amount    `json:"otherPrincipalAdjustmentAmount"`
	EndingBalance            money.Amount    `json:"reportingPeriodActualEndBalanceAmount"`
	CurrentRate              decimal.Decimal `json:"reportingPeriodInterestRatePercentage"`
	RemainingTerm            int             `json:"remainingTermToMaturityNumber"`
	// DaysPastDue at the end of the period.
	DaysPastDue     int    `json:"currentDelinquencyStatus"`
	ZeroBalanceCode string `json:"zeroBalanceCode"`
	// RemovalUPB is the UPB that left the pool by liquidation (zero-balance
	// codes 02, 03, 09, 15): principal that brings no collection and is
	// the base of the loss.
	RemovalUPB      money.Amount `json:"zeroBalanceRemovalUPB"`
	NetSaleProceeds money.Amount `json:"netSaleProceedsAmount"`
	MIRecoveries    money.Amount `json:"miRecoveriesAmount"`
	OtherRecoveries money.Amount `json:"otherRecoveriesAmount"`
	LossExpenses    money.Amount `json:"lossExpensesAmount"`
	// RealizedLoss is the loss on liquidation, positive: removal UPB +
	// expenses − net sale proceeds − MI and other recoveries.
	RealizedLoss money.Amount `json:"realizedLossAmount"`
}

func alCol(name string, kind Kind, required bool, doc string, at func(r *ALRow) any) column[ALRow] {
	return column[ALRow]{name: name, kind: kind, required: required, doc: doc, at: at}
}

// alLayout is the Schedule AL CSV: read by header, columns in any order.
var alLayout = newLayout("Schedule AL residential", "assetNumber", []column[ALRow]{
	alCol("assetNumber", Text, true, "the loan's identifier", func(r *ALRow) any { return &r.AssetNumber }),
	alCol("originatorName", Text, false, "", func(r *ALRow) any { return &r.OriginatorName }),
	alCol("originationDate", MonthKind, true, "MM/YYYY", func(r *ALRow) any { return &r.OriginationDate }),
	alCol("originalLoanAmount", Amount, true, "", func(r *ALRow) any { return &r.OriginalLoanAmount }),
	alCol("originalLoanTerm", Count, true, "months", func(r *ALRow) any { return &r.OriginalLoanTerm }),
	alCol("loanMaturityDate", MonthKind, true, "MM/YYYY", func(r *ALRow) any { return &r.LoanMaturityDate }),
	alCol("originalInterestRatePercentage", Fraction, true, "fraction", func(r *ALRow) any { return &r.OriginalRate }),
	alCol("originalLTV", Fraction, true, "fraction", func(r *ALRow) any { return &r.OriginalLTV }),
	alCol("originalCLTV", Fraction, false, "fraction; at least originalLTV", func(r *ALRow) any { return &r.OriginalCLTV }),
	alCol("originalDTI", Fraction, false, "fraction", func(r *ALRow) any { return &r.OriginalDTI }),
	alCol("obligorCreditScore", Count, false, "300–850; empty when none", func(r *ALRow) any { return &r.ObligorCreditScore }),
	alCol("propertyState", Text, true, "two-letter state code", func(r *ALRow) any { return &r.PropertyState }),
	alCol("occupancyStatus", Text, true, "P primary, S second home, I investment", func(r *ALRow) any { return &r.OccupancyStatus }),
	alCol("loanPurpose", Text, false, "P purchase, C cash-out refinance, N no cash-out refinance", func(r *ALRow) any { return &r.LoanPurpose }),
	alCol("servicingFeePercentage", Fraction, false, "annual servicing fee rate, fraction", func(r *ALRow) any { return &r.ServicingFeeRate }),
	alCol("guaranteeFeePercentage", Fraction, false, "annual guarantee fee rate, fraction", func(r *ALRow) any { return &r.GuaranteeFeeRate }),
	alCol("reportingPeriodBeginningDate", DateKind, false, "empty on a cut-off tape", func(r *ALRow) any { return &r.PeriodBeginningDate }),
	alCol("reportingPeriodEndingDate", DateKind, true, "", func(r *ALRow) any { return &r.PeriodEndingDate }),
	alCol("reportingPeriodBeginningLoanBalanceAmount", Amount, false, "", func(r *ALRow) any { return &r.BeginningBalance }),
	alCol("scheduledPrincipalAmount", Amount, false, "", func(r *ALRow) any { return &r.ScheduledPrincipal }),
	alCol("scheduledInterestAmount", Amount, false, "", func(r *ALRow) any { return &r.ScheduledInterest }),
	alCol("actualInterestCollectedAmount", Amount, false, "", func(r *ALRow) any { return &r.InterestCollected }),
	alCol("actualPrincipalCollectedAmount", Amount, false, "regular principal paid", func(r *ALRow) any { return &r.PrincipalCollected }),
	alCol("curtailmentAmount", Amount, false, "partial prepayment", func(r *ALRow) any { return &r.Curtailment }),
	alCol("payoffAmount", Amount, false, "principal paid in full", func(r *ALRow) any { return &r.Payoff }),
	{name: "otherPrincipalAdjustmentAmount", kind: Amount, signed: true, doc: "signed: positive reduces the balance", at: func(r *ALRow) any { return &r.OtherPrincipalAdjustment }},
	alCol("reportingPeriodActualEndBalanceAmount", Amount, true, "", func(r *ALRow) any { return &r.EndingBalance }),
	alCol("reportingPeriodInterestRatePercentage", Fraction, true, "fraction", func(r *ALRow) any { return &r.CurrentRate }),
	alCol("remainingTermToMaturityNumber", Count, true, "months", func(r *ALRow) any { return &r.RemainingTerm }),
	alCol("currentDelinquencyStatus", Count, false, "days past due", func(r *ALRow) any { return &r.DaysPastDue }),
	alCol("zeroBalanceCode", Text, false, "GSE codes: 01 prepaid, 02/03/09/15 liquidations, 06/96 repurchases", func(r *ALRow) any { return &r.ZeroBalanceCode }),
	alCol("zeroBalanceRemovalUPB", Amount, false, "UPB removed by liquidation", func(r *ALRow) any { return &r.RemovalUPB }),
	alCol("netSaleProceedsAmount", Amount, false, "", func(r *ALRow) any { return &r.NetSaleProceeds }),
	alCol("miRecoveriesAmount", Amount, false, "", func(r *ALRow) any { return &r.MIRecoveries }),
	alCol("otherRecoveriesAmount", Amount, false, "", func(r *ALRow) any { return &r.OtherRecoveries }),
	alCol("lossExpensesAmount", Amount, false, "liquidation expenses", func(r *ALRow) any { return &r.LossExpenses }),
	alCol("realizedLossAmount", Amount, false, "positive", func(r *ALRow) any { return &r.RealizedLoss }),
})

// ALLayout documents the Schedule AL CSV columns.
func ALLayout() []ColumnInfo { return alLayout.info() }

// ALColumns lists the Schedule AL column names in table order: a header a
// writer may use.
func ALColumns() []string {
	out := make([]string, len(alLayout.columns))
	for i, c := range alLayout.columns {
		out[i] = c.name
	}
	return out
}

func (r ALRow) loanID() string { return r.AssetNumber }

// isLiquidation reports whether the row's zero-balance code realises a loss.
func (r ALRow) isLiquidation() bool {
	_, liq := zeroBalanceCode(r.ZeroBalanceCode)
	return liq
}

// Unscheduled is the period's prepayments: curtailments and payoffs.
func (r ALRow) Unscheduled() money.Amount { return r.Curtailment + r.Payoff }

// ExpectedEndBalance is the roll-forward: beginning − regular principal −
// curtailment − payoff − UPB removed by liquidation − other adjustments.
func (r ALRow) ExpectedEndBalance() (money.Amount, error) {
	return subAll(r.BeginningBalance, r.PrincipalCollected, r.Curtailment, r.Payoff, r.RemovalUPB, r.OtherPrincipalAdjustment)
}

// ExpectedLoss is removal UPB + expenses − net sale proceeds − MI
// recoveries − other recoveries.
func (r ALRow) ExpectedLoss() (money.Amount, error) {
	a, err := r.RemovalUPB.Add(r.LossExpenses)
	if err != nil {
		return 0, err
	}
	return subAll(a, r.NetSaleProceeds, r.MIRecoveries, r.OtherRecoveries)
}

func subAll(a money.Amount, less ...money.Amount) (money.Amount, error) {
	var err error
	for _, l := range less {
		if a, err = a.Sub(l); err != nil {
			return 0, err
		}
	}
	return a, nil
}
