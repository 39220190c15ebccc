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
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// FuzzInstructDeliverTerms: whatever bytes a client puts in the transient
// field "terms", InstructDeliver either instructs, storing exactly the
// canonical form of the terms, or refuses with a client error code and
// changes nothing; it never fails with INTERNAL.
func FuzzInstructDeliverTerms(f *testing.F) {
	// Seeds name the parties by placeholder; the fuzz function puts in the
	// world's identity keys, which depend on its certificates.
	seed := func(edit func(*core.Terms)) []byte {
		t := core.Terms{TradeRef: "FUZZ-1", Kind: core.KindTrade, Tranche: trancheID, Seller: "{SELLER}", Buyer: "{BUYER}",
			Units: 100, Cash: money.FromMajor(99), SettlementDate: contracttest.Start.Format("2006-01-02"),
			Expiry: contracttest.Start.Add(48 * time.Hour), Payment: core.PaymentLedger, Nonce: strings.Repeat("ab", 16)}
		edit(&t)
		b, err := canon.Marshal(t)
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	f.Add(seed(func(*core.Terms) {}))
	f.Add(seed(func(t *core.Terms) { t.Units = 9_000 }))
	f.Add(seed(func(t *core.Terms) { *t = rtgs(*t) }))
	f.Add(seed(func(t *core.Terms) { t.Tranche = "DEAL-1-B" }))
	f.Add(seed(func(t *core.Terms) { t.Seller, t.Buyer = t.Buyer, t.Seller }))
	f.Add([]byte(`{"tradeRef":"FUZZ-1","units":1e2}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		w := newWorld(t)
		fx := w.standard()
		data = []byte(strings.NewReplacer("{SELLER}", w.Key(fx.alice), "{BUYER}", w.Key(fx.bob)).Replace(string(data)))
		before := w.Snapshot()
		r := w.CallWith(fx.alice, "Settlement:InstructDeliver", []string{"false"},
			stubtest.Transient(map[string][]byte{settlement.TransientTerms: data}))
		if !r.OK() {
			switch r.ErrCode() {
			case errs.BadInput, errs.Forbidden, errs.NotFound:
			default:
				t.Fatalf("refused with %q: %s", r.ErrCode(), r.Message)
			}
			if diff := w.Diff(before); len(diff) > 0 {
				t.Fatalf("refused but changed %v", diff)
			}
			return
		}
		terms, err := core.DecodeTerms(data)
		if err != nil {
			t.Fatalf("instructed terms the core refuses: %v", err)
		}
		want, _ := terms.Canonical()
		stored := w.Private(roles.ImplicitCollection(w.Net.Servicer))[contracttest.CompositeKey(schema.TypeSettlementTerms, terms.TradeRef, "deliver")]
		if string(stored) != string(want) {
			t.Fatalf("stored %s, want %s", stored, want)
		}
		if rec := w.SettlementRecord(terms.TradeRef); rec.Status != core.PendingDeliver {
			t.Fatalf("status %s", rec.Status)
		}
	})
}
