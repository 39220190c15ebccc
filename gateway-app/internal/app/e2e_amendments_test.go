package app

import (
	"encoding/json"
	"strings"
	"time"
)

// amendments: the arranger proposes a waterfall change affecting class A
// (the trustee's fee 500.00 → 600.00, as waterfall version 2), the
// trustee records the positions of class A, alice (Org2) and bob (Org3)
// vote through their own banks, and the trustee executes it; the deal's
// history then shows version 1 and the waterfall in force is version 2,
// written by the execution.
func (e *e2e) amendments() {
	t := e.t
	base := "/v1/deals/" + e.deal + "/amendments"
	one := base + "/AMD-E2E-1"
	now := time.Now().UTC()
	next := strings.Replace(strings.Replace(e.definition, `"version": 1`, `"version": 2`, 1), `"fixed": "500.00"`, `"fixed": "600.00"`, 1)
	e.org1.must(201, "POST", base, "arranger", map[string]any{"id": "AMD-E2E-1", "kind": "waterfall-change", "affected": []string{e.tranche("A")},
		"change": map[string]any{"waterfall": json.RawMessage(next), "terms": "trustee fee 600.00 a period"}, "reason": "noteholders' meeting",
		"recordDate": now.Add(-time.Minute), "expiry": now.Add(24 * time.Hour)})
	e.org1.must(200, "POST", one+"/record", "trustee", nil)
	var a struct {
		Status  string
		Outcome string
		Tally   struct {
			Classes []struct {
				Class   string
				Holders int
			}
		}
	}
	e.org3.must(200, "GET", one, "auditor", nil).decode(t, &a)
	if a.Status != "open" || len(a.Tally.Classes) != 1 || a.Tally.Classes[0].Class != e.tranche("A") || a.Tally.Classes[0].Holders < 2 {
		t.Fatalf("recorded amendment %+v", a)
	}
	vote := map[string]any{"tranche": e.tranche("A"), "inFavour": true}
	e.org2.must(201, "POST", one+"/votes", "investor1", vote)
	e.org3.must(201, "POST", one+"/votes", "investor1", vote)
	var mine struct {
		Voted bool
		For   bool
	}
	e.org3.must(200, "GET", one+"/votes/mine?tranche="+e.tranche("A"), "investor1", nil).decode(t, &mine)
	if !mine.Voted || !mine.For {
		t.Fatalf("bob's vote %+v", mine)
	}
	e.org3.must(200, "GET", one, "auditor", nil).decode(t, &a)
	if a.Outcome != "passed" {
		t.Fatalf("outcome %s", a.Outcome)
	}
	e.org1.must(200, "POST", one+"/execution", "trustee", nil)
	var versions []struct {
		Version   int
		Amendment string
	}
	e.org2.must(200, "GET", "/v1/deals/"+e.deal+"/versions", "auditor", nil).decode(t, &versions)
	var list []struct{ ID string }
	e.org2.must(200, "GET", base, "auditor", nil).decode(t, &list)
	if len(versions) != 1 || versions[0].Amendment != "AMD-E2E-1" || len(list) != 1 {
		t.Fatalf("versions %+v, amendments %+v", versions, list)
	}
	var wf struct {
		Version   int
		Amendment string
	}
	e.org3.must(200, "GET", "/v1/deals/"+e.deal+"/waterfall", "auditor", nil).decode(t, &wf)
	if wf.Version != 2 || wf.Amendment != "AMD-E2E-1" {
		t.Fatalf("waterfall in force %+v, want version 2 by AMD-E2E-1", wf)
	}
}
