package autodeal

import (
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/contracts/servicing"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// RMBSWaterfall is the waterfall of the tests' senior/subordinate
// residential mortgage deal: a senior class A and a subordinate class B
// (30/360 pass-through coupons), a servicing fee of 0.25% and a guarantee
// fee of 0.20% a year on the pool, shifting interest (subordinates locked
// out of prepayments for LockoutPeriods periods, then the shift stepping
// down 0.70, 0.40, 0 a period at a time, unless 60+ delinquencies reach
// half the subordinate balance or cumulative losses 30% of it), losses
// written down B then A, and the certificate taking the residual.
type RMBSWaterfall struct {
	Deal        string
	PoolBalance money.Amount
	// Faces are the original balances of A and B.
	Faces    map[string]money.Amount
	Coupons  map[string]string // "0.05"
	Residual string
	// LockoutPeriods is how long the subordinates get no prepayments: 60
	// in a real deal, a few periods in a test that must see a step-down.
	LockoutPeriods                 int
	Tranches                       map[string]string
	ServicingPayee, GuaranteePayee string
}

// Definition is the waterfall definition's JSON.
func (a RMBSWaterfall) Definition() string {
	l := max(a.LockoutPeriods, 1)
	return fmt.Sprintf(`{
  "version": 1, "deal": %q, "closingDate": "2026-01-20", "initialPoolBalance": %q, "dayCount": "30/360",
  "classes": [
    {"name": "A", "rank": 1, "originalBalance": %q, "coupon": {"fixed": %q}},
    {"name": "B", "rank": 2, "originalBalance": %q, "coupon": {"fixed": %q}},
    {"name": %[7]q, "rank": 3, "originalBalance": "0", "residual": true}
  ],
  "fees": [{"name": "servicing", "annualRate": "0.0025"}, {"name": "guarantee", "annualRate": "0.0020"}],
  "steps": [
    {"kind": "fee", "fee": "servicing"},
    {"kind": "fee", "fee": "guarantee"},
    {"kind": "interest", "classes": ["A"]},
    {"kind": "interest", "classes": ["B"]},
    {"kind": "shiftingInterest", "seniors": ["A"], "subordinates": ["B"], "subordinateAllocation": "sequential",
     "schedule": [{"fromPeriod": 1, "shift": "1"}, {"fromPeriod": %[8]d, "shift": "0.70"}, {"fromPeriod": %[9]d, "shift": "0.40"}, {"fromPeriod": %[10]d, "shift": "0"}],
     "delinquencyLimit": "0.50", "lossLimits": [{"fromPeriod": %[8]d, "value": "0.30"}]},
    {"kind": "lossAllocation", "classes": ["A", "B"]},
    {"kind": "residual", "class": %[7]q}
  ]
}`, a.Deal, a.PoolBalance, a.Faces["A"], a.Coupons["A"], a.Faces["B"], a.Coupons["B"], a.Residual, l+1, l+2, l+3)
}

// Terms is Servicing:SetWaterfall's argument.
func (a RMBSWaterfall) Terms() servicing.WaterfallTerms {
	terms := servicing.WaterfallTerms{Definition: []byte(a.Definition()), PaymentDay: 15,
		FeePayees: []schema.FeePayee{{Fee: "servicing", Payee: a.ServicingPayee}, {Fee: "guarantee", Payee: a.GuaranteePayee}}}
	for _, c := range []string{"A", "B", a.Residual} {
		terms.Classes = append(terms.Classes, schema.ClassTranche{Class: c, Tranche: a.Tranches[c]})
	}
	return terms
}
