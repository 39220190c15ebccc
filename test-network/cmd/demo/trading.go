package main

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/settlement"
)

// The secondary trade: alice sells A-2 notes to bob at 99.875.
const secondaryUnits = 1_000_000

func secondaryPrice() money.Amount { return money.Amount(secondaryUnits * 99_875 / 1000) } // 99.875 % of $1 a unit, in cents

// The refused trade: alice offers A-3 notes to carol, whose jurisdiction
// the tranche blocks.
const refusedUnits = 250_000

func refusedPrice() money.Amount { return money.FromMajor(refusedUnits) }

// position is a holder's units in a tranche.
type position struct {
	Units     int64 `json:"units"`
	HeldUnits int64 `json:"heldUnits"`
}

type cashBalance struct {
	Balance money.Amount `json:"balance"`
	Held    money.Amount `json:"held"`
}

// trade: alice (servicer bank) sells A-2 notes to bob (investor bank).
// Each instructs at its own bank, holding the units and the cash; the
// buyer checks the trade would pass, then settles it.
func (d *demo) trade() error {
	seller, buyer := d.investors[alice], d.investors[bob]
	tranche := trancheID(d.dealID, "A-2")
	before := map[*actor]position{}
	cashBefore := map[*actor]cashBalance{}
	for _, a := range []*actor{seller, buyer} {
		var p position
		if err := d.trustee.get(d.ctx, "/v1/tranches/"+tranche+"/holders/"+a.key, &p); err != nil {
			return err
		}
		var c cashBalance
		if err := d.trustee.get(d.ctx, "/v1/cash/balances/"+a.key, &c); err != nil {
			return err
		}
		before[a], cashBefore[a] = p, c
	}
	t := d.terms(d.dealID+"-TRADE-1", settlement.KindTrade, "A-2", seller, buyer, secondaryUnits, secondaryPrice())
	deliver, err := d.instruct(seller, "deliver", t, true)
	if err != nil {
		return err
	}
	receive, err := d.instruct(buyer, "receive", t, true)
	if err != nil {
		return err
	}
	var verdict struct {
		Allowed bool   `json:"allowed"`
		Code    string `json:"code"`
	}
	if _, err := buyer.post(d.ctx, "/v1/settlements/"+t.TradeRef+"/check", map[string]any{}, &verdict); err != nil {
		return err
	}
	if !verdict.Allowed {
		return fmt.Errorf("trade %s would not settle: %s", t.TradeRef, verdict.Code)
	}
	var settled settlementOutcome
	if _, err := buyer.post(d.ctx, "/v1/settlements/"+t.TradeRef+"/settle", map[string]any{}, &settled); err != nil {
		return err
	}
	if settled.Status != "settled" {
		return fmt.Errorf("trade %s: %s (code %s)", t.TradeRef, settled.Status, settled.Code)
	}
	d.out.say("%s: alice@%s sells %s A-2 units to bob@%s for %s (99.875)", t.TradeRef, seller.gw.MSP, units(t.Units), buyer.gw.MSP, usd(t.Cash))
	d.out.say("deliver (units held) tx %s → %s · receive (cash held) tx %s → %s · check: allowed · settle tx %s → %s in block %d",
		shortTx(deliver.TxID), deliver.Status, shortTx(receive.TxID), receive.Status, shortTx(settled.TxID), settled.Status, settled.Block)
	tb := &table{}
	tb.add("", "A-2 units before", "after", "cash before", "after")
	for _, a := range []*actor{seller, buyer} {
		var p position
		if err := d.trustee.get(d.ctx, "/v1/tranches/"+tranche+"/holders/"+a.key, &p); err != nil {
			return err
		}
		var c cashBalance
		if err := d.trustee.get(d.ctx, "/v1/cash/balances/"+a.key, &c); err != nil {
			return err
		}
		tb.add(a.String(), units(before[a].Units), units(p.Units), usd(cashBefore[a].Balance), usd(c.Balance))
	}
	d.out.lines(tb.lines("             "))
	var record struct {
		Status     string `json:"status"`
		SellerBank string `json:"sellerBank"`
		BuyerBank  string `json:"buyerBank"`
	}
	if err := d.auditor.get(d.ctx, "/v1/settlements/"+t.TradeRef, &record); err != nil {
		return err
	}
	d.out.say("the public record %s sees: %s → %s, %s; no parties, units or price", d.auditor.gw.MSP, record.SellerBank, record.BuyerBank, record.Status)
	return nil
}

// refusedTrade: alice offers A-3 notes to carol, whose jurisdiction the
// tranche blocks. Both banks instruct and the settlement matches, but the
// settling transaction runs the transfer rules and records the refusal;
// the check endpoint gives the rule's message, and both sides cancel. A
// direct transfer is refused the same way, as is one to dave, whose KYC
// has lapsed.
func (d *demo) refusedTrade() error {
	seller, buyer := d.investors[alice], d.investors[carol]
	t := d.terms(d.dealID+"-TRADE-2", settlement.KindTrade, "A-3", seller, buyer, refusedUnits, refusedPrice())
	if _, err := d.instruct(seller, "deliver", t, false); err != nil {
		return err
	}
	if _, err := d.instruct(buyer, "receive", t, false); err != nil {
		return err
	}
	var failed settlementOutcome
	if _, err := buyer.post(d.ctx, "/v1/settlements/"+t.TradeRef+"/settle", map[string]any{}, &failed); err != nil {
		return err
	}
	if failed.Status != "failed" {
		return fmt.Errorf("trade %s to carol (%s) was %s; the tranche blocks her jurisdiction", t.TradeRef, blockedJurisdiction, failed.Status)
	}
	var why struct {
		Allowed bool   `json:"allowed"`
		Code    string `json:"code"`
		Rule    int    `json:"rule"`
		Message string `json:"message"`
	}
	if _, err := buyer.post(d.ctx, "/v1/settlements/"+t.TradeRef+"/check", map[string]any{}, &why); err != nil {
		return err
	}
	d.out.say("%s: alice offers %s A-3 units to carol@%s · matched, settle tx %s recorded %s: %s (rule %d)",
		t.TradeRef, units(t.Units), buyer.gw.MSP, shortTx(failed.TxID), failed.Status, failed.Code, failed.Rule)
	d.out.say("check: %s", why.Message)
	var txs []string
	for _, c := range []struct {
		a    *actor
		side string
	}{{seller, "deliver"}, {buyer, "receive"}} {
		var o settlementOutcome
		if _, err := c.a.post(d.ctx, "/v1/settlements/"+t.TradeRef+"/cancellation", map[string]any{"side": c.side}, &o); err != nil {
			return err
		}
		txs = append(txs, fmt.Sprintf("%s (%s side) tx %s → %s", c.a.name, c.side, shortTx(o.TxID), o.Status))
	}
	d.out.say("a matched settlement is cancelled when both sides ask: %s; no unit or cent moved", strings.Join(txs, ", "))

	// The same rule on a plain transfer: the problem+json a bank's system gets.
	p, err := seller.gw.refused(d.ctx, request{method: http.MethodPost, path: "/v1/tranches/" + trancheID(d.dealID, "A-3") + "/transfers", user: seller.user,
		body: map[string]any{"to": buyer.key, "units": 1000}}, http.StatusUnprocessableEntity, "RULE_JURISDICTION_BLOCKED")
	if err != nil {
		return err
	}
	d.out.say("transfer alice → carol: %d %s rule %d (problem+json, nothing submitted to the orderer)", p.Status, p.Code, p.Rule)
	var dry struct {
		Allowed bool   `json:"allowed"`
		Code    string `json:"code"`
		Rule    int    `json:"rule"`
		Message string `json:"message"`
	}
	if _, err := seller.post(d.ctx, "/v1/tranches/"+trancheID(d.dealID, "A-1")+"/transfers/dry-run",
		map[string]any{"to": d.investors[dave].key, "units": 1000}, &dry); err != nil {
		return err
	}
	if dry.Allowed {
		return fmt.Errorf("a transfer to dave, whose KYC lapsed, passes the rules")
	}
	d.out.say("dry run alice → dave: %s rule %d: %s", dry.Code, dry.Rule, dry.Message)
	return nil
}
