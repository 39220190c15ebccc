package servicing_test

import (
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/amendment"
	"github.com/tranchenet/tranchenet/chaincode/core/consent"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// resultOf decodes a certified period's waterfall result.
func resultOf(t *testing.T, cert schema.Certification) waterfall.Result {
	t.Helper()
	var res waterfall.Result
	if err := json.Unmarshal(cert.Result, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// classIn returns a class's line of a certified period.
func classIn(t *testing.T, cert schema.Certification, class string) waterfall.ClassResult {
	t.Helper()
	for _, c := range resultOf(t, cert).Classes {
		if c.Class == class {
			return c
		}
	}
	t.Fatalf("period %d has no class %s", cert.Period, class)
	return waterfall.ClassResult{}
}

// A coupon change every holder of class B consented to changes the
// tranche's terms and the waterfall class alike: the next certified
// period pays B the new coupon (beginning balance × 6% × 30/360, to the
// cent), under the deal's next waterfall version; the period certified
// before it keeps the old one. A maturity extension changes the tranche
// terms only: the waterfall carries no legal final date.
func TestAnExecutedCouponAmendmentPaysTheNewCouponFromTheNextPeriod(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	_, first := d.runPeriod(t)
	if rate := classIn(t, first, "B").InterestRate; !rate.Equal(decimal.RequireFromString("0.055")) {
		t.Fatalf("period 1 paid B %s", rate)
	}
	six := decimal.RequireFromString("0.06")
	// bob (70%) and alice (30%): every holder of B, as a sacred right needs.
	d.amend(t, amendment.ProposalInput{ID: "AMD-C", Kind: consent.CouponChange, Affected: []string{d.tranche["B"]},
		Change: schema.AmendmentChange{Coupon: &schema.Coupon{Fixed: &six}}}, "B", d.bob, d.alice)

	tr := contracttest.Decode[schema.Tranche](t, w.Must(w.Auditor, "Deal:GetTranche", d.tranche["B"]))
	if tr.Coupon == nil || tr.Coupon.Fixed == nil || !tr.Coupon.Fixed.Equal(six) || tr.Coupon.DayCount != daycount.Thirty360 {
		t.Fatalf("tranche B's coupon after the amendment: %+v", tr.Coupon)
	}
	v2 := contracttest.Decode[schema.Waterfall](t, w.Must(w.Auditor, "Servicing:GetWaterfall", d.deal, ""))
	def, err := waterfall.ParseDefinition(v2.Definition)
	if err != nil {
		t.Fatal(err)
	}
	if v2.Version != 2 || v2.Amendment != "AMD-C" || !def.Classes[1].Coupon.Fixed.Equal(six) || !def.Classes[0].Coupon.Fixed.Equal(decimal.RequireFromString("0.045")) {
		t.Fatalf("waterfall in force: version %d by %q, classes %+v", v2.Version, v2.Amendment, def.Classes)
	}
	if got := classIn(t, first, "B").InterestRate; !got.Equal(decimal.RequireFromString("0.055")) {
		t.Fatalf("period 1's certificate changed: %s", got)
	}

	_, second := d.runPeriod(t)
	b := classIn(t, second, "B")
	want := decimal.New(b.BeginningBalance.Cents(), -2).Mul(six).Mul(decimal.NewFromInt(b.AccrualDays)).DivRound(decimal.NewFromInt(360), 2)
	if second.WaterfallVersion != 2 || !b.InterestRate.Equal(six) || b.InterestAccrued.String() != want.StringFixed(2) {
		t.Fatalf("period 2 ran version %d and paid B %s: interest %s, want %s", second.WaterfallVersion, b.InterestRate, b.InterestAccrued, want.StringFixed(2))
	}
	if a := classIn(t, second, "A"); !a.InterestRate.Equal(decimal.RequireFromString("0.045")) {
		t.Fatalf("class A's coupon moved: %s", a.InterestRate)
	}

	later := daycount.NewDate(2040, 1, 15)
	d.amend(t, amendment.ProposalInput{ID: "AMD-M", Kind: consent.MaturityExtension, Affected: []string{d.tranche["B"]},
		Change: schema.AmendmentChange{LegalFinalDate: &later}}, "B", d.bob, d.alice)
	tr = contracttest.Decode[schema.Tranche](t, w.Must(w.Auditor, "Deal:GetTranche", d.tranche["B"]))
	if tr.LegalFinalDate != later || !tr.Coupon.Fixed.Equal(six) {
		t.Fatalf("tranche B after the extension: legal final %s, coupon %+v", tr.LegalFinalDate, tr.Coupon)
	}
	if v := contracttest.Decode[schema.Waterfall](t, w.Must(w.Auditor, "Servicing:GetWaterfall", d.deal, "")); v.Version != 2 {
		t.Fatalf("a maturity extension wrote waterfall version %d", v.Version)
	}
	history := contracttest.Decode[[]schema.DealVersion](t, w.Must(w.Auditor, "Amendment:History", d.deal))
	if len(history) != 2 || history[0].Kind != consent.CouponChange || history[1].Kind != consent.MaturityExtension {
		t.Fatalf("history %+v", history)
	}
}
