package settlement_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/contracts/settlement"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
)

func TestRTGSPaymentConfirmedReleasesUnits(t *testing.T) {
	for _, holdAtInstruction := range []bool{false, true} {
		t.Run("hold="+holdArg(holdAtInstruction), func(t *testing.T) {
			w := newWorld(t)
			f := w.standard()
			cashBefore := w.account(f.bob)
			terms := rtgs(w.tradeTerms("T-RTGS", f.alice, f.bob, 2000, money.FromMajor(1_980)))
			w.refused(errs.BadInput, f.bob, "Settlement:InstructReceive", []string{"true"}, withTerms(t, terms))
			w.matched(f.alice, f.bob, terms, holdAtInstruction, false)

			// Confirmation before the lock is out of order.
			w.refused(errs.WrongState, f.alice, "Settlement:ConfirmPayment", []string{terms.TradeRef}, withTerms(t, terms))
			r := w.settle(f.bob, terms)
			if o := outcome(t, r); !r.ok() || o.Status != core.AwaitingPayment {
				t.Fatalf("lock: %s %+v", r.Message, o)
			}
			if !slices.Equal(r.eventTypes(), []string{settlement.EventAwaitingPayment}) {
				t.Fatalf("events %v", r.eventTypes())
			}
			if p := w.position(f.alice); p.Units != 5000 || p.HeldUnits != 2000 {
				t.Fatalf("alice after lock %+v", p)
			}
			// Locked units cannot be sold elsewhere.
			w.refused(errs.InsufficientBalance, f.alice, "Token:Transfer", []string{trancheID, key(f.anna), "3001"})

			// Only the seller's bank can confirm the payment, and there
			// only the seller.
			r = w.refused(errs.Forbidden, f.bob, "Settlement:ConfirmPayment", []string{terms.TradeRef}, withTerms(t, terms))
			if !strings.Contains(r.Message, "only by the seller's bank "+w.net.Servicer) {
				t.Fatalf("message %q", r.Message)
			}
			w.refused(errs.Forbidden, w.trustee, "Settlement:ConfirmPayment", []string{terms.TradeRef}, withTerms(t, terms))
			w.refused(errs.Forbidden, f.anna, "Settlement:ConfirmPayment", []string{terms.TradeRef}, withTerms(t, terms))

			r = w.call(f.alice, "Settlement:ConfirmPayment", []string{terms.TradeRef}, withTerms(t, terms))
			if o := outcome(t, r); !r.ok() || o.Status != core.Released || !slices.Equal(r.peers, []string{w.net.Trustee}) {
				t.Fatalf("confirm: %s %+v %v", r.Message, o, r.peers)
			}
			if p, q := w.position(f.alice), w.position(f.bob); p.Units != 3000 || p.HeldUnits != 0 || q.Units != 2000 {
				t.Fatalf("alice %+v bob %+v", p, q)
			}
			// The cash moved off-ledger: no token moved.
			if a := w.account(f.bob); a != cashBefore {
				t.Fatalf("bob's cash tokens %+v, before %+v", a, cashBefore)
			}
			if rec := w.record(terms.TradeRef); rec.Status != core.Released || rec.Holds() {
				t.Fatalf("record %+v", rec)
			}
			w.refused(errs.WrongState, f.alice, "Settlement:ConfirmPayment", []string{terms.TradeRef}, withTerms(t, terms))
		})
	}
}

func TestRTGSDeadlineReturnsUnits(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	terms := rtgs(w.tradeTerms("T-RTGS", f.alice, f.bob, 2000, money.FromMajor(1_980)))
	w.matched(f.alice, f.bob, terms, false, false)
	w.mustSettle(f.alice, terms)

	// After the expiry but before the deadline, the payment can still be
	// confirmed and the units cannot be returned yet.
	w.now = terms.Expiry
	w.refused(errs.WrongState, w.auditor, "Settlement:Expire", []string{terms.TradeRef})
	w.now = terms.PaymentDeadline
	r := w.refused(errs.WrongState, f.alice, "Settlement:ConfirmPayment", []string{terms.TradeRef}, withTerms(t, terms))
	if !strings.Contains(r.Message, "payment deadline passed") {
		t.Fatalf("message %q", r.Message)
	}
	r = w.call(f.bob, "Settlement:Expire", []string{terms.TradeRef})
	if o := outcome(t, r); !r.ok() || o.Status != core.Returned || !slices.Equal(r.eventTypes(), []string{settlement.EventReturned}) {
		t.Fatalf("expire: %s %+v %v", r.Message, o, r.eventTypes())
	}
	if p, q := w.position(f.alice), w.position(f.bob); p.Units != 5000 || p.HeldUnits != 0 || q.Units != 0 {
		t.Fatalf("alice %+v bob %+v", p, q)
	}
	if w.holdRecord(w.net.Servicer, terms.TradeRef, core.Deliver) {
		t.Fatal("hold record left after the return")
	}
}

func TestRTGSLockChecksTheRules(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	bert := w.investor(w.net.Investors, "bert", false) // never attested
	terms := rtgs(w.tradeTerms("T-RTGS", f.alice, bert, 2000, money.FromMajor(1_980)))
	w.matched(f.alice, bert, terms, true, false)
	if o := outcome(t, w.settle(bert, terms)); o.Status != core.Failed || o.Code != errs.RuleNotAttested || o.Rule != 5 {
		t.Fatalf("outcome %+v", o)
	}
	// The deliver instruction's hold stands, nothing else changed.
	if p := w.position(f.alice); p.HeldUnits != 2000 || p.Units != 5000 {
		t.Fatalf("alice %+v", p)
	}
}
