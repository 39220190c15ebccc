package chaos

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
)

// trancheWrite matches the writes that move a tranche's supply.
var trancheWrite = regexp.MustCompile(`^/v1/tranches/([^/]+)/(issuance|redemptions)$`)

// trancheSupply is GET /v1/tranches/{t}/supply (schema.TrancheSupply).
type trancheSupply struct {
	Issued      int64 `json:"issued"`
	Redeemed    int64 `json:"redeemed"`
	Outstanding int64 `json:"outstanding"`
	IssuerUnits int64 `json:"issuerUnits"`
	Placed      int64 `json:"placed"`
}

// checkTranches proves, for every tranche issued or redeemed during the
// campaign, that every bank reads one supply; that issued and redeemed are
// exactly the units of the accepted issuances and redemptions (the
// tranches are new each demo run, so they start at zero); that
// outstanding = issued − redeemed; and that the trustee's holder list adds
// up to the units placed.
func (c *Campaign) checkTranches(ctx context.Context, entries []LogEntry, r *Report) error {
	asked := map[string]*trancheSupply{}
	for _, e := range entries {
		m := trancheWrite.FindStringSubmatch(e.Path)
		if m == nil || e.Method != http.MethodPost || !e.Accepted() {
			continue
		}
		var body struct {
			Units int64 `json:"units"`
		}
		json.Unmarshal(e.Body, &body)
		t := asked[m[1]]
		if t == nil {
			t = &trancheSupply{}
			asked[m[1]] = t
		}
		if m[2] == "issuance" {
			t.Issued += body.Units
		} else {
			t.Redeemed += body.Units
		}
	}
	ids := make([]string, 0, len(asked))
	for id := range asked {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	trustee := c.cfg.Consortium.Trustee().MSPID
	for _, id := range ids {
		want := asked[id]
		var first *trancheSupply
		for _, org := range c.cfg.Consortium.Orgs {
			var got trancheSupply
			if err := c.get(ctx, org.MSPID, "/v1/tranches/"+id+"/supply", &got); err != nil {
				return err
			}
			if first == nil {
				first = &got
			} else if got != *first {
				r.Findings = append(r.Findings, fmt.Sprintf("tranche %s: %s reads supply %+v, another bank %+v", id, org.MSPID, got, *first))
			}
		}
		r.Tranches++
		if first.Issued != want.Issued || first.Redeemed != want.Redeemed {
			r.Duplicated++
			r.Findings = append(r.Findings, fmt.Sprintf("tranche %s: the ledger has issued %d and redeemed %d units, the accepted requests asked for %d and %d",
				id, first.Issued, first.Redeemed, want.Issued, want.Redeemed))
		}
		if first.Outstanding != first.Issued-first.Redeemed {
			r.Findings = append(r.Findings, fmt.Sprintf("tranche %s: outstanding %d ≠ issued %d − redeemed %d", id, first.Outstanding, first.Issued, first.Redeemed))
		}
		var holders struct {
			Units int64 `json:"units"`
		}
		if err := c.getAs(ctx, trustee, "trustee", "/v1/tranches/"+id+"/holders", &holders); err != nil {
			return err
		}
		if holders.Units+first.IssuerUnits != first.Outstanding {
			r.Findings = append(r.Findings, fmt.Sprintf("tranche %s: holders' units %d + issuer's %d ≠ outstanding %d", id, holders.Units, first.IssuerUnits, first.Outstanding))
		}
	}
	return nil
}
