package servicing

import (
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/ledger/positions"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// The deal's end after a liquidation: the servicer's last report declares
// the pool's sale (header.poolSale: the auction and its price), its
// certification pays the proceeds with the period's collections through
// the acceleration priority, writes off the principal they leave unpaid,
// and winds the deal down (DealServicing.Liquidated, each tranche's
// WoundDown): nothing is reported, certified, transferred, placed or
// auctioned after it, while holders still claim the final distribution.

// refuseLiquidated refuses what a wound-down deal no longer does.
func refuseLiquidated(f *dealFacts) error {
	if l := f.svc.Liquidated; l != nil {
		return errs.New(errs.WrongState, "deal %s was wound down (liquidated) in period %d after its pool was sold by auction %s; holders may only claim the final distribution",
			f.deal.ID, l.Period, l.Auction)
	}
	return nil
}

// checkPoolSale checks a report's declared pool sale against the public
// record: the deal is in an event of default, the auction is the deal's
// and sold, and the declared proceeds are its price; a sale and a
// clean-up call exclude each other.
func checkPoolSale(ctx *txn.Context, f *dealFacts, h schema.ReportHeader) error {
	s := h.PoolSale
	if s == nil {
		return nil
	}
	if !f.svc.EventOfDefault && f.svc.Declared == nil {
		return errs.Field("header.poolSale", "deal %s is not in an event of default: its pool is sold only after one", f.deal.ID)
	}
	if h.CleanUpCall {
		return errs.Field("header.poolSale", "a report declares the clean-up call or the pool's sale, not both")
	}
	id, err := schema.ParseID("header.poolSale.auction", s.Auction)
	if err != nil {
		return err
	}
	var a schema.Auction
	if found, err := ctx.Get(ctx.MustKey(schema.TypeAuction, f.deal.ID, id), &a); err != nil {
		return err
	} else if !found {
		return errs.Field("header.poolSale.auction", "deal %s has no auction %s", f.deal.ID, id)
	}
	if a.Status != schema.AuctionSold || a.Award == nil || a.Award.Winner == nil {
		return errs.Field("header.poolSale.auction", "auction %s of deal %s is %s, not sold", id, f.deal.ID, a.Status)
	}
	if price := a.Award.Winner.Price; s.Proceeds != price {
		return errs.Field("header.poolSale.proceeds", "declared %s, but auction %s sold the pool for %s", s.Proceeds, id, price)
	}
	return nil
}

// windDown records the deal's end after certifying the period res paid
// the pool's sale in: each class's final payments and the principal
// written off, and every tranche marked wound down so its units never
// move again.
func windDown(ctx *txn.Context, f *dealFacts, r schema.Report, res waterfall.Result) (*schema.Liquidation, error) {
	l := &schema.Liquidation{Period: r.Period, Auction: r.Header.PoolSale.Auction, Proceeds: r.Header.PoolSale.Proceeds,
		Classes: make([]schema.ClassWindDown, 0, len(res.Classes)), CertifiedTx: ctx.TxID()}
	for _, c := range res.Classes {
		trancheID, ok := f.trancheOf(c.Class)
		if !ok {
			return nil, errs.New(errs.Internal, "deal %s: class %s has no tranche", f.deal.ID, c.Class)
		}
		l.Classes = append(l.Classes, schema.ClassWindDown{Class: c.Class, Tranche: trancheID,
			PrincipalPaid: c.PrincipalPaid, InterestPaid: c.InterestPaid, ResidualPaid: c.ResidualPaid,
			Outstanding: c.WriteDown, WrittenOff: c.WrittenDown, UnpaidInterest: c.UnpaidInterest})
	}
	for _, id := range f.deal.Tranches {
		reg, err := positions.Open(ctx, id, nil)
		if err != nil {
			return nil, err
		}
		if err := reg.WindDown(r.Period); err != nil {
			return nil, err
		}
	}
	return l, ctx.Emit("DealLiquidated", map[string]any{"deal": f.deal.ID, "period": l.Period, "auction": l.Auction, "proceeds": l.Proceeds})
}
