package servicing_test

import (
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/peer"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Claims of one tranche by different holders, simulated against the same
// committed state and committed one after another (as endorsements in
// flight together land in one block), all commit: a claim reads the class
// book but writes only its holder's position, cash account and its
// shard's claim tally, so claims of holders in different shards read no
// key another writes (no MVCC_READ_CONFLICT).
// The holders' own claims and the trustee's ClaimFor mix; every cent
// claimed left the distribution account, and the class books conserve.
func TestConcurrentClaimsOnOneTrancheDoNotConflict(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	d.runPeriod(t)
	a := d.tranche["A"]
	before := contracttest.Decode[schema.ClassBookView](t, w.Must(w.Auditor, "Servicing:GetClassBook", a))
	type claim struct {
		by     *stubtest.Identity
		fn     string
		args   []string
		holder *stubtest.Identity
	}
	claims := []claim{
		{d.alice, "Servicing:Claim", []string{a}, d.alice},
		{d.anna, "Servicing:Claim", []string{a}, d.anna},
		{w.Trustee, "Servicing:ClaimFor", []string{a, w.Key(d.bob)}, d.bob},
		{w.Trustee, "Servicing:ClaimFor", []string{a, w.Key(d.bella)}, d.bella},
	}
	shards := map[string]bool{}
	for _, c := range claims {
		shards[schema.ShardOf(w.Key(c.holder))] = true
	}
	if len(shards) != len(claims) {
		t.Fatalf("the holders share claim tally shards (%v): the test needs them apart", shards)
	}
	var due money.Amount
	txs := make([]*stubtest.Tx, len(claims))
	for i, c := range claims {
		acc := contracttest.Decode[schema.Accrual](t, w.Must(w.Trustee, "Servicing:Accrued", a, w.Key(c.holder)))
		due += acc.Claimable
		var r contracttest.Result
		if txs[i], r = w.Propose(c.by, c.fn, c.args); r.Status >= 400 {
			t.Fatalf("%s for %s: %s", c.fn, c.holder.Name(), r.Message)
		}
	}
	for i, tx := range txs {
		if r := w.Commit(tx); r.Code != peer.TxValidationCode_VALID {
			t.Fatalf("claim %d (%s) committed as %s, want VALID", i, claims[i].holder.Name(), r.Code)
		}
	}
	after := contracttest.Decode[schema.ClassBookView](t, w.Must(w.Auditor, "Servicing:GetClassBook", a))
	if due <= 0 || after.Claimed-before.Claimed != due || before.Balance-after.Balance != due {
		t.Fatalf("claimed %s → %s, account %s → %s, the holders were due %s", before.Claimed, after.Claimed, before.Balance, after.Balance, due)
	}
	for _, c := range claims {
		if acc := contracttest.Decode[schema.Accrual](t, w.Must(w.Trustee, "Servicing:Accrued", a, w.Key(c.holder))); acc.Claimable != 0 {
			t.Fatalf("%s still has %s to claim", c.holder.Name(), acc.Claimable)
		}
	}
	if err := w.checkBook(a); err != nil {
		t.Fatal(err)
	}
	if err := w.CheckCash(); err != nil {
		t.Fatal(err)
	}
}
