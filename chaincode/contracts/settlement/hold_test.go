package settlement_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/contracts/settlement"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// hold sends Settlement:Hold of side as id with the terms.
func (w *world) hold(id *stubtest.Identity, side core.Side, terms core.Terms) contracttest.Result {
	w.TB.Helper()
	return w.CallWith(id, "Settlement:Hold", []string{terms.TradeRef, string(side)}, contracttest.TermsTransient(w.TB, terms))
}

// mustHold is hold, failing the test unless it succeeds; it returns the
// step's outcome.
func (w *world) mustHold(id *stubtest.Identity, side core.Side, terms core.Terms) schema.SettlementStep {
	w.TB.Helper()
	r := w.hold(id, side, terms)
	if !r.OK() {
		w.TB.Fatalf("hold %s of %s by %s: %s", side, terms.TradeRef, id, r.Message)
	}
	if !slices.Equal(r.EventTypes(), []string{settlement.EventHeld}) || !slices.Equal(r.Peers, []string{w.Net.Trustee}) {
		w.TB.Fatalf("hold %s of %s: events %v, endorsed by %v (want %s, the trustee's peer alone)",
			side, terms.TradeRef, r.EventTypes(), r.Peers, settlement.EventHeld)
	}
	return outcome(w.TB, r)
}

// An instruction without a hold followed by Hold ends where an
// instruction with a hold does: the record's leg held, the units or cash
// reserved, the hold record in the holder's registry; and the settlement
// settles from there exactly as in one step.
func TestHoldAfterInstruction(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	terms := w.tradeTerms("T-HOLD-1", f.alice, f.bob, 1000, money.FromMajor(990))
	w.MustInstruct(f.alice, core.Deliver, terms, false)
	if p := w.Position(trancheID, f.alice); p.HeldUnits != 0 {
		t.Fatalf("alice %+v before the hold", p)
	}

	o := w.mustHold(f.alice, core.Deliver, terms)
	if o.Status != core.PendingDeliver || o.Side != core.Deliver || o.TradeRef != terms.TradeRef {
		t.Fatalf("outcome %+v", o)
	}
	rec := w.SettlementRecord(terms.TradeRef)
	if !rec.Deliver.Held || rec.Status != core.PendingDeliver {
		t.Fatalf("record %+v", rec)
	}
	if last := rec.History[len(rec.History)-1]; last.Event != core.EventHold || last.Side != core.Deliver {
		t.Fatalf("last step %+v", last)
	}
	if p := w.Position(trancheID, f.alice); p.Units != 5000 || p.HeldUnits != 1000 {
		t.Fatalf("alice %+v", p)
	}
	if !w.holdRecord(w.Net.Servicer, terms.TradeRef, core.Deliver) {
		t.Fatal("no hold record in the seller's registry")
	}
	// The held units cannot be sold twice.
	other := w.tradeTerms("T-HOLD-2", f.alice, f.bella, 4500, money.FromMajor(4_455))
	w.MustInstruct(f.alice, core.Deliver, other, false)
	w.RefusedWith(errs.InsufficientBalance, f.alice, "Settlement:Hold", []string{other.TradeRef, "deliver"}, contracttest.TermsTransient(t, other))
	if p := w.Position(trancheID, f.alice); p.HeldUnits != 1000 {
		t.Fatalf("a refused hold changed alice's position: %+v", p)
	}

	w.MustInstruct(f.bob, core.Receive, terms, false)
	if o := w.mustHold(f.bob, core.Receive, terms); o.Status != core.Matched {
		t.Fatalf("outcome %+v", o)
	}
	if a := w.CashAccount(f.bob); a.Held != money.FromMajor(990) {
		t.Fatalf("bob %+v", a)
	}
	if rec := w.MustSettle(f.bob, terms); rec.Status != core.Settled || rec.Holds() {
		t.Fatalf("record %+v", rec)
	}
	if p := w.Position(trancheID, f.alice); p.Units != 4000 || p.HeldUnits != 0 {
		t.Fatalf("alice %+v", p)
	}
	if a := w.CashAccount(f.bob); a.Balance != money.FromMajor(99_010) || a.Held != 0 {
		t.Fatalf("bob %+v", a)
	}
	if w.holdRecord(w.Net.Servicer, terms.TradeRef, core.Deliver) || w.holdRecord(w.Net.Investors, terms.TradeRef, core.Receive) {
		t.Fatal("hold records left after settlement")
	}
	w.RefusedWith(errs.WrongState, f.alice, "Settlement:Hold", []string{terms.TradeRef, "deliver"}, contracttest.TermsTransient(t, terms))
	if err := w.CheckTranche(trancheID); err != nil {
		t.Fatal(err)
	}
	if err := w.CheckCash(); err != nil {
		t.Fatal(err)
	}
}

// Cancelling and expiring release a hold placed by Hold, from its hold
// record, as they release one placed with the instruction.
func TestHoldIsReleasedByCancel(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	terms := w.tradeTerms("T-HOLD-CXL", f.alice, f.bob, 1000, money.FromMajor(990))
	w.MustInstruct(f.bob, core.Receive, terms, false)
	w.mustHold(f.bob, core.Receive, terms)
	w.MustWith(f.bob, "Settlement:Cancel", []string{terms.TradeRef, "receive"}, contracttest.TermsTransient(t, terms))
	if a := w.CashAccount(f.bob); a.Balance != money.FromMajor(100_000) || a.Held != 0 {
		t.Fatalf("bob %+v", a)
	}
	if w.holdRecord(w.Net.Investors, terms.TradeRef, core.Receive) {
		t.Fatal("hold record left after cancellation")
	}
}

func TestHoldRefusals(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	terms := w.tradeTerms("T-HOLD-R", f.alice, f.bob, 1000, money.FromMajor(990))
	transient := contracttest.TermsTransient(t, terms)
	args := func(side string) []string { return []string{terms.TradeRef, side} }

	w.RefusedWith(errs.NotFound, f.alice, "Settlement:Hold", args("deliver"), transient)
	w.MustInstruct(f.alice, core.Deliver, terms, false)
	r := w.RefusedWith(errs.WrongState, f.bob, "Settlement:Hold", args("receive"), transient)
	if !strings.Contains(r.Message, "has not instructed") {
		t.Fatalf("message %q", r.Message)
	}
	// Only the side's own party holds its asset.
	w.RefusedWith(errs.Forbidden, f.bob, "Settlement:Hold", args("deliver"), transient)
	w.RefusedWith(errs.Forbidden, f.anna, "Settlement:Hold", args("deliver"), transient)
	w.RefusedWith(errs.Forbidden, w.Trustee, "Settlement:Hold", args("deliver"), transient)
	w.RefusedWith(errs.BadInput, f.alice, "Settlement:Hold", args("lend"), transient)
	// The terms must be the instructed ones.
	other := terms
	other.Units = 5000
	w.RefusedWith(errs.Conflict, f.alice, "Settlement:Hold", args("deliver"), contracttest.TermsTransient(t, other))
	w.RefusedWith(errs.BadInput, f.alice, "Settlement:Hold", []string{"T-OTHER", "deliver"}, transient)
	if p := w.Position(trancheID, f.alice); p.HeldUnits != 0 {
		t.Fatalf("a refused hold changed alice's position: %+v", p)
	}

	w.mustHold(f.alice, core.Deliver, terms)
	w.RefusedWith(errs.AlreadyExists, f.alice, "Settlement:Hold", args("deliver"), transient)

	w.AdvanceTo(terms.Expiry)
	w.RefusedWith(errs.WrongState, f.alice, "Settlement:Hold", args("deliver"), transient)
}

// An issuance holds nothing on the issuer's side, and an RTGS buyer pays
// off-ledger: Hold refuses what the instruction would have.
func TestHoldRefusesWhatAnInstructionCannotHold(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	terms := rtgs(w.tradeTerms("T-HOLD-RTGS", f.alice, f.bob, 1000, money.FromMajor(990)))
	w.MustInstruct(f.bob, core.Receive, terms, false)
	r := w.RefusedWith(errs.BadInput, f.bob, "Settlement:Hold", []string{terms.TradeRef, "receive"}, contracttest.TermsTransient(t, terms))
	if !strings.Contains(r.Message, "off-ledger") {
		t.Fatalf("message %q", r.Message)
	}
}

// A seller at the trustee's own bank: an instruction with a hold is
// endorsed by the trustee's peer and the next bank's (the majority a new
// record needs), which is not a member of the trustee bank's registry and
// cannot simulate the hold; so the hold is its own step, on the trustee's
// peer. This is the case that, with four banks, every bank is in.
func TestHoldAtTheTrusteesBank(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	tara := w.AttestedInvestor(w.Net.Trustee, "tara")
	w.Must(w.Trustee, "Deal:Place", trancheID, w.Key(tara), "2000")
	terms := w.tradeTerms("T-HOLD-TRUSTEE", tara, f.bob, 1500, money.FromMajor(1_485))

	peers := w.Endorsers(tara, "Settlement:InstructDeliver")
	if len(peers) != 2 || peers[0] != w.Net.Trustee {
		t.Fatalf("an instruction at the trustee's bank is endorsed by %v, want the trustee and one more bank", peers)
	}
	// The one-step hold, simulated on the second bank's peer (not committed).
	tx := w.Endorse(tara, "Settlement:InstructDeliver", []string{"true"},
		contracttest.TermsTransient(t, terms), stubtest.OnPeer(peers[1]), stubtest.At(w.Now()))
	registry := roles.RegistryCollection(w.Net.Trustee)
	if res := tx.Endorsement(); res.Status < 400 || !strings.Contains(res.Message, registry) {
		t.Fatalf("%s's peer endorsed a hold in %s: status %d %q", peers[1], registry, res.Status, res.Message)
	}

	w.MustInstruct(tara, core.Deliver, terms, false)
	w.mustHold(tara, core.Deliver, terms)
	if p := w.Position(trancheID, tara); p.HeldUnits != 1500 {
		t.Fatalf("tara %+v", p)
	}
	w.MustInstruct(f.bob, core.Receive, terms, true)
	if rec := w.MustSettle(f.bob, terms); rec.Status != core.Settled {
		t.Fatalf("record %+v", rec)
	}
	if p := w.Position(trancheID, tara); p.Units != 500 || p.HeldUnits != 0 {
		t.Fatalf("tara %+v", p)
	}
}
