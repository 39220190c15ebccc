package main

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// finish closes the story: the clean-up call that ended the deal (its
// notes then cancelled by the trustee), or the pay-down status when the
// pool is still above the call factor; what each class was paid over the
// year, what each holder claimed, and the cash token's cover.
func (d *demo) finish() error {
	last := d.files.reports[len(d.files.reports)-1].agg
	poolFactor := ratio(last.EndingBalance, d.poolBalance)
	if d.cleanedUp {
		d.out.say("clean-up call exercised in period %d: pool factor %s ≤ %s, the servicer bought the remaining %d loans for %s;",
			d.last.Period, factor(poolFactor), factor(d.cleanUpFactor), last.ActiveCount, usd(last.EndingBalance))
		d.out.say("every note was repaid in full and the certificate received the residual %s: the deal has ended (market deals call at 10%%; see -cleanup-factor)",
			usd(d.last.ResidualPaid))
	} else {
		d.out.say("pay-down status after %d periods: pool %s, factor %s; notes outstanding %s", d.last.Period, usd(last.EndingBalance),
			factor(poolFactor), usd(d.notesOutstanding()))
		d.out.say("%s", callOutlook(d.poolBalance, last.EndingBalance, d.last.Period, d.cleanUpFactor))
	}

	t := &table{}
	t.add("class", "original face", "interest paid", "principal paid", "residual", "balance", "factor")
	for _, c := range classes {
		tot := d.totals[c.class]
		if c.residual {
			t.add(c.class, usd(d.faces[c.class])+" (notional)", "", "", usd(tot.residual), "", "")
			continue
		}
		t.add(c.class, usd(d.faces[c.class]), usd(tot.interest), usd(tot.principal), "", usd(tot.balance), factor(tot.factor))
	}
	d.out.say("the year by class (from the certified waterfall results):")
	d.out.lines(t.lines("             "))
	var fees []string
	for _, f := range []string{feeServicing, feeTrustee} {
		fees = append(fees, fmt.Sprintf("%s %s", f, usd(d.feesPaid[f])))
	}
	d.out.say("fees paid: %s · triggers breached in periods %s", strings.Join(fees, ", "), periodList(d.breaches))

	if err := d.checkClaims(); err != nil {
		return err
	}
	if d.cleanedUp {
		if err := d.cancelNotes(); err != nil {
			return err
		}
	}
	var supply schema.CashSupplyView
	if err := d.auditor.get(d.ctx, "/v1/cash/supply", &supply); err != nil {
		return err
	}
	d.out.say("cash token (every run's): minted %s, burned %s, outstanding %s against reserves %s: covered %v",
		usd(supply.Minted), usd(supply.Burned), usd(supply.Outstanding), usd(supply.Reserves), supply.Covered)

	if err := d.readModel(); err != nil {
		return err
	}
	d.out.say("files uploaded: %s", relative(d.filesDir))
	return nil
}

// checkClaims compares what the holders claimed with what the waterfall
// distributed: the difference is what the class accounts still hold (a
// claim pays units × the index increase floored to the cent, so cents of
// rounding stay behind).
func (d *demo) checkClaims() error {
	var distributed, claimed money.Amount
	for _, t := range d.totals {
		distributed += t.interest + t.principal + t.residual
	}
	var parts []string
	for _, h := range []holder{alice, anna, bob} {
		claimed += d.claimed[h]
		parts = append(parts, fmt.Sprintf("%s %s", h, usd(d.claimed[h])))
	}
	var acc struct {
		Classes []struct {
			Balance money.Amount `json:"balance"`
		} `json:"classes"`
	}
	if err := d.auditor.get(d.ctx, "/v1/deals/"+d.dealID+"/accounts", &acc); err != nil {
		return err
	}
	var unclaimed money.Amount
	for _, c := range acc.Classes {
		unclaimed += c.Balance
	}
	if claimed+unclaimed != distributed {
		return fmt.Errorf("holders claimed %s and the class accounts hold %s, but the waterfall distributed %s", claimed, unclaimed, distributed)
	}
	d.out.say("holders claimed %s (%s) of the %s the waterfall distributed; the %s left is the class accounts' rounding residue ✓",
		usd(claimed), strings.Join(parts, ", "), usd(distributed), usd(unclaimed))
	return nil
}

// readModel shows the servicer bank's own read model, which its gateway
// keeps from chaincode events: alice's statement for this deal, once the
// listener has caught up with the last block.
func (d *demo) readModel() error {
	a := d.investors[alice]
	if err := a.gw.waitEvents(d.ctx, a.gw.causal.lastBlock()); err != nil {
		d.out.say("alice's statement: %v", err)
		return nil // the read model lags; the ledger steps above stand
	}
	var st struct {
		Positions []struct {
			Tranche string `json:"tranche"`
		} `json:"positions"`
		Distributions []struct {
			Deal   string       `json:"deal"`
			Amount money.Amount `json:"amount"`
		} `json:"distributions"`
	}
	if err := a.get(d.ctx, "/v1/investors/"+a.key+"/statement", &st); err != nil {
		return err
	}
	lines, due := 0, money.Amount(0)
	for _, l := range st.Distributions {
		if l.Deal == d.dealID {
			lines, due = lines+1, due+l.Amount
		}
	}
	d.out.say("alice's statement from %s's read model (kept from chaincode events, no ledger call): %d distribution lines for %s, %s due;",
		a.gw.MSP, lines, d.dealID, usd(due))
	d.out.say("she claimed %s: a claim covering several periods floors to the cent once, not once a period", usd(d.claimed[alice]))
	return nil
}

// notesOutstanding is the notes' balance after the last period.
func (d *demo) notesOutstanding() money.Amount {
	var n money.Amount
	for _, c := range d.last.Classes {
		n += c.EndingBalance
	}
	return n
}

// callOutlook says honestly when the clean-up call could come: at the
// year's average pace of decline, how many more months until the pool
// factor reaches the call factor.
func callOutlook(initial, now money.Amount, months int, callFactor decimal.Decimal) string {
	if !callFactor.IsPositive() {
		return "the deal has no clean-up call: the notes amortize with the pool to the legal final dates"
	}
	target := callFactor.Mul(initial.Decimal())
	declinePerMonth := initial.Decimal().Sub(now.Decimal()).Div(decimal.NewFromInt(int64(months)))
	if !declinePerMonth.IsPositive() {
		return fmt.Sprintf("the clean-up call (pool factor ≤ %s) is not available and the pool is not declining", factor(callFactor))
	}
	more := now.Decimal().Sub(target).Div(declinePerMonth).Ceil()
	return fmt.Sprintf("the clean-up call needs a pool factor ≤ %s: not available yet; at this year's pace (%s of the original pool a month) about %s more months",
		factor(callFactor), pct(declinePerMonth.Div(initial.Decimal()), 2), more)
}

func periodList(ps []int) string {
	if len(ps) == 0 {
		return "none"
	}
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = fmt.Sprint(p)
	}
	return strings.Join(s, ", ")
}

// cancelNotes: after the clean-up call every note is repaid and the
// certificate has its residual; the trustee, as paying agent, cancels
// every holder's units, one tranche at a time in parallel.
func (d *demo) cancelNotes() error {
	txs := make([][]string, len(classes))
	cancelled := make([]int64, len(classes))
	var fns []func() error
	for i, c := range classes {
		fns = append(fns, func() error {
			tranche := "/v1/tranches/" + trancheID(d.dealID, c.class)
			var hs struct {
				Holders []struct {
					Holder string `json:"holder"`
					Units  int64  `json:"units"`
				} `json:"holders"`
			}
			if err := d.trustee.get(d.ctx, tranche+"/holders", &hs); err != nil {
				return err
			}
			for _, h := range hs.Holders {
				if h.Units == 0 {
					continue
				}
				tx, err := d.trustee.post(d.ctx, tranche+"/redemptions", map[string]any{"holder": h.Holder, "units": h.Units}, nil)
				if err != nil {
					return err
				}
				txs[i], cancelled[i] = append(txs[i], tx), cancelled[i]+h.Units
			}
			return nil
		})
	}
	if err := parallel(fns...); err != nil {
		return err
	}
	var all []string
	var total int64
	for i := range classes {
		all = append(all, txs[i]...)
		total += cancelled[i]
	}
	var supply struct {
		Outstanding int64 `json:"outstanding"`
	}
	if err := d.auditor.get(d.ctx, "/v1/tranches/"+trancheID(d.dealID, "A-2")+"/supply", &supply); err != nil {
		return err
	}
	d.out.say("the trustee cancels the repaid notes and the certificate: %s units redeemed · %s · A-2 outstanding now %d",
		units(total), txList(all), supply.Outstanding)
	return nil
}
