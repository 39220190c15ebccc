package lease

import (
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// TapeLoan projects a cut-off row onto the common loan tape record, from
// which the pool's public aggregates (count, balance, WAM, states) are
// summed as for auto loans. The balance is the discounted balance, the
// "original amount" the equipment cost, the rate the discount rate (a
// lease has no note rate), origination the month before the first payment
// period began.
func (r Row) TapeLoan() loantape.Loan {
	return loantape.Loan{
		AssetNumber:                           r.AssetNumber,
		OriginatorName:                        r.OriginatorName,
		OriginationDate:                       r.FirstPaymentDate.AddMonths(-FrequencyMonths(r.PaymentFrequency)),
		OriginalLoanAmount:                    r.OriginalEquipmentCost,
		OriginalLoanTerm:                      r.OriginalLeaseTerm,
		LoanMaturityDate:                      r.LeaseMaturityDate,
		OriginalInterestRatePercentage:        r.DiscountRate,
		ObligorGeographicLocation:             r.LesseeState,
		ReportingPeriodEndingDate:             r.PeriodEndingDate,
		ReportingPeriodActualEndBalanceAmount: r.DiscountedBalance,
		ReportingPeriodInterestRatePercentage: r.DiscountRate,
		RemainingTermToMaturityNumber:         r.RemainingTerm,
		CurrentDelinquencyStatus:              r.DaysPastDue,
	}
}

// Split is how a period's change in a lease's discounted balance and its
// cash divide into the common report's lines.
type Split struct {
	// Principal is the part of the decline in discounted balance paid in
	// cash; Scheduled is the part of it from rent and matured residuals,
	// the rest (of a buyout) a prepayment.
	Principal money.Amount
	Scheduled money.Amount
	// Interest is the rest of the cash: the discount earned, and a
	// residual gain over the booked value.
	Interest money.Amount
	// ChargedOff is the decline no cash paid: a defaulted lease's balance,
	// a residual loss (booked − realised), a buyout's shortfall.
	ChargedOff money.Amount
	// Adjustment is the rest of the change, signed (positive reduces the
	// balance): the discount's accretion in a month with no payment due
	// is negative.
	Adjustment money.Amount
}

// Cash is what the lease brought this period apart from recoveries: rent,
// a buyout, a residual realised.
func (r Row) Cash() money.Amount {
	return r.PaymentMade + r.EarlyTerminationAmount + r.ResidualRealised
}

// Split divides the period's decline (beginning − discounted balance)
// and cash. By construction beginning − principal − charged off −
// adjustment = ending, and principal + interest = cash.
func (r Row) Split() Split {
	decline := r.BeginningBalance - r.DiscountedBalance
	cash := r.Cash()
	var off money.Amount
	switch r.EndCode {
	case EndMatured:
		off = min(max(0, -r.ResidualResult()), max(0, decline))
	case EndDefaulted:
		off = max(0, decline-r.PaymentMade)
	case EndTerminated:
		off = max(0, decline-cash)
	}
	principal := min(max(0, decline-off), cash)
	s := Split{Principal: principal, Interest: cash - principal, ChargedOff: off, Adjustment: decline - off - principal}
	s.Scheduled = principal
	if r.EndCode == EndTerminated {
		s.Scheduled = min(principal, r.PaymentMade)
	}
	return s
}

// Zero-balance codes of the projection (loantape's hints).
var endZeroBalance = map[string]string{
	EndMatured:    loantape.ZeroBalancePrepaidOrMatured,
	EndTerminated: loantape.ZeroBalancePrepaidOrMatured,
	EndDefaulted:  loantape.ZeroBalanceChargedOff,
}

// PeriodRow projects a monthly row onto the common servicer-report row,
// from which the report's aggregates and the waterfall's inputs are
// summed: the balances are discounted balances, so the pool's principal
// is the decline in the discounted pool balance ([Row.Split]).
func (r Row) PeriodRow() loantape.PeriodRow {
	s := r.Split()
	row := loantape.PeriodRow{
		AssetNumber:                               r.AssetNumber,
		ReportingPeriodBeginningDate:              r.PeriodBeginningDate,
		ReportingPeriodEndingDate:                 r.PeriodEndingDate,
		ReportingPeriodBeginningLoanBalanceAmount: r.BeginningBalance,
		ReportingPeriodScheduledPaymentAmount:     r.ScheduledPaymentAmount,
		ScheduledPrincipalAmount:                  s.Scheduled,
		TotalActualAmountPaid:                     s.Principal + s.Interest,
		ActualInterestCollectedAmount:             s.Interest,
		ActualPrincipalCollectedAmount:            s.Principal,
		OtherPrincipalAdjustmentAmount:            s.Adjustment,
		ChargedoffPrincipalAmount:                 s.ChargedOff,
		RecoveredAmount:                           r.Recovery,
		ReportingPeriodActualEndBalanceAmount:     r.DiscountedBalance,
		CurrentDelinquencyStatus:                  r.DaysPastDue,
		ZeroBalanceCode:                           endZeroBalance[r.EndCode],
		ReportingPeriodInterestRatePercentage:     r.DiscountRate,
		RemainingTermToMaturityNumber:             r.RemainingTerm,
	}
	if r.EndCode != "" {
		row.ZeroBalanceEffectiveDate = r.PeriodEndingDate.YearMonth()
	}
	return row
}

// Canonical is the row's deterministic encoding (package canon): the
// bytes the pool's Merkle tree commits to, with every lease field.
func (r Row) Canonical() []byte {
	b, err := canon.Marshal(r)
	if err != nil {
		// Every field is a string, an integer, an amount, a decimal or a
		// date: canonical encoding cannot fail.
		panic("lease: canonical encoding: " + err.Error())
	}
	return b
}

// LeafHash is the row's Merkle leaf.
func (r Row) LeafHash() [merkle.Size]byte { return merkle.LeafHash(r.Canonical()) }

// Commitment is the Merkle root over rows in the order given, with the
// count and the discounted pool balance it commits to.
type Commitment struct {
	Root    string       `json:"merkleRoot"`
	Count   int          `json:"count"`
	Balance money.Amount `json:"discountedPoolBalance"`
}

// Commit streams rows into a Merkle tree (O(log n) memory).
func Commit(rows func(yield func(Row) bool)) (Commitment, error) {
	var b merkle.Builder
	var bal money.Amount
	var err error
	for r := range rows {
		b.Add(r.LeafHash())
		if bal, err = bal.Add(r.DiscountedBalance); err != nil {
			return Commitment{}, err
		}
	}
	return Commitment{Root: merkle.Hex(b.Root()), Count: b.Size(), Balance: bal}, nil
}
