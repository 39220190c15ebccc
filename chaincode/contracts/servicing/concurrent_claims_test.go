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

// Claims of one tranche by many holders, simulated against the same
// committed state and committed one after another (as endorsements in
// flight together land in one block), all commit: a claim reads the class
// book but writes only its holder's position (which carries the holder's
// claim tally) and cash account, so claims of different holders read no
// key another writes (no MVCC_READ_CONFLICT). The holders are chosen so
// that several share a holder shard: with the tallies per shard, the
// second claim of each shard was refused at commit and paid only on the
// scheduler's next pass. The holders' own claims and the trustee's
// ClaimFor mix; every holder is paid exactly what Accrued said, every
// cent claimed left the distribution account, and the class books and
// the cash conserve.
func TestConcurrentClaimsOnOneTrancheDoNotConflict(t *testing.T) {
	const extra = 40 // new holders, in two banks; about ten pairs share a shard
	units := func(i int) int64 { return int64(5 + i%10) }
	var placed int64
	for i := range extra {
		placed += units(i)
	}
	w := newWorld(t)
	// Every unit issued is placed: units left in the issuance account
	// would earn a share of the distribution that no holder claims.
	d := newDeal(t, w, 60, 25, withUnissued("A", placed))
	a := d.tranche["A"]
	holders := []*stubtest.Identity{d.alice, d.anna, d.bob, d.bella}
	w.Must(w.Arranger, "Deal:Issue", a, fmt.Sprint(placed))
	for i := range extra {
		bank := w.Net.Servicer
		if i%2 == 1 {
			bank = w.Net.Investors
		}
		h := w.AttestedInvestor(bank, fmt.Sprintf("holder%02d", i))
		w.Must(w.Trustee, "Deal:Place", a, w.Key(h), fmt.Sprint(units(i)))
		holders = append(holders, h)
	}
	perShard := map[string]int{}
	for _, h := range holders {
		perShard[schema.ShardOf(w.Key(h))]++
	}
	shared := 0
	for _, n := range perShard {
		if n > 1 {
			shared += n
		}
	}
	if shared < 4 {
		t.Fatalf("only %d holders share a shard (%v): the test needs holders the shard tallies would have serialised", shared, perShard)
	}

	d.runPeriod(t)
	before := contracttest.Decode[schema.ClassBookView](t, w.Must(w.Auditor, "Servicing:GetClassBook", a))
	cashBefore, err := w.ReadCash()
	if err != nil {
		t.Fatal(err)
	}
	var due money.Amount
	owed := make([]money.Amount, len(holders))
	txs := make([]*stubtest.Tx, len(holders))
	for i, h := range holders {
		claimable := w.claimable(t, a, h)
		if claimable <= 0 {
			t.Fatalf("%s has nothing to claim: the test needs every holder owed", h.Name())
		}
		owed[i], due = claimable, due+claimable
		by, fn, args := h, "Servicing:Claim", []string{a}
		if i%2 == 1 {
			by, fn, args = w.Trustee, "Servicing:ClaimFor", []string{a, w.Key(h)}
		}
		var r contracttest.Result
		if txs[i], r = w.Propose(by, fn, args); r.Status >= 400 {
			t.Fatalf("%s for %s: %s", fn, h.Name(), r.Message)
		}
	}
	for i, tx := range txs {
		if r := w.Commit(tx); r.Code != peer.TxValidationCode_VALID {
			t.Fatalf("claim %d (%s, shard %s) committed as %s, want VALID", i, holders[i].Name(), schema.ShardOf(w.Key(holders[i])), r.Code)
		}
	}

	after := contracttest.Decode[schema.ClassBookView](t, w.Must(w.Auditor, "Servicing:GetClassBook", a))
	if after.Claimed-before.Claimed != due || before.Balance-after.Balance != due {
		t.Fatalf("claimed %s → %s, account %s → %s, the holders were due %s", before.Claimed, after.Claimed, before.Balance, after.Balance, due)
	}
	cashAfter, err := w.ReadCash()
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range holders {
		if got := cashAfter.Accounts[w.Key(h)].Balance - cashBefore.Accounts[w.Key(h)].Balance; got != owed[i] {
			t.Fatalf("%s was paid %s, it was owed %s", h.Name(), got, owed[i])
		}
		if left := w.claimable(t, a, h); left != 0 {
			t.Fatalf("%s still has %s to claim", h.Name(), left)
		}
	}
	if err := w.checkBook(a); err != nil {
		t.Fatal(err)
	}
	if err := w.CheckCash(); err != nil {
		t.Fatal(err)
	}
}
