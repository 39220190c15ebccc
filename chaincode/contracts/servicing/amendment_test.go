package servicing_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/amendment"
	"github.com/tranchenet/tranchenet/chaincode/core/consent"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// amend has the arranger propose an amendment of the deal, the trustee
// record the holders of the voting class, the voters vote for it, and the
// trustee execute it.
func (d *dealFixture) amend(t *testing.T, in amendment.ProposalInput, class string, voters ...*stubtest.Identity) {
	t.Helper()
	w := d.w
	in.Reason, in.RecordDate, in.Expiry = "noteholders' meeting", w.Now(), w.Now().Add(30*24*time.Hour)
	w.Must(w.Arranger, "Amendment:Propose", d.deal, string(contracttest.MustCanon(t, in)))
	a := d.tranche[class]
	var list []string
	for _, h := range contracttest.Decode[schema.HolderList](t, w.Must(w.Trustee, "Token:Holders", a)).Holders {
		list = append(list, h.Holder)
	}
	holders, err := json.Marshal(map[string][]string{a: list})
	if err != nil {
		t.Fatal(err)
	}
	w.MustWith(w.Trustee, "Amendment:Record", []string{d.deal, in.ID}, stubtest.Transient(map[string][]byte{amendment.TransientHolders: holders}))
	ballot, err := json.Marshal(amendment.Ballot{Tranche: a, InFavour: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range voters {
		w.MustWith(h, "Amendment:Vote", []string{d.deal, in.ID}, stubtest.Transient(map[string][]byte{amendment.TransientVote: ballot}))
	}
	w.Must(w.Trustee, "Amendment:Execute", d.deal, in.ID)
}

// thresholdIn returns the threshold a certified period tested a trigger
// against.
func thresholdIn(t *testing.T, cert schema.Certification, trigger string) decimal.Decimal {
	t.Helper()
	for _, tr := range resultOf(t, cert).Triggers {
		if tr.Trigger == trigger {
			return tr.Threshold
		}
	}
	t.Fatalf("period %d tested no trigger %q", cert.Period, trigger)
	return decimal.Zero
}

// After the first certified period the waterfall changes only by an
// amendment: SetWaterfall is refused, and an executed trigger-threshold
// change writes version 2 itself, which the next certification runs.
func TestAnExecutedTriggerAmendmentAppliesFromTheNextPeriod(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	const trigger = "delinquency turbo"
	_, first := d.runPeriod(t)
	old := thresholdIn(t, first, trigger)
	msg := w.Refused(errs.WrongState, w.Arranger, "Servicing:SetWaterfall", d.deal, d.terms(t, 2)).Message
	if !strings.Contains(msg, "amendment") {
		t.Fatalf("the refusal does not name the amendment route: %s", msg)
	}

	raised := old.Add(decimal.RequireFromString("0.01"))
	change := schema.AmendmentChange{Trigger: &schema.TriggerThreshold{Name: trigger,
		Schedule: []waterfall.Threshold{{FromPeriod: 1, Value: raised}}}}
	unknown := schema.AmendmentChange{Trigger: &schema.TriggerThreshold{Name: "no such trigger", Schedule: change.Trigger.Schedule}}
	bad := func(in amendment.ProposalInput, field string) {
		t.Helper()
		in.Reason, in.RecordDate, in.Expiry = "r", w.Now(), w.Now().Add(time.Hour)
		r := w.Refused(errs.BadInput, w.Arranger, "Amendment:Propose", d.deal, string(contracttest.MustCanon(t, in)))
		if !strings.Contains(r.Message, field) {
			t.Errorf("%q does not name %s", r.Message, field)
		}
	}
	bad(amendment.ProposalInput{ID: "AMD-X", Kind: consent.TriggerThresholdChange, Change: unknown}, "change.trigger.name")
	bad(amendment.ProposalInput{ID: "AMD-X", Kind: consent.TriggerThresholdChange, Change: schema.AmendmentChange{
		Trigger: &schema.TriggerThreshold{Name: trigger}}}, "schedule")

	// alice (40% of A) and bob (30%): a majority of the Controlling Class.
	d.amend(t, amendment.ProposalInput{ID: "AMD-T", Kind: consent.TriggerThresholdChange, Change: change}, "A", d.alice, d.bob)
	v2 := contracttest.Decode[schema.Waterfall](t, w.Must(w.Auditor, "Servicing:GetWaterfall", d.deal, ""))
	if v2.Version != 2 || v2.Amendment != "AMD-T" || v2.SetBy != w.Key(w.Trustee) {
		t.Fatalf("version in force %d by %s (amendment %q)", v2.Version, v2.SetBy, v2.Amendment)
	}
	v1 := contracttest.Decode[schema.Waterfall](t, w.Must(w.Auditor, "Servicing:GetWaterfall", d.deal, "1"))
	if len(v2.Classes) != len(v1.Classes) || v2.PaymentDay != v1.PaymentDay || len(v2.FeePayees) != len(v1.FeePayees) {
		t.Fatalf("the class map, payment day or fee payees did not carry over: %+v", v2)
	}
	history := contracttest.Decode[[]schema.DealVersion](t, w.Must(w.Auditor, "Amendment:History", d.deal))
	if len(history) != 1 || history[0].Amendment != "AMD-T" || history[0].Change.Trigger == nil {
		t.Fatalf("history %+v", history)
	}
	if got := thresholdIn(t, first, trigger); !got.Equal(old) {
		t.Fatalf("period 1's certificate changed: %s", got)
	}
	_, second := d.runPeriod(t)
	if second.WaterfallVersion != 2 || !thresholdIn(t, second, trigger).Equal(raised) {
		t.Fatalf("period 2 ran version %d with threshold %s, want version 2 with %s", second.WaterfallVersion, thresholdIn(t, second, trigger), raised)
	}
}

// A waterfall change may not rewrite a class's terms (a coupon has its
// own, unanimous, amendment) nor skip a version; one that keeps them (the
// trustee's fee raised), passed by two-thirds of the affected class B, is
// the version the next period runs.
func TestAWaterfallAmendmentKeepsTheClassesTerms(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	d.runPeriod(t)
	def := func(version int, edit func(string) string) json.RawMessage {
		var terms struct {
			Definition json.RawMessage `json:"definition"`
		}
		if err := json.Unmarshal([]byte(d.terms(t, version)), &terms); err != nil {
			t.Fatal(err)
		}
		return json.RawMessage(edit(string(terms.Definition)))
	}
	same := func(s string) string { return s }
	coupon := func(s string) string { return strings.Replace(s, `"0.045"`, `"0.05"`, 1) }
	for _, c := range []struct {
		def   json.RawMessage
		field string
	}{{def(3, same), "definition.version"}, {def(2, coupon), "definition.classes[0]"}} {
		in := amendment.ProposalInput{ID: "AMD-W", Kind: consent.WaterfallChange, Affected: []string{d.tranche["B"]},
			Change: schema.AmendmentChange{Waterfall: c.def}, Reason: "r", RecordDate: w.Now(), Expiry: w.Now().Add(time.Hour)}
		r := w.Refused(errs.BadInput, w.Arranger, "Amendment:Propose", d.deal, string(contracttest.MustCanon(t, in)))
		if !strings.Contains(r.Message, c.field) {
			t.Errorf("%q does not name %s", r.Message, c.field)
		}
	}
	fee := func(s string) string { return strings.Replace(s, `"500.00"`, `"600.00"`, 1) }
	// bob holds 70% of B.
	d.amend(t, amendment.ProposalInput{ID: "AMD-FEE", Kind: consent.WaterfallChange, Affected: []string{d.tranche["B"]},
		Change: schema.AmendmentChange{Waterfall: def(2, fee), Terms: "trustee fee 600.00 a period"}}, "B", d.bob)
	_, cert := d.runPeriod(t)
	var res waterfall.Result
	if err := json.Unmarshal(cert.Result, &res); err != nil {
		t.Fatal(err)
	}
	if cert.WaterfallVersion != 2 || len(res.Fees) != 2 || res.Fees[1].Accrued.String() != "600.00" {
		t.Fatalf("period 2 ran version %d with fees %+v", cert.WaterfallVersion, res.Fees)
	}
}
