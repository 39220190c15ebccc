package main

import (
	"fmt"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// holdingsOf lists the classes a holder bought at issuance.
func holdingsOf(h holder) []string {
	var out []string
	for _, c := range classes {
		for _, p := range c.placements {
			if p.holder == h {
				out = append(out, c.class)
			}
		}
	}
	return out
}

// claimant is who claims for a holder, and how often.
type claimant struct {
	holder     holder
	every      int  // periods between claims
	viaTrustee bool // the trustee claims for the holder, as paying agent
}

var claimants = []claimant{{bob, 1, false}, {alice, 3, false}, {anna, 6, true}}

// claims has the holders whose turn it is claim what their units
// accrued (every holder in the last period), and the fee payees their
// fees each quarter. Only what accrued is claimed: a claim of nothing
// writes nothing, and Fabric validates such a transaction against the
// chaincode's majority policy, which the trustee's endorsement alone does
// not meet.
func (d *demo) claims(p int) (string, error) {
	if d.claimed == nil {
		d.claimed = map[holder]money.Amount{}
	}
	last := p == periods || d.cleanedUp
	var parts []string
	for _, c := range claimants {
		if !last && p%c.every != 0 {
			continue
		}
		amount, txs, err := d.claim(c)
		if err != nil {
			return "", err
		}
		who := string(c.holder)
		if c.viaTrustee {
			who += " (by the trustee)"
		}
		parts = append(parts, fmt.Sprintf("%s %s in %d tx", who, usd(amount), len(txs)))
		d.claimed[c.holder] += amount
	}
	if last || p%3 == 0 {
		fees, err := d.claimFees()
		if err != nil {
			return "", err
		}
		parts = append(parts, fees)
	}
	if len(parts) == 0 {
		return "none this month (bob claims monthly, alice quarterly, anna's paying agent twice a year): accruing on the index", nil
	}
	return strings.Join(parts, " · "), nil
}

// claim claims every class a holder holds that has accrued something.
func (d *demo) claim(c claimant) (money.Amount, []string, error) {
	inv := d.investors[c.holder]
	var total money.Amount
	var txs []string
	for _, class := range holdingsOf(c.holder) {
		tranche := "/v1/tranches/" + trancheID(d.dealID, class)
		var acc struct {
			Claimable money.Amount `json:"claimable"`
		}
		reader := inv
		if c.viaTrustee {
			reader = d.trustee
		}
		if err := reader.get(d.ctx, tranche+"/holders/"+inv.key+"/accrual", &acc); err != nil {
			return 0, nil, err
		}
		if acc.Claimable == 0 {
			continue
		}
		var out struct {
			TxID   string       `json:"txId"`
			Amount money.Amount `json:"amount"`
		}
		var err error
		if c.viaTrustee {
			_, err = d.trustee.post(d.ctx, tranche+"/holders/"+inv.key+"/claims", nil, &out)
		} else {
			_, err = inv.post(d.ctx, tranche+"/claims", nil, &out)
		}
		if err != nil {
			return 0, nil, err
		}
		if out.Amount != acc.Claimable {
			return 0, nil, fmt.Errorf("%s claimed %s on %s; %s had accrued", c.holder, out.Amount, class, acc.Claimable)
		}
		total += out.Amount
		txs = append(txs, out.TxID)
	}
	return total, txs, nil
}

// claimFees has each fee's payee claim its payable account.
func (d *demo) claimFees() (string, error) {
	var acc struct {
		Fees []struct {
			Name    string       `json:"name"`
			Balance money.Amount `json:"balance"`
		} `json:"fees"`
	}
	if err := d.auditor.get(d.ctx, "/v1/deals/"+d.dealID+"/accounts", &acc); err != nil {
		return "", err
	}
	payees := map[string]*actor{feeServicing: d.svcr, feeTrustee: d.trustee}
	var parts []string
	for _, f := range acc.Fees {
		payee := payees[f.Name]
		if f.Balance == 0 || payee == nil {
			continue
		}
		var out struct {
			Amount money.Amount `json:"amount"`
		}
		if _, err := payee.post(d.ctx, "/v1/deals/"+d.dealID+"/fees/"+f.Name+"/claims", nil, &out); err != nil {
			return "", err
		}
		parts = append(parts, fmt.Sprintf("%s fee %s to %s", f.Name, usd(out.Amount), payee))
	}
	return strings.Join(parts, " · "), nil
}
