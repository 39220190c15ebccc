package mortgage

import (
	"slices"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// Mortgage rule names: stable codes the gateway shows and tests assert.
// Rules that mean the same as an auto-loan rule use loantape's name
// (loantape.RuleBalanceRollforward, RuleCodeWithBalance, RuleZeroBalanceCode,
// RuleRange, RuleRateRange, RuleDuplicateAsset, RuleBalanceContinuity…).
const (
	RuleOccupancy       = "occupancy-code"
	RuleLTV             = "ltv-cltv"
	RuleTermMaturity    = "term-maturity"
	RuleDelinquency     = "delinquency-progression"
	RuleUnknownZBCode   = "unknown-zero-balance-code"
	RuleLossIdentity    = "loss-identity"
	RuleMonthSequence   = "month-sequence"
	RuleAfterZeroBal    = "after-zero-balance"
	RuleUPBIncrease     = "upb-increase"
	RulePayoffWithBal   = "payoff-with-balance"
	RuleDelinquencyCode = "delinquency-code"
)

var ruleTable = []loantape.RuleInfo{
	{Name: RuleOccupancy, Doc: "occupancyStatus is not P (primary residence), S (second home) or I (investment property)"},
	{Name: RuleLTV, Doc: "LTV outside (0, 200%], CLTV below LTV, or DTI outside [0, 65%]"},
	{Name: RuleTermMaturity, Doc: "maturity date ≠ first payment date + original term − 1 month (GSE origination)"},
	{Name: RuleDelinquency, Doc: "delinquency rose by more than one month since the loan's previous month, or a loan in REO reported a payment status"},
	{Name: RuleDelinquencyCode, Doc: "currentLoanDelinquencyStatus is not a number of months, RA or XX"},
	{Name: RuleUnknownZBCode, Doc: "zeroBalanceCode is not one of 01, 02, 03, 06, 09, 15, 96"},
	{Name: RuleLossIdentity, Doc: "on a liquidation, loss ≠ UPB removed + expenses (+ delinquent interest) − net sale proceeds − recoveries; or a loss reported without a liquidation"},
	{Name: RuleMonthSequence, Doc: "a loan's performance rows are not consecutive months"},
	{Name: RuleAfterZeroBal, Doc: "a row follows the loan's zero-balance row"},
	{Name: RuleUPBIncrease, Doc: "UPB rose from the previous month without a modification (ModificationFlag Y)"},
	{Name: RulePayoffWithBal, Doc: "payoffAmount is set but the loan still has a balance (a curtailment goes in curtailmentAmount)"},
}

// Rules lists the mortgage-specific rules with their documentation. The
// shared ones are documented by loantape.Rules.
func Rules() []loantape.RuleInfo { return slices.Clone(ruleTable) }
