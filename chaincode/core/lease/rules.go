package lease

import (
	"slices"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// Lease rule names: stable codes the gateway shows and tests assert.
// Rules that mean the same as an auto-loan rule use loantape's name
// (loantape.RuleRange, RuleRateRange, RuleBalanceContinuity…).
const (
	RuleEquipmentType     = "equipment-type"
	RuleEquipmentCond     = "equipment-condition"
	RuleTermSchedule      = "term-schedule"
	RuleTermMaturity      = "term-maturity"
	RuleResidualOverCost  = "residual-over-cost"
	RuleRemainingTerm     = "remaining-term"
	RuleDiscountedBalance = "discounted-balance"
	RuleDiscountRate      = "discount-rate"
	RuleEndCode           = "lease-end-code"
	RuleEndAmounts        = "lease-end-amounts"
	RulePastDue           = "past-due"
)

var ruleTable = []loantape.RuleInfo{
	{Name: RuleEquipmentType, Doc: "equipmentType is not a code of the equipment table (AG, CON, TRK, MED, TECH, IND, OFF)"},
	{Name: RuleEquipmentCond, Doc: "equipmentCondition is not N (new) or U (used)"},
	{Name: RuleTermSchedule, Doc: "paymentFrequency is not M, Q, S or A, or originalLeaseTerm is not a whole number (1–144 months) of its payment periods, or the scheduled payment is not positive"},
	{Name: RuleTermMaturity, Doc: "leaseMaturityDate ≠ firstPaymentDate + (payments − 1) × months between payments"},
	{Name: RuleResidualOverCost, Doc: "bookedResidualValue exceeds originalEquipmentCost, or the cost is not positive"},
	{Name: RuleRemainingTerm, Doc: "remainingTerm ≠ months from the period's end to leaseMaturityDate (0 once there)"},
	{Name: RuleDiscountedBalance, Doc: "discountedBalance ≠ the present value, at discountRate compounded monthly, of the past-due amount, the remaining scheduled payments and the booked residual, rounded half-up to the cent (0 once the lease ended)"},
	{Name: RuleDiscountRate, Doc: "discountRate is outside [0, 0.5), has more than 8 places, or differs from the deal's"},
	{Name: RuleEndCode, Doc: "leaseEndCode is not M, T or D, or a lease on the cut-off tape has ended"},
	{Name: RuleEndAmounts, Doc: "residualRealisedAmount without M, earlyTerminationAmount without T, or recoveryAmount without D"},
	{Name: RulePastDue, Doc: "pastDueAmount and daysPastDue disagree (one is zero, the other not)"},
}

// Rules lists the lease-specific rules with their documentation. The
// shared ones are documented by loantape.Rules.
func Rules() []loantape.RuleInfo { return slices.Clone(ruleTable) }
