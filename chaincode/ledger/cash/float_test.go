package cash

import (
	"slices"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Worked by hand: 10.03 over four shards is 2.50 each and the three
// remaining cents to the first three shards, on top of what they held.
func TestSpreadPutsEveryCentInExactlyOneShard(t *testing.T) {
	got, err := DecideSpread([]money.Amount{0, 1_00, 0, 5}, 10_03)
	if err != nil {
		t.Fatal(err)
	}
	if want := []money.Amount{2_51, 3_51, 2_51, 2_55}; !slices.Equal(got, want) {
		t.Fatalf("spread %v, want %v", got, want)
	}
	if _, err := DecideSpread(nil, 1); !errs.Is(err, errs.Internal) {
		t.Fatalf("spreading over no shard: %v", err)
	}
}

// Worked by hand: 7.00 drawn from 3.00, 0, 5.00, 2.00 empties the first,
// takes 4.00 of the third and leaves the fourth alone.
func TestDrawTakesFromEachSourceInTurn(t *testing.T) {
	got, err := DecideDraw([]money.Amount{3_00, 0, 5_00, 2_00}, 7_00)
	if err != nil {
		t.Fatal(err)
	}
	if want := []money.Amount{0, 0, 1_00, 2_00}; !slices.Equal(got, want) {
		t.Fatalf("draw %v, want %v", got, want)
	}
	if _, err := DecideDraw([]money.Amount{3_00, 2_00}, 5_01); !errs.Is(err, errs.InsufficientBalance) {
		t.Fatalf("drawing more than the sources hold: %v", err)
	}
}
