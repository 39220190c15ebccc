package settlement_test

import (
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/contracts/settlement"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

func (w *world) listByBank(id *stubtest.Identity, bank, size, bookmark string) schema.SettlementPage {
	w.TB.Helper()
	return contracttest.Decode[schema.SettlementPage](w.TB, w.Must(id, "Settlement:ListByBank", bank, size, bookmark))
}

func refs(p schema.SettlementPage) []string {
	var out []string
	for _, r := range p.Settlements {
		out = append(out, r.TradeRef)
	}
	return out
}

func TestHistoryPerBank(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	w.Must(w.Trustee, "Deal:Place", trancheID, w.Key(f.bella), "100")
	t1 := w.tradeTerms("T-1", f.alice, f.bob, 100, money.FromMajor(99))
	t2 := w.tradeTerms("T-2", f.anna, f.bella, 100, money.FromMajor(99))
	t3 := w.tradeTerms("T-3", f.bella, f.bob, 100, money.FromMajor(99)) // within the investor bank
	w.Matched(f.alice, f.bob, t1, false, false)
	w.MustSettle(f.bob, t1)
	w.MustInstruct(f.anna, core.Deliver, t2, true)
	w.MustInstruct(f.bella, core.Deliver, t3, false)

	if got := refs(w.listByBank(f.alice, w.Net.Servicer, "10", "")); !slices.Equal(got, []string{"T-1", "T-2"}) {
		t.Fatalf("servicer bank lists %v", got)
	}
	if got := refs(w.listByBank(f.bob, w.Net.Investors, "10", "")); !slices.Equal(got, []string{"T-1", "T-2", "T-3"}) {
		t.Fatalf("investor bank lists %v", got)
	}
	if got := refs(w.listByBank(w.Trustee, w.Net.Trustee, "10", "")); len(got) != 0 {
		t.Fatalf("the trustee's bank is party to none, lists %v", got)
	}
	// Pages.
	first := w.listByBank(f.bob, w.Net.Investors, "2", "")
	if !slices.Equal(refs(first), []string{"T-1", "T-2"}) || first.Bookmark == "" {
		t.Fatalf("first page %v bookmark %q", refs(first), first.Bookmark)
	}
	second := w.listByBank(f.bob, w.Net.Investors, "2", first.Bookmark)
	if !slices.Equal(refs(second), []string{"T-3"}) || second.Bookmark != "" {
		t.Fatalf("second page %v bookmark %q", refs(second), second.Bookmark)
	}
	// Statuses and the record's public content.
	page := w.listByBank(f.alice, w.Net.Servicer, "10", "")
	if page.Settlements[0].Status != core.Settled || page.Settlements[1].Status != core.PendingDeliver || !page.Settlements[1].Deliver.Held {
		t.Fatalf("statuses %+v", page.Settlements)
	}
	// A bank lists its own; the trustee and auditors any bank's.
	w.RefusedWith(errs.Forbidden, f.alice, "Settlement:ListByBank", []string{w.Net.Investors, "10", ""})
	w.listByBank(w.Auditor, w.Net.Servicer, "10", "")
	w.listByBank(w.Trustee, w.Net.Investors, "10", "")
	// Anyone may read a public record.
	if r := w.CallWith(w.Auditor, "Settlement:Get", []string{"T-2"}); !r.OK() || contracttest.Decode[core.Record](t, string(r.Payload)).Status != core.PendingDeliver {
		t.Fatalf("Get: %s", r.Message)
	}
}

func TestTermsAreReadOnTheBanksOwnPeerByItsOwnPeople(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	terms := w.tradeTerms("T-1", f.alice, f.bob, 100, money.FromMajor(99))
	w.Matched(f.alice, f.bob, terms, false, false)
	want, _ := terms.Canonical()

	for _, id := range []*stubtest.Identity{f.alice, w.Compliance[w.Net.Servicer], w.Admins[w.Net.Servicer]} {
		if got := w.Must(id, "Settlement:Terms", terms.TradeRef, "deliver"); got != string(want) {
			t.Fatalf("%s reads %s", id, got)
		}
	}
	if got := w.Must(f.bob, "Settlement:Terms", terms.TradeRef, "receive"); got != string(want) {
		t.Fatalf("bob reads %s", got)
	}
	// Another client of the same bank may not; another bank may not even
	// ask its own peer, which does not hold them.
	w.RefusedWith(errs.Forbidden, f.anna, "Settlement:Terms", []string{terms.TradeRef, "deliver"})
	r := w.RefusedWith(errs.Forbidden, f.bob, "Settlement:Terms", []string{terms.TradeRef, "deliver"})
	if !strings.Contains(r.Message, "kept by "+w.Net.Servicer) {
		t.Fatalf("message %q", r.Message)
	}
	w.RefusedWith(errs.Forbidden, w.Trustee, "Settlement:Terms", []string{terms.TradeRef, "receive"})
	// Asked of a peer that is not the bank's, the peer itself refuses.
	tx := w.Endorse(f.alice, "Settlement:Terms", []string{terms.TradeRef, "deliver"}, stubtest.OnPeer(w.Net.Trustee))
	if e := tx.Endorsement(); e.Status < 400 || strings.Contains(e.Message, terms.Nonce) {
		t.Fatalf("the trustee's peer answered %d %q", e.Status, e.Message)
	}
}

func TestAuthorization(t *testing.T) {
	w := newWorld(t)
	f := w.standard()
	terms := w.tradeTerms("T-AUTH", f.alice, f.bob, 100, money.FromMajor(99))
	noRole := w.NoRole
	tests := []struct {
		name string
		id   *stubtest.Identity
		fn   string
		args []string
	}{
		{"deliver by the buyer", f.bob, "Settlement:InstructDeliver", []string{"false"}},
		{"deliver by another client of the seller's bank", f.anna, "Settlement:InstructDeliver", []string{"false"}},
		{"deliver by the arranger for a trade", w.Arranger, "Settlement:InstructDeliver", []string{"false"}},
		{"deliver by the trustee", w.Trustee, "Settlement:InstructDeliver", []string{"false"}},
		{"receive by the seller", f.alice, "Settlement:InstructReceive", []string{"false"}},
		{"receive by an identity without role", noRole, "Settlement:InstructReceive", []string{"false"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w.RefusedWith(errs.Forbidden, tc.id, tc.fn, tc.args, contracttest.TermsTransient(t, terms))
		})
	}
	w.Matched(f.alice, f.bob, terms, true, true)
	for _, id := range []*stubtest.Identity{f.anna, f.bella, w.Auditor, w.Arranger, noRole} {
		w.RefusedWith(errs.Forbidden, id, "Settlement:Settle", []string{terms.TradeRef}, contracttest.TermsTransient(t, terms))
		w.RefusedWith(errs.Forbidden, id, "Settlement:CheckSettle", []string{terms.TradeRef}, contracttest.TermsTransient(t, terms))
	}
	// The trustee may settle what both banks instructed.
	if rec := w.MustSettle(w.Trustee, terms); rec.Status != core.Settled {
		t.Fatalf("status %s", rec.Status)
	}
}

// TestEndorsementTableCoversTheContract: every transaction function has an
// entry and every entry a function, so the lead's merged table and the
// gateway never miss one.
func TestEndorsementTableCoversTheContract(t *testing.T) {
	var functions []string
	ct := reflect.TypeOf(settlement.New())
	base := reflect.TypeOf(&settlement.Contract{}).Elem().Field(0).Type
	for i := range ct.NumMethod() {
		m := ct.Method(i)
		if _, inherited := reflect.PointerTo(base).MethodByName(m.Name); inherited {
			continue
		}
		functions = append(functions, "Settlement:"+m.Name)
	}
	var entries []string
	for fn, kind := range settlement.Endorsers {
		entries = append(entries, fn)
		if _, err := kind.Resolve(testConfig(t), testConfig(t).MSPs()[0], ""); err != nil {
			t.Errorf("%s: %v", fn, err)
		}
	}
	sort.Strings(functions)
	sort.Strings(entries)
	if !slices.Equal(functions, entries) {
		t.Fatalf("functions %v\nentries   %v", functions, entries)
	}
	for fn, kind := range settlement.Endorsers {
		query := kind == schema.Query || kind == schema.QueryOnTrustee
		submitted := slices.Contains([]string{"InstructDeliver", "InstructReceive", "Hold", "Settle", "ConfirmPayment", "Cancel", "Expire"}, strings.TrimPrefix(fn, "Settlement:"))
		if query == submitted {
			t.Errorf("%s is %s", fn, kind)
		}
	}
}
