package servicing_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/fixing"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// TestIndexFixedFromSeveralSources: a deal whose terms fix SOFR30A from
// the rates desks of the trustee and servicer banks and one named desk at
// the investor bank (two of three, within 5 bp, not older than 5 days,
// cut-off 11:00 UTC two days before the payment date). Certification waits
// with the rule and the missing sources, then certifies the median.
func TestIndexFixedFromSeveralSources(t *testing.T) {
	w := newWorld(t)
	deskA, deskB := w.Identity(w.Net.Trustee, "rates-a"), w.Identity(w.Net.Servicer, "rates-b")
	deskC, unnamed := w.Identity(w.Net.Investors, "rates-c"), w.Identity(w.Net.Investors, "rates-other")
	for _, id := range []*stubtest.Identity{deskA, deskB, deskC, unnamed} {
		w.Must(w.Admins[id.MSPID()], "Admin:GrantRole", w.Key(id), "rates")
	}
	rule := fixing.Rule{Index: "SOFR30A", Sources: []string{w.Net.Trustee, w.Net.Servicer, w.Key(deskC)}, MinSources: 2,
		MaxSpread: decimal.RequireFromString("0.0005"), StaleDays: 5, CutoffDaysBeforePayment: 2, CutoffTime: "11:00"}
	d := newDeal(t, w, 60, 25, withFloatingA("SOFR30A", rule))

	w.Refused(errs.WrongState, w.Trustee, "Servicing:PostFixing", d.deal, "1", "SOFR30A", "0.0431")
	w.Refused(errs.Forbidden, d.alice, "Servicing:PostIndexQuote", d.deal, "1", "SOFR30A", "0.0431")
	w.Refused(errs.Forbidden, unnamed, "Servicing:PostIndexQuote", d.deal, "1", "SOFR30A", "0.0431")
	w.Refused(errs.BadInput, deskA, "Servicing:PostIndexQuote", d.deal, "1", "SOFR30A", "4.31%")
	w.Refused(errs.NotFound, deskA, "Servicing:PostIndexQuote", d.deal, "1", "EURIBOR1M", "0.021")

	m := d.nextMonth(t)
	d.report(t, m)
	w.Must(w.Servicer, "Servicing:RemitCollections", d.deal, m.collections().String())
	st := contracttest.Decode[schema.FixingStatus](t, w.Must(w.Auditor, "Servicing:GetFixingStatus", d.deal, "1", "SOFR30A"))
	cutoff := st.Resolution.Cutoff
	pay := m.period.Ending.YearMonth().AddMonths(1)
	if want := time.Date(pay.Year, pay.Month, 13, 11, 0, 0, 0, time.UTC); !cutoff.Equal(want) {
		t.Fatalf("cut-off %s, want %s (payment day 15)", cutoff, want)
	}
	if st.Resolution.Met || !strings.Contains(st.Waiting, "needs 2 (minSources)") {
		t.Fatalf("status before any quote %+v", st)
	}

	status := func() schema.FixingStatus {
		return contracttest.Decode[schema.FixingStatus](t, w.Must(w.Auditor, "Servicing:GetFixingStatus", d.deal, "1", "SOFR30A"))
	}
	// A week before the cut-off: A's quote will be stale; B quotes 4.40 %.
	w.AdvanceTo(cutoff.AddDate(0, 0, -7))
	w.Must(deskA, "Servicing:PostIndexQuote", d.deal, "1", "SOFR30A", "0.0420")
	w.AdvanceTo(cutoff.Add(-48 * time.Hour))
	w.Must(deskB, "Servicing:PostIndexQuote", d.deal, "1", "SOFR30A", "0.0440")
	if st := status(); !strings.Contains(st.Waiting, "stale: "+w.Net.Trustee) || !strings.Contains(st.Waiting, "missing: "+w.Key(deskC)) {
		t.Fatalf("status with one valid quote %+v", st)
	}
	w.AdvanceTo(cutoff.Add(-time.Hour))
	res := w.Refused(errs.FixingUnresolved, w.Trustee, "Servicing:Certify", d.deal, "1")
	if !strings.Contains(res.Message, "stale: "+w.Net.Trustee) {
		t.Fatalf("certify with one valid quote: %+v", res)
	}
	// A quotes again in time: a spread of 9 bp fails; B's correction to 4.33 % meets the rule.
	w.Must(deskA, "Servicing:PostIndexQuote", d.deal, "1", "SOFR30A", "0.0431")
	res = w.Refused(errs.FixingUnresolved, w.Trustee, "Servicing:Certify", d.deal, "1")
	if st := status(); !strings.Contains(st.Waiting, "maxSpread 0.0005") || !strings.Contains(res.Message, "maxSpread 0.0005") {
		t.Fatalf("status with a 9 bp spread %+v; certify %q", st, res.Message)
	}
	w.AdvanceTo(cutoff.Add(-30 * time.Minute))
	w.Must(deskB, "Servicing:PostIndexQuote", d.deal, "1", "SOFR30A", "0.0433")
	w.AdvanceTo(cutoff.Add(time.Hour))
	w.Refused(errs.WrongState, deskC, "Servicing:PostIndexQuote", d.deal, "1", "SOFR30A", "0.0450") // after the cut-off
	w.Must(w.Trustee, "Servicing:Certify", d.deal, "1")

	cert := contracttest.Decode[schema.Certification](t, w.Must(w.Auditor, "Servicing:GetCertification", d.deal, "1"))
	if got := cert.Inputs.IndexFixings["SOFR30A"]; !got.Equal(decimal.RequireFromString("0.0432")) {
		t.Fatalf("certified SOFR30A %s, want the median of 4.31 %% and 4.33 %%", got)
	}
	fx := contracttest.Decode[[]schema.Fixing](t, w.Must(w.Auditor, "Servicing:GetFixings", d.deal, "1"))
	if len(fx) != 1 || fx[0].Resolution == nil || !slices.Equal(fx[0].Resolution.Used, []string{w.Net.Trustee, w.Net.Servicer}) ||
		!slices.Equal(fx[0].Resolution.Missing, []string{w.Key(deskC)}) || fx[0].PostedBy != w.Key(w.Trustee) {
		t.Fatalf("recorded fixing %+v", fx)
	}
	if st = status(); st.Final == nil || len(st.Quotes) != 4 || st.Waiting != "" {
		t.Fatalf("status after certification %+v", st)
	}
	w.Refused(errs.WrongState, deskA, "Servicing:PostIndexQuote", d.deal, "1", "SOFR30A", "0.0431")
	v := contracttest.Decode[distribution.Verdict](t, w.Must(w.Auditor, "Servicing:Replay", d.deal, "1"))
	if !v.Match {
		t.Fatalf("replay %+v", v)
	}
	if err := w.CheckCash(); err != nil {
		t.Fatal(err)
	}

	// Period 2: nobody quotes; after the cut-off certification refuses,
	// naming the rule and every source.
	m = d.nextMonth(t)
	d.report(t, m)
	w.Must(w.Servicer, "Servicing:RemitCollections", d.deal, m.collections().String())
	st2 := contracttest.Decode[schema.FixingStatus](t, w.Must(w.Auditor, "Servicing:GetFixingStatus", d.deal, "2", "SOFR30A"))
	w.AdvanceTo(st2.Resolution.Cutoff.Add(time.Minute))
	res = w.Refused(errs.FixingUnresolved, w.Trustee, "Servicing:Certify", d.deal, "2")
	if want := "0 valid posting(s)"; !strings.Contains(res.Message, want) || !strings.Contains(res.Message, "missing: "+w.Net.Trustee+", "+w.Net.Servicer) {
		t.Fatalf("certify without quotes: %q", res.Message)
	}
}

// TestFixingRulesAreCheckedWithTheTerms: a rule for an index no class
// floats on, or an invalid rule, refuses the waterfall naming the field.
func TestFixingRulesAreCheckedWithTheTerms(t *testing.T) {
	w := newWorld(t)
	good := fixing.Rule{Index: "SOFR30A", Sources: []string{w.Net.Trustee}, MinSources: 1, StaleDays: 3}
	d := buildDeal(t, w, 60, 25, false, false, withFloatingA("SOFR30A", good))
	for _, c := range []struct {
		rule  fixing.Rule
		field string
	}{
		{fixing.Rule{Index: "EURIBOR1M", Sources: []string{w.Net.Trustee}, MinSources: 1, StaleDays: 3}, "fixings[0].index"},
		{fixing.Rule{Index: "SOFR30A", Sources: []string{w.Net.Trustee}, MinSources: 2, StaleDays: 3}, "fixings[0].minSources"},
	} {
		d.fixingRules = []fixing.Rule{c.rule}
		res := w.Refused(errs.BadInput, w.Arranger, "Servicing:SetWaterfall", d.deal, d.terms(t, 1))
		if !strings.Contains(res.Message, c.field) {
			t.Errorf("%+v: %+v, want BAD_INPUT on %s", c.rule, res, c.field)
		}
	}
	d.fixingRules = []fixing.Rule{good}
	w.Must(w.Arranger, "Servicing:SetWaterfall", d.deal, d.terms(t, 1))
	wf := contracttest.Decode[schema.Waterfall](t, w.Must(w.Auditor, "Servicing:GetWaterfall", d.deal, ""))
	if len(wf.Fixings) != 1 || wf.Fixings[0].Index != "SOFR30A" {
		t.Fatalf("waterfall terms %+v", wf.Fixings)
	}
}
