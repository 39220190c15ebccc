package cardtrust

import (
	"slices"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// Card trust rule names: stable codes the gateway shows and tests assert.
// Rules that mean the same as a loan-tape rule use loantape's name
// (loantape.RuleHeader, RuleMissingColumn, RuleRequired, RuleNumber,
// RuleDate, RuleNegativeAmount, RuleFieldCount, RuleCSVSyntax, RulePeriodOrder).
const (
	RuleReceivablesRollforward = "receivables-rollforward"
	RuleReceivablesContinuity  = "receivables-continuity"
	RuleYieldMismatch          = "portfolio-yield-mismatch"
	RulePaymentRateMismatch    = "payment-rate-mismatch"
	RuleDefaultsOverReceivable = "defaults-exceed-receivables"
	RuleMonthSequence          = "month-sequence"
	RuleTrustMismatch          = "trust-mismatch"
	RuleSellerInterestNegative = "seller-interest-negative"
)

var ruleTable = []loantape.RuleInfo{
	{Name: RuleReceivablesRollforward, Doc: "ending principal receivables ≠ beginning − principal collections − defaulted receivables + new receivables"},
	{Name: RuleReceivablesContinuity, Doc: "beginning principal receivables ≠ the previous month's ending principal receivables"},
	{Name: RuleYieldMismatch, Doc: "portfolioYield ≠ finance-charge collections × 12 / beginning principal receivables, rounded to the places written (at least 4)"},
	{Name: RulePaymentRateMismatch, Doc: "paymentRate ≠ (principal + finance-charge collections) / beginning principal receivables, rounded to the places written (at least 4)"},
	{Name: RuleDefaultsOverReceivable, Doc: "principal collections + defaulted receivables exceed the beginning principal receivables"},
	{Name: RuleMonthSequence, Doc: "reportingMonth is not the month after the previous report's"},
	{Name: RuleTrustMismatch, Doc: "trustId is not the trust's"},
	{Name: RuleSellerInterestNegative, Doc: "the series' adjusted invested amounts exceed the pool's principal receivables"},
}

// Rules lists the card-trust rules with their documentation. The shared
// ones are documented by loantape.Rules.
func Rules() []loantape.RuleInfo { return slices.Clone(ruleTable) }
