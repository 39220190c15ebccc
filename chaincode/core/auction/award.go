package auction

import (
	"slices"
	"strings"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Revealed is a bid whose reveal matched its commitment, with when it was
// placed (the placing transaction's timestamp and ID) and whether its
// bidder can pay it now.
type Revealed struct {
	Bidder   string       `json:"bidder"`
	Price    money.Amount `json:"price"`
	PlacedAt time.Time    `json:"placedAt"`
	PlacedTx string       `json:"placedTx"`
	Funded   bool         `json:"funded"`
}

// Reason says why an auction sold or did not.
type Reason string

// Reasons.
const (
	Sold         Reason = "sold"           // the best funded bid at or above the reserve
	NoBids       Reason = "no-bids"        // nobody revealed a bid
	BelowReserve Reason = "below-reserve"  // every funded bid is below the reserve price
	NoFundedBids Reason = "no-funded-bids" // bids at or above the reserve, but no bidder can pay
)

// Award is the auction's outcome: the winner (when Reason is Sold) and
// counts that say what happened without naming a losing bid's price.
type Award struct {
	Reason   Reason    `json:"reason"`
	Winner   *Revealed `json:"winner,omitempty"`
	Bids     int       `json:"bids"`     // revealed bids considered
	Unfunded int       `json:"unfunded"` // bids passed over because their bidder could not pay
}

// Decide picks the winner: the highest price at or above reserve whose
// bidder can pay; equal prices go to the bid placed first (then the
// lower transaction ID, so every peer decides the same). An unfunded bid
// is passed over for the next best.
func Decide(bids []Revealed, reserve money.Amount) Award {
	a := Award{Bids: len(bids)}
	ranked := slices.Clone(bids)
	slices.SortFunc(ranked, better)
	aboveReserve := false
	for i := range ranked {
		b := ranked[i]
		if b.Price < reserve {
			break
		}
		aboveReserve = true
		if !b.Funded {
			a.Unfunded++
			continue
		}
		a.Reason, a.Winner = Sold, &b
		return a
	}
	switch {
	case len(bids) == 0:
		a.Reason = NoBids
	case aboveReserve:
		a.Reason = NoFundedBids
	default:
		a.Reason = BelowReserve
	}
	return a
}

// better orders bids best first: higher price, then earlier, then lower
// transaction ID.
func better(x, y Revealed) int {
	switch {
	case x.Price != y.Price:
		if x.Price > y.Price {
			return -1
		}
		return 1
	case !x.PlacedAt.Equal(y.PlacedAt):
		if x.PlacedAt.Before(y.PlacedAt) {
			return -1
		}
		return 1
	}
	return strings.Compare(x.PlacedTx, y.PlacedTx)
}
