package cardtrust

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// minRatePlaces is the fewest decimal places a reported rate is checked
// to: 0.0001 is a hundredth of a percent, as trustee reports print rates.
const minRatePlaces = 4

var twelve = decimal.NewFromInt(12)

// Yield is finance-charge collections × 12 / beginning principal
// receivables, to places decimal places (half-up); zero for an empty pool.
func Yield(r *Report, places int32) decimal.Decimal {
	return ratio(r.FinanceChargeCollections.Decimal().Mul(twelve), r.BeginningPrincipalReceivables, places)
}

// PaymentRate is (principal + finance-charge collections) / beginning
// principal receivables, to places decimal places (half-up).
func PaymentRate(r *Report, places int32) decimal.Decimal {
	return ratio((r.PrincipalCollections + r.FinanceChargeCollections).Decimal(), r.BeginningPrincipalReceivables, places)
}

// NetLossRate is (defaulted receivables − recoveries) × 12 / beginning
// principal receivables, annualized, to places decimal places (half-up).
func NetLossRate(r *Report, places int32) decimal.Decimal {
	return ratio(r.NetLosses().Decimal().Mul(twelve), r.BeginningPrincipalReceivables, places)
}

func ratio(num decimal.Decimal, den money.Amount, places int32) decimal.Decimal {
	if den == 0 {
		return decimal.Zero
	}
	return num.DivRound(den.Decimal(), places+4).Round(places)
}

// placesOf is how many decimal places a rate was written with, at least
// minRatePlaces.
func placesOf(d decimal.Decimal) int32 { return max(minRatePlaces, -d.Exponent()) }

// CheckReport checks one month's report on its own, as the servicer's
// controls do: the receivables roll forward to the cent, principal
// collections and charge-offs fit in the beginning receivables, and the
// portfolio yield and payment rate recompute from the figures (to the
// places written, at least four). Amounts are non-negative by
// construction (the reader refuses a negative one; CheckReport checks
// them again for reports that come as JSON). The first broken rule is
// returned as a *loantape.RowError on line.
func CheckReport(line int, r *Report) error {
	fail := func(field, rule, format string, args ...any) error {
		return &loantape.RowError{Line: line, Field: field, Rule: rule, Msg: field + ": " + fmt.Sprintf(format, args...)}
	}
	for i, c := range reportColumns {
		if a, ok := c.at(r).(*money.Amount); ok && (*a < 0 || *a > maxAmount) {
			if *a < 0 {
				return fail(reportColumns[i].name, loantape.RuleNegativeAmount, "must not be negative, got %s", *a)
			}
			return fail(reportColumns[i].name, loantape.RuleNumber, "%s exceeds the limit %s", *a, maxAmount)
		}
	}
	if r.TrustID == "" {
		return fail("trustId", loantape.RuleRequired, "required")
	}
	if r.Period < 1 {
		return fail("period", loantape.RuleNumber, "must be at least 1, got %d", r.Period)
	}
	if r.ReportingMonth.IsZero() {
		return fail("reportingMonth", loantape.RuleRequired, "required")
	}
	if out := r.PrincipalCollections + r.DefaultedReceivables; out > r.BeginningPrincipalReceivables {
		return fail("defaultedReceivables", RuleDefaultsOverReceivable,
			"principal collections %s + defaulted receivables %s = %s exceed the beginning principal receivables %s",
			r.PrincipalCollections, r.DefaultedReceivables, out, r.BeginningPrincipalReceivables)
	}
	rolled := r.BeginningPrincipalReceivables - r.PrincipalCollections - r.DefaultedReceivables + r.NewReceivables
	if rolled != r.EndingPrincipalReceivables {
		return fail("endingPrincipalReceivables", RuleReceivablesRollforward,
			"receivables do not roll forward: beginning %s − principal collections %s − defaulted %s + new %s = %s, reported %s",
			r.BeginningPrincipalReceivables, r.PrincipalCollections, r.DefaultedReceivables, r.NewReceivables, rolled, r.EndingPrincipalReceivables)
	}
	if r.PortfolioYield.IsNegative() || r.PaymentRate.IsNegative() {
		return fail("portfolioYield", loantape.RuleRateRange, "rates must not be negative")
	}
	if p := placesOf(r.PortfolioYield); !Yield(r, p).Equal(r.PortfolioYield) {
		return fail("portfolioYield", RuleYieldMismatch,
			"finance-charge collections %s × 12 / beginning receivables %s = %s, reported %s",
			r.FinanceChargeCollections, r.BeginningPrincipalReceivables, Yield(r, p).StringFixed(p), r.PortfolioYield)
	}
	if p := placesOf(r.PaymentRate); !PaymentRate(r, p).Equal(r.PaymentRate) {
		return fail("paymentRate", RulePaymentRateMismatch,
			"(principal %s + finance-charge collections %s) / beginning receivables %s = %s, reported %s",
			r.PrincipalCollections, r.FinanceChargeCollections, r.BeginningPrincipalReceivables, PaymentRate(r, p).StringFixed(p), r.PaymentRate)
	}
	return nil
}
