package schema

import (
	"github.com/tranchenet/tranchenet/chaincode/core/auction"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Composite-key object types of the Auction contract: the liquidation of
// a defaulted deal's pool by sealed bids (package core/auction).
const (
	// TypeAuction: auction~<dealID>~<auctionID>, public, kept by the
	// trustee: Auction (window, reserve, counts, award; never a losing
	// bid's price).
	TypeAuction = "auction"
	// TypeAuctionBid: auctionbid~<dealID>~<auctionID>~<bidderKey>. In the
	// bidder bank's implicit collection: the sealed bid (auction.Sealed,
	// canonical JSON), written by the bidder's peers alone. Public, kept
	// by the trustee: AuctionBid, its commitment (the SHA-256 of those
	// bytes, which is Fabric's private data hash of them).
	TypeAuctionBid = "auctionbid"
	// TypeAuctionReveal: auctionreveal~<dealID>~<auctionID>~<bidderKey>,
	// in the trustee's implicit collection: AuctionReveal, a bid revealed
	// after the close and checked against its commitment.
	TypeAuctionReveal = "auctionreveal"
	// TypePoolOwner: poolowner~<poolID>, public, kept by the trustee:
	// PoolOwnership, who owns the pool's loans (the deal's SPV until a
	// liquidation sale moves them to the buyer).
	TypePoolOwner = "poolowner"
)

// Auction statuses.
const (
	AuctionOpen   = "open"   // bids are placed until the window closes, then revealed
	AuctionSold   = "sold"   // awarded and settled delivery-versus-payment
	AuctionUnsold = "unsold" // closed without a sale (no bid, below reserve, none funded)
)

// Auction is a sealed-bid auction of a defaulted deal's pool that the
// trustee runs on the Controlling Class's direction.
type Auction struct {
	ID   string `json:"id"`
	Deal string `json:"deal"`
	Pool string `json:"pool"`
	// Direction is the executed liquidation-direction amendment the sale
	// carries out.
	Direction string         `json:"direction"`
	Window    auction.Window `json:"window"`
	Reserve   money.Amount   `json:"reserve"`
	Status    string         `json:"status"`
	Bids      int            `json:"bids"`     // commitments placed
	Revealed  int            `json:"revealed"` // reveals that matched
	// Award is the outcome once awarded: its winner (bidder and price) is
	// public as the sale is; losing bids show only in the counts.
	Award     *auction.Award `json:"award,omitempty"`
	OpenedBy  string         `json:"openedBy"`
	OpenedTx  string         `json:"openedTx"`
	AwardedTx string         `json:"awardedTx,omitempty"`
}

// AuctionBid is a bid's public trace: who bid, when, and the commitment
// to its price.
type AuctionBid struct {
	Deal       string `json:"deal"`
	Auction    string `json:"auction"`
	Bidder     string `json:"bidder"` // identity key
	Commitment string `json:"commitment"`
	PlacedAt   string `json:"placedAt"` // RFC 3339, the transaction's timestamp
	PlacedTx   string `json:"placedTx"`
	Revealed   bool   `json:"revealed"`
	RevealedTx string `json:"revealedTx,omitempty"`
}

// AuctionReveal is a revealed bid, kept in the trustee's implicit
// collection only.
type AuctionReveal struct {
	Bidder   string       `json:"bidder"`
	Price    money.Amount `json:"price"`
	PlacedAt string       `json:"placedAt"`
	PlacedTx string       `json:"placedTx"`
}

// PoolOwnership is the public title to a pool's loans.
type PoolOwnership struct {
	Pool string `json:"pool"`
	Deal string `json:"deal"`
	// Owner is the SPV ("spv:<dealID>") or, after a liquidation sale, the
	// buyer's identity key (its bank's book or SPV).
	Owner     string       `json:"owner"`
	Auction   string       `json:"auction,omitempty"`
	Price     money.Amount `json:"price,omitzero"`
	SettledTx string       `json:"settledTx,omitempty"`
}

// SPVOwner names a deal's SPV as a pool's owner.
func SPVOwner(deal string) string { return "spv:" + deal }
