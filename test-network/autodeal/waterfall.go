// Package autodeal is the auto-loan deal the contract tests
// (chaincode/internal/contracttest and the contracts' own tests) and the
// test network's integration tests set up: its waterfall and the pool
// balance it is sized on. It is test tooling; it may import the
// contracts' argument types, chaincode/schema and chaincode/core.
package autodeal

import (
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"

	"github.com/tranchenet/tranchenet/chaincode/contracts/servicing"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// AutoWaterfall is the waterfall of the tests' auto-loan deal: notes A, B
// and C (fixed 4.5%, 5.5% and 6.5%, 30/360) and a residual certificate; a
// servicing fee of 1% a year and a trustee fee of 500.00 a period; a
// reserve targeting 0.5% of the initial pool, drawn for interest and to
// keep the notes below the pool; an overcollateralization target of 8% of
// the current pool (floor 0.5%); a curable delinquency trigger that turns
// on turbo principal; sequential principal; the certificate taking the
// residual; and, after an event of default, fees, interest and all
// principal sequentially. The contract tests and the test network's
// integration tests set it on their deals.
type AutoWaterfall struct {
	Deal    string
	Version int // of the definition; 0 is 1
	// PoolBalance is the sealed pool's balance: the initial pool balance.
	PoolBalance money.Amount
	// Faces are the original balances of notes A, B and C (other classes
	// are ignored).
	Faces map[string]money.Amount
	// Reserve is the reserve account's initial balance.
	Reserve money.Amount
	// Residual is the certificate's class name.
	Residual string
	// Delinquency is the delinquency ratio from which the trigger turns on
	// turbo principal; "" is 0.05.
	Delinquency string
	// Tranches maps each class (A, B, C and Residual) to its tranche ID.
	Tranches map[string]string
	// ServicingPayee and TrusteePayee are the identity keys that may claim
	// the servicing and the trustee fee.
	ServicingPayee, TrusteePayee string
}

// Definition is the waterfall definition's JSON, as an arranger writes it.
func (a AutoWaterfall) Definition() string {
	version, delinquency := max(a.Version, 1), a.Delinquency
	if delinquency == "" {
		delinquency = "0.05"
	}
	return fmt.Sprintf(`{
  "version": %d, "deal": %q, "closingDate": "2026-01-20", "initialPoolBalance": %q, "dayCount": "30/360",
  "classes": [
    {"name": "A", "rank": 1, "originalBalance": %q, "coupon": {"fixed": "0.045"}},
    {"name": "B", "rank": 2, "originalBalance": %q, "coupon": {"fixed": "0.055"}},
    {"name": "C", "rank": 3, "originalBalance": %q, "coupon": {"fixed": "0.065"}},
    {"name": %[7]q, "rank": 4, "originalBalance": "0", "residual": true}
  ],
  "fees": [{"name": "servicing", "annualRate": "0.01"}, {"name": "trustee", "fixed": "500.00"}],
  "reserves": [{"name": "reserve", "initialBalance": %[8]q, "target": {"fraction": "0.005", "of": "initialPool"}}],
  "triggers": [{"name": "delinquency turbo", "test": "delinquency", "schedule": [{"fromPeriod": 1, "value": %[9]q}],
    "curable": true, "effect": "turbo"}],
  "ocTarget": {"fraction": "0.08", "of": "currentPool", "floorFraction": "0.005"},
  "steps": [
    {"kind": "trigger", "triggers": ["delinquency turbo"]},
    {"kind": "fee", "fee": "servicing"},
    {"kind": "fee", "fee": "trustee"},
    {"kind": "interest", "classes": ["A"], "reserveDraw": "reserve"},
    {"kind": "principal", "amount": "notesOverPool", "allocation": "sequential", "classes": ["A"], "reserveDraw": "reserve"},
    {"kind": "interest", "classes": ["B"], "reserveDraw": "reserve"},
    {"kind": "principal", "amount": "notesOverPool", "allocation": "sequential", "classes": ["A", "B"], "reserveDraw": "reserve"},
    {"kind": "interest", "classes": ["C"], "reserveDraw": "reserve"},
    {"kind": "principal", "amount": "notesOverPool", "allocation": "sequential", "classes": ["A", "B", "C"], "reserveDraw": "reserve"},
    {"kind": "reserve", "account": "reserve", "action": "deposit"},
    {"kind": "principal", "amount": "regular", "allocation": "sequential", "classes": ["A", "B", "C"]},
    {"kind": "principal", "amount": "turbo", "allocation": "sequential", "classes": ["A", "B", "C"]},
    {"kind": "residual", "class": %[7]q}
  ],
  "accelerationSteps": [
    {"kind": "fee", "fee": "servicing"},
    {"kind": "fee", "fee": "trustee"},
    {"kind": "interest", "classes": ["A"]},
    {"kind": "interest", "classes": ["B"]},
    {"kind": "interest", "classes": ["C"]},
    {"kind": "principal", "amount": "remaining", "allocation": "sequential", "classes": ["A", "B", "C"]},
    {"kind": "residual", "class": %[7]q}
  ]
}`, version, a.Deal, a.PoolBalance, a.Faces["A"], a.Faces["B"], a.Faces["C"], a.Residual, a.Reserve, delinquency)
}

// Terms is Servicing:SetWaterfall's argument: the definition, each class
// mapped to its tranche, payment on the 15th, and the fees' payees.
func (a AutoWaterfall) Terms() servicing.WaterfallTerms {
	terms := servicing.WaterfallTerms{Definition: []byte(a.Definition()), PaymentDay: 15,
		FeePayees: []schema.FeePayee{{Fee: "servicing", Payee: a.ServicingPayee}, {Fee: "trustee", Payee: a.TrusteePayee}}}
	for _, c := range []string{"A", "B", "C", a.Residual} {
		terms.Classes = append(terms.Classes, schema.ClassTranche{Class: c, Tranche: a.Tranches[c]})
	}
	return terms
}

// Balance is the loans' total balance at the cut-off.
func Balance(loans []loantape.Loan) money.Amount {
	var sum money.Amount
	for _, l := range loans {
		sum += l.ReportingPeriodActualEndBalanceAmount
	}
	return sum
}
