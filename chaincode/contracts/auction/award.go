package auction

import (
	"time"

	core "github.com/tranchenet/tranchenet/chaincode/core/auction"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/cash"
	"github.com/tranchenet/tranchenet/chaincode/ledger/dealaccounts"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Award closes the auction (the trustee, after the close, on its own
// peer): the revealed bids are decided by core/auction (the best bid at
// or above the reserve whose bidder's available cash covers it; equal
// prices to the earlier bid). A sale settles delivery-versus-payment in
// this transaction: the price moves from the buyer's cash account to the
// deal's collection account and the pool's title to the buyer, or
// nothing moves. Bids not revealed by then count for nothing. It returns
// the award.
func (c *Contract) Award(ctx *txn.Context, dealID, auctionID string) (string, error) {
	if _, err := ctx.Require(roles.Trustee); err != nil {
		return "", err
	}
	a, akey, err := readAuction(ctx, dealID, auctionID)
	if err != nil {
		return "", err
	}
	if a.Status != schema.AuctionOpen {
		return "", errs.New(errs.WrongState, "auction %s is %s", a.ID, a.Status)
	}
	now, err := ctx.Now()
	if err != nil {
		return "", err
	}
	if err := a.Window.Closed(now); err != nil {
		return "", err
	}
	ledger, err := cash.Open(ctx)
	if err != nil {
		return "", err
	}
	revealed, err := revealedBids(ctx, a, ledger)
	if err != nil {
		return "", err
	}
	award := core.Decide(revealed, a.Reserve)
	a.Award, a.AwardedTx = &award, ctx.TxID()
	event := auctionEvent{Deal: a.Deal, Auction: a.ID, Reason: string(award.Reason)}
	if award.Winner == nil {
		a.Status = schema.AuctionUnsold
	} else {
		a.Status = schema.AuctionSold
		event.Winner, event.Price = award.Winner.Bidder, award.Winner.Price
		if err := settle(ctx, ledger, a, *award.Winner); err != nil {
			return "", err
		}
	}
	event.Status = a.Status
	if err := ctx.Apply(txn.Write{Key: akey, Value: a, KeptByTrustee: true}); err != nil {
		return "", err
	}
	if err := ctx.Emit("AuctionAwarded", event); err != nil {
		return "", err
	}
	return marshal(award)
}

// revealedBids reads the revealed bids from the trustee's implicit
// collection, by the public records' keys, with whether each bidder's
// available cash covers its price now.
func revealedBids(ctx *txn.Context, a schema.Auction, ledger *cash.Ledger) ([]core.Revealed, error) {
	trustee, err := trusteeCollection(ctx)
	if err != nil {
		return nil, err
	}
	bids, err := publicBids(ctx, a)
	if err != nil {
		return nil, err
	}
	var out []core.Revealed
	for _, b := range bids {
		if !b.Revealed {
			continue
		}
		var r schema.AuctionReveal
		if found, err := ctx.GetPrivate(trustee, ctx.MustKey(schema.TypeAuctionReveal, a.Deal, a.ID, b.Bidder), &r); err != nil {
			return nil, err
		} else if !found {
			return nil, errs.New(errs.Internal, "auction %s: %s's bid is marked revealed but its reveal is missing", a.ID, b.Bidder)
		}
		at, err := time.Parse(time.RFC3339Nano, r.PlacedAt)
		if err != nil {
			return nil, errs.New(errs.Internal, "auction %s: stored bid time %q: %v", a.ID, r.PlacedAt, err)
		}
		bidder, err := schema.ParseIdentityKey("bidder", r.Bidder)
		if err != nil {
			return nil, err
		}
		acct, err := ledger.Account(bidder)
		if err != nil {
			return nil, err
		}
		out = append(out, core.Revealed{Bidder: r.Bidder, Price: r.Price, PlacedAt: at, PlacedTx: r.PlacedTx,
			Funded: acct.Balance-acct.Held >= r.Price})
	}
	return out, nil
}

// settle is the sale's delivery-versus-payment: the buyer's cash into the
// deal's collection account, the pool's title to the buyer.
func settle(ctx *txn.Context, ledger *cash.Ledger, a schema.Auction, w core.Revealed) error {
	buyer, err := schema.ParseIdentityKey("winner", w.Bidder)
	if err != nil {
		return err
	}
	acc := dealaccounts.Open(ctx, a.Deal)
	if ok, err := acc.Exists(schema.AccountCollection); err != nil {
		return err
	} else if !ok {
		return errs.New(errs.WrongState, "deal %s has no collection account to receive the sale's proceeds", a.Deal)
	}
	if err := ledger.Debit(buyer, w.Price); err != nil {
		return err
	}
	if err := acc.Add(schema.AccountCollection, w.Price); err != nil {
		return err
	}
	if err := acc.Flush(); err != nil {
		return err
	}
	key := ctx.MustKey(schema.TypePoolOwner, a.Pool)
	var title schema.PoolOwnership
	if found, err := ctx.Get(key, &title); err != nil {
		return err
	} else if !found {
		return errs.New(errs.Internal, "pool %s has no title record", a.Pool)
	}
	if title.Owner != schema.SPVOwner(a.Deal) {
		return errs.New(errs.WrongState, "pool %s belongs to %s, not deal %s's SPV", a.Pool, title.Owner, a.Deal)
	}
	title.Owner, title.Auction, title.Price, title.SettledTx = buyer.Key(), a.ID, w.Price, ctx.TxID()
	return ctx.Apply(txn.Write{Key: key, Value: title, KeptByTrustee: true})
}
