package servicing_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// TestEventOfDefault: the trustee's declaration stops transfers of every
// tranche at once, and the trustee cannot resume them while the deal is
// in default; the next certification runs the acceleration steps
// (all principal to the notes, sequentially, nothing to the certificate
// while notes are outstanding) and replays; holders can still claim.
func TestEventOfDefault(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	d.runPeriod(t)
	w.Must(d.alice, "Token:Transfer", d.tranche["A"], w.Key(d.bob), "10")
	w.Refused(errs.Forbidden, w.Servicer, "Servicing:DeclareEventOfDefault", d.deal, "servicer insolvency")
	w.Refused(errs.BadInput, w.Trustee, "Servicing:DeclareEventOfDefault", d.deal, "")
	r := w.CallWith(w.Trustee, "Servicing:DeclareEventOfDefault", []string{d.deal, "servicer insolvency"})
	if !r.OK() || strings.Join(r.EventTypes(), ",") != "EventOfDefaultDeclared" {
		t.Fatalf("%s %v", r.Message, r.EventTypes())
	}
	w.Refused(errs.WrongState, w.Trustee, "Servicing:DeclareEventOfDefault", d.deal, "again")
	for _, c := range d.classes {
		if w.Refused(errs.RulePaused, d.bob, "Token:Transfer", d.tranche[c], w.Key(d.alice), "1").Message == "" {
			t.Fatal("empty refusal")
		}
		// The trustee cannot lift the pause while the deal is in default.
		if msg := w.Refused(errs.WrongState, w.Trustee, "Token:Resume", d.tranche[c]).Message; !strings.Contains(msg, "servicer insolvency") {
			t.Fatalf("resume refused with %q: the declaration's reason is not named", msg)
		}
	}
	status := contracttest.Decode[schema.DealServicing](t, w.Must(w.Auditor, "Servicing:GetStatus", d.deal))
	if !status.EventOfDefault || status.Declared == nil || status.Declared.AfterPeriod != 1 || status.State.Accelerated {
		t.Fatalf("status %+v", status)
	}
	_, cert := d.runPeriod(t)
	var res waterfall.Result
	if err := json.Unmarshal(cert.Result, &res); err != nil {
		t.Fatal(err)
	}
	if !cert.Accelerated || !cert.Inputs.DeclareEventOfDefault || !res.NewState.Accelerated || !res.EventOfDefault {
		t.Fatalf("period 2 not accelerated: %+v", cert.Inputs)
	}
	if res.ResidualPaid != 0 || res.Classes[0].PrincipalPaid <= 0 {
		t.Fatalf("acceleration: residual %s, A principal %s", res.ResidualPaid, res.Classes[0].PrincipalPaid)
	}
	status = contracttest.Decode[schema.DealServicing](t, w.Must(w.Auditor, "Servicing:GetStatus", d.deal))
	if !status.EventOfDefault || status.Declared != nil {
		t.Fatalf("status after period 2 %+v", status)
	}
	// Period 3 stays accelerated without a new declaration, and replays.
	_, cert = d.runPeriod(t)
	if !cert.Accelerated || cert.Inputs.DeclareEventOfDefault {
		t.Fatalf("period 3: accelerated %v, declared %v", cert.Accelerated, cert.Inputs.DeclareEventOfDefault)
	}
	for _, p := range []string{"1", "2", "3"} {
		if v := contracttest.Decode[distribution.Verdict](t, w.Must(w.Auditor, "Servicing:Replay", d.deal, p)); !v.Match {
			t.Fatalf("period %s: %+v", p, v)
		}
	}
	w.Must(d.bob, "Servicing:Claim", d.tranche["A"])
	w.Refused(errs.WrongState, w.Trustee, "Token:Resume", d.tranche["A"]) // still, after certification
	if err := w.CheckCash(); err != nil {
		t.Fatal(err)
	}
}
