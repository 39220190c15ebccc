package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// The liquidation's end (-liquidation): the servicer's report of the month
// after the year declares the pool's sale (the auction and its price); its
// certification pays the price and the month's collections through the
// acceleration priority, writes off what they leave unpaid and winds the
// deal down; every holder claims the final distribution, and a transfer
// is refused on the wound-down deal.
const finalDistributionTitle = "Final distribution: the sale's proceeds through the acceleration priority; the deal wound down"

// finalDistribution runs the deal's last period after the sale.
func (d *demo) finalDistribution() error {
	p := periods + 1
	r := d.files.final
	sub, err := d.submitReport(p, r, 0, "poolSaleAuction="+liquidationAuction, "poolSaleProceeds="+d.salePrice.String())
	if err != nil {
		return err
	}
	if _, err := d.trustee.put(d.ctx, fmt.Sprintf("/v1/deals/%s/periods/%d/fixings/%s", d.dealID, p, sofr), map[string]string{"rate": fixingFor(p).String()}, nil); err != nil {
		return err
	}
	var cert committed
	if _, err := d.trustee.post(d.ctx, fmt.Sprintf("/v1/deals/%s/periods/%d/certification", d.dealID, p), nil, &cert); err != nil {
		return err
	}
	res, _, err := d.published(p)
	if err != nil {
		return err
	}
	var status schema.DealServicing
	if err := d.auditor.get(d.ctx, "/v1/deals/"+d.dealID+"/servicing", &status); err != nil {
		return err
	}
	l := status.Liquidated
	if !res.PoolSale || l == nil {
		return fmt.Errorf("period %d was certified without winding the deal down", p)
	}
	d.out.say("report-%02d.csv declares the sale (%s, %s) · collections %s · certified tx %s block %d · replayed: identical",
		p, liquidationAuction, usd(d.salePrice), usd(sub.collections), shortTx(cert.TxID), cert.Block)
	d.out.say("available funds %s = price %s + collections %s + reserve released %s, paid out to the cent (unallocated %s):",
		usd(res.AvailableFunds.Total), usd(res.AvailableFunds.PoolSaleProceeds), usd(sub.collections), usd(res.AvailableFunds.ReserveReleases), usd(res.RoundingResidue))
	d.out.lines(classTable(res).lines("             "))
	var losses []string
	for _, c := range l.Classes {
		if c.Outstanding > 0 {
			losses = append(losses, fmt.Sprintf("%s %s", c.Class, usd(c.Outstanding)))
		}
	}
	if len(losses) == 0 {
		losses = append(losses, "none: the notes were repaid in full")
	}
	d.out.say("written off (on the record, each class's principal deficiency ledger): %s", strings.Join(losses, " · "))
	d.cleanedUp = true // every holder claims now
	claims, err := d.claims(p)
	if err != nil {
		return err
	}
	d.out.say("claims of the final distribution: %s", claims)
	class := holdingsOf(bob)[0]
	_, err = d.investors[bob].post(d.ctx, "/v1/tranches/"+trancheID(d.dealID, class)+"/transfers", map[string]any{"to": d.investors[alice].key, "units": 1}, nil)
	var ce *callError
	if !errors.As(err, &ce) || (ce.code() != "WRONG_STATE" && ce.code() != "RULE_PAUSED") {
		return fmt.Errorf("a transfer on the wound-down deal: want it refused, got %v", err)
	}
	d.out.say("deal %s is wound down in period %d: bob's transfer of %s is refused (%s), as are reports, placements and auctions; claims go on",
		d.dealID, l.Period, class, ce.code())
	return nil
}
