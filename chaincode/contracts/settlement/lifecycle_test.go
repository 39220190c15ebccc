package settlement_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/peer"

	"github.com/tranchenet/tranchenet/chaincode/contracts/settlement"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
)

func TestExpiryReleasesHolds(t *testing.T) {
	for _, state := range []string{"pending", "matched", "failed"} {
		t.Run(state, func(t *testing.T) {
			w := newWorld(t)
			f := w.standard()
			terms := w.tradeTerms("T-EXP", f.alice, f.bob, 1000, money.FromMajor(990))
			w.MustInstruct(f.alice, core.Deliver, terms, true)
			if state != "pending" {
				w.MustInstruct(f.bob, core.Receive, terms, true)
			}
			if state == "failed" {
				w.Must(w.Trustee, "Token:Freeze", trancheID, w.Key(f.alice), "all")
				if o := outcome(t, w.Settle(f.alice, terms)); o.Status != core.Failed || o.Code != errs.RuleFrozen {
					t.Fatalf("outcome %+v", o)
				}
			}
			r := w.RefusedWith(errs.WrongState, w.Auditor, "Settlement:Expire", []string{terms.TradeRef})
			if !strings.Contains(r.Message, "cannot expire yet") {
				t.Fatalf("message %q", r.Message)
			}

			w.AdvanceTo(terms.Expiry)
			if state != "pending" {
				r = w.RefusedWith(errs.WrongState, f.bob, "Settlement:Settle", []string{terms.TradeRef}, contracttest.TermsTransient(t, terms))
				if !strings.Contains(r.Message, "call Expire to release its holds") {
					t.Fatalf("message %q", r.Message)
				}
			}
			// Anyone may expire it, without the terms: here an auditor at
			// a bank that is not the seller's.
			r = w.CallWith(w.Auditor, "Settlement:Expire", []string{terms.TradeRef})
			if !r.OK() {
				t.Fatal(r.Message)
			}
			if !slices.Equal(r.EventTypes(), []string{settlement.EventExpired}) || !slices.Equal(r.Peers, []string{w.Net.Trustee}) {
				t.Fatalf("events %v peers %v", r.EventTypes(), r.Peers)
			}
			rec := w.SettlementRecord(terms.TradeRef)
			if rec.Status != core.Expired || rec.Holds() {
				t.Fatalf("record %+v", rec)
			}
			if p := w.Position(trancheID, f.alice); p.Units != 5000 || p.HeldUnits != 0 {
				t.Fatalf("alice %+v", p)
			}
			if a := w.CashAccount(f.bob); a.Balance != money.FromMajor(100_000) || a.Held != 0 {
				t.Fatalf("bob %+v", a)
			}
			if w.holdRecord(w.Net.Servicer, terms.TradeRef, core.Deliver) || w.holdRecord(w.Net.Investors, terms.TradeRef, core.Receive) {
				t.Fatal("hold records left after expiry")
			}
			w.RefusedWith(errs.WrongState, w.Auditor, "Settlement:Expire", []string{terms.TradeRef})
			w.RefusedWith(errs.WrongState, f.alice, "Settlement:InstructDeliver", []string{"true"}, contracttest.TermsTransient(t, terms))
		})
	}
}

func TestCancel(t *testing.T) {
	t.Run("pending instruction by its own side", func(t *testing.T) {
		w := newWorld(t)
		f := w.standard()
		terms := w.tradeTerms("T-CXL", f.alice, f.bob, 1000, money.FromMajor(990))
		w.MustInstruct(f.alice, core.Deliver, terms, true)
		w.RefusedWith(errs.Forbidden, f.bob, "Settlement:Cancel", []string{terms.TradeRef, "deliver"}, contracttest.TermsTransient(t, terms))
		w.RefusedWith(errs.Forbidden, f.anna, "Settlement:Cancel", []string{terms.TradeRef, "deliver"}, contracttest.TermsTransient(t, terms))
		r := w.RefusedWith(errs.WrongState, f.bob, "Settlement:Cancel", []string{terms.TradeRef, "receive"}, contracttest.TermsTransient(t, terms))
		if !strings.Contains(r.Message, "the receive side has not instructed") {
			t.Fatalf("message %q", r.Message)
		}
		r = w.CallWith(f.alice, "Settlement:Cancel", []string{terms.TradeRef, "deliver"}, contracttest.TermsTransient(t, terms))
		if o := outcome(t, r); !r.OK() || o.Status != core.Cancelled || o.Side != core.Deliver {
			t.Fatalf("%s %+v", r.Message, o)
		}
		if p := w.Position(trancheID, f.alice); p.HeldUnits != 0 {
			t.Fatalf("alice %+v after cancel", p)
		}
		// The counterparty can no longer instruct a cancelled settlement.
		w.RefusedWith(errs.WrongState, f.bob, "Settlement:InstructReceive", []string{"false"}, contracttest.TermsTransient(t, terms))
	})
	t.Run("matched needs both sides", func(t *testing.T) {
		w := newWorld(t)
		f := w.standard()
		terms := w.tradeTerms("T-CXL", f.alice, f.bob, 1000, money.FromMajor(990))
		w.Matched(f.alice, f.bob, terms, true, true)
		r := w.CallWith(f.bob, "Settlement:Cancel", []string{terms.TradeRef, "receive"}, contracttest.TermsTransient(t, terms))
		if o := outcome(t, r); o.Status != core.Matched || !slices.Equal(r.EventTypes(), []string{settlement.EventCancelRequested}) {
			t.Fatalf("first cancel: %+v %v", o, r.EventTypes())
		}
		if rec := w.SettlementRecord(terms.TradeRef); !rec.Receive.CancelRequested || !rec.Receive.Held || !rec.Deliver.Held {
			t.Fatalf("record after one request %+v %+v", rec.Deliver, rec.Receive)
		}
		w.RefusedWith(errs.AlreadyExists, f.bob, "Settlement:Cancel", []string{terms.TradeRef, "receive"}, contracttest.TermsTransient(t, terms))
		r = w.CallWith(f.alice, "Settlement:Cancel", []string{terms.TradeRef, "deliver"}, contracttest.TermsTransient(t, terms))
		if o := outcome(t, r); o.Status != core.Cancelled {
			t.Fatalf("second cancel %+v", o)
		}
		if p, a := w.Position(trancheID, f.alice), w.CashAccount(f.bob); p.HeldUnits != 0 || a.Held != 0 || p.Units != 5000 || a.Balance != money.FromMajor(100_000) {
			t.Fatalf("after cancel: alice %+v bob %+v", p, a)
		}
	})
}

func TestSettlingTwiceMovesValueOnce(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	units0, cash0 := w.totals(f.alice, f.bob)
	terms := w.tradeTerms("T-TWICE", f.alice, f.bob, 1000, money.FromMajor(990))
	w.Matched(f.alice, f.bob, terms, true, true)

	// Both banks submit Settle at the same time: both simulations see the
	// matched record; the first to commit wins, the second is invalidated
	// by MVCC and changes nothing.
	bySeller, r1 := w.Propose(f.alice, "Settlement:Settle", []string{terms.TradeRef}, contracttest.TermsTransient(t, terms))
	byBuyer, r2 := w.Propose(f.bob, "Settlement:Settle", []string{terms.TradeRef}, contracttest.TermsTransient(t, terms))
	if r1.Status >= 400 || r2.Status >= 400 {
		t.Fatalf("endorsements: %q %q", r1.Message, r2.Message)
	}
	if c := w.Commit(byBuyer); c.Code != peer.TxValidationCode_VALID {
		t.Fatalf("first commit %s", c.Code)
	}
	snapshot := w.Snapshot()
	if c := w.Commit(bySeller); c.Code != peer.TxValidationCode_MVCC_READ_CONFLICT {
		t.Fatalf("second commit %s, want MVCC_READ_CONFLICT", c.Code)
	}
	if diff := w.Diff(snapshot); len(diff) != 0 {
		t.Fatalf("the invalidated settlement changed %v", diff)
	}
	if p := w.Position(trancheID, f.bob); p.Units != 1000 {
		t.Fatalf("bob has %d units", p.Units)
	}
	if units, cash := w.totals(f.alice, f.bob); units != units0 || cash != cash0 {
		t.Fatalf("totals %d %s, before %d %s", units, cash, units0, cash0)
	}
	// A client retrying after the conflict is told it is done.
	r := w.RefusedWith(errs.WrongState, f.alice, "Settlement:Settle", []string{terms.TradeRef}, contracttest.TermsTransient(t, terms))
	if !strings.Contains(r.Message, "is settled") {
		t.Fatalf("message %q", r.Message)
	}
}

func TestConcurrentSettlementsCompetingForUnits(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	units0, cash0 := w.totals(f.alice, f.bob, f.bella)
	// Alice sold 4,000 units twice without holding them; she has 5,000.
	toBob := w.tradeTerms("T-BOB", f.alice, f.bob, 4000, money.FromMajor(3_960))
	toBella := w.tradeTerms("T-BELLA", f.alice, f.bella, 4000, money.FromMajor(3_960))
	w.Matched(f.alice, f.bob, toBob, false, false)
	w.Matched(f.alice, f.bella, toBella, false, false)

	a, _ := w.Propose(f.bob, "Settlement:Settle", []string{toBob.TradeRef}, contracttest.TermsTransient(t, toBob))
	b, _ := w.Propose(f.bella, "Settlement:Settle", []string{toBella.TradeRef}, contracttest.TermsTransient(t, toBella))
	if c := w.Commit(b); c.Code != peer.TxValidationCode_VALID {
		t.Fatalf("first commit %s", c.Code)
	}
	if c := w.Commit(a); c.Code != peer.TxValidationCode_MVCC_READ_CONFLICT {
		t.Fatalf("second commit %s, want MVCC_READ_CONFLICT on the seller's position", c.Code)
	}
	if w.SettlementRecord(toBob.TradeRef).Status != core.Matched || w.SettlementRecord(toBella.TradeRef).Status != core.Settled {
		t.Fatal("statuses after the conflict")
	}
	// Resubmitted, the losing settlement finds the units gone.
	if o := outcome(t, w.Settle(f.bob, toBob)); o.Status != core.Failed || o.Code != errs.RuleInsufficientUnits {
		t.Fatalf("resubmitted: %+v", o)
	}
	if units, cash := w.totals(f.alice, f.bob, f.bella); units != units0 || cash != cash0 {
		t.Fatalf("totals %d %s, before %d %s", units, cash, units0, cash0)
	}
	if p, q := w.Position(trancheID, f.alice), w.Position(trancheID, f.bella); p.Units != 1000 || q.Units != 4000 || w.Position(trancheID, f.bob).Units != 0 {
		t.Fatalf("alice %+v bella %+v", p, q)
	}
}

func TestSameBankTrade(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	w.Must(w.Trustee, "Deal:Place", trancheID, w.Key(f.bella), "700")
	terms := w.tradeTerms("ORG3-T-1", f.bella, f.bob, 700, money.FromMajor(700))
	w.Matched(f.bella, f.bob, terms, true, true)
	w.MustSettle(f.bob, terms)
	if p, q := w.Position(trancheID, f.bella), w.Position(trancheID, f.bob); p.Units != 0 || q.Units != 700 {
		t.Fatalf("bella %+v bob %+v", p, q)
	}
	page := w.listByBank(f.bob, w.Net.Investors, "10", "")
	if len(page.Settlements) != 1 || page.Settlements[0].TradeRef != terms.TradeRef {
		t.Fatalf("page %+v", page)
	}
}
