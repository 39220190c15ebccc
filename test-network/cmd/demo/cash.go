package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// The cash token: the settlement asset (tokenized deposits) in which
// buyers pay for notes, the servicer remits collections and holders
// receive their distributions.

// fundCash: the settlement agent (the trustee bank's treasury) attests
// the reserves behind the cash token, mints what the deal's life will
// need, and pays the buyers their purchase money. The servicer's monthly
// collections are paid out of the float as they arrive.
func (d *demo) fundCash() error {
	var before schema.CashSupplyView
	if err := d.auditor.get(d.ctx, "/v1/cash/supply", &before); err != nil {
		return err
	}
	pay := d.purchaseMoney()
	var need money.Amount
	for _, p := range pay {
		need += p.amount
	}
	collections := d.servicerCash()
	mint := need + collections
	reserves := before.Outstanding + mint
	var txs []string
	tx, err := d.settlementAgent.post(d.ctx, "/v1/cash/reserves", map[string]string{"amount": reserves.String(),
		"evidence": fmt.Sprintf("reserve statement %s %s", d.trusteeBank.MSP, time.Now().UTC().Format(time.DateOnly))}, nil)
	if err != nil {
		return err
	}
	txs = append(txs, tx)
	if tx, err = d.settlementAgent.post(d.ctx, "/v1/cash/mint", map[string]string{"amount": mint.String()}, nil); err != nil {
		return err
	}
	txs = append(txs, tx)
	d.out.say("reserves attested %s · minted %s (%s for the buyers, %s for a year of the servicer's collections) · %s",
		usd(reserves), usd(mint), usd(need), usd(collections), txList(txs))
	var paid []string
	txs = nil
	for _, p := range pay {
		tx, err := d.settlementAgent.post(d.ctx, "/v1/cash/payments", map[string]string{"to": d.investors[p.holder].key, "amount": p.amount.String()}, nil)
		if err != nil {
			return err
		}
		txs = append(txs, tx)
		paid = append(paid, fmt.Sprintf("%s %s", p.holder, usd(p.amount)))
	}
	var after schema.CashSupplyView
	if err := d.auditor.get(d.ctx, "/v1/cash/supply", &after); err != nil {
		return err
	}
	d.out.say("paid to the buyers: %s · %s", strings.Join(paid, ", "), txList(txs))
	d.out.say("cash token: %s outstanding against %s of reserves, covered %v", usd(after.Outstanding), usd(after.Reserves), after.Covered)
	return nil
}

type payment struct {
	holder holder
	amount money.Amount
}

// purchaseMoney is what each buyer needs: its primary purchases at par,
// bob the secondary trade's price too, and carol the price of the trade
// the rules will refuse (so that the refusal is the rule's, not her
// balance's).
func (d *demo) purchaseMoney() []payment {
	need := map[holder]money.Amount{}
	for _, c := range classes {
		for _, a := range allocate(c, unitsOf(d.faces[c.class])) {
			need[a.holder] += money.FromMajor(a.units)
		}
	}
	need[bob] += secondaryPrice()
	need[carol] += refusedPrice()
	var out []payment
	for _, h := range []holder{alice, anna, bob, carol} {
		if need[h] > 0 {
			out = append(out, payment{h, need[h]})
		}
	}
	return out
}

// servicerCash is what the servicer deposits over the year: every
// month's collections and, when the call is exercised, the purchase
// price of the pool; after a liquidation, the last month's collections
// too.
func (d *demo) servicerCash() money.Amount {
	var total money.Amount
	for _, r := range d.files.reports {
		total += r.collections(d.cleanUpProceeds(r))
	}
	if d.liquidation {
		total += d.files.final.collections(0)
	}
	return total
}

// cleanUpProceeds is the clean-up call's purchase price in the report's
// period: the pool at par in the last period if the call is available,
// zero otherwise.
func (d *demo) cleanUpProceeds(r monthlyReport) money.Amount {
	if r.period.Number == periods && cleanUpEligible(r.agg.EndingBalance, d.poolBalance, d.cleanUpFactor) {
		return r.agg.EndingBalance
	}
	return 0
}
