package deal_test

import (
	"fmt"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Twenty investors placed in one transaction: each holds its units, the
// issuance account and the holder count follow, one UnitsPlaced event
// each; a bad item refuses the whole batch and changes nothing.
func TestPlaceManyInOneTransaction(t *testing.T) {
	w, bal := sealed(t)
	w.CreateDeal(input(w, bal))
	w.Must(w.Arranger, "Deal:Issue", "D-A", "10000")
	var investors []*stubtest.Identity
	var list []schema.Placement
	for i := 0; i < 20; i++ {
		inv := w.AttestedInvestor(w.Net.Investors, fmt.Sprintf("investor%d", i))
		investors = append(investors, inv)
		list = append(list, schema.Placement{Investor: w.Key(inv), Units: int64(100 + i)})
	}
	r := w.Call(w.Trustee, "Deal:PlaceMany", "D-A", js(t, list))
	if !r.OK() || len(r.Envelope().Events) != 20 {
		t.Fatalf("place many: %s, %d events", r.Message, len(r.Envelope().Events))
	}
	var placed int64
	for i, inv := range investors {
		p := contracttest.Decode[schema.PositionView](t, w.Must(w.Trustee, "Token:Position", "D-A", w.Key(inv)))
		if p.Units != int64(100+i) {
			t.Errorf("investor%d holds %d", i, p.Units)
		}
		placed += p.Units
	}
	s := contracttest.Decode[schema.TrancheSupply](t, w.Must(w.NoRole, "Token:Supply", "D-A"))
	if s.Placed != placed || s.IssuerUnits != 10000-placed || s.Holders != 20 {
		t.Fatalf("supply %+v, placed %d", s, placed)
	}
	if err := w.CheckTranche("D-A"); err != nil {
		t.Fatal(err)
	}
	// One unattested investor, a repeat, or too many units: nothing moves.
	stranger := w.Investor(w.Net.Investors, "stranger")
	for _, bad := range []struct {
		list []schema.Placement
		code errs.Code
	}{
		{[]schema.Placement{{Investor: w.Key(investors[0]), Units: 1}, {Investor: w.Key(stranger), Units: 1}}, errs.RuleNotAttested},
		{[]schema.Placement{{Investor: w.Key(investors[0]), Units: 1}, {Investor: w.Key(investors[0]), Units: 1}}, errs.BadInput},
		{[]schema.Placement{{Investor: w.Key(investors[1]), Units: 10000}}, errs.InsufficientBalance},
		{[]schema.Placement{{Investor: w.Key(investors[1]), Units: 0}}, errs.BadInput},
		{nil, errs.BadInput},
	} {
		w.Refused(bad.code, w.Trustee, "Deal:PlaceMany", "D-A", js(t, bad.list))
	}
	if after := contracttest.Decode[schema.TrancheSupply](t, w.Must(w.NoRole, "Token:Supply", "D-A")); after != s {
		t.Fatalf("a refused batch changed the supply: %+v, was %+v", after, s)
	}
}
