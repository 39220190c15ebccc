package positions

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

var (
	alice = roles.Identity{MSP: "Org2MSP", ID: "alice"}
	bob   = roles.Identity{MSP: "Org3MSP", ID: "bob"}
)

// Worked by hand: 100 units minted, 40 placed with alice, 15 of hers
// transferred to bob, bob's 15 redeemed, then alice's remaining 25 moved
// to bob. The holder count follows holders arriving at and leaving zero.
func TestMovesKeepTheBookAndHolderCount(t *testing.T) {
	book := schema.TrancheBook{IssuerUnits: 100}
	var a, b schema.Position

	book, _, a = DecideMove(book, schema.Position{}, a, Movement{Kind: rules.KindIssue, To: alice, Units: 40})
	if book != (schema.TrancheBook{IssuerUnits: 60, Holders: 1}) || a.Units != 40 {
		t.Fatalf("after placement: %+v, alice %d", book, a.Units)
	}
	book, a, b = DecideMove(book, a, b, Movement{Kind: rules.KindTransfer, From: alice, To: bob, Units: 15})
	if book.Holders != 2 || a.Units != 25 || b.Units != 15 {
		t.Fatalf("after transfer: %+v, alice %d, bob %d", book, a.Units, b.Units)
	}
	book, b, _ = DecideMove(book, b, schema.Position{}, Movement{Kind: rules.KindRedeem, From: bob, Units: 15})
	if book != (schema.TrancheBook{IssuerUnits: 60, Redeemed: 15, Holders: 1}) || b.Units != 0 {
		t.Fatalf("after redemption: %+v, bob %d", book, b.Units)
	}
	book, a, b = DecideMove(book, a, b, Movement{Kind: rules.KindForced, From: alice, To: bob, Units: 25})
	if book.Holders != 1 || a.Units != 0 || b.Units != 25 {
		t.Fatalf("after forced transfer: %+v, alice %d, bob %d", book, a.Units, b.Units)
	}
}

// Random movements that pass the balance checks keep
// Σ positions + IssuerUnits = Issued − Redeemed and the holder count equal
// to the positions with units.
func TestMovesConserveUnits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	holders := []roles.Identity{alice, bob, {MSP: "Org2MSP", ID: "carol"}}
	for run := 0; run < 200; run++ {
		tr := schema.Tranche{ID: "T", OriginalFace: 1_000_000_00, UnitFace: 1_000_00}
		var book schema.TrancheBook
		pos := make([]schema.Position, len(holders))
		for step := 0; step < 50; step++ {
			n := rng.Int64N(400) + 1
			i, j := rng.IntN(len(holders)), rng.IntN(len(holders))
			switch rng.IntN(4) {
			case 0:
				if t2, b2, err := DecideMint(tr, book, n); err == nil {
					tr, book = t2, b2
				}
			case 1:
				if n <= book.IssuerUnits {
					book, _, pos[i] = DecideMove(book, schema.Position{}, pos[i], Movement{Kind: rules.KindIssue, To: holders[i], Units: n})
				}
			case 2:
				if i != j && n <= pos[i].Units {
					book, pos[i], pos[j] = DecideMove(book, pos[i], pos[j], Movement{Kind: rules.KindTransfer, From: holders[i], To: holders[j], Units: n})
				}
			case 3:
				if n <= pos[i].Units {
					book, pos[i], _ = DecideMove(book, pos[i], schema.Position{}, Movement{Kind: rules.KindRedeem, From: holders[i], Units: n})
				}
			}
			sum, withUnits := book.IssuerUnits, 0
			for _, p := range pos {
				sum += p.Units
				if p.Units > 0 {
					withUnits++
				}
			}
			if sum != tr.Issued-book.Redeemed || book.Holders != withUnits || tr.Issued > tr.MaxUnits() {
				t.Fatalf("run %d step %d: Σ %d, issued %d, redeemed %d, holders %d (%d with units)",
					run, step, sum, tr.Issued, book.Redeemed, book.Holders, withUnits)
			}
		}
	}
}

// A tranche of 1,000.00 face at 100.00 a unit allows 10 units.
func TestMintStopsAtTheOriginalFace(t *testing.T) {
	tr := schema.Tranche{ID: "D-A", OriginalFace: 1_000_00, UnitFace: 100_00, Issued: 7}
	_, _, err := DecideMint(tr, schema.TrancheBook{}, 4)
	if !errs.Is(err, errs.LimitExceeded) || !strings.Contains(err.Error(), "issuing 4 units would bring it to 11 units, above the 10 its original face 1000.00 allows at 100.00 per unit") {
		t.Fatalf("minting past the face: %v", err)
	}
	t2, b2, err := DecideMint(tr, schema.TrancheBook{IssuerUnits: 2}, 3)
	if err != nil || t2.Issued != 10 || b2.IssuerUnits != 5 {
		t.Fatalf("minting to the face: %+v %+v %v", t2, b2, err)
	}
	if _, _, err := DecideMint(tr, schema.TrancheBook{}, 0); !errs.Is(err, errs.BadInput) {
		t.Fatalf("minting nothing: %v", err)
	}
}

func TestHoldsPausesAndFreezes(t *testing.T) {
	p := schema.Position{Units: 10, HeldUnits: 2}
	if _, err := DecideHeld("D-A", alice, p, 11); !errs.Is(err, errs.InsufficientBalance) || !strings.Contains(err.Error(), "holds 10 units; cannot hold 11") {
		t.Fatalf("holding more than the position: %v", err)
	}
	if got, err := DecideHeld("D-A", alice, p, 10); err != nil || got.HeldUnits != 10 || got.Units != 10 {
		t.Fatalf("holding the whole position: %+v %v", got, err)
	}
	if got := DecideFrozen(p, 4); got.FrozenUnits != 4 || got.Units != 10 {
		t.Fatalf("freeze: %+v", got)
	}
	tr := schema.Tranche{ID: "D-A"}
	if _, err := DecidePaused(tr, false); !errs.Is(err, errs.WrongState) || !strings.HasSuffix(err.Error(), "tranche D-A is not paused") {
		t.Fatalf("resuming a running tranche: %v", err)
	}
	paused, err := DecidePaused(tr, true)
	if err != nil || !paused.Rules.Paused {
		t.Fatalf("pause: %+v %v", paused, err)
	}
	if _, err := DecidePaused(paused, true); !strings.HasSuffix(err.Error(), "is already paused") {
		t.Fatalf("pausing twice: %v", err)
	}
}
