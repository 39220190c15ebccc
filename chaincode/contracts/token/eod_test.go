package token_test

import (
	"strings"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// TestResumeInAnEventOfDefault: the trustee may lift a pause unless the
// tranche's deal is in an event of default, as the Servicing contract
// records it in the deal's servicing status: declared (its reason
// pending until the next certification) or after the certification that
// ran the acceleration steps, whether declared or a trigger's. (The
// Servicing tests reach these states through the contracts; here the
// record is written with the fields Servicing sets.)
func TestResumeInAnEventOfDefault(t *testing.T) {
	declared := &schema.EventOfDefaultDeclaration{Reason: "servicer insolvency", AfterPeriod: 3}
	tests := []struct {
		name   string
		status *schema.DealServicing // nil: no waterfall set yet
		want   errs.Code
		names  string // in the refusal
	}{
		{name: "no servicing record"},
		{name: "performing deal", status: &schema.DealServicing{Period: 4}},
		{name: "declared, not yet certified", status: &schema.DealServicing{Period: 3, EventOfDefault: true, Declared: declared},
			want: errs.WrongState, names: "servicer insolvency"},
		{name: "in default after certification", status: &schema.DealServicing{Period: 5, EventOfDefault: true},
			want: errs.WrongState, names: "event of default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, f := placed(t)
			if tt.status != nil {
				tt.status.Deal = f.Deal
				key, err := shim.CreateCompositeKey(schema.TypeDealServicing, []string{f.Deal})
				if err != nil {
					t.Fatal(err)
				}
				w.Seed(key, mustJSON(t, tt.status))
			}
			w.Must(w.Trustee, "Token:Pause", f.A)
			if tt.want == "" {
				w.Must(w.Trustee, "Token:Resume", f.A)
				return
			}
			r := w.Refused(tt.want, w.Trustee, "Token:Resume", f.A)
			if !strings.Contains(r.Message, tt.names) || !strings.Contains(r.Message, f.Deal) {
				t.Fatalf("refusal %q should name the deal and %q", r.Message, tt.names)
			}
			if !supply(t, w, f.A).Paused {
				t.Fatal("the refused resume lifted the pause")
			}
		})
	}
}
