package servicing_test

import (
	"fmt"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/peer"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// The first transfers after a distribution each pay their sender what it
// accrued (package ledger/accruals) before its units move. That payment
// once wrote the tranche's class book, so every holder's first transfer
// after a certification wrote one key and concurrent ones failed
// MVCC_READ_CONFLICT; it now reads the class book and writes only the
// sender's position, cash account and claim tally. Four holders each
// transfer to an investor new to the tranche, all endorsed on one ledger
// state and committed in turn, as one block would: every one is valid,
// each sender was paid exactly its accrual, every newcomer starts at the
// index, and the class book and the cash conserve.
//
// The senders are in different claim-tally shards (as in
// TestConcurrentClaimsOnOneTrancheDoNotConflict): two holders sharing a
// shard still write one tally until the tallies are per holder (issue 16).
func TestFirstTransfersAfterADistributionDoNotConflict(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	d.runPeriod(t)
	a := d.tranche["A"]
	senders := []*stubtest.Identity{d.alice, d.anna, d.bob, d.bella}
	tallies, arrivals := map[string]bool{}, map[string]bool{}
	for _, s := range senders {
		tallies[schema.ShardOf(w.Key(s))] = true
	}
	if len(tallies) != len(senders) {
		t.Fatalf("the senders share claim tally shards (%v): the test needs them apart", tallies)
	}
	var newcomers []*stubtest.Identity
	for i := 0; len(newcomers) < len(senders); i++ {
		id := w.Investor([]string{w.Net.Servicer, w.Net.Investors}[i%2], fmt.Sprintf("newcomer%d", i))
		if s := schema.ShardOf(w.Key(id)); !arrivals[s] {
			arrivals[s] = true
			w.Attest(id, contracttest.Claims("US"))
			newcomers = append(newcomers, id)
		}
	}
	due := map[*stubtest.Identity]money.Amount{}
	cash := map[*stubtest.Identity]money.Amount{}
	txs := make([]*stubtest.Tx, len(senders))
	for i, s := range senders {
		claimable := w.claimable(t, a, s)
		if claimable <= 0 {
			t.Fatalf("%s has nothing accrued: the period distributed nothing to class A", s.Name())
		}
		due[s] = claimable
		cash[s] = contracttest.Decode[schema.CashBalance](t, w.Must(w.Trustee, "Cash:Balance", w.Key(s))).Balance
		var r contracttest.Result
		if txs[i], r = w.Propose(s, "Token:Transfer", []string{a, w.Key(newcomers[i]), "100"}); r.Status >= 400 {
			t.Fatalf("transfer by %s: %s", s.Name(), r.Message)
		}
	}
	for i, tx := range txs {
		if r := w.Commit(tx); r.Code != peer.TxValidationCode_VALID {
			t.Fatalf("first transfer by %s after the distribution committed as %s, want VALID", senders[i].Name(), r.Code)
		}
	}
	for i, s := range senders {
		if got := contracttest.Decode[schema.CashBalance](t, w.Must(w.Trustee, "Cash:Balance", w.Key(s))).Balance; got-cash[s] != due[s] {
			t.Fatalf("%s was paid %s on its transfer, it had accrued %s", s.Name(), got-cash[s], due[s])
		}
		for _, id := range []*stubtest.Identity{s, newcomers[i]} {
			if left := w.claimable(t, a, id); left != 0 {
				t.Fatalf("%s has %s to claim after the transfer", id.Name(), left)
			}
		}
	}
	if err := w.checkBook(a); err != nil {
		t.Fatal(err)
	}
	if err := w.CheckCash(); err != nil {
		t.Fatal(err)
	}
	if err := w.CheckTranche(a); err != nil {
		t.Fatal(err)
	}
}
