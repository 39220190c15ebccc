package cash_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// payees returns n investors at alternating banks whose float shards
// differ from each other's.
func payees(w *contracttest.World, n int) []*stubtest.Identity {
	used := map[int]bool{}
	var out []*stubtest.Identity
	for i := 0; len(out) < n; i++ {
		msp := []string{w.Net.Servicer, w.Net.Investors}[i%2]
		id := w.Investor(msp, fmt.Sprintf("payee%d", i))
		if s := schema.CashFloatShardOf(w.Key(id)); !used[s] {
			used[s] = true
			out = append(out, id)
		}
	}
	return out
}

// Sixteen payments from the float to sixteen holders, all endorsed on the
// same ledger state and committed in turn, as one block of concurrent
// Cash:Pay would be: every one is valid (with the float in one record,
// every one but the first failed MVCC_READ_CONFLICT), each holder has its
// cash, the float is 640,000.00 less 16 × 1,000.00, and cash conserves.
func TestConcurrentPaymentsDoNotConflict(t *testing.T) {
	w := contracttest.New(t)
	w.Must(w.Settlement, "Cash:AttestReserves", "1000000.00", "statement")
	w.Must(w.Settlement, "Cash:Mint", "640000.00") // 10,000.00 a shard
	to := payees(w, 16)
	txs := make([]*stubtest.Tx, len(to))
	for i, id := range to {
		var r contracttest.Result
		if txs[i], r = w.Propose(w.Settlement, "Cash:Pay", []string{w.Key(id), "1000.00"}); r.Status >= 400 {
			t.Fatalf("pay %s: %s", id.Name(), r.Message)
		}
	}
	for i, tx := range txs {
		if r := w.Commit(tx); r.Code != peer.TxValidationCode_VALID {
			t.Fatalf("payment %d to %s committed as %s, want VALID", i, to[i].Name(), r.Code)
		}
	}
	for _, id := range to {
		if b := balance(t, w, id); b.Balance != amount("1000.00") {
			t.Fatalf("%s has %s, want 1000.00", id.Name(), b.Balance)
		}
	}
	if s := supply(t, w); s.Float != amount("624000.00") || s.Outstanding != amount("640000.00") {
		t.Fatalf("supply %+v, want float 624000.00 of 640000.00", s)
	}
	if err := w.CheckCash(); err != nil {
		t.Fatal(err)
	}
}

// Two payments to holders of one float shard do conflict: the later one
// fails at commit and, retried, is valid. A payment larger than its
// shard draws from the next shards, and one larger than the whole float
// is refused naming the whole float.
func TestPaymentsSharingAShardAndPaymentsLargerThanAShard(t *testing.T) {
	w := contracttest.New(t)
	w.Must(w.Settlement, "Cash:AttestReserves", "1000.00", "statement")
	w.Must(w.Settlement, "Cash:Mint", "640.00") // 10.00 a shard
	var same []*stubtest.Identity
	want := -1
	for i := 0; len(same) < 2; i++ {
		id := w.Investor(w.Net.Investors, fmt.Sprintf("neighbour%d", i))
		if s := schema.CashFloatShardOf(w.Key(id)); want < 0 || s == want {
			want = s
			same = append(same, id)
		}
	}
	first, _ := w.Propose(w.Settlement, "Cash:Pay", []string{w.Key(same[0]), "3.00"})
	second, _ := w.Propose(w.Settlement, "Cash:Pay", []string{w.Key(same[1]), "3.00"})
	if r := w.Commit(first); r.Code != peer.TxValidationCode_VALID {
		t.Fatalf("first: %s", r.Code)
	}
	if r := w.Commit(second); r.Code != peer.TxValidationCode_MVCC_READ_CONFLICT {
		t.Fatalf("second payment through the same shard committed as %s, want MVCC_READ_CONFLICT", r.Code)
	}
	w.Must(w.Settlement, "Cash:Pay", w.Key(same[1]), "3.00") // the retry
	// 4.00 left in the shard: 25.00 takes it and 21.00 of the next shards.
	w.Must(w.Settlement, "Cash:Pay", w.Key(same[0]), "25.00")
	if b := balance(t, w, same[0]); b.Balance != amount("28.00") {
		t.Fatalf("balance %+v", b)
	}
	if s := supply(t, w); s.Float != amount("609.00") {
		t.Fatalf("float %s, want 609.00", s.Float)
	}
	r := w.Call(w.Settlement, "Cash:Pay", w.Key(same[1]), "609.01")
	if r.OK() || r.Message == "" || !strings.Contains(r.Message, "the float holds 609.00") {
		t.Fatalf("paying more than the float: %q", r.Message)
	}
	w.Must(w.Settlement, "Cash:Pay", w.Key(same[1]), "609.00")
	w.Must(same[0], "Cash:Return", "28.00") // back into its shard
	w.Must(w.Settlement, "Cash:Burn", "28.00")
	if s := supply(t, w); s.Float != 0 || s.Outstanding != amount("612.00") {
		t.Fatalf("supply %+v", s)
	}
	if err := w.CheckCash(); err != nil {
		t.Fatal(err)
	}
}

// A ledger from before the shards keeps its float in the single cashbook
// record: payments draw from it (after the shards, which do not exist
// yet), a return goes back to it, and the next mint moves it into the
// shards, leaving the record at zero.
func TestFloatOfALedgerFromBeforeTheShards(t *testing.T) {
	w := contracttest.New(t)
	alice := w.Investor(w.Net.Servicer, "alice")
	w.Must(w.Settlement, "Cash:AttestReserves", "1000.00", "statement")
	// As the single-record float left it: 500.00 minted, all in the float.
	supplyKey, _ := shim.CreateCompositeKey(schema.TypeCashSupply, nil)
	bookKey, _ := shim.CreateCompositeKey(schema.TypeCashBook, nil)
	s := contracttest.Decode[schema.CashSupply](t, string(w.Public()[supplyKey]))
	s.Minted = amount("500.00")
	seed := func(key string, v any) {
		b, err := canon.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		w.Seed(key, b)
	}
	seed(supplyKey, s)
	seed(bookKey, schema.CashBook{Float: amount("500.00")})
	w.Must(w.Settlement, "Cash:Pay", w.Key(alice), "120.00")
	w.Must(alice, "Cash:Return", "20.00")
	if f := supply(t, w).Float; f != amount("400.00") {
		t.Fatalf("float %s, want 400.00", f)
	}
	w.Must(w.Settlement, "Cash:Mint", "100.00")
	var legacy schema.CashBook
	if err := canon.Unmarshal(w.Public()[bookKey], &legacy); err != nil || legacy.Float != 0 {
		t.Fatalf("the single record after a mint: %+v %v", legacy, err)
	}
	if f := supply(t, w).Float; f != amount("500.00") {
		t.Fatalf("float %s, want 500.00", f)
	}
	if err := w.CheckCash(); err != nil {
		t.Fatal(err)
	}
}
