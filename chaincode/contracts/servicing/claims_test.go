package servicing_test

import (
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/contracts/model"
	"github.com/tranchenet/tranchenet/chaincode/contracts/servicing"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

func TestClaims(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	a := d.tranche["A"]
	// Before any distribution a claim pays nothing and writes nothing.
	before := w.Snapshot()
	res := decode[servicing.ClaimResult](t, w.must(d.alice, "Servicing:Claim", a))
	if res.Amount != 0 || len(w.Diff(before)) != 0 {
		t.Fatalf("claim before any distribution: %+v, diff %v", res, w.Diff(before))
	}
	d.runPeriod(t)
	acc := decode[servicing.Accrual](t, w.must(d.alice, "Servicing:Accrued", a, w.key(d.alice)))
	if acc.Claimable <= 0 || acc.Units != d.holders[a][d.alice] {
		t.Fatalf("accrual %+v", acc)
	}
	w.refused(errs.Forbidden, d.bob, "Servicing:Accrued", a, w.key(d.alice))      // another bank's client
	w.refused(errs.Forbidden, w.servicer, "Servicing:Accrued", a, w.key(d.alice)) // same bank, no compliance role
	w.must(w.compliance[d.alice.MSPID()], "Servicing:Accrued", a, w.key(d.alice)) // its bank's compliance officer
	w.must(w.trustee, "Servicing:Accrued", a, w.key(d.alice))

	r := w.call(d.alice, "Servicing:Claim", []string{a})
	res = decode[servicing.ClaimResult](t, string(r.Payload))
	if !r.ok() || res.Amount != acc.Claimable || res.IndexPaid != acc.Index.String() || strings.Join(r.eventTypes(), ",") != "DistributionClaimed" {
		t.Fatalf("claim %+v (accrued %s), events %v", res, acc.Claimable, r.eventTypes())
	}
	// The event names the tranche and the holder, never the amount.
	if strings.Contains(string(r.events()[0].Data), res.Amount.String()) {
		t.Fatalf("event carries the amount: %s", r.events()[0].Data)
	}
	before = w.Snapshot()
	if again := decode[servicing.ClaimResult](t, w.must(d.alice, "Servicing:Claim", a)); again.Amount != 0 || len(w.Diff(before)) != 0 {
		t.Fatalf("second claim %+v", again)
	}
	// An investor without units has nothing to claim, and its claim leaves
	// no empty position behind.
	carol := d.investor(w.net.Investors, "carol")
	before = w.Snapshot()
	if none := decode[servicing.ClaimResult](t, w.must(carol, "Servicing:Claim", a)); none.Amount != 0 || none.Units != 0 || len(w.Diff(before)) != 0 {
		t.Fatalf("claim without units %+v, diff %v", none, w.Diff(before))
	}
	// The trustee, as paying agent, claims for a holder; nobody else may.
	w.refused(errs.Forbidden, w.servicer, "Servicing:ClaimFor", a, w.key(d.bob))
	w.refused(errs.Forbidden, d.alice, "Servicing:ClaimFor", a, w.key(d.bob))
	w.refused(errs.Forbidden, w.auditor, "Servicing:Claim", a)
	w.refused(errs.Forbidden, w.noRole, "Servicing:Claim", a)
	w.refused(errs.NotFound, d.bob, "Servicing:Claim", "NO-TRANCHE")
	w.refused(errs.BadInput, w.trustee, "Servicing:ClaimFor", a, "bob")
	paid := decode[servicing.ClaimResult](t, w.must(w.trustee, "Servicing:ClaimFor", a, w.key(d.bob)))
	if paid.Amount <= 0 || paid.Holder != w.key(d.bob) {
		t.Fatalf("claim for bob %+v", paid)
	}
	// Fees go to their named payees only.
	w.refused(errs.Forbidden, d.alice, "Servicing:ClaimFee", d.deal, "servicing")
	w.refused(errs.BadInput, w.trustee, "Servicing:ClaimFee", d.deal, "bonus") // the fees are public terms
	fee := w.must(w.trustee, "Servicing:ClaimFee", d.deal, "servicing")        // the trustee for the servicer
	if !strings.Contains(fee, `"payee":"`+w.key(w.servicer)+`"`) {
		t.Fatal(fee)
	}
	if err := w.checkCash(); err != nil {
		t.Fatal(err)
	}
	for _, c := range d.classes {
		if err := w.checkBook(d.tranche[c]); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRemitCollections(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	w.refused(errs.Forbidden, w.trustee, "Servicing:RemitCollections", d.deal, "100.00")
	w.refused(errs.Forbidden, d.alice, "Servicing:RemitCollections", d.deal, "100.00")
	w.refused(errs.BadInput, w.servicer, "Servicing:RemitCollections", d.deal, "-1.00")
	w.refused(errs.BadInput, w.servicer, "Servicing:RemitCollections", d.deal, "1.001")
	w.refused(errs.BadInput, w.servicer, "Servicing:RemitCollections", d.deal, "0")
	w.refused(errs.NotFound, w.servicer, "Servicing:RemitCollections", "NO-DEAL", "1.00")
	w.refused(errs.InsufficientBalance, w.servicer, "Servicing:RemitCollections", d.deal, "100000000.01")
	r := w.call(w.servicer, "Servicing:RemitCollections", []string{d.deal, "250.25"})
	if !r.ok() || strings.Join(r.eventTypes(), ",") != "CollectionsRemitted" {
		t.Fatalf("%s %v", r.Message, r.eventTypes())
	}
	acc := decode[servicing.Accounts](t, w.must(w.auditor, "Servicing:GetAccounts", d.deal))
	if acc.Collection != money.Cents(25025) || acc.Total != acc.Collection+d.reserveInitial() {
		t.Fatalf("accounts %+v", acc)
	}
	// The deal's accounts are kept by the trustee: a key-level policy of its
	// peers alone, so remittances (registry + account) need no one else.
	for _, name := range []string{model.AccountCollection, model.ReserveAccount("reserve")} {
		if vp := string(w.ValidationParameter(compositeKey(model.TypeDealAccount, d.deal, name))); !strings.Contains(vp, w.net.Trustee) || strings.Contains(vp, w.net.Servicer) {
			t.Fatalf("account %s policy %q", name, vp)
		}
	}
	if err := w.checkCash(); err != nil {
		t.Fatal(err)
	}
}
