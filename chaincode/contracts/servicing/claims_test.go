package servicing_test

import (
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

func TestClaims(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	a := d.tranche["A"]
	// Before any distribution a claim pays nothing and writes nothing.
	before := w.Snapshot()
	res := contracttest.Decode[schema.ClaimResult](t, w.Must(d.alice, "Servicing:Claim", a))
	if res.Amount != 0 || len(w.Diff(before)) != 0 {
		t.Fatalf("claim before any distribution: %+v, diff %v", res, w.Diff(before))
	}
	d.runPeriod(t)
	acc := contracttest.Decode[schema.Accrual](t, w.Must(d.alice, "Servicing:Accrued", a, w.Key(d.alice)))
	if acc.Claimable <= 0 || acc.Units != d.holders[a][d.alice] {
		t.Fatalf("accrual %+v", acc)
	}
	w.Refused(errs.Forbidden, d.bob, "Servicing:Accrued", a, w.Key(d.alice))      // another bank's client
	w.Refused(errs.Forbidden, w.Servicer, "Servicing:Accrued", a, w.Key(d.alice)) // same bank, no compliance role
	w.Must(w.Compliance[d.alice.MSPID()], "Servicing:Accrued", a, w.Key(d.alice)) // its bank's compliance officer
	w.Must(w.Trustee, "Servicing:Accrued", a, w.Key(d.alice))
	book := contracttest.Decode[schema.ClassBookView](t, w.Must(w.Auditor, "Servicing:GetClassBook", a))
	if book.Tranche != a || book.Balance <= 0 || book.Balance < acc.Claimable {
		t.Fatalf("class book after the period %+v, alice may claim %s", book, acc.Claimable)
	}

	r := w.CallWith(d.alice, "Servicing:Claim", []string{a})
	res = contracttest.Decode[schema.ClaimResult](t, string(r.Payload))
	if !r.OK() || res.Amount != acc.Claimable || res.IndexPaid != acc.Index.String() || strings.Join(r.EventTypes(), ",") != "DistributionClaimed" {
		t.Fatalf("claim %+v (accrued %s), events %v", res, acc.Claimable, r.EventTypes())
	}
	// The event names the tranche and the holder, never the amount.
	if strings.Contains(string(r.Events()[0].Data), res.Amount.String()) {
		t.Fatalf("event carries the amount: %s", r.Events()[0].Data)
	}
	before = w.Snapshot()
	if again := contracttest.Decode[schema.ClaimResult](t, w.Must(d.alice, "Servicing:Claim", a)); again.Amount != 0 || len(w.Diff(before)) != 0 {
		t.Fatalf("second claim %+v", again)
	}
	// An investor without units has nothing to claim, and its claim leaves
	// no empty position behind.
	carol := w.AttestedInvestor(w.Net.Investors, "carol")
	before = w.Snapshot()
	if none := contracttest.Decode[schema.ClaimResult](t, w.Must(carol, "Servicing:Claim", a)); none.Amount != 0 || none.Units != 0 || len(w.Diff(before)) != 0 {
		t.Fatalf("claim without units %+v, diff %v", none, w.Diff(before))
	}
	// The trustee, as paying agent, claims for a holder; nobody else may.
	w.Refused(errs.Forbidden, w.Servicer, "Servicing:ClaimFor", a, w.Key(d.bob))
	w.Refused(errs.Forbidden, d.alice, "Servicing:ClaimFor", a, w.Key(d.bob))
	w.Refused(errs.Forbidden, w.Auditor, "Servicing:Claim", a)
	w.Refused(errs.Forbidden, w.NoRole, "Servicing:Claim", a)
	w.Refused(errs.NotFound, d.bob, "Servicing:Claim", "NO-TRANCHE")
	w.Refused(errs.BadInput, w.Trustee, "Servicing:ClaimFor", a, "bob")
	paid := contracttest.Decode[schema.ClaimResult](t, w.Must(w.Trustee, "Servicing:ClaimFor", a, w.Key(d.bob)))
	if paid.Amount <= 0 || paid.Holder != w.Key(d.bob) {
		t.Fatalf("claim for bob %+v", paid)
	}
	// Fees go to their named payees only.
	w.Refused(errs.Forbidden, d.alice, "Servicing:ClaimFee", d.deal, "servicing")
	w.Refused(errs.BadInput, w.Trustee, "Servicing:ClaimFee", d.deal, "bonus")                                   // the fees are public terms
	fee := contracttest.Decode[schema.FeeClaim](t, w.Must(w.Trustee, "Servicing:ClaimFee", d.deal, "servicing")) // the trustee for the servicer
	if fee.Payee != w.Key(w.Servicer) || fee.Deal != d.deal || fee.Fee != "servicing" || fee.Amount <= 0 {
		t.Fatalf("fee claim %+v", fee)
	}
	if err := w.CheckCash(); err != nil {
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
	w.Refused(errs.Forbidden, w.Trustee, "Servicing:RemitCollections", d.deal, "100.00")
	w.Refused(errs.Forbidden, d.alice, "Servicing:RemitCollections", d.deal, "100.00")
	w.Refused(errs.BadInput, w.Servicer, "Servicing:RemitCollections", d.deal, "-1.00")
	w.Refused(errs.BadInput, w.Servicer, "Servicing:RemitCollections", d.deal, "1.001")
	w.Refused(errs.BadInput, w.Servicer, "Servicing:RemitCollections", d.deal, "0")
	w.Refused(errs.NotFound, w.Servicer, "Servicing:RemitCollections", "NO-DEAL", "1.00")
	w.Refused(errs.InsufficientBalance, w.Servicer, "Servicing:RemitCollections", d.deal, "100000000.01")
	r := w.CallWith(w.Servicer, "Servicing:RemitCollections", []string{d.deal, "250.25"})
	if !r.OK() || strings.Join(r.EventTypes(), ",") != "CollectionsRemitted" {
		t.Fatalf("%s %v", r.Message, r.EventTypes())
	}
	acc := contracttest.Decode[schema.Accounts](t, w.Must(w.Auditor, "Servicing:GetAccounts", d.deal))
	if acc.Collection != money.Cents(25025) || acc.Total != acc.Collection+d.reserveInitial() {
		t.Fatalf("accounts %+v", acc)
	}
	// The deal's accounts are kept by the trustee: a key-level policy of its
	// peers alone, so remittances (registry + account) need no one else.
	for _, name := range []string{schema.AccountCollection, schema.ReserveAccount("reserve")} {
		if vp := string(w.ValidationParameter(contracttest.CompositeKey(schema.TypeDealAccount, d.deal, name))); !strings.Contains(vp, w.Net.Trustee) || strings.Contains(vp, w.Net.Servicer) {
			t.Fatalf("account %s policy %q", name, vp)
		}
	}
	if err := w.CheckCash(); err != nil {
		t.Fatal(err)
	}
}
