package autodeal

import (
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/contracts/servicing"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// CardSeriesWaterfall is the waterfall of one series of a credit-card
// master trust: the series' invested amount is the deal's pool (a cards
// pool sealed with Pool:SealCardSeries), a senior class A and a
// subordinate class B with 30/360 monthly coupons, the series' servicing
// fee on the invested amount, principal to A then B down to the
// collateral (nothing while the series revolves; the funding account at
// the expected final payment date; collections in amortization, with
// defaults covered from finance charges), losses written down B then A,
// and the transferor certificate taking the excess spread.
type CardSeriesWaterfall struct {
	Deal string
	// ClosingDate starts period 1's interest (YYYY-MM-DD).
	ClosingDate    string
	InvestedAmount money.Amount
	Faces          map[string]money.Amount // A and B
	Coupons        map[string]string       // "0.0575"
	ServicingRate  string                  // annual, "0.02"
	Residual       string
	Tranches       map[string]string
	ServicingPayee string
}

// Definition is the waterfall definition's JSON.
func (a CardSeriesWaterfall) Definition() string {
	return fmt.Sprintf(`{
  "version": 1, "deal": %q, "closingDate": %q, "initialPoolBalance": %q, "dayCount": "30/360",
  "classes": [
    {"name": "A", "rank": 1, "originalBalance": %q, "coupon": {"fixed": %q}},
    {"name": "B", "rank": 2, "originalBalance": %q, "coupon": {"fixed": %q}},
    {"name": %[8]q, "rank": 3, "originalBalance": "0", "residual": true}
  ],
  "fees": [{"name": "servicing", "annualRate": %[9]q}],
  "steps": [
    {"kind": "fee", "fee": "servicing"},
    {"kind": "interest", "classes": ["A"]},
    {"kind": "interest", "classes": ["B"]},
    {"kind": "principal", "amount": "notesOverPool", "allocation": "sequential", "classes": ["A", "B"]},
    {"kind": "lossAllocation", "classes": ["B", "A"]},
    {"kind": "residual", "class": %[8]q}
  ]
}`, a.Deal, a.ClosingDate, a.InvestedAmount, a.Faces["A"], a.Coupons["A"], a.Faces["B"], a.Coupons["B"], a.Residual, a.ServicingRate)
}

// Terms is Servicing:SetWaterfall's argument: paid on the 15th.
func (a CardSeriesWaterfall) Terms() servicing.WaterfallTerms {
	terms := servicing.WaterfallTerms{Definition: []byte(a.Definition()), PaymentDay: 15,
		FeePayees: []schema.FeePayee{{Fee: "servicing", Payee: a.ServicingPayee}}}
	for _, c := range []string{"A", "B", a.Residual} {
		terms.Classes = append(terms.Classes, schema.ClassTranche{Class: c, Tranche: a.Tranches[c]})
	}
	return terms
}
