package resources

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/auction"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

// AuctionInput opens a liquidation auction of a defaulted deal's pool
// (Auction:Open).
type AuctionInput struct {
	ID        string       `json:"id" doc:"auction ID, unique within the deal"`
	Direction string       `json:"direction" doc:"the executed liquidation-direction amendment the sale carries out"`
	Opens     time.Time    `json:"opens" doc:"bids are accepted from then (RFC 3339)"`
	Closes    time.Time    `json:"closes" doc:"and until then; reveals and the award follow (RFC 3339)"`
	Reserve   money.Amount `json:"reserve" doc:"the lowest price that sells"`
}

// BidPrice is a bank's sealed bid. The gateway adds a random salt and
// keeps both in the bank's implicit collection; only the commitment is
// public until the bank reveals after the close.
type BidPrice struct {
	Price money.Amount `json:"price" doc:"what the bank pays for the pool, from the caller's cash account"`
}

// bidder is who bids for a bank: its structuring desk or an investor
// identity of its book.
var bidder = []roles.Role{roles.Arranger, roles.Investor}

var auctionParam = api.Param{Name: "auction", In: "path", Description: "auction ID", Pattern: idPattern, Example: "AUC-1"}

func (r *resources) auctions(s *api.Server) {
	const base = "/v1/deals/{deal}/auctions"
	one := base + "/{auction}"
	both := []api.Param{dealParam, auctionParam}
	ids := func(c *api.Call, _ *api.NoBody) ([]string, error) {
		return []string{c.Path("deal"), c.Path("auction")}, nil
	}
	api.Register(s, api.Endpoint[AuctionInput, Committed]{
		Method: "POST", Path: base, Tag: "liquidation", Roles: trustee, Status: 201,
		Summary:     "Open a sealed-bid auction of a defaulted deal's pool (trustee)",
		Description: "Only after an event of default and an executed liquidation-direction amendment (a majority of the Controlling Class).",
		Params:      []api.Param{dealParam},
		Tx: &api.Tx[AuctionInput]{Fn: "Auction:Open", Submit: true,
			Args: func(c *api.Call, in *AuctionInput) ([]string, error) {
				arg, err := jsonArg(in)
				return []string{c.Path("deal"), arg}, err
			}},
		Result: done[AuctionInput],
	})
	api.Register(s, api.Endpoint[BidPrice, Committed]{
		Method: "POST", Path: one + "/bids", Tag: "liquidation", Roles: bidder, Status: 201,
		Summary:     "Place a sealed bid while the auction is open",
		Description: "Seals the price with a random salt in this bank's implicit collection (endorsed by this bank's peers only: no other bank, not even the trustee, sees it), then publishes its commitment.",
		Params:      both,
		Chaincode:   []string{"Auction:Seal", "Auction:Bid"},
		Handle: func(c *api.Call, in *BidPrice) (*Committed, error) {
			salt := make([]byte, 24)
			if _, err := rand.Read(salt); err != nil {
				return nil, err
			}
			b, err := json.Marshal(map[string]any{"price": in.Price, "salt": hex.EncodeToString(salt)})
			if err != nil {
				return nil, err
			}
			args := []string{c.Path("deal"), c.Path("auction")}
			if _, err := c.SubmitFn(ledger.Tx{Fn: "Auction:Seal", Args: args, Transient: map[string][]byte{"bid": b}}, ""); err != nil {
				return nil, err
			}
			res, err := c.SubmitFn(ledger.Tx{Fn: "Auction:Bid", Args: args}, "")
			if err != nil {
				return nil, err
			}
			out := committed(res)
			return &out, nil
		},
	})
	api.Register(s, api.Endpoint[api.NoBody, auction.Sealed]{
		Method: "GET", Path: one + "/bids/mine", Tag: "liquidation", Roles: bidder,
		Summary: "The caller's sealed bid", Description: "From this bank's implicit collection, on its own peer.",
		Params: both,
		Tx:     &api.Tx[api.NoBody]{Fn: "Auction:MyBid", Args: ids},
	})
	api.Register(s, api.Endpoint[api.NoBody, Committed]{
		Method: "POST", Path: one + "/bids/mine/reveal", Tag: "liquidation", Roles: bidder,
		Summary:     "Reveal the caller's bid after the close",
		Description: "Reads the sealed bid from this bank's implicit collection and sends it to the trustee's peer, which checks it against the public commitment and keeps it in the trustee's implicit collection.",
		Params:      both,
		Chaincode:   []string{"Auction:MyBid", "Auction:Reveal"},
		Handle: func(c *api.Call, _ *api.NoBody) (*Committed, error) {
			args := []string{c.Path("deal"), c.Path("auction")}
			res, err := c.Ask("Auction:MyBid", args...)
			if err != nil {
				return nil, err
			}
			sealed, err := decodeInto[auction.Sealed](res, "Auction:MyBid")
			if err != nil {
				return nil, err
			}
			b, err := json.Marshal(map[string]any{"price": sealed.Price, "salt": sealed.Salt})
			if err != nil {
				return nil, err
			}
			res, err = c.SubmitFn(ledger.Tx{Fn: "Auction:Reveal", Args: args, Transient: map[string][]byte{"bid": b}}, "")
			if err != nil {
				return nil, err
			}
			out := committed(res)
			return &out, nil
		},
	})
	api.Register(s, api.Endpoint[api.NoBody, auction.Award]{
		Method: "POST", Path: one + "/award", Tag: "liquidation", Roles: trustee,
		Summary:     "Award the auction and settle the sale (trustee)",
		Description: "The best revealed bid at or above the reserve whose bidder can pay wins; in the same transaction its price moves to the deal's collection account and the pool's title to the buyer (DvP). Below the reserve nothing sells.",
		Params:      both,
		Tx:          &api.Tx[api.NoBody]{Fn: "Auction:Award", Submit: true, Args: ids},
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.Auction]{
		Method: "GET", Path: one, Tag: "liquidation", Roles: anyRole,
		Summary: "An auction: window, reserve, counts and award", Params: both,
		Tx: &api.Tx[api.NoBody]{Fn: "Auction:Get", Args: ids},
	})
	api.Register(s, api.Endpoint[api.NoBody, []schema.AuctionBid]{
		Method: "GET", Path: one + "/bids", Tag: "liquidation", Roles: anyRole,
		Summary: "An auction's bids: bidders, times and commitments, never a price", Params: both,
		Tx: &api.Tx[api.NoBody]{Fn: "Auction:Bids", Args: ids},
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.PoolOwnership]{
		Method: "GET", Path: "/v1/pools/{pool}/owner", Tag: "liquidation", Roles: anyRole,
		Summary: "Who owns a pool's loans: the deal's SPV, or the buyer after a liquidation sale", Params: []api.Param{poolParam},
		Tx: &api.Tx[api.NoBody]{Fn: "Auction:Owner",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("pool")}, nil }},
	})
}
