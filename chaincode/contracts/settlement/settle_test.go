package settlement_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/contracts/model"
	"github.com/tranchenet/tranchenet/chaincode/contracts/settlement"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
)

func TestMatchedTradeSettlesDeliveryVersusPayment(t *testing.T) {
	for _, hold := range []bool{false, true} {
		t.Run("hold="+holdArg(hold), func(t *testing.T) {
			w := newWorld(t)
			f := w.standard()
			units0, cash0 := w.totals(f.alice, f.bob)
			terms := w.tradeTerms("ORG2-T-1", f.alice, f.bob, 1200, money.FromMajor(1_188))

			first := w.instruct(f.alice, core.Deliver, terms, hold)
			if !first.ok() {
				t.Fatal(first.Message)
			}
			if got := first.eventTypes(); !slices.Equal(got, []string{settlement.EventInstructed}) {
				t.Fatalf("events %v", got)
			}
			if !slices.Equal(first.peers, []string{w.net.Trustee, w.net.Servicer}) {
				t.Fatalf("deliver instruction endorsed by %v, want the seller's bank and the trustee", first.peers)
			}
			if held := w.position(f.alice).HeldUnits; held != map[bool]int64{true: 1200}[hold] {
				t.Fatalf("alice holds %d units after a deliver instruction with hold=%v", held, hold)
			}
			second := w.instruct(f.bob, core.Receive, terms, hold)
			if !second.ok() {
				t.Fatal(second.Message)
			}
			if got := second.eventTypes(); !slices.Equal(got, []string{settlement.EventInstructed, settlement.EventMatched}) {
				t.Fatalf("events %v", got)
			}
			if held := w.account(f.bob).Held; held != map[bool]money.Amount{true: money.FromMajor(1_188)}[hold] {
				t.Fatalf("bob holds %s after a receive instruction with hold=%v", held, hold)
			}

			r := w.settle(f.bob, terms)
			if !r.ok() {
				t.Fatal(r.Message)
			}
			if !slices.Equal(r.peers, []string{w.net.Trustee}) {
				t.Fatalf("Settle endorsed by %v, want the trustee alone", r.peers)
			}
			if o := outcome(t, r); o.Status != core.Settled || o.TradeRef != terms.TradeRef || o.Code != "" {
				t.Fatalf("outcome %+v", o)
			}
			rec := w.record(terms.TradeRef)
			if rec.Status != core.Settled || rec.Holds() {
				t.Fatalf("record %+v", rec)
			}
			if got := r.eventTypes(); !slices.Equal(got, []string{settlement.EventSettled}) {
				t.Fatalf("events %v", got)
			}
			if p := w.position(f.alice); p.Units != 3800 || p.HeldUnits != 0 {
				t.Fatalf("alice %+v, want 3800 units, none held", p)
			}
			if p := w.position(f.bob); p.Units != 1200 {
				t.Fatalf("bob %+v, want 1200 units", p)
			}
			if a := w.account(f.bob); a.Balance != money.FromMajor(100_000-1_188) || a.Held != 0 {
				t.Fatalf("bob's cash %+v", a)
			}
			if a := w.account(f.alice); a.Balance != money.FromMajor(1_188) {
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
			w.refused(errs.WrongState, f.alice, "Settlement:Settle", []string{terms.TradeRef}, withTerms(t, terms))
		})
	}
}

func TestInstructionsKeepTermsPrivateAndHashesEqual(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	terms := w.tradeTerms("ORG2-T-2", f.alice, f.bob, 1000, money.Cents(99_123_45))
	w.matched(f.alice, f.bob, terms, true, true)
	rec := w.record(terms.TradeRef)

	want, err := terms.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	for _, side := range []core.Side{core.Deliver, core.Receive} {
		bank := rec.Bank(side)
		stored := w.Private(roles.ImplicitCollection(bank))[compositeKey(t, model.TypeSettlementTerms, terms.TradeRef, string(side))]
		if string(stored) != string(want) {
			t.Fatalf("%s terms in %s's implicit collection:\n%s\nwant\n%s", side, bank, stored, want)
		}
	}
	hash, _ := terms.HashHex()
	if rec.Deliver.Hash != hash || rec.Receive.Hash != hash {
		t.Fatalf("hashes %s %s, want %s", rec.Deliver.Hash, rec.Receive.Hash, hash)
	}
	if rec.SellerBank != w.net.Servicer || rec.BuyerBank != w.net.Investors || rec.Tranche != trancheID {
		t.Fatalf("record %+v", rec)
	}
	w.mustSettle(f.alice, terms)
	// Nothing public names a party or an amount: not the record, not the
	// index, not an event of this contract.
	public := w.publicText()
	for _, secret := range []string{"99123.45", "9912345", terms.Nonce} {
		if strings.Contains(public, secret) {
			t.Fatalf("public state or events contain %q", secret)
		}
	}
	for k, v := range w.Public() {
		if strings.Contains(k, model.TypeSettlement) && (strings.Contains(string(v), key(f.alice)) || strings.Contains(string(v), key(f.bob))) {
			t.Fatalf("public settlement key %q names a party: %s", k, v)
		}
	}
	for _, e := range w.Events() {
		if strings.Contains(string(e.Payload), "Settlement") && (strings.Contains(string(e.Payload), key(f.alice)) || strings.Contains(string(e.Payload), key(f.bob))) {
			t.Fatalf("settlement event names a party: %s", e.Payload)
		}
	}
}
