package cash_test

import (
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/tranchenet/tranchenet/chaincode/contracts/servicing"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// dealWithAccounts builds the harness's standard deal and sets a small
// waterfall on it (a servicing fee, a reserve, interest and principal to
// A and B, the residual to R), which opens the deal's collection, reserve
// and fee accounts: books of the settlement asset outside the registries,
// into which the Servicing contract debits holders' cash through the
// cash ledger.
func dealWithAccounts(t testing.TB, w *contracttest.World) contracttest.Fixture {
	t.Helper()
	f := w.Standard()
	face := func(id string) string {
		return contracttest.Decode[schema.Tranche](t, w.Must(w.Arranger, "Deal:GetTranche", id)).OriginalFace.String()
	}
	def := fmt.Sprintf(`{"version": 1, "deal": %q, "closingDate": "2026-01-20", "initialPoolBalance": %q, "dayCount": "30/360",
  "classes": [
    {"name": "A", "rank": 1, "originalBalance": %q, "coupon": {"fixed": "0.05"}},
    {"name": "B", "rank": 2, "originalBalance": %q, "coupon": {"fixed": "0.05"}},
    {"name": "R", "rank": 3, "originalBalance": "0", "residual": true}],
  "fees": [{"name": "servicing", "annualRate": "0.01"}],
  "reserves": [{"name": "reserve", "initialBalance": "0", "target": {"fraction": "0.005", "of": "initialPool"}}],
  "ocTarget": {"fraction": "0.05", "of": "currentPool"},
  "steps": [
    {"kind": "fee", "fee": "servicing"},
    {"kind": "interest", "classes": ["A", "B"]},
    {"kind": "reserve", "account": "reserve", "action": "deposit"},
    {"kind": "principal", "amount": "regular", "allocation": "sequential", "classes": ["A", "B"]},
    {"kind": "residual", "class": "R"}]}`, f.Deal, f.Balance, face(f.A), face(f.B))
	terms := servicing.WaterfallTerms{Definition: []byte(def), PaymentDay: 15,
		Classes:   []schema.ClassTranche{{Class: "A", Tranche: f.A}, {Class: "B", Tranche: f.B}, {Class: "R", Tranche: f.R}},
		FeePayees: []schema.FeePayee{{Fee: "servicing", Payee: w.Key(w.Servicer)}}}
	w.Must(w.Arranger, "Servicing:SetWaterfall", f.Deal, string(mustJSON(t, terms)))
	return f
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := canon.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDealDepositsGoThroughTheLedger: cash a holder pays into a deal's
// books (a servicer's remittance, an arranger's reserve funding) leaves
// its registry account by the ledger's rules: only what pending
// settlements do not hold, and the supply identity counts it in the deal
// account.
func TestDealDepositsGoThroughTheLedger(t *testing.T) {
	w := contracttest.New(t)
	f := dealWithAccounts(t, w)
	w.Must(w.Settlement, "Cash:AttestReserves", "1000.00", "statement")
	w.Must(w.Settlement, "Cash:Mint", "1000.00")
	w.Must(w.Settlement, "Cash:Pay", w.Key(w.Servicer), "60.00")
	w.Must(w.Settlement, "Cash:Pay", w.Key(w.Arranger), "25.00")
	k, err := shim.CreateCompositeKey(schema.TypeCash, []string{w.Key(w.Servicer)})
	if err != nil {
		t.Fatal(err)
	}
	held, _ := canon.Marshal(schema.CashAccount{Balance: amount("60.00"), Held: amount("50.00")})
	w.SeedPrivate("registry"+w.Servicer.MSPID(), k, held)

	r := w.Refused(errs.InsufficientBalance, w.Servicer, "Servicing:RemitCollections", f.Deal, "10.01")
	if !strings.Contains(r.Message, "held") {
		t.Errorf("refusal %q does not say the cash is held", r.Message)
	}
	w.Must(w.Servicer, "Servicing:RemitCollections", f.Deal, "10.00")
	w.Refused(errs.InsufficientBalance, w.Arranger, "Servicing:FundReserve", f.Deal, "reserve", "25.01")
	w.Must(w.Arranger, "Servicing:FundReserve", f.Deal, "reserve", "25.00")

	c, err := w.ReadCash()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]money.Amount{f.Deal + "/collection": amount("10.00"), f.Deal + "/reserve:reserve": amount("25.00"), f.Deal + "/fee:servicing": 0, f.Deal + "/advances": 0}
	if !maps.Equal(c.DealAccounts, want) || c.Accounts[w.Key(w.Servicer)].Balance != amount("50.00") || c.Accounts[w.Key(w.Arranger)].Balance != 0 {
		t.Fatalf("deal accounts %v, servicer %+v, arranger %+v", c.DealAccounts, c.Accounts[w.Key(w.Servicer)], c.Accounts[w.Key(w.Arranger)])
	}
	if c.Deals() != amount("35.00") || c.Holders()+c.Book.Float+c.Deals() != amount("1000.00") {
		t.Fatalf("holders %s + float %s + deals %s", c.Holders(), c.Book.Float, c.Deals())
	}
	if err := c.Check(); err != nil {
		t.Fatal(err)
	}
}
