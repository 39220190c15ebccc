package main

import (
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/settlement"
)

// issue: the arranger issues every tranche into the SPV's issuance
// account behind the mint gate, then places it with the first investors
// by DvP: the arranger instructs the deliver side, each buyer the
// receive side at its own bank, and each buyer settles, paying par in
// the cash token to the SPV's proceeds account. The arranger then funds the
// reserve account from the proceeds.
func (d *demo) issue() error {
	var issueTxs []string
	for _, c := range classes {
		tx, err := d.arranger.post(d.ctx, "/v1/tranches/"+trancheID(d.dealID, c.class)+"/issuance", map[string]int64{"units": unitsOf(d.faces[c.class])}, nil)
		if err != nil {
			return err
		}
		issueTxs = append(issueTxs, tx)
	}
	d.out.say("%s units issued into the SPV's issuance account, within the mint gate · %s", units(d.issuedFace().Cents()/100), txList(issueTxs))

	type sale struct {
		class string
		buyer *actor
		terms settlement.Terms
	}
	var sales []sale
	for _, c := range classes {
		for _, a := range allocate(c, unitsOf(d.faces[c.class])) {
			buyer := d.investors[a.holder]
			ref := fmt.Sprintf("%s-ISS-%s-%s", d.dealID, c.class, a.holder)
			sales = append(sales, sale{c.class, buyer, d.terms(ref, settlement.KindIssuance, c.class, nil, buyer, a.units, money.FromMajor(a.units))})
		}
	}
	// Instructions touch only their own settlement's records: sent at once.
	var fns []func() error
	for _, s := range sales {
		fns = append(fns, func() error { _, err := d.instruct(d.arranger, "deliver", s.terms, false); return err })
	}
	if err := parallel(fns...); err != nil {
		return err
	}
	fns = nil
	for _, s := range sales {
		fns = append(fns, func() error {
			o, err := d.instruct(s.buyer, "receive", s.terms, false)
			if err == nil && o.Status != "matched" {
				err = fmt.Errorf("settlement %s is %s after both instructions, want matched", s.terms.TradeRef, o.Status)
			}
			return err
		})
	}
	if err := parallel(fns...); err != nil {
		return err
	}
	d.out.say("%d issuance settlements instructed by %s (deliver) and the buyers at their own banks (receive): all matched", len(sales), d.arranger)

	// Settling moves the buyer's cash and the SPV's units: one at a time.
	t := &table{}
	t.add("class", "buyer", "units", "paid", "status", "settled in")
	var total money.Amount
	for _, s := range sales {
		var o settlementOutcome
		if _, err := s.buyer.post(d.ctx, "/v1/settlements/"+s.terms.TradeRef+"/settle", map[string]any{}, &o); err != nil {
			return err
		}
		if o.Status != "settled" {
			return fmt.Errorf("issuance %s: status %s (code %s, rule %d), want settled", s.terms.TradeRef, o.Status, o.Code, o.Rule)
		}
		total += s.terms.Cash
		t.add(s.class, s.buyer.String(), units(s.terms.Units), usd(s.terms.Cash), o.Status, fmt.Sprintf("tx %s block %d", shortTx(o.TxID), o.Block))
	}
	d.out.lines(t.lines("             "))

	reserve := reserveDeposit(d.poolBalance)
	tx, err := d.arranger.post(d.ctx, "/v1/deals/"+d.dealID+"/reserves/"+reserveAccount+"/deposits", map[string]string{"amount": reserve.String()}, nil)
	if err != nil {
		return err
	}
	var supply struct {
		Placed      int64 `json:"placed"`
		IssuerUnits int64 `json:"issuerUnits"`
		Holders     int   `json:"holders"`
	}
	if err := d.auditor.get(d.ctx, "/v1/tranches/"+trancheID(d.dealID, "A-2")+"/supply", &supply); err != nil {
		return err
	}
	d.out.say("proceeds %s paid to the SPV's account (%s); %s of it funds the reserve account · tx %s",
		usd(total), d.arranger, usd(reserve), shortTx(tx))
	d.out.say("A-2 supply as %s sees it: %s placed with %d holders, %d left in the issuance account",
		d.auditor, units(supply.Placed), supply.Holders, supply.IssuerUnits)
	return nil
}

// issuedFace is the face of every tranche.
func (d *demo) issuedFace() money.Amount {
	var f money.Amount
	for _, c := range classes {
		f += d.faces[c.class]
	}
	return f
}
