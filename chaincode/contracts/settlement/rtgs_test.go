package settlement_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/contracts/settlement"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
)

func TestRTGSPaymentConfirmedReleasesUnits(t *testing.T) {
	for _, holdAtInstruction := range []bool{false, true} {
		t.Run("hold="+strconv.FormatBool(holdAtInstruction), func(t *testing.T) {
			w := newWorld(t)
			f := w.standard()
			cashBefore := w.CashAccount(f.bob)
			terms := rtgs(w.tradeTerms("T-RTGS", f.alice, f.bob, 2000, money.FromMajor(1_980)))
			w.RefusedWith(errs.BadInput, f.bob, "Settlement:InstructReceive", []string{"true"}, contracttest.TermsTransient(t, terms))
			w.Matched(f.alice, f.bob, terms, holdAtInstruction, false)

			// Confirmation before the lock is out of order.
			w.RefusedWith(errs.WrongState, f.alice, "Settlement:ConfirmPayment", []string{terms.TradeRef}, contracttest.TermsTransient(t, terms))
			r := w.Settle(f.bob, terms)
			if o := outcome(t, r); !r.OK() || o.Status != core.AwaitingPayment {
				t.Fatalf("lock: %s %+v", r.Message, o)
			}
			if !slices.Equal(r.EventTypes(), []string{settlement.EventAwaitingPayment}) {
				t.Fatalf("events %v", r.EventTypes())
			}
			if p := w.Position(trancheID, f.alice); p.Units != 5000 || p.HeldUnits != 2000 {
				t.Fatalf("alice after lock %+v", p)
			}
			// Locked units cannot be sold elsewhere.
			w.RefusedWith(errs.InsufficientBalance, f.alice, "Token:Transfer", []string{trancheID, w.Key(f.anna), "3001"})

			// Only the seller's bank can confirm the payment, and there
			// only the seller.
			r = w.RefusedWith(errs.Forbidden, f.bob, "Settlement:ConfirmPayment", []string{terms.TradeRef}, contracttest.TermsTransient(t, terms))
			if !strings.Contains(r.Message, "only by the seller's bank "+w.Net.Servicer) {
				t.Fatalf("message %q", r.Message)
			}
			w.RefusedWith(errs.Forbidden, w.Trustee, "Settlement:ConfirmPayment", []string{terms.TradeRef}, contracttest.TermsTransient(t, terms))
			w.RefusedWith(errs.Forbidden, f.anna, "Settlement:ConfirmPayment", []string{terms.TradeRef}, contracttest.TermsTransient(t, terms))

			r = w.CallWith(f.alice, "Settlement:ConfirmPayment", []string{terms.TradeRef}, contracttest.TermsTransient(t, terms))
			if o := outcome(t, r); !r.OK() || o.Status != core.Released || !slices.Equal(r.Peers, []string{w.Net.Trustee}) {
				t.Fatalf("confirm: %s %+v %v", r.Message, o, r.Peers)
			}
			if p, q := w.Position(trancheID, f.alice), w.Position(trancheID, f.bob); p.Units != 3000 || p.HeldUnits != 0 || q.Units != 2000 {
				t.Fatalf("alice %+v bob %+v", p, q)
			}
			// The cash moved off-ledger: no token moved.
			if a := w.CashAccount(f.bob); a != cashBefore {
				t.Fatalf("bob's cash tokens %+v, before %+v", a, cashBefore)
			}
			if rec := w.SettlementRecord(terms.TradeRef); rec.Status != core.Released || rec.Holds() {
				t.Fatalf("record %+v", rec)
			}
			w.RefusedWith(errs.WrongState, f.alice, "Settlement:ConfirmPayment", []string{terms.TradeRef}, contracttest.TermsTransient(t, terms))
		})
	}
}

func TestRTGSDeadlineReturnsUnits(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	terms := rtgs(w.tradeTerms("T-RTGS", f.alice, f.bob, 2000, money.FromMajor(1_980)))
	w.Matched(f.alice, f.bob, terms, false, false)
	w.MustSettle(f.alice, terms)

	// After the expiry but before the deadline, the payment can still be
	// confirmed and the units cannot be returned yet.
	w.AdvanceTo(terms.Expiry)
	w.RefusedWith(errs.WrongState, w.Auditor, "Settlement:Expire", []string{terms.TradeRef})
	w.AdvanceTo(terms.PaymentDeadline)
	r := w.RefusedWith(errs.WrongState, f.alice, "Settlement:ConfirmPayment", []string{terms.TradeRef}, contracttest.TermsTransient(t, terms))
	if !strings.Contains(r.Message, "payment deadline passed") {
		t.Fatalf("message %q", r.Message)
	}
	r = w.CallWith(f.bob, "Settlement:Expire", []string{terms.TradeRef})
	if o := outcome(t, r); !r.OK() || o.Status != core.Returned || !slices.Equal(r.EventTypes(), []string{settlement.EventReturned}) {
		t.Fatalf("expire: %s %+v %v", r.Message, o, r.EventTypes())
	}
	if p, q := w.Position(trancheID, f.alice), w.Position(trancheID, f.bob); p.Units != 5000 || p.HeldUnits != 0 || q.Units != 0 {
		t.Fatalf("alice %+v bob %+v", p, q)
	}
	if w.holdRecord(w.Net.Servicer, terms.TradeRef, core.Deliver) {
		t.Fatal("hold record left after the return")
	}
}

func TestRTGSLockChecksTheRules(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	bert := w.Investor(w.Net.Investors, "bert") // never attested
	terms := rtgs(w.tradeTerms("T-RTGS", f.alice, bert, 2000, money.FromMajor(1_980)))
	w.Matched(f.alice, bert, terms, true, false)
	if o := outcome(t, w.Settle(bert, terms)); o.Status != core.Failed || o.Code != errs.RuleNotAttested || o.Rule != 5 {
		t.Fatalf("outcome %+v", o)
	}
	// The deliver instruction's hold stands, nothing else changed.
	if p := w.Position(trancheID, f.alice); p.HeldUnits != 2000 || p.Units != 5000 {
		t.Fatalf("alice %+v", p)
	}
}
