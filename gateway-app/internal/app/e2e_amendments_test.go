package app

import (
	"time"
)

// amendments: the arranger proposes a trigger-threshold change, the
// trustee records the positions of class A (the Controlling Class), alice
// (Org2) and bob (Org3) vote through their own banks, and the trustee
// executes it; the deal's history then shows version 1.
func (e *e2e) amendments() {
	t := e.t
	base := "/v1/deals/" + e.deal + "/amendments"
	one := base + "/AMD-E2E-1"
	now := time.Now().UTC()
	e.org1.must(201, "POST", base, "arranger", map[string]any{"id": "AMD-E2E-1", "kind": "trigger-threshold-change",
		"change": map[string]any{"terms": "cumulative loss trigger 6%"}, "reason": "noteholders' meeting",
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
}
