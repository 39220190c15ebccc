package distribution

import (
	"math/rand/v2"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// TestPropertyPerHolderTalliesConserve is the conservation property with
// claims counted in each holder's own tally (SettleTally), as the ledger
// keeps them since claims stopped writing shared keys: certification
// alone writes the book. Some trials start on a ledger whose first claims
// wrote the book (Settle), as one from before the tallies did. After
// every step the book with every tally added (Totals) conserves against
// the holdings; when everyone has claimed, Σ claims + residue line =
// Σ payments exactly, and no tally ever claimed more than its entitlements.
func TestPropertyPerHolderTalliesConserve(t *testing.T) {
	r := rand.New(rand.NewPCG(20261206, 16))
	for trial := range 300 {
		n := 1 + r.IntN(60)
		holders := make([]Holding, n)
		tallies := make([]ClaimTally, n)
		var units int64
		for i := range holders {
			holders[i].Units = 1 + r.Int64N(1_000_000)
			if r.IntN(3) == 0 {
				holders[i].Units = 1 + r.Int64N(7)
			}
			units += holders[i].Units
		}
		var (
			book          ClassBook
			paid, claimed money.Amount
		)
		legacy := r.IntN(4) == 0 // the first claims write the book
		settle := func(i int) {
			t.Helper()
			h := &holders[i]
			if legacy {
				next, s, err := book.Settle(h.Units, h.IndexPaid)
				if err != nil {
					t.Fatalf("trial %d: legacy settle of holder %d: %v", trial, i, err)
				}
				book, claimed, h.IndexPaid = next, claimed+s.Amount, s.NewIndex
				return
			}
			before := book
			next, s, err := book.SettleTally(tallies[i], h.Units, h.IndexPaid)
			if err != nil {
				t.Fatalf("trial %d: settle holder %d: %v", trial, i, err)
			}
			if book != before {
				t.Fatalf("trial %d: a claim changed the book", trial)
			}
			if next.Claimed-tallies[i].Claimed != s.Amount || !next.ClaimResidue.Sub(tallies[i].ClaimResidue).Equal(s.Residue) {
				t.Fatalf("trial %d: tally %+v → %+v for a claim of %s + %s", trial, tallies[i], next, s.Amount, s.Residue)
			}
			tallies[i], claimed, h.IndexPaid = next, claimed+s.Amount, s.NewIndex
		}
		totals := func() ClassBook {
			t.Helper()
			b, err := book.Totals(tallies)
			if err != nil {
				t.Fatalf("trial %d: %v", trial, err)
			}
			return b
		}
		for step := range 40 {
			if legacy && step == 20 {
				legacy = false // the ledger moves to per-holder tallies
			}
			switch r.IntN(3) {
			case 0:
				p := money.Cents(r.Int64N(10_000_000_00))
				next, _, err := book.Distribute(p, units)
				if err != nil {
					t.Fatalf("trial %d step %d: %v", trial, step, err)
				}
				book, paid = next, paid+p
			case 1:
				settle(r.IntN(n))
			case 2:
				from, to := r.IntN(n), r.IntN(n)
				if from == to || holders[from].Units == 0 {
					continue
				}
				settle(from)
				settle(to)
				k := 1 + r.Int64N(holders[from].Units)
				holders[from].Units -= k
				holders[to].Units += k
			}
			if err := totals().Check(holders); err != nil {
				t.Fatalf("trial %d step %d: %v", trial, step, err)
			}
		}
		legacy = false
		for i := range holders {
			settle(i)
		}
		b := totals()
		if b.Claimed != claimed || b.Distributed != paid || !claimed.Decimal().Add(b.ResidueLine()).Equal(paid.Decimal()) ||
			!b.ResidueLine().Equal(b.Balance().Decimal()) {
			t.Fatalf("trial %d: claims %s (totals %s) + residue %s != payments %s, balance %s", trial, claimed, b.Claimed, b.ResidueLine(), paid, b.Balance())
		}
	}
}
