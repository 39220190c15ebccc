package settlement_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/contracts/settlement"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

func TestMismatchedTermsAreRefused(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	terms := w.tradeTerms("ORG2-T-1", f.alice, f.bob, 1200, money.FromMajor(1_188))
	w.MustInstruct(f.alice, core.Deliver, terms, true)

	tests := []struct {
		name string
		edit func(*core.Terms)
	}{
		{"other units", func(x *core.Terms) { x.Units++ }},
		{"one cent more", func(x *core.Terms) { x.Cash++ }},
		{"other nonce", func(x *core.Terms) { x.Nonce = strings.Repeat("0", 32) }},
		{"later expiry", func(x *core.Terms) { x.Expiry = x.Expiry.Add(time.Second) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			other := terms
			tc.edit(&other)
			r := w.RefusedWith(errs.Conflict, f.bob, "Settlement:InstructReceive", []string{"false"}, contracttest.TermsTransient(t, other))
			if !strings.Contains(r.Message, "do not match the deliver instruction") {
				t.Fatalf("message %q", r.Message)
			}
		})
	}
	// Matched on the right terms, a settlement with other terms is refused
	// too: the hashes prove what both banks instructed.
	w.MustInstruct(f.bob, core.Receive, terms, false)
	other := terms
	other.Cash = money.FromMajor(1)
	r := w.RefusedWith(errs.Conflict, f.bob, "Settlement:Settle", []string{terms.TradeRef}, contracttest.TermsTransient(t, other))
	if !strings.Contains(r.Message, "are not the terms of the deliver instruction") {
		t.Fatalf("message %q", r.Message)
	}
	if rec := w.SettlementRecord(terms.TradeRef); rec.Status != core.Matched {
		t.Fatalf("status %s", rec.Status)
	}
}

func TestRuleRefusalIsRecordedAndRetried(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	bert := w.Investor(w.Net.Investors, "bert")
	w.Attest(bert, contracttest.Claims("DE")) // outside the allowed US and GB
	terms := w.tradeTerms("ORG2-T-1", f.alice, bert, 1000, money.FromMajor(990))
	w.Must(w.Settlement, "Cash:Pay", w.Key(bert), "990.00")
	w.Matched(f.alice, bert, terms, true, true)
	before := w.Snapshot()

	r := w.Settle(bert, terms)
	if !r.OK() {
		t.Fatalf("a refused settlement is recorded, not an error: %s", r.Message)
	}
	o := outcome(t, r)
	if o.Status != core.Failed || o.Code != errs.RuleJurisdictionBlocked || o.Rule != 4 {
		t.Fatalf("outcome %+v", o)
	}
	if got := r.EventTypes(); len(got) != 1 || got[0] != settlement.EventFailed {
		t.Fatalf("events %v", got)
	}
	rec := w.SettlementRecord(terms.TradeRef)
	if rec.Failure == nil || rec.Failure.Code != errs.RuleJurisdictionBlocked || rec.Failure.Attempts != 1 || !rec.Deliver.Held || !rec.Receive.Held {
		t.Fatalf("record %+v failure %+v", rec, rec.Failure)
	}
	// Only the record changed (and an event was logged): no unit or cent
	// moved, the holds stand.
	if diff := w.Diff(before); len(diff) != 2 || diff[0] != `world state "\x00settlement\x00ORG2-T-1\x00": value changed` ||
		diff[1] != "events: 1 new" {
		t.Fatalf("a failed settlement changed %q", diff)
	}
	if p := w.Position(trancheID, f.alice); p.Units != 5000 || p.HeldUnits != 1000 {
		t.Fatalf("alice %+v", p)
	}
	if a := w.CashAccount(bert); a.Balance != money.FromMajor(990) || a.Held != money.FromMajor(990) {
		t.Fatalf("bert %+v", a)
	}
	// The message is not on the ledger; CheckSettle tells it, to whom may see it.
	verdict := func(id *stubtest.Identity) rules.Verdict { return w.checkSettle(id, terms) }
	if v := verdict(bert); v.Allowed || v.Code != errs.RuleJurisdictionBlocked || !strings.Contains(v.Message, "jurisdiction DE") {
		t.Fatalf("buyer's verdict %+v", v)
	}
	if v := verdict(f.alice); v.Code != errs.RuleJurisdictionBlocked || strings.Contains(v.Message, "jurisdiction DE") || !strings.Contains(v.Message, "withheld") {
		t.Fatalf("seller's verdict %+v: the buyer's jurisdiction must be withheld", v)
	}
	if strings.Contains(w.publicText(), "jurisdiction") {
		t.Fatal("the refusal's message reached public state or events")
	}

	// Failing again counts the attempt; once the buyer is eligible the
	// retry settles.
	if o := outcome(t, w.Settle(f.alice, terms)); o.Status != core.Failed {
		t.Fatalf("second attempt %+v", o)
	}
	if a := w.SettlementRecord(terms.TradeRef).Failure.Attempts; a != 2 {
		t.Fatalf("attempts %d", a)
	}
	w.Attest(bert, contracttest.Claims("GB"))
	if v := verdict(bert); !v.Allowed {
		t.Fatalf("verdict after re-attestation %+v", v)
	}
	if rec := w.MustSettle(w.Trustee, terms); rec.Status != core.Settled {
		t.Fatalf("retry: %s", rec.Status)
	}
	if p := w.Position(trancheID, bert); p.Units != 1000 {
		t.Fatalf("bert %+v", p)
	}
}

func TestInsufficientUnitsOrCash(t *testing.T) {
	t.Run("seller short of units", func(t *testing.T) {
		w := newWorld(t)
		f := w.standard()
		terms := w.tradeTerms("T-UNITS", f.alice, f.bob, 6000, money.FromMajor(5_940))
		w.RefusedWith(errs.InsufficientBalance, f.alice, "Settlement:InstructDeliver", []string{"true"}, contracttest.TermsTransient(t, terms))
		w.Matched(f.alice, f.bob, terms, false, false)
		if o := outcome(t, w.Settle(f.bob, terms)); o.Status != core.Failed || o.Code != errs.RuleInsufficientUnits || o.Rule != 10 {
			t.Fatalf("outcome %+v", o)
		}
		if p := w.Position(trancheID, f.bob); p.Units != 0 {
			t.Fatalf("bob received %d units", p.Units)
		}
	})
	t.Run("buyer short of cash", func(t *testing.T) {
		w := newWorld(t)
		f := w.standard()
		terms := w.tradeTerms("T-CASH", f.alice, f.bob, 1000, money.FromMajor(100_000)+1)
		w.RefusedWith(errs.InsufficientBalance, f.bob, "Settlement:InstructReceive", []string{"true"}, contracttest.TermsTransient(t, terms))
		w.Matched(f.alice, f.bob, terms, true, false)
		if o := outcome(t, w.Settle(f.alice, terms)); o.Status != core.Failed || o.Code != errs.InsufficientBalance || o.Rule != 0 {
			t.Fatalf("outcome %+v", o)
		}
		// The seller learns the code, not the buyer's balance; the trustee
		// learns both.
		if v := w.checkSettle(f.alice, terms); v.Code != errs.InsufficientBalance || !strings.Contains(v.Message, "withheld") || strings.Contains(v.Message, "100000") {
			t.Fatalf("seller's verdict %+v", v)
		}
		if v := w.checkSettle(w.Trustee, terms); v.Code != errs.InsufficientBalance || !strings.Contains(v.Message, "100000.00 cash free to pay") {
			t.Fatalf("trustee's verdict %+v", v)
		}
		// The seller's hold was released to check the delivery and put back.
		if p := w.Position(trancheID, f.alice); p.Units != 5000 || p.HeldUnits != 1000 {
			t.Fatalf("alice %+v", p)
		}
		if !w.holdRecord(w.Net.Servicer, terms.TradeRef, core.Deliver) {
			t.Fatal("the deliver hold record is gone after a failed attempt")
		}
	})
	t.Run("units held for another settlement", func(t *testing.T) {
		w := newWorld(t)
		f := w.standard()
		first := w.tradeTerms("T-FIRST", f.alice, f.bob, 4500, money.FromMajor(4_455))
		w.MustInstruct(f.alice, core.Deliver, first, true)
		// The held units can be neither held again, nor sold, nor transferred.
		second := w.tradeTerms("T-SECOND", f.alice, f.bella, 1000, money.FromMajor(990))
		w.RefusedWith(errs.InsufficientBalance, f.alice, "Settlement:InstructDeliver", []string{"true"}, contracttest.TermsTransient(t, second))
		w.Matched(f.alice, f.bella, second, false, false)
		if o := outcome(t, w.Settle(f.bella, second)); o.Code != errs.InsufficientBalance {
			t.Fatalf("outcome %+v", o)
		}
		w.RefusedWith(errs.InsufficientBalance, f.alice, "Token:Transfer", []string{trancheID, w.Key(f.bella), "1000"})
		// 500 units are free.
		third := w.tradeTerms("T-THIRD", f.alice, f.bella, 500, money.FromMajor(495))
		w.Matched(f.alice, f.bella, third, true, true)
		if rec := w.MustSettle(f.alice, third); rec.Status != core.Settled {
			t.Fatalf("third: %s", rec.Status)
		}
		if p := w.Position(trancheID, f.alice); p.Units != 4500 || p.HeldUnits != 4500 {
			t.Fatalf("alice %+v", p)
		}
	})
	t.Run("cash held for another settlement", func(t *testing.T) {
		w := newWorld(t)
		f := w.standard()
		first := w.tradeTerms("T-FIRST", f.alice, f.bob, 1000, money.FromMajor(99_000))
		w.MustInstruct(f.bob, core.Receive, first, true)
		second := w.tradeTerms("T-SECOND", f.anna, f.bob, 1000, money.FromMajor(2_000))
		w.Matched(f.anna, f.bob, second, false, false)
		if o := outcome(t, w.Settle(f.anna, second)); o.Code != errs.InsufficientBalance {
			t.Fatalf("outcome %+v", o)
		}
		w.RefusedWith(errs.InsufficientBalance, f.bob, "Cash:Transfer", []string{w.Key(f.anna), "1000.01"})
	})
}

func TestNothingSettlesBeforeTheIntendedDate(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	terms := w.tradeTerms("T-ISD", f.alice, f.bob, 1000, money.FromMajor(990))
	terms.SettlementDate = w.Now().Add(24 * time.Hour).Format("2006-01-02")
	w.Matched(f.alice, f.bob, terms, true, true)
	r := w.RefusedWith(errs.WrongState, f.bob, "Settlement:Settle", []string{terms.TradeRef}, contracttest.TermsTransient(t, terms))
	if !strings.Contains(r.Message, "intended settlement date "+terms.SettlementDate+" not reached") {
		t.Fatalf("message %q", r.Message)
	}
	w.AdvanceTo(time.Date(w.Now().Year(), w.Now().Month(), w.Now().Day()+1, 0, 0, 0, 0, time.UTC))
	if rec := w.MustSettle(f.bob, terms); rec.Status != core.Settled {
		t.Fatalf("on the date: %s", rec.Status)
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	terms := w.tradeTerms("T-1", f.alice, f.bob, 1000, money.FromMajor(990))
	w.Matched(f.alice, f.bob, terms, false, false)
	raw := func(b string) stubtest.InvokeOption {
		return stubtest.Transient(map[string][]byte{settlement.TransientTerms: []byte(b)})
	}
	valid := string(contracttest.MustCanon(t, terms))
	tests := []struct {
		name string
		fn   string
		args []string
		opt  stubtest.InvokeOption
		code errs.Code
		says string
	}{
		{"no terms", "Settlement:InstructDeliver", []string{"false"}, stubtest.Transient(nil), errs.BadInput, "terms: required in the transient map"},
		{"terms not JSON", "Settlement:InstructDeliver", []string{"false"}, raw("{units:1}"), errs.BadInput, "invalid JSON"},
		{"unknown field", "Settlement:InstructDeliver", []string{"false"}, raw(strings.Replace(valid, `"units":1000`, `"units":1000,"price":"99"`, 1)), errs.BadInput, "price: unknown field"},
		{"float units", "Settlement:InstructDeliver", []string{"false"}, raw(strings.Replace(valid, `"units":1000`, `"units":1e3`, 1)), errs.BadInput, "units"},
		{"invalid field", "Settlement:InstructDeliver", []string{"false"}, raw(strings.Replace(valid, `"units":1000`, `"units":-1`, 1)), errs.BadInput, "units: must be positive"},
		{"reference differs from the terms", "Settlement:Settle", []string{"T-2"}, contracttest.TermsTransient(t, terms), errs.BadInput, "tradeRef: the argument is T-2"},
		{"reference not an ID", "Settlement:Settle", []string{"T/1"}, contracttest.TermsTransient(t, terms), errs.BadInput, "tradeRef"},
		{"unknown settlement", "Settlement:Expire", []string{"T-404"}, nil, errs.NotFound, "settlement T-404 not found"},
		{"unknown side", "Settlement:Cancel", []string{"T-1", "sideways"}, contracttest.TermsTransient(t, terms), errs.BadInput, `unknown side "sideways"`},
		{"page size zero", "Settlement:ListByBank", []string{w.Net.Servicer, "0", ""}, nil, errs.BadInput, "pageSize"},
		{"unknown tranche", "Settlement:InstructDeliver", []string{"false"}, contracttest.TermsTransient(t, func() core.Terms {
			x := w.tradeTerms("T-9", f.alice, f.bob, 1, 1)
			x.Tranche = "NOPE"
			return x
		}()), errs.NotFound, "tranche NOPE not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var opts []stubtest.InvokeOption
			if tc.opt != nil {
				opts = append(opts, tc.opt)
			}
			r := w.RefusedWith(tc.code, f.alice, tc.fn, tc.args, opts...)
			if !strings.Contains(r.Message, tc.says) {
				t.Fatalf("message %q does not say %q", r.Message, tc.says)
			}
		})
	}
}

// TestInconsistentLedgerIsReportedNotSettled: if what a peer holds
// disagrees with the public record (terms rewritten or purged behind the
// contract's back, a hold record lost), the contract refuses with
// INTERNAL rather than settle or release on a guess.
func TestInconsistentLedgerIsReportedNotSettled(t *testing.T) {
	t.Run("terms rewritten in the implicit collection", func(t *testing.T) {
		w := newWorld(t)
		f := w.standard()
		terms := w.tradeTerms("T-1", f.alice, f.bob, 1000, money.FromMajor(990))
		w.Matched(f.alice, f.bob, terms, false, false)
		w.SeedPrivate(roles.ImplicitCollection(w.Net.Servicer), contracttest.CompositeKey(schema.TypeSettlementTerms, "T-1", "deliver"), []byte(`{"tampered":true}`))
		r := w.RefusedWith(errs.Internal, f.bob, "Settlement:Settle", []string{"T-1"}, contracttest.TermsTransient(t, terms))
		if !strings.Contains(r.Message, "the ledger is inconsistent") {
			t.Fatalf("message %q", r.Message)
		}
	})
	t.Run("hold record lost", func(t *testing.T) {
		w := newWorld(t)
		f := w.standard()
		terms := w.tradeTerms("T-1", f.alice, f.bob, 1000, money.FromMajor(990))
		w.MustInstruct(f.alice, core.Deliver, terms, true)
		w.SeedPrivate(roles.RegistryCollection(w.Net.Servicer), contracttest.CompositeKey(schema.TypeSettlementHold, "T-1", "deliver"), nil)
		w.AdvanceTo(terms.Expiry)
		r := w.RefusedWith(errs.Internal, w.Auditor, "Settlement:Expire", []string{"T-1"})
		if !strings.Contains(r.Message, "has no hold record") {
			t.Fatalf("message %q", r.Message)
		}
	})
}

func TestIssuanceOnlyByTheDealsArranger(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	terms := w.issuanceTerms("ISS-X", f, f.bob, 10, money.FromMajor(10))
	terms.Issuer = w.Net.Investors
	// The issuer the terms name must be the instructing arranger's own
	// organisation (and, checked next, the deal's arranger).
	r := w.RefusedWith(errs.Forbidden, w.Arranger, "Settlement:InstructDeliver", []string{"false"}, contracttest.TermsTransient(t, terms))
	if !strings.Contains(r.Message, "only an arranger of the issuer "+w.Net.Investors) {
		t.Fatalf("message %q", r.Message)
	}
}

// TestAFailureAfterTheChecksFailsTheTransaction: once the delivery and
// the payment have passed their checks, Settle starts writing (accrued
// distributions, units, cash). A failure after that point, here the
// seller's balance overflowing when the price is credited, must fail the
// whole transaction; recorded as a refused attempt it would commit the
// units already delivered without the payment.
func TestAFailureAfterTheChecksFailsTheTransaction(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	terms := w.tradeTerms("ORG2-T-OVF", f.alice, f.bob, 100, money.FromMajor(1))
	w.Matched(f.alice, f.bob, terms, false, false)
	full, err := canon.Marshal(schema.CashAccount{Balance: money.MaxAmount})
	if err != nil {
		t.Fatal(err)
	}
	w.SeedPrivate(roles.RegistryCollection(f.alice.MSPID()), contracttest.CompositeKey(schema.TypeCash, w.Key(f.alice)), full)

	r := w.RefusedWith(errs.Overflow, f.bob, "Settlement:Settle", []string{terms.TradeRef}, contracttest.TermsTransient(t, terms))
	if !strings.Contains(r.Message, "cash") {
		t.Fatalf("message %q", r.Message)
	}
	if rec := w.SettlementRecord(terms.TradeRef); rec.Status != core.Matched {
		t.Fatalf("status %s, want matched: nothing was recorded", rec.Status)
	}
	if w.Position(trancheID, f.alice).Units != 5000 || w.Position(trancheID, f.bob).Units != 0 {
		t.Fatalf("units moved: alice %d, bob %d", w.Position(trancheID, f.alice).Units, w.Position(trancheID, f.bob).Units)
	}
}
