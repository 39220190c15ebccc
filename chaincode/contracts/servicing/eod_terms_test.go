package servicing_test

import (
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Pause, Resume and an event of default are the trustee's acts under the
// indenture: they stop or restart transfers and switch the waterfall to
// its acceleration priority, but never change a term. Every tranche's
// terms, the deal record and the waterfall version in force are the same
// bytes after them; what moved is the paused flag and the servicing
// record's event-of-default mode.
func TestPauseAndEventOfDefaultChangeNoTerm(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	d.runPeriod(t)
	terms := func() map[string]string {
		out := map[string]string{"deal": w.Must(w.Auditor, "Deal:Get", d.deal),
			"waterfall": w.Must(w.Auditor, "Servicing:GetWaterfall", d.deal, "")}
		for _, id := range d.tranche {
			tr := contracttest.Decode[schema.Tranche](t, w.Must(w.Auditor, "Deal:GetTranche", id))
			out[id] = string(contracttest.MustCanon(t, tr.Terms()))
		}
		return out
	}
	before := terms()
	same := func(step string) {
		t.Helper()
		for k, v := range terms() {
			if v != before[k] {
				t.Fatalf("%s changed %s:\n%s\nwas\n%s", step, k, v, before[k])
			}
		}
	}
	b := d.tranche["B"]
	w.Must(w.Trustee, "Token:Pause", b)
	if tr := contracttest.Decode[schema.Tranche](t, w.Must(w.Auditor, "Deal:GetTranche", b)); !tr.Rules.Paused {
		t.Fatal("Pause did not pause")
	}
	same("Pause")
	w.Must(w.Trustee, "Token:Resume", b)
	same("Resume")
	w.Must(w.Trustee, "Servicing:DeclareEventOfDefault", d.deal, "servicer insolvency")
	same("DeclareEventOfDefault")
	svc := contracttest.Decode[schema.DealServicing](t, w.Must(w.Auditor, "Servicing:GetStatus", d.deal))
	if !svc.EventOfDefault || svc.WaterfallVersion != 1 {
		t.Fatalf("after the declaration: event of default %v, waterfall version %d", svc.EventOfDefault, svc.WaterfallVersion)
	}
	_, cert := d.runPeriod(t)
	same("the accelerated certification")
	if cert.WaterfallVersion != 1 {
		t.Fatalf("the accelerated period ran version %d", cert.WaterfallVersion)
	}
}
