package distribution

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// TestPropertyClaimsPlusResidueEqualPayments drives one class with random
// holders, payments, claims and transfers (each side settled first, as
// the Token contract does before a balance changes) and checks after every
// step that the book conserves against the holdings, and at the end, when
// everyone has claimed, that Σ claims + residue line = Σ payments exactly
// and that the residue line is the distribution account's whole cents.
func TestPropertyClaimsPlusResidueEqualPayments(t *testing.T) {
	r := rand.New(rand.NewPCG(20250127, 4))
	for trial := range 300 {
		n := 1 + r.IntN(60)
		holders := make([]Holding, n)
		var units int64
		for i := range holders {
			holders[i].Units = r.Int64N(1_000_000)
			if r.IntN(3) == 0 {
				holders[i].Units = 1 + r.Int64N(7) // tiny positions make rounding bite
			}
			units += holders[i].Units
		}
		if units == 0 {
			holders[0].Units, units = 1, 1
		}
		var (
			book          ClassBook
			paid, claimed money.Amount
		)
		settle := func(i int) {
			t.Helper()
			h := &holders[i]
			want, err := Entitlement(h.Units, book.Index, h.IndexPaid)
			if err != nil {
				t.Fatalf("trial %d: %v", trial, err)
			}
			next, s, err := book.Settle(h.Units, h.IndexPaid)
			if err != nil {
				t.Fatalf("trial %d: settle holder %d: %v", trial, i, err)
			}
			if s.Amount < 0 || s.Amount.Decimal().GreaterThan(want) || want.Sub(s.Amount.Decimal()).GreaterThanOrEqual(decimal.New(1, -2)) {
				t.Fatalf("trial %d: claim %s for entitlement %s", trial, s.Amount, want)
			}
			book, claimed, h.IndexPaid = next, claimed+s.Amount, s.NewIndex
		}
		for step := range 40 {
			switch r.IntN(4) {
			case 0:
				p := money.Cents(r.Int64N(10_000_000_00))
				if r.IntN(4) == 0 {
					p = money.Cents(r.Int64N(100)) // a few cents over many units
				}
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
			if err := book.Check(holders); err != nil {
				t.Fatalf("trial %d step %d: %v", trial, step, err)
			}
		}
		for i := range holders {
			settle(i)
		}
		if !claimed.Decimal().Add(book.ResidueLine()).Equal(paid.Decimal()) {
			t.Fatalf("trial %d: claims %s + residue %s != payments %s", trial, claimed, book.ResidueLine(), paid)
		}
		if !book.ResidueLine().Equal(book.Balance().Decimal()) || book.Claimed != claimed || book.Distributed != paid {
			t.Fatalf("trial %d: residue %s, balance %s, claimed %s/%s, distributed %s/%s",
				trial, book.ResidueLine(), book.Balance(), book.Claimed, claimed, book.Distributed, paid)
		}
	}
}

// TestCertifyIndependentOfHolderCount shows why paying 100,000 holders
// costs what paying 10 does: certification depends on the class's units
// only. The same units held by 10 or by 100,000 holders give the same
// book, byte for byte, and the same allocations; each holder's claim is
// computed later, in its own transaction.
func TestCertifyIndependentOfHolderCount(t *testing.T) {
	const units = 1_000_000
	payment := amt("123456.78")
	split := func(holders int) []Holding {
		hs := make([]Holding, holders)
		for i := range hs {
			hs[i].Units = units / int64(holders)
		}
		return hs
	}
	few, many := split(10), split(100_000)
	var bookFew, bookMany ClassBook
	allocFew := testing.AllocsPerRun(50, func() { bookFew, _, _ = ClassBook{}.Distribute(payment, sumUnits(few)) })
	allocMany := testing.AllocsPerRun(50, func() { bookMany, _, _ = ClassBook{}.Distribute(payment, sumUnits(many)) })
	if !sameBook(bookFew, bookMany) || allocFew != allocMany {
		t.Fatalf("certification differs with the holder count: %+v (%v allocs) vs %+v (%v allocs)", bookFew, allocFew, bookMany, allocMany)
	}
	if err := bookFew.Check(few); err != nil {
		t.Fatal(err)
	}
	if err := bookMany.Check(many); err != nil {
		t.Fatal(err)
	}
}

func sumUnits(hs []Holding) int64 {
	var u int64
	for _, h := range hs {
		u += h.Units
	}
	return u
}
