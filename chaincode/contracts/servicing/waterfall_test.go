package servicing_test

import (
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/contracts/servicing"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// edit rewrites the terms JSON of d.terms(version) through change.
func (d *dealFixture) editTerms(t *testing.T, version int, change func(tm *servicing.WaterfallTerms, def *string)) string {
	t.Helper()
	var tm servicing.WaterfallTerms
	if err := canon.Unmarshal([]byte(d.terms(t, version)), &tm); err != nil {
		t.Fatal(err)
	}
	def := string(tm.Definition)
	change(&tm, &def)
	tm.Definition = []byte(def)
	return string(contracttest.MustCanon(t, tm))
}

func TestSetWaterfallRefusals(t *testing.T) {
	w := newWorld(t)
	d := newDealWithoutWaterfall(t, w)
	tests := []struct {
		name   string
		caller *stubtest.Identity
		terms  string
		code   errs.Code
		want   string
	}{
		{"trustee is not the arranger", w.Trustee, d.terms(t, 1), errs.Forbidden, "arranger"},
		{"servicer", w.Servicer, d.terms(t, 1), errs.Forbidden, "arranger"},
		{"malformed", w.Arranger, `{"definition":`, errs.BadInput, "terms"},
		{"no definition", w.Arranger, `{"paymentDay":15}`, errs.BadInput, "definition: required"},
		{"invalid definition", w.Arranger, d.editTerms(t, 1, func(_ *servicing.WaterfallTerms, def *string) {
			*def = strings.Replace(*def, `["A","B","C"]`, `["A","Z","C"]`, 1)
		}), errs.BadInput, `unknown class "Z"`},
		{"version 2 first", w.Arranger, d.terms(t, 2), errs.BadInput, "definition.version: want 1"},
		{"initial pool is not the sealed pool's", w.Arranger, d.editTerms(t, 1, func(_ *servicing.WaterfallTerms, def *string) {
			*def = strings.Replace(*def, `"initialPoolBalance":"`, `"initialPoolBalance":"1`, 1)
		}), errs.BadInput, "definition.initialPoolBalance"},
		{"a class mapped to another tranche", w.Arranger, d.editTerms(t, 1, func(tm *servicing.WaterfallTerms, _ *string) {
			tm.Classes[1].Tranche = d.tranche["C"]
			tm.Classes[2].Tranche = d.tranche["B"]
		}), errs.BadInput, "classes[1].tranche: class B original balance"},
		{"a class's coupon is not its tranche's", w.Arranger, d.editTerms(t, 1, func(_ *servicing.WaterfallTerms, def *string) {
			*def = strings.Replace(*def, `"coupon":{"fixed":"0.055"}`, `"coupon":{"fixed":"0.05"}`, 1)
		}), errs.BadInput, "class B coupon fixed 0.05 differs from tranche AUTO-1-B coupon fixed 0.055"},
		{"the residual mapped to a note", w.Arranger, d.editTerms(t, 1, func(tm *servicing.WaterfallTerms, _ *string) {
			tm.Classes[3].Tranche, tm.Classes[0].Tranche = d.tranche["A"], d.tranche["Certificates"]
		}), errs.BadInput, "classes[0].tranche: note class A must map to a note tranche"},
		{"a tranche of no deal", w.Arranger, d.editTerms(t, 1, func(tm *servicing.WaterfallTerms, _ *string) {
			tm.Classes[0].Tranche = "OTHER-A"
		}), errs.BadInput, "not a tranche of deal AUTO-1"},
		{"a class missing", w.Arranger, d.editTerms(t, 1, func(tm *servicing.WaterfallTerms, _ *string) {
			tm.Classes = tm.Classes[:3]
		}), errs.BadInput, "classes: want one entry per class"},
		{"a fee without payee", w.Arranger, d.editTerms(t, 1, func(tm *servicing.WaterfallTerms, _ *string) {
			tm.FeePayees = tm.FeePayees[:1]
		}), errs.BadInput, "feePayees"},
		{"a payee that is no identity", w.Arranger, d.editTerms(t, 1, func(tm *servicing.WaterfallTerms, _ *string) {
			tm.FeePayees[0].Payee = "bank"
		}), errs.BadInput, "feePayees[0].payee"},
		{"payment day 31", w.Arranger, d.editTerms(t, 1, func(tm *servicing.WaterfallTerms, _ *string) { tm.PaymentDay = 31 }),
			errs.BadInput, "paymentDay"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer w.Use(t)()
			msg := w.Refused(tt.code, tt.caller, "Servicing:SetWaterfall", d.deal, tt.terms).Message
			if !strings.Contains(msg, tt.want) {
				t.Fatalf("%q does not mention %q", msg, tt.want)
			}
		})
	}
	w.Refused(errs.NotFound, w.Arranger, "Servicing:SetWaterfall", "NO-DEAL", d.terms(t, 1))
}

func TestWaterfallVersionsUntilTheFirstPeriod(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25) // version 1 set
	r := w.CallWith(w.Arranger, "Servicing:SetWaterfall", []string{d.deal, d.terms(t, 2)})
	if !r.OK() || strings.Join(r.EventTypes(), ",") != "WaterfallSet" {
		t.Fatalf("version 2: %s %v", r.Message, r.EventTypes())
	}
	v1 := contracttest.Decode[schema.Waterfall](t, w.Must(w.Auditor, "Servicing:GetWaterfall", d.deal, "1"))
	v2 := contracttest.Decode[schema.Waterfall](t, w.Must(w.Auditor, "Servicing:GetWaterfall", d.deal, ""))
	if v1.Version != 1 || v2.Version != 2 || v1.DefinitionHash == v2.DefinitionHash || v2.SetBy != w.Key(w.Arranger) {
		t.Fatalf("versions %d %d", v1.Version, v2.Version)
	}
	w.Refused(errs.NotFound, w.Auditor, "Servicing:GetWaterfall", d.deal, "3")
	d.runPeriod(t)
	msg := w.Refused(errs.WrongState, w.Arranger, "Servicing:SetWaterfall", d.deal, d.terms(t, 3)).Message
	if !strings.Contains(msg, "only by an amendment") || !strings.Contains(msg, "Amendment:Propose") {
		t.Fatal(msg)
	}
	cert := contracttest.Decode[schema.Certification](t, w.Must(w.Auditor, "Servicing:GetCertification", d.deal, "1"))
	if cert.WaterfallVersion != 2 {
		t.Fatalf("period 1 ran under version %d", cert.WaterfallVersion)
	}
}
