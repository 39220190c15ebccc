package settlement_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/test-network/autodeal"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/deal"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// world is the test network's channel (contracttest) with this package's
// helpers.
type world struct{ *contracttest.World }

func newWorld(tb testing.TB) *world { return &world{contracttest.New(tb)} }

// fixture is what the settlement tests start from.
type fixture struct {
	tranche     string
	alice, anna *stubtest.Identity // clients of the servicer's bank
	bob, bella  *stubtest.Identity // clients of the investor bank
	proceeds    *stubtest.Identity // the SPV's cash account, at the trustee's bank
}

const (
	dealID    = "DEAL-1"
	trancheID = "DEAL-1-A"
)

// standard builds a sealed pool and a deal with one note (unit face 1.00),
// issues 10,000 units, places 5,000 with alice and 1,000 with anna, and
// funds bob and bella with 100,000.00 each of cash tokens, leaving
// 100,000.00 in the float. The investors are attested US qualified
// institutional buyers; the SPV's proceeds account is not attested.
func (w *world) standard() fixture {
	w.TB.Helper()
	loans := w.SealedPool("POOL-1", 7, 12, 12)
	note := w.Tranche(trancheID, "A", 1, money.FromMajor(autodeal.Balance(loans).Cents()/100))
	w.CreateDeal(deal.DealInput{ID: dealID, Name: "Deal 1", Pool: "POOL-1",
		RequiredCollateralization: decimal.NewFromInt(1), Tranches: []deal.TrancheInput{note}})
	f := fixture{tranche: trancheID,
		alice: w.AttestedInvestor(w.Net.Servicer, "alice"), anna: w.AttestedInvestor(w.Net.Servicer, "anna"),
		bob: w.AttestedInvestor(w.Net.Investors, "bob"), bella: w.AttestedInvestor(w.Net.Investors, "bella"),
		proceeds: w.Investor(w.Net.Trustee, "spv-proceeds")}
	w.Must(w.Arranger, "Deal:Issue", trancheID, "10000")
	w.Must(w.Trustee, "Deal:Place", trancheID, w.Key(f.alice), "5000")
	w.Must(w.Trustee, "Deal:Place", trancheID, w.Key(f.anna), "1000")
	w.Must(w.Settlement, "Cash:AttestReserves", "1000000.00", "statement 2026-01")
	w.Must(w.Settlement, "Cash:Mint", "300000.00") // 100,000.00 stays in the float
	w.Must(w.Settlement, "Cash:Pay", w.Key(f.bob), "100000.00")
	w.Must(w.Settlement, "Cash:Pay", w.Key(f.bella), "100000.00")
	return f
}

// tradeTerms are the terms of a trade of the fixture's tranche the two
// banks agreed (contracttest.TradeTerms).
func (w *world) tradeTerms(ref string, seller, buyer *stubtest.Identity, units int64, cash money.Amount) core.Terms {
	return w.TradeTerms(ref, trancheID, seller, buyer, units, cash)
}

// rtgs turns terms into an RTGS trade with a deadline a day after expiry.
func rtgs(t core.Terms) core.Terms {
	t.Payment, t.PaymentDeadline = core.PaymentRTGS, t.Expiry.Add(24*time.Hour)
	return t
}

// outcome decodes a submitted function's payload.
func outcome(t testing.TB, r contracttest.Result) schema.SettlementStep {
	t.Helper()
	o, err := contracttest.RoundTrip[schema.SettlementStep](r.Payload)
	if err != nil {
		t.Fatalf("decode outcome of %s: %v", r.Function, err)
	}
	return o
}

// issuerUnits reads the tranche's issuance account.
func (w *world) issuerUnits() int64 {
	w.TB.Helper()
	b, err := w.ReadTranche(trancheID)
	if err != nil {
		w.TB.Fatal(err)
	}
	return b.Book.IssuerUnits
}

// holdRecord reports whether a side's hold record exists in a registry.
func (w *world) holdRecord(msp, ref string, side core.Side) bool {
	_, ok := w.Private(roles.RegistryCollection(msp))[contracttest.CompositeKey(schema.TypeSettlementHold, ref, string(side))]
	return ok
}

// totals sums units and cash over the given holders and the issuance
// account: what conservation compares.
func (w *world) totals(holders ...*stubtest.Identity) (units int64, cash money.Amount) {
	w.TB.Helper()
	units = w.issuerUnits()
	for _, h := range holders {
		units += w.Position(trancheID, h).Units
		cash += w.CashAccount(h).Balance
	}
	return units, cash
}

// publicText is every public value and every committed event payload,
// for privacy checks.
func (w *world) publicText() string {
	var b strings.Builder
	for k, v := range w.Public() {
		b.WriteString(k)
		b.Write(v)
	}
	for _, e := range w.Events() {
		b.Write(e.Payload)
	}
	return b.String()
}

func testConfig(t testing.TB) roles.OrgConfig {
	t.Helper()
	net, err := contracttest.TestNetwork()
	if err != nil {
		t.Fatal(err)
	}
	return net.Config
}

// checkSettle evaluates CheckSettle as id.
func (w *world) checkSettle(id *stubtest.Identity, t core.Terms) rules.Verdict {
	w.TB.Helper()
	return contracttest.Decode[rules.Verdict](w.TB, w.MustWith(id, "Settlement:CheckSettle", []string{t.TradeRef}, contracttest.TermsTransient(w.TB, t)))
}
