package token_test

import (
	"fmt"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/deal"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/ledger/positions"
)

// newInvestors returns n attested investors at the investor bank whose
// holder shards differ from each other and from avoid's.
func newInvestors(t *testing.T, w *contracttest.World, n int, avoid ...*stubtest.Identity) []*stubtest.Identity {
	t.Helper()
	used := map[string]bool{}
	shard := func(id *stubtest.Identity) string {
		k, err := roles.ParseKey(w.Key(id))
		if err != nil {
			t.Fatal(err)
		}
		return positions.ShardOf(k)
	}
	for _, id := range avoid {
		used[shard(id)] = true
	}
	var out []*stubtest.Identity
	for i := 0; len(out) < n; i++ {
		id := w.Investor(w.Net.Investors, fmt.Sprintf("newcomer%d", i))
		if s := shard(id); !used[s] {
			used[s] = true
			w.Attest(id, contracttest.Claims("US"))
			out = append(out, id)
		}
	}
	return out
}

// Twelve holders each transfer to a holder new to the tranche, all
// endorsed on the same ledger state and committed in turn, as one block
// of concurrent first transfers would be: every one is valid (with one
// holder counter in the tranche book, every one but the first failed
// MVCC), and the count and conservation hold after.
func TestFirstTransfersToNewHoldersDoNotConflict(t *testing.T) {
	w := contracttest.New(t)
	f := w.Standard()
	senders := make([]*stubtest.Identity, 12)
	units := make([]int64, 12)
	for i := range senders {
		senders[i] = w.AttestedInvestor(w.Net.Servicer, fmt.Sprintf("seller%d", i))
		units[i] = 1000
	}
	w.IssueAndPlace(f.A, senders, units)
	receivers := newInvestors(t, w, len(senders))
	var txs []*stubtest.Tx
	for i, s := range senders {
		txs = append(txs, w.Endorse(s, "Token:Transfer", []string{f.A, w.Key(receivers[i]), "400"}, stubtest.OnPeer(w.Net.Trustee)))
	}
	for i, tx := range txs {
		if r := w.Commit(tx); !r.OK() {
			t.Fatalf("transfer %d to a new holder: %s %s", i, r.Code, r.Message)
		}
	}
	if s := supply(t, w, f.A); s.Holders != 24 {
		t.Errorf("supply counts %d holders, want 24", s.Holders)
	}
	if err := w.CheckTranche(f.A); err != nil {
		t.Fatal(err)
	}
	// Sellers leaving zero count down in their own shards, concurrently too.
	txs = txs[:0]
	for i, s := range senders[:6] {
		txs = append(txs, w.Endorse(s, "Token:Transfer", []string{f.A, w.Key(receivers[i]), "600"}, stubtest.OnPeer(w.Net.Trustee)))
	}
	for _, tx := range txs {
		if r := w.Commit(tx); !r.OK() && r.Code != peer.TxValidationCode_MVCC_READ_CONFLICT {
			t.Fatalf("sell-out: %s %s", r.Code, r.Message)
		}
	}
	if err := w.CheckTranche(f.A); err != nil {
		t.Fatal(err)
	}
}

// A tranche with a holder cap (rule 14) reads every shard to check it,
// so two concurrent arrivals cannot both pass: the later one fails the
// commit (phantom read), and retried it is refused by the cap.
func TestHolderCapStillSerialisesNewHolders(t *testing.T) {
	w := contracttest.New(t)
	f := w.Standard()
	loans := w.SealedPool("POOL-CAP", 9, 12, 12)
	var balance money.Amount
	for _, l := range loans {
		balance += l.ReportingPeriodActualEndBalanceAmount
	}
	tr := w.Tranche("CAP-A", "A", 1, money.FromMajor(balance.Cents()/100/2))
	tr.Rules.MaxHolders = 3
	w.CreateDeal(deal.DealInput{ID: "CAP", Name: "Capped", Pool: "POOL-CAP", RequiredCollateralization: decimal.NewFromInt(1), Tranches: []deal.TrancheInput{tr}})
	alice, anna := f.Investors[0], f.Investors[1]
	w.IssueAndPlace("CAP-A", []*stubtest.Identity{alice, anna}, []int64{1000, 1000})
	newcomers := newInvestors(t, w, 2, alice, anna)
	first := w.Endorse(alice, "Token:Transfer", []string{"CAP-A", w.Key(newcomers[0]), "100"}, stubtest.OnPeer(w.Net.Trustee))
	second := w.Endorse(anna, "Token:Transfer", []string{"CAP-A", w.Key(newcomers[1]), "100"}, stubtest.OnPeer(w.Net.Trustee))
	if r := w.Commit(first); !r.OK() {
		t.Fatalf("first arrival: %s %s", r.Code, r.Message)
	}
	if r := w.Commit(second); r.Code != peer.TxValidationCode_PHANTOM_READ_CONFLICT {
		t.Fatalf("second concurrent arrival committed as %s, want PHANTOM_READ_CONFLICT", r.Code)
	}
	w.Refused(errs.RuleMaxHolders, anna, "Token:Transfer", "CAP-A", w.Key(newcomers[1]), "100")
	if err := w.CheckTranche("CAP-A"); err != nil {
		t.Fatal(err)
	}
}
