package mortgage

import (
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// TapeLoan projects a cut-off row onto the common loan tape record, from
// which the pool's public aggregates (count, balance, WAC, WAM, score,
// states) are summed exactly as for auto loans. The property state stands
// in for the obligor's location.
func (r ALRow) TapeLoan() loantape.Loan {
	return loantape.Loan{
		AssetNumber:                           r.AssetNumber,
		OriginatorName:                        r.OriginatorName,
		OriginationDate:                       r.OriginationDate,
		OriginalLoanAmount:                    r.OriginalLoanAmount,
		OriginalLoanTerm:                      r.OriginalLoanTerm,
		LoanMaturityDate:                      r.LoanMaturityDate,
		OriginalInterestRatePercentage:        r.OriginalRate,
		ObligorGeographicLocation:             r.PropertyState,
		ObligorCreditScore:                    r.ObligorCreditScore,
		ReportingPeriodEndingDate:             r.PeriodEndingDate,
		ReportingPeriodActualEndBalanceAmount: r.EndingBalance,
		ReportingPeriodInterestRatePercentage: r.CurrentRate,
		RemainingTermToMaturityNumber:         r.RemainingTerm,
		CurrentDelinquencyStatus:              r.DaysPastDue,
	}
}

// PeriodRow projects a monthly row onto the common servicer-report row,
// from which the report's public aggregates and the waterfall's inputs are
// summed. The mapping keeps the mortgage meaning of each amount:
//
//   - scheduled principal is the regular principal collected and
//     prepayments are curtailments plus payoffs (the projection sets
//     scheduledPrincipalAmount to the regular principal collected, so the
//     loantape split gives exactly that);
//   - the UPB removed by liquidation is the period's default
//     (chargedoffPrincipalAmount);
//   - recoveries are the cash a liquidation brings: net sale proceeds + MI
//     and other recoveries − expenses, never below zero; the realised
//     loss is then removal UPB − recoveries (or more, when expenses exceed
//     proceeds).
func (r ALRow) PeriodRow() loantape.PeriodRow {
	principal := r.PrincipalCollected + r.Curtailment + r.Payoff
	recovered := max(0, r.NetSaleProceeds+r.MIRecoveries+r.OtherRecoveries-r.LossExpenses)
	row := loantape.PeriodRow{
		AssetNumber:                               r.AssetNumber,
		ReportingPeriodBeginningDate:              r.PeriodBeginningDate,
		ReportingPeriodEndingDate:                 r.PeriodEndingDate,
		ReportingPeriodBeginningLoanBalanceAmount: r.BeginningBalance,
		ReportingPeriodScheduledPaymentAmount:     r.ScheduledPrincipal + r.ScheduledInterest,
		ScheduledInterestAmount:                   r.ScheduledInterest,
		ScheduledPrincipalAmount:                  r.PrincipalCollected,
		TotalActualAmountPaid:                     r.InterestCollected + principal,
		ActualInterestCollectedAmount:             r.InterestCollected,
		ActualPrincipalCollectedAmount:            principal,
		OtherPrincipalAdjustmentAmount:            r.OtherPrincipalAdjustment,
		ChargedoffPrincipalAmount:                 r.RemovalUPB,
		RecoveredAmount:                           recovered,
		ReportingPeriodActualEndBalanceAmount:     r.EndingBalance,
		CurrentDelinquencyStatus:                  r.DaysPastDue,
		ZeroBalanceCode:                           r.ZeroBalanceCode,
		ReportingPeriodInterestRatePercentage:     r.CurrentRate,
		RemainingTermToMaturityNumber:             r.RemainingTerm,
	}
	if r.ZeroBalanceCode != "" {
		row.ZeroBalanceEffectiveDate = r.PeriodEndingDate.YearMonth()
	}
	return row
}

// Canonical is the row's deterministic encoding (package canon: keys in
// byte order, amounts and rates as strings, dates in ISO form): the bytes
// the pool's Merkle tree commits to, with every mortgage field.
func (r ALRow) Canonical() []byte {
	b, err := canon.Marshal(r)
	if err != nil {
		// Every field is a string, an integer, an amount, a decimal or a
		// date: canonical encoding cannot fail.
		panic("mortgage: canonical encoding: " + err.Error())
	}
	return b
}

// LeafHash is the row's Merkle leaf.
func (r ALRow) LeafHash() [merkle.Size]byte { return merkle.LeafHash(r.Canonical()) }

// Commitment is the Merkle root over rows in the order given, with the
// count and total ending balance it commits to.
type Commitment struct {
	Root    string       `json:"merkleRoot"`
	Count   int          `json:"count"`
	Balance money.Amount `json:"balance"`
}

// Commit streams rows into a Merkle tree (O(log n) memory).
func Commit(rows func(yield func(ALRow) bool)) (Commitment, error) {
	var b merkle.Builder
	var bal money.Amount
	var err error
	for r := range rows {
		b.Add(r.LeafHash())
		if bal, err = bal.Add(r.EndingBalance); err != nil {
			return Commitment{}, err
		}
	}
	return Commitment{Root: merkle.Hex(b.Root()), Count: b.Size(), Balance: bal}, nil
}
