package waterfall

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Result is everything one period's waterfall did. Its JSON encoding is
// canonical: the same definition, state and period give the same bytes.
type Result struct {
	DefinitionVersion int `json:"definitionVersion"`
	Period            int `json:"period"`
	// Accelerated says the acceleration priority of payments ran, so
	// Payment.Step indexes Definition.AccelerationSteps.
	Accelerated    bool           `json:"accelerated"`
	AvailableFunds AvailableFunds `json:"availableFunds"`
	// Payments lists every use of available funds in order: fees, interest,
	// principal, reserve deposits, the residual. Lines with nothing due and
	// nothing paid are left out, except the residual line.
	Payments []Payment       `json:"payments"`
	Classes  []ClassResult   `json:"classes"`
	Fees     []FeeResult     `json:"fees"`
	Reserves []ReserveResult `json:"reserves"`
	// Triggers lists the triggers tested this period, in definition order;
	// NewState.Triggers holds the status of all of them.
	Triggers []TriggerResult `json:"triggers"`
	Pool     PoolResult      `json:"pool"`
	// ResidualPaid is what the residual class received.
	ResidualPaid money.Amount `json:"residualPaid"`
	// RoundingResidue is available funds no step took. Every split is exact
	// to the cent and the residual step takes all that is left, so it is
	// zero; it is a named line so that conservation reads
	// AvailableFunds.Total = Σ Payments.Paid + RoundingResidue.
	RoundingResidue money.Amount `json:"roundingResidue"`
	// PaymentDate gives the nominal and adjusted dates under a payment
	// schedule (absent without one).
	PaymentDate *PaymentDateResult `json:"paymentDate,omitempty"`
	// ShiftingInterest shows the senior/subordinate split of principal of
	// a shiftingInterest step (absent without one).
	ShiftingInterest *ShiftingInterestResult `json:"shiftingInterest,omitempty"`
	EventOfDefault   bool                    `json:"eventOfDefault"`
	CleanUpCall      bool                    `json:"cleanUpCall"`
	// PoolSale marks the deal's final period after its pool was sold:
	// each class's WriteDown includes the principal the proceeds did not
	// repay, so its EndingBalance is zero and WrittenDown is its loss.
	PoolSale bool  `json:"poolSale,omitempty"`
	NewState State `json:"newState"`
}

// AvailableFunds lists the sources of cash of the period. Reserve draws and
// releases happen at the step that needs or frees them.
type AvailableFunds struct {
	InterestCollections money.Amount `json:"interestCollections"`
	ScheduledPrincipal  money.Amount `json:"scheduledPrincipal"`
	Prepayments         money.Amount `json:"prepayments"`
	Recoveries          money.Amount `json:"recoveries"`
	ServicerAdvances    money.Amount `json:"servicerAdvances"`
	CleanUpProceeds     money.Amount `json:"cleanUpProceeds"`
	// PoolSaleProceeds is the price of the pool sold in a liquidation.
	PoolSaleProceeds money.Amount `json:"poolSaleProceeds,omitzero"`
	ReserveDraws     money.Amount `json:"reserveDraws"`
	ReserveReleases  money.Amount `json:"reserveReleases"`
	// Lines a deal shows separately when its reports give them (absent
	// when zero); AdvanceReimbursements is taken out of the total.
	Repurchases               money.Amount `json:"repurchases,omitzero"`
	LiquidationProceeds       money.Amount `json:"liquidationProceeds,omitzero"`
	ReserveInvestmentEarnings money.Amount `json:"reserveInvestmentEarnings,omitzero"`
	AdvanceReimbursements     money.Amount `json:"advanceReimbursements,omitzero"`
	Total                     money.Amount `json:"total"`
}

func (f AvailableFunds) sum() money.Amount {
	return f.InterestCollections + f.ScheduledPrincipal + f.Prepayments + f.Recoveries +
		f.ServicerAdvances + f.CleanUpProceeds + f.PoolSaleProceeds + f.ReserveDraws + f.ReserveReleases +
		f.Repurchases + f.LiquidationProceeds + f.ReserveInvestmentEarnings - f.AdvanceReimbursements
}

// Payment is one line of the priority of payments.
type Payment struct {
	// Step is the index of the step in the priority of payments that ran.
	Step    int          `json:"step"`
	Kind    StepKind     `json:"kind"`
	Class   string       `json:"class,omitempty"`
	Fee     string       `json:"fee,omitempty"`
	Account string       `json:"account,omitempty"`
	Due     money.Amount `json:"due"`
	Paid    money.Amount `json:"paid"`
	// Shortfall is Due − Paid.
	Shortfall money.Amount `json:"shortfall"`
}

// ClassResult is one class's interest, principal and balance for the period.
type ClassResult struct {
	Class            string       `json:"class"`
	BeginningBalance money.Amount `json:"beginningBalance"`
	// InterestRate is the coupon applied this period (after floor and cap).
	InterestRate decimal.Decimal `json:"interestRate"`
	// AccrualDays is the day count numerator over a 360-day year.
	AccrualDays int64 `json:"accrualDays"`
	// InterestAccrued is this period's interest on the beginning balance.
	InterestAccrued money.Amount `json:"interestAccrued"`
	// UnpaidInterestBefore was carried in; InterestOnUnpaid accrued on it.
	UnpaidInterestBefore money.Amount `json:"unpaidInterestBefore"`
	InterestOnUnpaid     money.Amount `json:"interestOnUnpaid"`
	InterestDue          money.Amount `json:"interestDue"`
	InterestPaid         money.Amount `json:"interestPaid"`
	// UnpaidInterest is carried to the next period.
	UnpaidInterest money.Amount `json:"unpaidInterest"`
	PrincipalPaid  money.Amount `json:"principalPaid"`
	// WriteDown is this period's loss allocation; WrittenDown the total.
	WriteDown     money.Amount `json:"writeDown"`
	WrittenDown   money.Amount `json:"writtenDown"`
	EndingBalance money.Amount `json:"endingBalance"`
	// Factor is ending balance ÷ original balance, 10 places, truncated.
	Factor       decimal.Decimal `json:"factor"`
	ResidualPaid money.Amount    `json:"residualPaid,omitzero"`
}

// FeeResult is one fee's accrual and payment for the period.
type FeeResult struct {
	Fee          string       `json:"fee"`
	UnpaidBefore money.Amount `json:"unpaidBefore"`
	Accrued      money.Amount `json:"accrued"`
	Paid         money.Amount `json:"paid"`
	Unpaid       money.Amount `json:"unpaid"`
}

// ReserveResult is one reserve account's movements for the period.
type ReserveResult struct {
	Account          string       `json:"account"`
	BeginningBalance money.Amount `json:"beginningBalance"`
	// Target is the required balance after this period's payments.
	Target        money.Amount `json:"target"`
	Deposit       money.Amount `json:"deposit"`
	Draw          money.Amount `json:"draw"`
	Release       money.Amount `json:"release"`
	EndingBalance money.Amount `json:"endingBalance"`
}

// TriggerResult is one trigger test of the period.
type TriggerResult struct {
	Trigger   string          `json:"trigger"`
	Test      TestKind        `json:"test"`
	Value     decimal.Decimal `json:"value"`
	Threshold decimal.Decimal `json:"threshold"`
	// Undefined means the ratio's denominator was zero (no notes, no pool or
	// no interest due): the test passes and Value is zero.
	Undefined bool `json:"undefined,omitempty"`
	// Failed says this period's value fails the test; Breached is the
	// trigger's status, which stays true for a non-curable trigger.
	Failed   bool   `json:"failed"`
	Breached bool   `json:"breached"`
	Cured    bool   `json:"cured"`
	Effect   Effect `json:"effect"`
}

// PoolResult summarises the collateral after the period.
type PoolResult struct {
	BeginningBalance money.Amount `json:"beginningBalance"`
	// EndingBalance is the reported balance; zero after a clean-up call,
	// when the pool has been sold.
	EndingBalance money.Amount    `json:"endingBalance"`
	Factor        decimal.Decimal `json:"factor"`
	// OCTarget is the overcollateralization target (zero without one);
	// Overcollateralization is the ending pool less the notes after
	// payments (negative when undercollateralized).
	OCTarget               money.Amount    `json:"ocTarget"`
	Overcollateralization  money.Amount    `json:"overcollateralization"`
	CumulativeNetLoss      money.Amount    `json:"cumulativeNetLoss"`
	CumulativeNetLossRatio decimal.Decimal `json:"cumulativeNetLossRatio"`
	// Adjusted is the second pool measure of a deal with a yield
	// supplement (absent otherwise); Overcollateralization is then the
	// adjusted pool less the notes.
	Adjusted *AdjustedPool `json:"adjusted,omitempty"`
}

// AdjustedPool is the pool balance less the yield supplement OC amount.
type AdjustedPool struct {
	BeginningYieldSupplement money.Amount `json:"beginningYieldSupplement"`
	EndingYieldSupplement    money.Amount `json:"endingYieldSupplement"`
	BeginningBalance         money.Amount `json:"beginningBalance"`
	EndingBalance            money.Amount `json:"endingBalance"`
}
