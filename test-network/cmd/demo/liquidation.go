package main

import (
	"fmt"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// The liquidation (-liquidation): after the year, the trustee declares an
// event of default, the Controlling Class (alice and bob, each through
// its own bank) directs a sale, and the trustee auctions the pool by
// sealed bids between the servicer bank (anna's book) and the investor
// bank (bob's book). Each bank's gateway seals its price with a random
// salt in its own implicit collection; only commitments are public until
// the close; the award settles delivery-versus-payment.
const (
	liquidationDirection = "AMD-LIQ"
	liquidationAuction   = "AUC-1"
	biddingWindow        = 45 * time.Second
)

// liquidate runs the default, the direction vote, the auction and the
// sale.
func (d *demo) liquidate() error {
	deal := "/v1/deals/" + d.dealID
	var status schema.DealServicing
	if err := d.auditor.get(d.ctx, deal+"/servicing", &status); err != nil {
		return err
	}
	if status.EventOfDefault {
		d.out.say("the deal is already in an event of default (a trigger's): transfers stopped, the acceleration priority pays")
	} else {
		if _, err := d.trustee.post(d.ctx, deal+"/event-of-default", map[string]string{"reason": "servicer insolvency (demo)"}, nil); err != nil {
			return err
		}
		d.out.say("event of default declared by the trustee: transfers stop, the next certification runs the acceleration priority; no term changes")
	}

	now := time.Now().UTC()
	one := deal + "/amendments/" + liquidationDirection
	if _, err := d.arranger.post(d.ctx, deal+"/amendments", map[string]any{"id": liquidationDirection, "kind": "liquidation-direction",
		"change": map[string]any{"terms": "sell the pool by sealed bids among the consortium's banks"},
		"reason": "noteholders' direction after the event of default", "recordDate": now.Add(-time.Minute), "expiry": now.Add(7 * 24 * time.Hour)}, nil); err != nil {
		return err
	}
	if _, err := d.trustee.post(d.ctx, one+"/record", nil, nil); err != nil {
		return err
	}
	tranche := trancheID(d.dealID, "A-1")
	for _, h := range []holder{alice, bob} {
		if _, err := d.investors[h].post(d.ctx, one+"/votes", map[string]any{"tranche": tranche, "inFavour": true}, nil); err != nil {
			return err
		}
	}
	if _, err := d.trustee.post(d.ctx, one+"/execution", nil, nil); err != nil {
		return err
	}
	d.out.say("liquidation direction: a majority of the Controlling Class (alice, bob) voted through their own banks; executed")

	pool := d.files.reports[len(d.files.reports)-1].agg.EndingBalance
	reserve := pool * 80 / 100
	bids := []struct {
		who   holder
		price money.Amount
	}{{anna, pool * 85 / 100}, {bob, pool * 90 / 100}}
	if err := d.fundBidders(bids[0].price + bids[1].price); err != nil {
		return err
	}
	for _, b := range bids {
		if _, err := d.settlementAgent.post(d.ctx, "/v1/cash/payments", map[string]string{"to": d.investors[b.who].key, "amount": b.price.String()}, nil); err != nil {
			return err
		}
	}
	closes := time.Now().UTC().Add(biddingWindow)
	auction := deal + "/auctions/" + liquidationAuction
	if _, err := d.trustee.post(d.ctx, deal+"/auctions", map[string]any{"id": liquidationAuction, "direction": liquidationDirection,
		"opens": time.Now().UTC().Add(-time.Minute), "closes": closes, "reserve": reserve}, nil); err != nil {
		return err
	}
	d.out.say("auction %s opened by the trustee: pool %s, reserve %s, bids until %s", liquidationAuction, usd(pool), usd(reserve), closes.Format(time.TimeOnly))
	for _, b := range bids {
		if _, err := d.investors[b.who].post(d.ctx, auction+"/bids", map[string]any{"price": b.price}, nil); err != nil {
			return err
		}
	}
	var public []schema.AuctionBid
	if err := d.auditor.get(d.ctx, auction+"/bids", &public); err != nil {
		return err
	}
	for _, b := range public {
		d.out.say("sealed bid from %s: commitment %s… (the price stays in its bank's implicit collection)", b.Bidder[:7], b.Commitment[:12])
	}
	select {
	case <-d.ctx.Done():
		return d.ctx.Err()
	case <-time.After(time.Until(closes) + 2*time.Second):
	}
	for _, b := range bids {
		if _, err := d.investors[b.who].post(d.ctx, auction+"/bids/mine/reveal", nil, nil); err != nil {
			return err
		}
	}
	var award struct {
		Reason string `json:"reason"`
		Winner *struct {
			Bidder string       `json:"bidder"`
			Price  money.Amount `json:"price"`
		} `json:"winner"`
	}
	if _, err := d.trustee.post(d.ctx, auction+"/award", nil, &award); err != nil {
		return err
	}
	if award.Winner == nil {
		return fmt.Errorf("the auction did not sell: %s", award.Reason)
	}
	d.salePrice = award.Winner.Price
	var title schema.PoolOwnership
	if err := d.auditor.get(d.ctx, "/v1/pools/"+d.poolID+"/owner", &title); err != nil {
		return err
	}
	var acc schema.Accounts
	if err := d.auditor.get(d.ctx, deal+"/accounts", &acc); err != nil {
		return err
	}
	d.out.say("after the close both banks revealed to the trustee's peer; awarded to %s at %s (%s of the pool), settled DvP in one transaction:",
		award.Winner.Bidder[:7], usd(award.Winner.Price), pct(ratio(award.Winner.Price, pool), 1))
	d.out.say("the pool's title now names the buyer (%s); the deal's collection account holds %s; the losing price was never public",
		title.Owner[:7], usd(acc.Collection))
	return nil
}

// fundBidders attests reserves for and mints the cash the bidders need.
func (d *demo) fundBidders(need money.Amount) error {
	var supply schema.CashSupplyView
	if err := d.auditor.get(d.ctx, "/v1/cash/supply", &supply); err != nil {
		return err
	}
	if _, err := d.settlementAgent.post(d.ctx, "/v1/cash/reserves", map[string]string{"amount": (supply.Reserves + need).String(),
		"evidence": "reserve statement for the liquidation bids"}, nil); err != nil {
		return err
	}
	_, err := d.settlementAgent.post(d.ctx, "/v1/cash/mint", map[string]string{"amount": need.String()}, nil)
	return err
}
