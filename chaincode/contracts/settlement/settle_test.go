package settlement_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/contracts/settlement"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

func TestMatchedTradeSettlesDeliveryVersusPayment(t *testing.T) {
	for _, hold := range []bool{false, true} {
		t.Run("hold="+strconv.FormatBool(hold), func(t *testing.T) {
			w := newWorld(t)
			f := w.standard()
			units0, cash0 := w.totals(f.alice, f.bob)
			terms := w.tradeTerms("ORG2-T-1", f.alice, f.bob, 1200, money.FromMajor(1_188))

			first := w.Instruct(f.alice, core.Deliver, terms, hold)
			if !first.OK() {
				t.Fatal(first.Message)
			}
			if got := first.EventTypes(); !slices.Equal(got, []string{settlement.EventInstructed}) {
				t.Fatalf("events %v", got)
			}
			if !slices.Equal(first.Peers, []string{w.Net.Trustee, w.Net.Servicer}) {
				t.Fatalf("deliver instruction endorsed by %v, want the seller's bank and the trustee", first.Peers)
			}
			if held := w.Position(trancheID, f.alice).HeldUnits; held != map[bool]int64{true: 1200}[hold] {
				t.Fatalf("alice holds %d units after a deliver instruction with hold=%v", held, hold)
			}
			second := w.Instruct(f.bob, core.Receive, terms, hold)
			if !second.OK() {
				t.Fatal(second.Message)
			}
			if got := second.EventTypes(); !slices.Equal(got, []string{settlement.EventInstructed, settlement.EventMatched}) {
				t.Fatalf("events %v", got)
			}
			if held := w.CashAccount(f.bob).Held; held != map[bool]money.Amount{true: money.FromMajor(1_188)}[hold] {
				t.Fatalf("bob holds %s after a receive instruction with hold=%v", held, hold)
			}

			r := w.Settle(f.bob, terms)
			if !r.OK() {
				t.Fatal(r.Message)
			}
			if !slices.Equal(r.Peers, []string{w.Net.Trustee}) {
				t.Fatalf("Settle endorsed by %v, want the trustee alone", r.Peers)
			}
			if o := outcome(t, r); o.Status != core.Settled || o.TradeRef != terms.TradeRef || o.Code != "" {
				t.Fatalf("outcome %+v", o)
			}
			rec := w.SettlementRecord(terms.TradeRef)
			if rec.Status != core.Settled || rec.Holds() {
				t.Fatalf("record %+v", rec)
			}
			if got := r.EventTypes(); !slices.Equal(got, []string{settlement.EventSettled}) {
				t.Fatalf("events %v", got)
			}
			if p := w.Position(trancheID, f.alice); p.Units != 3800 || p.HeldUnits != 0 {
				t.Fatalf("alice %+v, want 3800 units, none held", p)
			}
			if p := w.Position(trancheID, f.bob); p.Units != 1200 {
				t.Fatalf("bob %+v, want 1200 units", p)
			}
			if a := w.CashAccount(f.bob); a.Balance != money.FromMajor(100_000-1_188) || a.Held != 0 {
				t.Fatalf("bob's cash %+v", a)
			}
			if a := w.CashAccount(f.alice); a.Balance != money.FromMajor(1_188) {
				t.Fatalf("alice's cash %+v", a)
			}
			if units, cash := w.totals(f.alice, f.bob); units != units0 || cash != cash0 {
				t.Fatalf("totals %d units, %s cash; before %d, %s", units, cash, units0, cash0)
			}
			for _, side := range []core.Side{core.Deliver, core.Receive} {
				if w.holdRecord(rec.Bank(side), terms.TradeRef, side) {
					t.Fatalf("%s hold record left after settlement", side)
				}
			}
			w.RefusedWith(errs.WrongState, f.alice, "Settlement:Settle", []string{terms.TradeRef}, contracttest.TermsTransient(t, terms))
		})
	}
}

func TestInstructionsKeepTermsPrivateAndHashesEqual(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	terms := w.tradeTerms("ORG2-T-2", f.alice, f.bob, 1000, money.Cents(99_123_45))
	w.Matched(f.alice, f.bob, terms, true, true)
	rec := w.SettlementRecord(terms.TradeRef)

	want, err := terms.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	for _, side := range []core.Side{core.Deliver, core.Receive} {
		bank := rec.Bank(side)
		stored := w.Private(roles.ImplicitCollection(bank))[contracttest.CompositeKey(schema.TypeSettlementTerms, terms.TradeRef, string(side))]
		if string(stored) != string(want) {
			t.Fatalf("%s terms in %s's implicit collection:\n%s\nwant\n%s", side, bank, stored, want)
		}
	}
	hash, _ := terms.HashHex()
	if rec.Deliver.Hash != hash || rec.Receive.Hash != hash {
		t.Fatalf("hashes %s %s, want %s", rec.Deliver.Hash, rec.Receive.Hash, hash)
	}
	if rec.SellerBank != w.Net.Servicer || rec.BuyerBank != w.Net.Investors || rec.Tranche != trancheID {
		t.Fatalf("record %+v", rec)
	}
	w.MustSettle(f.alice, terms)
	// Nothing public names a party or an amount: not the record, not the
	// index, not an event of this contract.
	public := w.publicText()
	for _, secret := range []string{"99123.45", "9912345", terms.Nonce} {
		if strings.Contains(public, secret) {
			t.Fatalf("public state or events contain %q", secret)
		}
	}
	for k, v := range w.Public() {
		if strings.Contains(k, schema.TypeSettlement) && (strings.Contains(string(v), w.Key(f.alice)) || strings.Contains(string(v), w.Key(f.bob))) {
			t.Fatalf("public settlement key %q names a party: %s", k, v)
		}
	}
	for _, e := range w.Events() {
		if strings.Contains(string(e.Payload), "Settlement") && (strings.Contains(string(e.Payload), w.Key(f.alice)) || strings.Contains(string(e.Payload), w.Key(f.bob))) {
			t.Fatalf("settlement event names a party: %s", e.Payload)
		}
	}
}
