package distribution

import (
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// CertificateInputs are the lines of a trustee certificate that are not
// loan-level data, declared by the servicer with its report for a deal
// whose waterfall takes them (see waterfall.Period). Absent, a period runs
// exactly as before, so existing certifications keep their inputs hash.
type CertificateInputs struct {
	// ReserveInvestmentEarnings join available funds.
	ReserveInvestmentEarnings money.Amount `json:"reserveInvestmentEarnings,omitzero"`
	// AdvanceReimbursements repay earlier servicer advances off the top;
	// ServicerAdvances is then this period's gross advances.
	AdvanceReimbursements money.Amount `json:"advanceReimbursements,omitzero"`
	// Repurchases is the part of the reported prepayments that the seller
	// or servicer repurchased; it is shown on its own line.
	Repurchases money.Amount `json:"repurchases,omitzero"`
	// LiquidationProceedsApart shows the report's repossession proceeds as
	// liquidation proceeds instead of adding them to recoveries.
	LiquidationProceedsApart bool `json:"liquidationProceedsApart,omitempty"`
	// YieldSupplementAmount is the YSOC the servicer computed on the tape
	// (waterfall.PoolYieldSupplement) for a deal with a required rate.
	YieldSupplementAmount money.Amount `json:"yieldSupplementAmount,omitzero"`
	// FeesIncurred are the period's "as incurred" expenses.
	FeesIncurred []waterfall.FeeAmount `json:"feesIncurred,omitempty"`
}

// apply moves the certificate lines onto the period built from the
// report's aggregates.
func (c *CertificateInputs) apply(p *waterfall.Period, repossessionProceeds money.Amount) error {
	if c == nil {
		return nil
	}
	if c.Repurchases > p.Prepayments || c.Repurchases < 0 {
		return errs.Field("certificate.repurchases", "must be 0 to the reported prepayments %s, got %s", p.Prepayments, c.Repurchases)
	}
	p.Prepayments -= c.Repurchases
	p.Repurchases = c.Repurchases
	if c.LiquidationProceedsApart {
		p.Recoveries -= repossessionProceeds
		p.LiquidationProceeds = repossessionProceeds
	}
	p.ReserveInvestmentEarnings = c.ReserveInvestmentEarnings
	p.AdvanceReimbursements = c.AdvanceReimbursements
	p.YieldSupplementAmount = c.YieldSupplementAmount
	p.FeesIncurred = append([]waterfall.FeeAmount(nil), c.FeesIncurred...)
	return nil
}
