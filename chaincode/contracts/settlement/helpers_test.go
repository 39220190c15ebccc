package settlement_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/tranchenet/tranchenet/chaincode/contracts/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/contracts/model"
	"github.com/tranchenet/tranchenet/chaincode/contracts/settlement"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
)

// tradeTerms are the terms of a trade the two banks agreed: intended
// settlement today, expiring in two days, paid on the ledger, with a
// nonce derived from the reference (in production: random).
func (w *world) tradeTerms(ref string, seller, buyer *stubtest.Identity, units int64, cash money.Amount) core.Terms {
	sum := sha256.Sum256([]byte("nonce " + ref))
	return core.Terms{
		TradeRef: ref, Kind: core.KindTrade, Tranche: trancheID,
		Seller: key(seller), Buyer: key(buyer), Units: units, Cash: cash,
		SettlementDate: w.now.Format("2006-01-02"), Expiry: w.now.Add(48 * time.Hour),
		Payment: core.PaymentLedger, Nonce: hex.EncodeToString(sum[:16]),
	}
}

// rtgs turns terms into an RTGS trade with a deadline a day after expiry.
func rtgs(t core.Terms) core.Terms {
	t.Payment, t.PaymentDeadline = core.PaymentRTGS, t.Expiry.Add(24*time.Hour)
	return t
}

// withTerms is the transient map carrying terms, as a bank's gateway
// sends them.
func withTerms(t testing.TB, terms core.Terms) stubtest.InvokeOption {
	return stubtest.Transient(map[string][]byte{settlement.TransientTerms: canonical(t, terms)})
}

func holdArg(hold bool) string {
	if hold {
		return "true"
	}
	return "false"
}

func (w *world) instruct(id *stubtest.Identity, side core.Side, t core.Terms, hold bool) result {
	w.t.Helper()
	fn := "Settlement:InstructDeliver"
	if side == core.Receive {
		fn = "Settlement:InstructReceive"
	}
	return w.call(id, fn, []string{holdArg(hold)}, withTerms(w.t, t))
}

func (w *world) mustInstruct(id *stubtest.Identity, side core.Side, t core.Terms, hold bool) core.Record {
	w.t.Helper()
	r := w.instruct(id, side, t, hold)
	if !r.ok() {
		w.t.Fatalf("instruct %s of %s by %s: %s", side, t.TradeRef, id, r.Message)
	}
	return w.record(t.TradeRef)
}

// matched has both sides instruct t.
func (w *world) matched(seller, buyer *stubtest.Identity, t core.Terms, holdUnits, holdCash bool) core.Record {
	w.t.Helper()
	w.mustInstruct(seller, core.Deliver, t, holdUnits)
	r := w.mustInstruct(buyer, core.Receive, t, holdCash)
	if r.Status != core.Matched {
		w.t.Fatalf("%s is %s after both instructions", t.TradeRef, r.Status)
	}
	return r
}

func (w *world) settle(id *stubtest.Identity, t core.Terms) result {
	w.t.Helper()
	return w.call(id, "Settlement:Settle", []string{t.TradeRef}, withTerms(w.t, t))
}

func (w *world) mustSettle(id *stubtest.Identity, t core.Terms) core.Record {
	w.t.Helper()
	r := w.settle(id, t)
	if !r.ok() {
		w.t.Fatalf("settle %s by %s: %s", t.TradeRef, id, r.Message)
	}
	return w.record(t.TradeRef)
}

// outcome decodes a submitted function's payload.
func outcome(t testing.TB, r result) settlement.StatusEvent {
	t.Helper()
	var o settlement.StatusEvent
	if err := canon.Unmarshal(r.Payload, &o); err != nil {
		t.Fatalf("decode outcome of %s: %v\n%s", r.fn, err, r.Payload)
	}
	return o
}

func decodeRecord(t testing.TB, payload []byte) core.Record {
	t.Helper()
	var r core.Record
	if err := canon.Unmarshal(payload, &r); err != nil {
		t.Fatalf("decode record: %v\n%s", err, payload)
	}
	return r
}

func compositeKey(t testing.TB, objectType string, attrs ...string) string {
	t.Helper()
	k, err := shim.CreateCompositeKey(objectType, attrs)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// record reads a settlement's committed public record.
func (w *world) record(ref string) core.Record {
	w.t.Helper()
	b := w.Public()[compositeKey(w.t, model.TypeSettlement, ref)]
	if b == nil {
		w.t.Fatalf("no record of %s", ref)
	}
	return decodeRecord(w.t, b)
}

// position reads a holder's committed position in the tranche.
func (w *world) position(holder *stubtest.Identity) model.Position {
	w.t.Helper()
	var p model.Position
	b := w.Private(roles.RegistryCollection(holder.MSPID()))[compositeKey(w.t, model.TypePosition, trancheID, key(holder))]
	if b != nil {
		if err := canon.Unmarshal(b, &p); err != nil {
			w.t.Fatal(err)
		}
	}
	return p
}

// account reads a holder's committed cash account.
func (w *world) account(holder *stubtest.Identity) model.CashAccount {
	w.t.Helper()
	var a model.CashAccount
	b := w.Private(roles.RegistryCollection(holder.MSPID()))[compositeKey(w.t, model.TypeCash, key(holder))]
	if b != nil {
		if err := canon.Unmarshal(b, &a); err != nil {
			w.t.Fatal(err)
		}
	}
	return a
}

// issuerUnits reads the tranche's issuance account.
func (w *world) issuerUnits() int64 {
	w.t.Helper()
	var b model.TrancheBook
	if err := canon.Unmarshal(w.Public()[compositeKey(w.t, model.TypeTrancheBook, trancheID)], &b); err != nil {
		w.t.Fatal(err)
	}
	return b.IssuerUnits
}

// holdRecord reports whether a side's hold record exists in a registry.
func (w *world) holdRecord(msp, ref string, side core.Side) bool {
	_, ok := w.Private(roles.RegistryCollection(msp))[compositeKey(w.t, model.TypeSettlementHold, ref, string(side))]
	return ok
}

// totals sums units and cash over the given holders and the issuance
// account: what conservation compares.
func (w *world) totals(holders ...*stubtest.Identity) (units int64, cash money.Amount) {
	w.t.Helper()
	units = w.issuerUnits()
	for _, h := range holders {
		units += w.position(h).Units
		cash += w.account(h).Balance
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
	w.t.Helper()
	var v rules.Verdict
	payload := w.mustWith(id, "Settlement:CheckSettle", []string{t.TradeRef}, withTerms(w.t, t))
	if err := canon.Unmarshal([]byte(payload), &v); err != nil {
		w.t.Fatal(err)
	}
	return v
}
