package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// The amendment: the holders of the Controlling Class, A-1 (alice at the
// servicer bank, bob at the investor bank), agree to raise the
// cumulative net loss trigger. A majority of A-1's principal is needed;
// both vote in favour, each through its own bank, and the trustee
// executes it: the execution writes the waterfall's next version, which
// every period certified after it runs (its trigger line shows the new
// level).
const amendmentID = "AMD-1"

// raisedNetLossLimit is the cumulative net loss level the amendment sets.
var raisedNetLossLimit = decimal.RequireFromString("0.02")

type amendmentTally struct {
	Requirement struct {
		Threshold string   `json:"threshold"`
		Basis     string   `json:"basis"`
		Classes   []string `json:"classes"`
	} `json:"requirement"`
	Tally struct {
		Classes []struct {
			Class       string       `json:"class"`
			Outstanding money.Amount `json:"outstanding"`
			Holders     int          `json:"holders"`
			For         money.Amount `json:"for"`
			Against     money.Amount `json:"against"`
		} `json:"classes"`
	} `json:"tally"`
	Status  string `json:"status"`
	Outcome string `json:"outcome"`
}

// amend proposes, records, votes and executes the amendment.
func (d *demo) amend() error {
	base := "/v1/deals/" + d.dealID + "/amendments"
	one := base + "/" + amendmentID
	now := time.Now().UTC()
	proposal := map[string]any{
		"id": amendmentID, "kind": "trigger-threshold-change",
		"change": map[string]any{
			"trigger": map[string]any{"name": triggerNetLoss, "schedule": []map[string]any{{"fromPeriod": 1, "value": raisedNetLossLimit}}},
			"terms": fmt.Sprintf("cumulative net loss trigger level %s → %s of the original pool balance, from the next certified period",
				pct(netLossLimit, 2), pct(raisedNetLossLimit, 2)),
		},
		"reason":     "noteholders' meeting: loss-timing assumptions revised",
		"recordDate": now.Add(-time.Minute), "expiry": now.Add(7 * 24 * time.Hour),
	}
	if _, err := d.arranger.post(d.ctx, base, proposal, nil); err != nil {
		return err
	}
	var a amendmentTally
	if err := d.auditor.get(d.ctx, one, &a); err != nil {
		return err
	}
	d.out.say("proposed by the arranger: a trigger-threshold change needs a %s of the %s (%s)",
		a.Requirement.Threshold, strings.ReplaceAll(a.Requirement.Basis, "-", " "), strings.Join(a.Requirement.Classes, ", "))
	if _, err := d.trustee.post(d.ctx, one+"/record", nil, nil); err != nil {
		return err
	}
	if err := d.auditor.get(d.ctx, one, &a); err != nil {
		return err
	}
	for _, c := range a.Tally.Classes {
		d.out.say("record date fixed by the trustee: %s %s outstanding with %d holders (positions private, in each bank's registry)",
			c.Class, usd(c.Outstanding), c.Holders)
	}
	tranche := trancheID(d.dealID, "A-1")
	for _, h := range []holder{alice, bob} {
		inv := d.investors[h]
		if _, err := inv.post(d.ctx, one+"/votes", map[string]any{"tranche": tranche, "inFavour": true}, nil); err != nil {
			return err
		}
		if err := d.auditor.get(d.ctx, one, &a); err != nil {
			return err
		}
		c := a.Tally.Classes[0]
		d.out.say("%s votes for through %s: public tally %s for, %s against of %s → %s",
			h, inv.gw.MSP, usd(c.For), usd(c.Against), usd(c.Outstanding), a.Outcome)
	}
	tx, err := d.trustee.post(d.ctx, one+"/execution", nil, nil)
	if err != nil {
		return err
	}
	var versions []struct {
		Version       int    `json:"version"`
		Amendment     string `json:"amendment"`
		EffectiveFrom string `json:"effectiveFrom"`
	}
	if err := d.auditor.get(d.ctx, "/v1/deals/"+d.dealID+"/versions", &versions); err != nil {
		return err
	}
	if len(versions) == 0 {
		return fmt.Errorf("the executed amendment is not in the deal's history")
	}
	v := versions[len(versions)-1]
	d.out.say("executed by the trustee (tx %s): deal version %d (%s), applies from %s", shortTx(tx), v.Version, v.Amendment, v.EffectiveFrom)
	var wf struct {
		Version   int    `json:"version"`
		Amendment string `json:"amendment"`
	}
	if err := d.auditor.get(d.ctx, "/v1/deals/"+d.dealID+"/waterfall", &wf); err != nil {
		return err
	}
	if wf.Amendment != amendmentID {
		return fmt.Errorf("the waterfall in force is version %d, not the one %s wrote", wf.Version, amendmentID)
	}
	d.out.say("waterfall version %d in force, written by the execution: %s trigger at %s; every period certified from now on tests it (and the arranger's SetWaterfall is refused once a period is certified)",
		wf.Version, triggerNetLoss, pct(raisedNetLossLimit, 2))
	return nil
}
