package contracttest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/contracts/settlement"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// TradeTerms are the terms of a trade two banks agreed: units of a
// tranche against cash, paid on the ledger, intended to settle today and
// expiring in two days, with a nonce derived from the reference (in
// production: random).
func (w *World) TradeTerms(ref, trancheID string, seller, buyer *stubtest.Identity, units int64, cash money.Amount) core.Terms {
	sum := sha256.Sum256([]byte("nonce " + ref))
	return core.Terms{
		TradeRef: ref, Kind: core.KindTrade, Tranche: trancheID,
		Seller: w.Key(seller), Buyer: w.Key(buyer), Units: units, Cash: cash,
		SettlementDate: w.now.Format("2006-01-02"), Expiry: w.now.Add(48 * time.Hour),
		Payment: core.PaymentLedger, Nonce: hex.EncodeToString(sum[:16]),
	}
}

// TermsTransient is the transient data carrying terms, as a bank's
// gateway sends them.
func TermsTransient(tb testing.TB, terms core.Terms) stubtest.InvokeOption {
	return stubtest.Transient(map[string][]byte{settlement.TransientTerms: MustCanon(tb, terms)})
}

// Instruct has id instruct its side of terms; with hold, the seller's
// units or the buyer's cash are held until the settlement ends.
func (w *World) Instruct(id *stubtest.Identity, side core.Side, terms core.Terms, hold bool) Result {
	w.TB.Helper()
	fn := "Settlement:InstructDeliver"
	if side == core.Receive {
		fn = "Settlement:InstructReceive"
	}
	return w.CallWith(id, fn, []string{fmt.Sprint(hold)}, TermsTransient(w.TB, terms))
}

// MustInstruct is Instruct, failing the test unless it succeeds; it
// returns the settlement's record.
func (w *World) MustInstruct(id *stubtest.Identity, side core.Side, terms core.Terms, hold bool) core.Record {
	w.TB.Helper()
	if r := w.Instruct(id, side, terms, hold); !r.OK() {
		w.TB.Fatalf("instruct %s of %s by %s: %s", side, terms.TradeRef, id, r.Message)
	}
	return w.SettlementRecord(terms.TradeRef)
}

// Matched has the seller instruct the delivery and the buyer the receipt
// of terms, and requires the settlement to be matched.
func (w *World) Matched(seller, buyer *stubtest.Identity, terms core.Terms, holdUnits, holdCash bool) core.Record {
	w.TB.Helper()
	w.MustInstruct(seller, core.Deliver, terms, holdUnits)
	r := w.MustInstruct(buyer, core.Receive, terms, holdCash)
	if r.Status != core.Matched {
		w.TB.Fatalf("%s is %s after both instructions", terms.TradeRef, r.Status)
	}
	return r
}

// Settle submits Settlement:Settle of terms as id.
func (w *World) Settle(id *stubtest.Identity, terms core.Terms) Result {
	w.TB.Helper()
	return w.CallWith(id, "Settlement:Settle", []string{terms.TradeRef}, TermsTransient(w.TB, terms))
}

// MustSettle is Settle, failing the test unless the transaction succeeds
// (a settlement a rule refuses is recorded failed: that is a success);
// it returns the settlement's record.
func (w *World) MustSettle(id *stubtest.Identity, terms core.Terms) core.Record {
	w.TB.Helper()
	if r := w.Settle(id, terms); !r.OK() {
		w.TB.Fatalf("settle %s by %s: %s", terms.TradeRef, id, r.Message)
	}
	return w.SettlementRecord(terms.TradeRef)
}

// SettlementRecord is a settlement's committed public record.
func (w *World) SettlementRecord(ref string) core.Record {
	w.TB.Helper()
	b, ok := w.Public()[CompositeKey(schema.TypeSettlement, ref)]
	if !ok {
		w.TB.Fatalf("no record of settlement %s", ref)
	}
	var r core.Record
	if err := canon.Unmarshal(b, &r); err != nil {
		w.TB.Fatalf("decode the record of %s: %v\n%s", ref, err, b)
	}
	return r
}
