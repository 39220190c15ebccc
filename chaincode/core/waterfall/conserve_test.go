package waterfall

import (
	"errors"
	"strings"
	"testing"
)

// TestConservationCheckCatchesTampering moves a cent, or breaks a roll
// forward, in a correct result and expects checkConservation to notice:
// the assertion Run makes on every period can fail.
func TestConservationCheckCatchesTampering(t *testing.T) {
	def := miniDeal()
	st := mustState(t, def)
	res, err := Run(def, st, report{period: 1, start: "2025-01-15", end: "2025-02-15",
		beginning: "100000.00", interest: "300.00"}.toPeriod())
	if err != nil {
		t.Fatal(err)
	}
	if err := checkConservation(st, res); err != nil {
		t.Fatalf("untouched result: %v", err)
	}
	clone := func(r Result) Result {
		r.Payments = append([]Payment(nil), r.Payments...)
		r.Classes = append([]ClassResult(nil), r.Classes...)
		r.Fees = append([]FeeResult(nil), r.Fees...)
		r.Reserves = append([]ReserveResult(nil), r.Reserves...)
		return r
	}
	cases := []struct {
		name   string
		tamper func(r *Result)
		want   string
	}{
		{"a cent paid twice", func(r *Result) { r.Payments[0].Paid++; r.Payments[0].Due++ }, "available funds"},
		{"a cent vanishes", func(r *Result) { r.AvailableFunds.Recoveries++; r.AvailableFunds.Total++ }, "paid out"},
		{"total not the sum", func(r *Result) { r.AvailableFunds.Total++ }, "not the sum of its sources"},
		{"paid above due", func(r *Result) { r.Payments[1].Paid, r.Payments[2].Paid = r.Payments[1].Paid+1, r.Payments[2].Paid-1 }, "payments[1]"},
		{"negative residue", func(r *Result) { r.RoundingResidue = -1 }, "negative rounding residue"},
		{"class balance", func(r *Result) { r.Classes[0].EndingBalance++ }, "class A"},
		{"interest line mismatch", func(r *Result) { r.Classes[1].InterestPaid++ }, "class B"},
		{"fee roll-forward", func(r *Result) { r.Fees[0].Unpaid++ }, "fee servicing"},
		{"reserve roll-forward", func(r *Result) { r.Reserves[0].EndingBalance++ }, "reserve rsv"},
		{"draw not in funds", func(r *Result) { r.Reserves[0].Draw++; r.Reserves[0].EndingBalance-- }, "reserve draws"},
		{"residual", func(r *Result) { r.ResidualPaid++ }, "residual lines"},
	}
	for _, c := range cases {
		r := clone(res)
		c.tamper(&r)
		err := checkConservation(st, r)
		if !errors.Is(err, ErrNotConserved) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want ErrNotConserved mentioning %q", c.name, err, c.want)
		}
	}
}

func TestValidationErrorIsBounded(t *testing.T) {
	def := loadDefinition(t, "auto_2025_1.json")
	for i := range def.Classes {
		def.Classes[i].Rank = 0 // 8 problems
		def.Classes[i].Name = strings.Repeat("x", 5000) + string(rune('a'+i))
	}
	err := def.Validate()
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != maxReportedProblems || ve.Omitted == 0 {
		t.Fatalf("err = %T with %d problems", err, len(ve.Problems))
	}
	if len(err.Error()) > maxReportedProblems*(maxMessage+100)+100 {
		t.Fatalf("error message of %d bytes", len(err.Error()))
	}
	if !strings.HasSuffix(err.Error(), "more") {
		t.Errorf("error does not say problems were left out: ...%s", err.Error()[len(err.Error())-40:])
	}

	big := loadDefinition(t, "auto_2025_1.json")
	for len(big.Classes) <= maxClasses {
		big.Classes = append(big.Classes, big.Classes[0])
	}
	if err := big.Validate(); err == nil || !strings.Contains(err.Error(), "classes: at most 64, got 65") {
		t.Fatalf("oversized: %v", err)
	}
}
