package projections

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/events"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// written adds a transaction's private writes to its event, as a
// BlockSource delivers them.
// The collections the transaction wrote are those of its writes.
func withPrivate(raw events.RawEvent, writes ...events.PrivateWrite) events.RawEvent {
	raw.Private = &events.PrivateData{Writes: writes}
	return raw
}

// missing marks a transaction that wrote collections whose private data
// the peer did not send.
func missing(raw events.RawEvent, collections ...string) events.RawEvent {
	raw.Private = &events.PrivateData{Missing: collections}
	return raw
}

// fabricKey is the key the chaincode writes (its stub's CreateCompositeKey).
func fabricKey(objectType string, attrs ...string) string {
	k, err := shim.CreateCompositeKey(objectType, attrs)
	if err != nil {
		panic(err)
	}
	return k
}

func positionWrite(tranche, holder string, p schema.Position) events.PrivateWrite {
	v, _ := json.Marshal(p)
	msp, _, _ := strings.Cut(holder, "/")
	return events.PrivateWrite{Collection: "registry" + msp, Key: fabricKey(schema.TypePosition, tranche, holder), Value: v}
}

func cashWrite(holder string, a schema.CashAccount) events.PrivateWrite {
	v, _ := json.Marshal(a)
	msp, _, _ := strings.Cut(holder, "/")
	return events.PrivateWrite{Collection: "registry" + msp, Key: fabricKey(schema.TypeCash, holder), Value: v}
}

func TestFactsComeFromTheTransactionsOwnPrivateWrites(t *testing.T) {
	h := newHarness(t)
	// What a read would answer now: the state after all of it. The
	// projections must not need it for what the writes hold.
	h.state.set(func() {
		h.state.positions["A|"+alice] = Position{Units: 999, Free: 999}
		h.state.balances[alice] = Balance{Balance: money.FromMajor(999)}
		h.state.positions["A|"+anna] = Position{Units: 40, Free: 40}
	})
	terms := settlement.Terms{TradeRef: "T-1", Kind: settlement.KindTrade, Tranche: "A", Seller: bob, Buyer: alice, Units: 5, Cash: money.FromMajor(50)}
	canonical, err := json.Marshal(terms)
	if err != nil {
		t.Fatal(err)
	}
	instructed := events.PrivateWrite{Collection: "_implicit_org_Org2MSP", Key: fabricKey(schema.TypeSettlementTerms, "T-1", string(settlement.Receive)), Value: canonical}
	h.apply(chain{
		withPrivate(envelope(2, "UnitsPlaced", map[string]string{"tranche": "A", "investor": alice}),
			positionWrite("A", alice, schema.Position{Units: 100})),
		// The buyer's bank instructs: the terms and alice's cash hold.
		withPrivate(envelope(3, "SettlementInstructed", map[string]string{"tradeRef": "T-1", "tranche": "A", "sellerBank": "Org3MSP", "buyerBank": "Org2MSP", "side": "receive"}),
			instructed, cashWrite(alice, schema.CashAccount{Balance: money.FromMajor(80), Held: money.FromMajor(50)})),
		// Settled: alice receives 5 units and pays 50. Another bank's
		// registry (the trustee's peer would send it) is not this bank's.
		withPrivate(envelope(4, "SettlementSettled", map[string]string{"tradeRef": "T-1", "tranche": "A", "sellerBank": "Org3MSP", "buyerBank": "Org2MSP", "status": "settled"}),
			positionWrite("A", alice, schema.Position{Units: 105}), cashWrite(alice, schema.CashAccount{Balance: money.FromMajor(30)}),
			positionWrite("A", bob, schema.Position{Units: 1})),
		// The seller's bank instructs a trade to alice's bank first: its
		// writes came, none in this bank's registry, so no client of
		// this bank moved and its terms, not yet instructed, are not asked.
		withPrivate(envelope(5, "SettlementInstructed", map[string]string{"tradeRef": "T-2", "tranche": "A", "sellerBank": "Org3MSP", "buyerBank": "Org2MSP", "side": "deliver"}),
			positionWrite("A", bob, schema.Position{Units: 1, HeldUnits: 1})),
		// A transaction whose private data the peer did not have: read.
		missing(envelope(6, "UnitsPlaced", map[string]string{"tranche": "A", "investor": anna}), "registryOrg2MSP"),
		// A deleted position is an empty one.
		withPrivate(envelope(7, "UnitsRedeemed", map[string]string{"tranche": "A", "from": alice}),
			events.PrivateWrite{Collection: "registryOrg2MSP", Key: fabricKey(schema.TypePosition, "A", alice), Deleted: true}),
	})
	h.view(func(rm store.Reader) error {
		// The instruction held cash, not units: no entry for the position.
		if got := holdingChanges(t, rm, alice, "A"); got != "UnitsPlaced:100→100 SettlementSettled:5→105 UnitsRedeemed:-105→0" {
			t.Fatalf("alice's history %s: each transaction's own writes", got)
		}
		ch, err := rm.CashHistory(alice)
		if err != nil {
			return err
		}
		if len(ch) != 2 || ch[0].Balance != money.FromMajor(80) || ch[0].Held != money.FromMajor(50) || ch[1].Balance != money.FromMajor(30) || ch[1].Held != 0 {
			t.Fatalf("alice's cash history %+v", ch)
		}
		anna, found, err := rm.Holding(anna, "A")
		if err != nil || !found || anna.Units != 40 {
			t.Fatalf("anna (no private data came: read) %+v %v %v", anna, found, err)
		}
		if _, found, _ := rm.Holding(bob, "A"); found {
			t.Fatal("another bank's client entered the read model")
		}
		return nil
	})
	if got := strings.Join(h.state.asked, "; "); strings.Contains(got, alice) || strings.Contains(got, "Settlement:Terms") || !strings.Contains(got, anna) {
		t.Fatalf("asked the peer: %s; want only anna's position", got)
	}
}
