package settlement_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
)

// issuanceTerms place units from the SPV's issuance account with buyer
// against cash to the SPV's proceeds account.
func (w *world) issuanceTerms(ref string, f fixture, buyer *stubtest.Identity, units int64, cash money.Amount) core.Terms {
	t := w.tradeTerms(ref, f.alice, buyer, units, cash)
	t.Kind, t.Seller, t.Issuer, t.Proceeds = core.KindIssuance, "", w.Net.Trustee, w.Key(f.proceeds)
	return t
}

func TestPrimaryIssuanceSettlesDeliveryVersusPayment(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	issuer0 := w.issuerUnits()
	units0, cash0 := w.totals(f.alice, f.anna, f.bob, f.proceeds)
	terms := w.issuanceTerms("ISS-1", f, f.bob, 2500, money.FromMajor(2_500))

	// Only an arranger of the deal's arranging organisation delivers, and
	// the issuance account holds nothing.
	w.RefusedWith(errs.Forbidden, f.alice, "Settlement:InstructDeliver", []string{"false"}, contracttest.TermsTransient(t, terms))
	w.RefusedWith(errs.Forbidden, w.Trustee, "Settlement:InstructDeliver", []string{"false"}, contracttest.TermsTransient(t, terms))
	r := w.RefusedWith(errs.BadInput, w.Arranger, "Settlement:InstructDeliver", []string{"true"}, contracttest.TermsTransient(t, terms))
	if !strings.Contains(r.Message, "hold: the SPV's issuance account keeps no holds") {
		t.Fatalf("message %q", r.Message)
	}
	deliver := w.Instruct(w.Arranger, core.Deliver, terms, false)
	if !deliver.OK() {
		t.Fatal(deliver.Message)
	}
	if rec := w.SettlementRecord(terms.TradeRef); rec.Kind != core.KindIssuance || rec.SellerBank != w.Net.Trustee || rec.BuyerBank != w.Net.Investors {
		t.Fatalf("record %+v", rec)
	}
	w.MustInstruct(f.bob, core.Receive, terms, true)

	r = w.Settle(w.Trustee, terms)
	if o := outcome(t, r); !r.OK() || o.Status != core.Settled {
		t.Fatalf("settle: %s %+v", r.Message, o)
	}
	if got := w.issuerUnits(); got != issuer0-2500 {
		t.Fatalf("issuance account %d, want %d", got, issuer0-2500)
	}
	if p := w.Position(trancheID, f.bob); p.Units != 2500 {
		t.Fatalf("bob %+v", p)
	}
	if a, b := w.CashAccount(f.proceeds), w.CashAccount(f.bob); a.Balance != money.FromMajor(2_500) || b.Balance != money.FromMajor(97_500) || b.Held != 0 {
		t.Fatalf("proceeds %+v bob %+v", a, b)
	}
	if units, cash := w.totals(f.alice, f.anna, f.bob, f.proceeds); units != units0 || cash != cash0 {
		t.Fatalf("totals %d %s, before %d %s", units, cash, units0, cash0)
	}
	if got := refs(w.listByBank(w.Arranger, w.Net.Trustee, "5", "")); !slices.Equal(got, []string{"ISS-1"}) {
		t.Fatalf("the issuer's bank lists %v", got)
	}
}

func TestPrimaryIssuanceAppliesTheTransferRules(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	bert := w.Investor(w.Net.Investors, "bert") // never attested
	w.Must(w.Settlement, "Cash:Pay", w.Key(bert), "1000.00")
	terms := w.issuanceTerms("ISS-2", f, bert, 1000, money.FromMajor(1_000))
	w.MustInstruct(w.Arranger, core.Deliver, terms, false)
	w.MustInstruct(bert, core.Receive, terms, true)
	if o := outcome(t, w.Settle(w.Trustee, terms)); o.Status != core.Failed || o.Code != errs.RuleNotAttested {
		t.Fatalf("outcome %+v", o)
	}
	// More units than the issuance account holds.
	big := w.issuanceTerms("ISS-3", f, f.bella, 5000, money.FromMajor(5_000))
	w.MustInstruct(w.Arranger, core.Deliver, big, false)
	w.MustInstruct(f.bella, core.Receive, big, false)
	if o := outcome(t, w.Settle(f.bella, big)); o.Status != core.Failed || o.Code != errs.InsufficientBalance {
		t.Fatalf("outcome %+v", o)
	}
	if p := w.Position(trancheID, f.bella); p.Units != 0 {
		t.Fatalf("bella %+v", p)
	}
}
