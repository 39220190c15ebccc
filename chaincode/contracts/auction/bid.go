package auction

import (
	"encoding/hex"
	"time"

	core "github.com/tranchenet/tranchenet/chaincode/core/auction"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// TransientBid is the transient field carrying a bid's price and salt:
// {"price":"9500000.00","salt":"…at least 16 random characters…"}. It
// never travels in the arguments, which every channel member can read.
const TransientBid = "bid"

// BidInput is the transient bid.
type BidInput struct {
	Price money.Amount `json:"price"`
	Salt  string       `json:"salt"`
}

// bidders are the roles that bid for a bank: its structuring desk or an
// investor identity of its book; the price is paid from that identity's
// cash account.
var bidders = []roles.Role{roles.Arranger, roles.Investor}

// Seal stores the caller's sealed bid in its own bank's implicit
// collection while bidding is open, and returns its commitment. Endorsed
// by the bidder's bank alone: no other peer sees the price. Bid then
// publishes the commitment; sealing again before Bid replaces the bid.
func (c *Contract) Seal(ctx *txn.Context, dealID, auctionID string) (string, error) {
	caller, a, _, err := bidderIn(ctx, dealID, auctionID)
	if err != nil {
		return "", err
	}
	if err := bidding(ctx, a); err != nil {
		return "", err
	}
	sealed, err := transientBid(ctx, a, caller.Identity)
	if err != nil {
		return "", err
	}
	key, err := bidKey(ctx, a, caller.Identity)
	if err != nil {
		return "", err
	}
	if found, err := ctx.Get(key, &schema.AuctionBid{}); err != nil {
		return "", err
	} else if found {
		return "", errs.New(errs.AlreadyExists, "%s has already bid in auction %s", caller.Identity.Short(), a.ID)
	}
	if err := ctx.PutPrivate(roles.ImplicitCollection(caller.Identity.MSP), key, sealed); err != nil {
		return "", err
	}
	return sealed.Commitment()
}

// Bid publishes the commitment of the caller's sealed bid, at the
// transaction's time, which must fall inside the window (endorsed by the
// bidder's bank and the trustee: a new public record). The commitment is
// Fabric's hash of the sealed bid, read from the ledger, so nobody can
// publish one that differs from what its bank sealed.
func (c *Contract) Bid(ctx *txn.Context, dealID, auctionID string) error {
	caller, err := ctx.Require(bidders...)
	if err != nil {
		return err
	}
	cfg, err := ctx.Config()
	if err != nil {
		return err
	}
	if _, err := cfg.RegistryFor(caller.Identity.MSP); err != nil {
		return errs.Wrap(err, "a bidder pays from a cash account its bank keeps")
	}
	a, akey, err := readAuction(ctx, dealID, auctionID)
	if err != nil {
		return err
	}
	if err := bidding(ctx, a); err != nil {
		return err
	}
	key, err := bidKey(ctx, a, caller.Identity)
	if err != nil {
		return err
	}
	if found, err := ctx.Get(key, &schema.AuctionBid{}); err != nil {
		return err
	} else if found {
		return errs.New(errs.AlreadyExists, "%s has already bid in auction %s", caller.Identity.Short(), a.ID)
	}
	hash, err := ctx.GetStub().GetPrivateDataHash(roles.ImplicitCollection(caller.Identity.MSP), key)
	if err != nil {
		return errs.New(errs.Internal, "read the sealed bid's hash: %v", err)
	}
	if len(hash) == 0 {
		return errs.New(errs.WrongState, "%s has sealed no bid in auction %s: Auction:Seal first, through its own bank", caller.Identity.Short(), a.ID)
	}
	now, err := ctx.Now()
	if err != nil {
		return err
	}
	b := schema.AuctionBid{Deal: a.Deal, Auction: a.ID, Bidder: caller.Identity.Key(), Commitment: hex.EncodeToString(hash),
		PlacedAt: now.Format(time.RFC3339Nano), PlacedTx: ctx.TxID()}
	a.Bids++
	if err := ctx.Apply(txn.Write{Key: key, Value: b, KeptByTrustee: true}, txn.Write{Key: akey, Value: a, KeptByTrustee: true}); err != nil {
		return err
	}
	return ctx.Emit("AuctionBidPlaced", auctionEvent{Deal: a.Deal, Auction: a.ID, Status: a.Status, Bidder: b.Bidder})
}

// Reveal opens the caller's bid after the close: the price and salt
// again in the transient map, checked against the public commitment, go
// into the trustee's implicit collection (the trustee's peer endorses);
// the public record shows only that the bid was revealed. A reveal that
// does not match is refused and changes nothing.
func (c *Contract) Reveal(ctx *txn.Context, dealID, auctionID string) error {
	caller, a, akey, err := bidderIn(ctx, dealID, auctionID)
	if err != nil {
		return err
	}
	if a.Status != schema.AuctionOpen {
		return errs.New(errs.WrongState, "auction %s is %s", a.ID, a.Status)
	}
	now, err := ctx.Now()
	if err != nil {
		return err
	}
	if err := a.Window.Closed(now); err != nil {
		return err
	}
	key, err := bidKey(ctx, a, caller.Identity)
	if err != nil {
		return err
	}
	var b schema.AuctionBid
	if found, err := ctx.Get(key, &b); err != nil {
		return err
	} else if !found {
		return errs.New(errs.Forbidden, "%s placed no bid in auction %s", caller.Identity.Short(), a.ID)
	}
	if b.Revealed {
		return errs.New(errs.AlreadyExists, "%s's bid in auction %s is already revealed", caller.Identity.Short(), a.ID)
	}
	sealed, err := transientBid(ctx, a, caller.Identity)
	if err != nil {
		return err
	}
	if err := core.CheckReveal(b.Commitment, sealed); err != nil {
		return err
	}
	trustee, err := trusteeCollection(ctx)
	if err != nil {
		return err
	}
	r := schema.AuctionReveal{Bidder: b.Bidder, Price: sealed.Price, PlacedAt: b.PlacedAt, PlacedTx: b.PlacedTx}
	b.Revealed, b.RevealedTx = true, ctx.TxID()
	a.Revealed++
	err = ctx.Apply(txn.Write{Collection: trustee, Key: ctx.MustKey(schema.TypeAuctionReveal, a.Deal, a.ID, b.Bidder), Value: r},
		txn.Write{Key: key, Value: b, KeptByTrustee: true}, txn.Write{Key: akey, Value: a, KeptByTrustee: true})
	if err != nil {
		return err
	}
	return ctx.Emit("AuctionBidRevealed", auctionEvent{Deal: a.Deal, Auction: a.ID, Status: a.Status, Bidder: b.Bidder})
}

// MyBid returns the caller's sealed bid, read from its own bank's
// implicit collection (evaluate it on the bank's own peer).
func (c *Contract) MyBid(ctx *txn.Context, dealID, auctionID string) (string, error) {
	caller, a, _, err := bidderIn(ctx, dealID, auctionID)
	if err != nil {
		return "", err
	}
	key, err := bidKey(ctx, a, caller.Identity)
	if err != nil {
		return "", err
	}
	var s core.Sealed
	if found, err := ctx.GetPrivate(roles.ImplicitCollection(caller.Identity.MSP), key, &s); err != nil {
		return "", err
	} else if !found {
		return "", errs.New(errs.NotFound, "%s has sealed no bid in auction %s", caller.Identity.Short(), a.ID)
	}
	return marshal(s)
}

// bidderIn checks the caller bids for a bank and reads the auction.
func bidderIn(ctx *txn.Context, dealID, auctionID string) (*txn.Caller, schema.Auction, string, error) {
	caller, err := ctx.Require(bidders...)
	if err != nil {
		return nil, schema.Auction{}, "", err
	}
	a, key, err := readAuction(ctx, dealID, auctionID)
	return caller, a, key, err
}

func bidding(ctx *txn.Context, a schema.Auction) error {
	if a.Status != schema.AuctionOpen {
		return errs.New(errs.WrongState, "auction %s is %s", a.ID, a.Status)
	}
	now, err := ctx.Now()
	if err != nil {
		return err
	}
	return a.Window.Bidding(now)
}

func bidKey(ctx *txn.Context, a schema.Auction, bidder roles.Identity) (string, error) {
	return ctx.Key(schema.TypeAuctionBid, a.Deal, a.ID, bidder.Key())
}

// transientBid reads the transient price and salt as the caller's sealed
// bid in auction a.
func transientBid(ctx *txn.Context, a schema.Auction, bidder roles.Identity) (core.Sealed, error) {
	raw, err := ctx.Transient(TransientBid)
	if err != nil {
		return core.Sealed{}, err
	}
	var in BidInput
	if err := canon.Unmarshal(raw, &in); err != nil {
		return core.Sealed{}, errs.Wrap(err, TransientBid)
	}
	s := core.Sealed{Deal: a.Deal, Auction: a.ID, Bidder: bidder.Key(), Price: in.Price, Salt: in.Salt}
	return s, s.Validate()
}

// trusteeCollection is the implicit collection of the trustee bank (the
// first in configuration order when several may hold the role), where
// revealed bids wait for the award.
func trusteeCollection(ctx *txn.Context) (string, error) {
	cfg, err := ctx.Config()
	if err != nil {
		return "", err
	}
	trustees := cfg.MSPsWithRole(roles.Trustee)
	if len(trustees) == 0 {
		return "", errs.New(errs.WrongState, "the configuration names no trustee organisation")
	}
	return roles.ImplicitCollection(trustees[0]), nil
}
