package autodeal

import (
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/contracts/servicing"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// LeaseWaterfall is the waterfall of the tests' sequential equipment-lease
// deal, shaped like testdata/leases_2026_1.json of package waterfall: the
// pool is the discounted pool balance, a servicing fee of 1% a year on it,
// interest to A then B (30/360), principal = the decline in the discounted
// pool balance + the top-up to an OC target of 10% of the current pool
// (floor 1% of the initial pool), sequentially A then B, the certificate
// taking the residual.
type LeaseWaterfall struct {
	Deal        string
	PoolBalance money.Amount
	// Faces are the original balances of A and B.
	Faces          map[string]money.Amount
	Coupons        map[string]string // "0.05"
	Residual       string
	Tranches       map[string]string
	ServicingPayee string
}

// Definition is the waterfall definition's JSON.
func (a LeaseWaterfall) Definition() string {
	return fmt.Sprintf(`{
  "version": 1, "deal": %q, "closingDate": "2026-01-20", "initialPoolBalance": %q, "dayCount": "30/360",
  "classes": [
    {"name": "A", "rank": 1, "originalBalance": %q, "coupon": {"fixed": %q}},
    {"name": "B", "rank": 2, "originalBalance": %q, "coupon": {"fixed": %q}},
    {"name": %[7]q, "rank": 3, "originalBalance": "0", "residual": true}
  ],
  "fees": [{"name": "servicing", "annualRate": "0.01"}],
  "ocTarget": {"fraction": "0.10", "of": "currentPool", "floorFraction": "0.01"},
  "steps": [
    {"kind": "fee", "fee": "servicing"},
    {"kind": "interest", "classes": ["A"]},
    {"kind": "interest", "classes": ["B"]},
    {"kind": "principal", "amount": "poolDecline", "allocation": "sequential", "classes": ["A", "B"]},
    {"kind": "principal", "amount": "regular", "allocation": "sequential", "classes": ["A", "B"]},
    {"kind": "residual", "class": %[7]q}
  ]
}`, a.Deal, a.PoolBalance, a.Faces["A"], a.Coupons["A"], a.Faces["B"], a.Coupons["B"], a.Residual)
}

// Terms is Servicing:SetWaterfall's argument.
func (a LeaseWaterfall) Terms() servicing.WaterfallTerms {
	terms := servicing.WaterfallTerms{Definition: []byte(a.Definition()), PaymentDay: 15,
		FeePayees: []schema.FeePayee{{Fee: "servicing", Payee: a.ServicingPayee}}}
	for _, c := range []string{"A", "B", a.Residual} {
		terms.Classes = append(terms.Classes, schema.ClassTranche{Class: c, Tranche: a.Tranches[c]})
	}
	return terms
}
