package auction

import (
	"time"

	core "github.com/tranchenet/tranchenet/chaincode/core/auction"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/consent"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Contract is the Auction contract.
type Contract struct {
	txn.Base
}

// New returns the contract under its public name "Auction".
func New() *Contract {
	return &Contract{Base: txn.NewBase("Auction", "liquidation of a defaulted deal's pool by sealed bids")}
}

// OpenInput is Open's argument, as JSON:
//
//	{"id":"AUC-1","direction":"AMD-LIQ","opens":"2026-12-01T09:00:00Z",
//	 "closes":"2026-12-01T17:00:00Z","reserve":"9000000.00"}
type OpenInput struct {
	ID        string       `json:"id"`
	Direction string       `json:"direction"`
	Opens     time.Time    `json:"opens"`
	Closes    time.Time    `json:"closes"`
	Reserve   money.Amount `json:"reserve"`
}

// Open opens an auction of the deal's pool (the trustee): the deal must
// be in an event of default and the direction an executed
// liquidation-direction amendment of the deal; a deal has one auction
// open or sold at a time. The window must close after the transaction.
func (c *Contract) Open(ctx *txn.Context, dealID, auctionJSON string) error {
	caller, err := ctx.Require(roles.Trustee)
	if err != nil {
		return err
	}
	var in OpenInput
	if err := canon.Unmarshal([]byte(auctionJSON), &in); err != nil {
		return errs.Wrap(err, "auctionJSON")
	}
	if _, err := schema.ParseID("id", in.ID); err != nil {
		return err
	}
	if !in.Reserve.IsPositive() {
		return errs.Field("reserve", "must be positive, got %s", in.Reserve)
	}
	window := core.Window{Opens: in.Opens.UTC(), Closes: in.Closes.UTC()}
	if err := window.Validate(); err != nil {
		return err
	}
	now, err := ctx.Now()
	if err != nil {
		return err
	}
	if !window.Closes.After(now) {
		return errs.Field("closes", "%s has passed", window.Closes.Format(time.RFC3339))
	}
	d, err := readDeal(ctx, dealID)
	if err != nil {
		return err
	}
	if err := requireDefault(ctx, d.ID); err != nil {
		return err
	}
	if err := requireDirection(ctx, d.ID, in.Direction); err != nil {
		return err
	}
	err = ctx.Range(schema.TypeAuction, []string{d.ID}, func(key string, value []byte) error {
		var a schema.Auction
		if err := txn.Decode(key, value, &a); err != nil {
			return err
		}
		if a.ID == in.ID {
			return errs.New(errs.AlreadyExists, "auction %s of deal %s already exists", a.ID, d.ID)
		}
		if a.Status != schema.AuctionUnsold {
			return errs.New(errs.WrongState, "deal %s's auction %s is %s", d.ID, a.ID, a.Status)
		}
		return nil
	})
	if err != nil {
		return err
	}
	a := schema.Auction{ID: in.ID, Deal: d.ID, Pool: d.Pool, Direction: in.Direction, Window: window, Reserve: in.Reserve,
		Status: schema.AuctionOpen, OpenedBy: caller.Identity.Key(), OpenedTx: ctx.TxID()}
	key := ctx.MustKey(schema.TypeAuction, d.ID, a.ID)
	if err := ctx.Apply(txn.Write{Key: key, Value: a, KeptByTrustee: true}); err != nil {
		return err
	}
	owner := ctx.MustKey(schema.TypePoolOwner, d.Pool)
	var title schema.PoolOwnership
	if found, err := ctx.Get(owner, &title); err != nil {
		return err
	} else if !found {
		title = schema.PoolOwnership{Pool: d.Pool, Deal: d.ID, Owner: schema.SPVOwner(d.ID)}
		if err := ctx.Apply(txn.Write{Key: owner, Value: title, KeptByTrustee: true}); err != nil {
			return err
		}
	}
	return ctx.Emit("AuctionOpened", auctionEvent{Deal: d.ID, Auction: a.ID, Status: a.Status, Opens: window.Opens.Format(time.RFC3339),
		Closes: window.Closes.Format(time.RFC3339)})
}

// Get returns an auction's public record (any consortium member).
func (c *Contract) Get(ctx *txn.Context, dealID, auctionID string) (string, error) {
	if _, err := ctx.Caller(); err != nil {
		return "", err
	}
	a, _, err := readAuction(ctx, dealID, auctionID)
	if err != nil {
		return "", err
	}
	return marshal(a)
}

// Bids returns an auction's public bid records: bidders, commitments,
// times; never a price (any consortium member).
func (c *Contract) Bids(ctx *txn.Context, dealID, auctionID string) (string, error) {
	if _, err := ctx.Caller(); err != nil {
		return "", err
	}
	a, _, err := readAuction(ctx, dealID, auctionID)
	if err != nil {
		return "", err
	}
	bids, err := publicBids(ctx, a)
	if err != nil {
		return "", err
	}
	return marshal(bids)
}

// Owner returns the title record of a pool sold or put up for sale (any
// consortium member).
func (c *Contract) Owner(ctx *txn.Context, poolID string) (string, error) {
	if _, err := ctx.Caller(); err != nil {
		return "", err
	}
	id, err := schema.ParseID("poolID", poolID)
	if err != nil {
		return "", err
	}
	var title schema.PoolOwnership
	if found, err := ctx.Get(ctx.MustKey(schema.TypePoolOwner, id), &title); err != nil {
		return "", err
	} else if !found {
		return "", errs.New(errs.NotFound, "pool %s has no title record: it was never put up for sale", id)
	}
	return marshal(title)
}

type auctionEvent struct {
	Deal    string       `json:"deal"`
	Auction string       `json:"auction"`
	Status  string       `json:"status"`
	Opens   string       `json:"opens,omitempty"`
	Closes  string       `json:"closes,omitempty"`
	Bidder  string       `json:"bidder,omitempty"`
	Winner  string       `json:"winner,omitempty"`
	Price   money.Amount `json:"price,omitzero"`
	Reason  string       `json:"reason,omitempty"`
}

func readDeal(ctx *txn.Context, dealID string) (schema.Deal, error) {
	id, err := schema.ParseID("dealID", dealID)
	if err != nil {
		return schema.Deal{}, err
	}
	var d schema.Deal
	if found, err := ctx.Get(ctx.MustKey(schema.TypeDeal, id), &d); err != nil {
		return d, err
	} else if !found {
		return d, errs.New(errs.NotFound, "no deal %s", id)
	}
	return d, nil
}

// requireDefault wants the deal in an event of default: declared by the
// trustee or a trigger's, certified or awaiting the next certification.
func requireDefault(ctx *txn.Context, deal string) error {
	var svc schema.DealServicing
	found, err := ctx.Get(ctx.MustKey(schema.TypeDealServicing, deal), &svc)
	if err != nil {
		return err
	}
	if l := svc.Liquidated; l != nil {
		return errs.New(errs.WrongState, "deal %s was wound down (liquidated) in period %d: its pool was sold by auction %s", deal, l.Period, l.Auction)
	}
	if !found || (!svc.EventOfDefault && svc.Declared == nil) {
		return errs.New(errs.WrongState, "deal %s is not in an event of default: its pool is sold only after one", deal)
	}
	return nil
}

// requireDirection wants an executed liquidation-direction amendment of
// the deal: the Controlling Class's majority directed the sale.
func requireDirection(ctx *txn.Context, deal, amendmentID string) error {
	id, err := schema.ParseID("direction", amendmentID)
	if err != nil {
		return err
	}
	var a schema.Amendment
	if found, err := ctx.Get(ctx.MustKey(schema.TypeAmendment, deal, id), &a); err != nil {
		return err
	} else if !found {
		return errs.Field("direction", "deal %s has no amendment %s", deal, id)
	}
	if a.Kind != consent.LiquidationDirection || a.Status != schema.AmendmentExecuted {
		return errs.New(errs.WrongState, "amendment %s is a %s %s; a sale needs an executed %s (a majority of the Controlling Class)",
			id, a.Status, a.Kind, consent.LiquidationDirection)
	}
	return nil
}

func readAuction(ctx *txn.Context, dealID, auctionID string) (schema.Auction, string, error) {
	d, err := schema.ParseID("dealID", dealID)
	if err != nil {
		return schema.Auction{}, "", err
	}
	id, err := schema.ParseID("auctionID", auctionID)
	if err != nil {
		return schema.Auction{}, "", err
	}
	key := ctx.MustKey(schema.TypeAuction, d, id)
	var a schema.Auction
	if found, err := ctx.Get(key, &a); err != nil {
		return a, "", err
	} else if !found {
		return a, "", errs.New(errs.NotFound, "no auction %s of deal %s", id, d)
	}
	return a, key, nil
}

// publicBids lists an auction's public bid records in key order.
func publicBids(ctx *txn.Context, a schema.Auction) ([]schema.AuctionBid, error) {
	out := []schema.AuctionBid{}
	err := ctx.Range(schema.TypeAuctionBid, []string{a.Deal, a.ID}, func(key string, value []byte) error {
		var b schema.AuctionBid
		if err := txn.Decode(key, value, &b); err != nil {
			return err
		}
		out = append(out, b)
		return nil
	})
	return out, err
}

func marshal(v any) (string, error) {
	b, err := canon.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
