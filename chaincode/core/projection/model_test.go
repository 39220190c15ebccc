package projection

import (
	"math"
	"testing"

	"github.com/shopspring/decimal"
)

// A 10,000.00 loan at 12% for 12 months pays 888.49 a month (10,000 ×
// 0.01 ÷ (1 − 1.01⁻¹²) = 888.4879). Month 1: interest 100.00, principal
// 788.49, balance 9,211.51. Month 2: interest 92.12 (92.1151), the level
// payment on 9,211.51 over 11 months less it is 796.37. The last month
// pays what is left, so principal adds up to 10,000.00.
func TestLevelPaySchedule(t *testing.T) {
	c := newCollateral([]Loan{{ID: "L1", Balance: amt(t, "10000.00"), Rate: dec("0.12"), RemainingTerm: 12, Count: 1}}, 0)
	want := []struct{ interest, principal, balance string }{
		{"100.00", "788.49", "9211.51"},
		{"92.12", "796.37", "8415.14"},
	}
	var principal int64
	for m := 1; m <= 12; m++ {
		mo := c.step(m, speeds{}, 0, 0)
		if m <= len(want) {
			w := want[m-1]
			if mo.interest != amt(t, w.interest).Cents() || mo.scheduled != amt(t, w.principal).Cents() || mo.end != amt(t, w.balance).Cents() {
				t.Errorf("month %d: interest %d principal %d balance %d cents, want %s %s %s", m, mo.interest, mo.scheduled, mo.end, w.interest, w.principal, w.balance)
			}
		}
		if m > 1 && m < 12 && math.Abs(float64(mo.interest+mo.scheduled)-88849) > 2 {
			t.Errorf("month %d: payment %d cents, want the level 888.49 within 2 cents of rounding drift", m, mo.interest+mo.scheduled)
		}
		principal += mo.scheduled
	}
	if principal != 1_000_000 || c.total() != 0 {
		t.Errorf("principal paid %d cents, pool left %d; want 1,000,000 and 0", principal, c.total())
	}
}

// 6% CPR is an SMM of 1 − 0.94^(1/12) = 0.514301%; 1.5% ABS is an SMM of
// 1.5% in a loan's first month and 0.015 ÷ (1 − 0.015 × 10) = 1.764706% in
// its eleventh.
func TestSpeedConversions(t *testing.T) {
	near := func(label string, got, want float64) {
		if math.Abs(got-want) > 5e-9 {
			t.Errorf("%s = %.9f, want %.9f", label, got, want)
		}
	}
	near("CPRToSMM(0.06)", CPRToSMM(0.06), 0.005143013)
	near("SMMToCPR(CPRToSMM(0.06))", SMMToCPR(CPRToSMM(0.06)), 0.06)
	near("ABSToSMM(0.015, 1)", ABSToSMM(0.015, 1), 0.015)
	near("ABSToSMM(0.015, 11)", ABSToSMM(0.015, 11), 0.017647059)
	near("ABSToSMM(0.015, 80)", ABSToSMM(0.015, 80), 1) // past 1/ABS months every survivor prepays
	near("CDR 100%", monthlyFromAnnual(1), 1)
}

// An ABS speed prepays the same number of loans each month out of an
// equal-balance, zero-rate pool of bullet-like loans: with 100 loans at 2%
// ABS, 2 of the original loans prepay in every month.
func TestABSPrepaysAFixedShareOfTheOriginalCount(t *testing.T) {
	c := newCollateral([]Loan{{ID: "L", Balance: amt(t, "1000000.00"), Rate: decimal.Zero, RemainingTerm: 600, Age: 0, Count: 100}}, 0)
	// Scheduled principal is 1/600 of the balance; the test looks at the
	// prepaid share of what was left: 2% of the original count each month
	// is SMM = 0.02 ÷ (1 − 0.02 (age−1)).
	for m := 1; m <= 5; m++ {
		before := c.total()
		mo := c.step(m, speeds{abs: 0.02}, 0, 0)
		smm := float64(mo.prepaid) / float64(before-mo.scheduled)
		if want := 0.02 / (1 - 0.02*float64(m-1)); math.Abs(smm-want) > 1e-6 {
			t.Errorf("month %d: SMM %.7f, want %.7f", m, smm, want)
		}
	}
}

// A charged-off loan walks the 30/60/90 buckets first: with charge-off at
// 3 months, a default in month 1 shows as 30-59 days in month 1, 60-89 in
// month 2, 90+ in month 3 and is charged off in month 4; severity 40% and
// a lag of 2 recover 60% of it in month 6.
func TestDelinquencyPipeline(t *testing.T) {
	c := newCollateral([]Loan{{ID: "L", Balance: amt(t, "1000.00"), Rate: dec("0.06"), RemainingTerm: 60, Count: 1}}, 3)
	mo := c.step(1, speeds{mdr: 1}, 0.4, 2)
	if mo.newDelinquent != 100000 || mo.delinquencies.Days30to59.Cents() != 100000 || mo.interest != 0 || mo.end != 100000 {
		t.Fatalf("month 1: %+v", mo)
	}
	mo = c.step(2, speeds{}, 0.4, 2)
	if mo.delinquencies.Days60to89.Cents() != 100000 || mo.chargedOff != 0 {
		t.Fatalf("month 2: %+v", mo)
	}
	mo = c.step(3, speeds{}, 0.4, 2)
	if mo.delinquencies.Days90Plus.Cents() != 100000 || mo.chargedOff != 0 {
		t.Fatalf("month 3: %+v", mo)
	}
	mo = c.step(4, speeds{}, 0.4, 2)
	if mo.chargedOff != 100000 || mo.end != 0 || mo.recovered != 0 {
		t.Fatalf("month 4: %+v", mo)
	}
	c.step(5, speeds{}, 0.4, 2)
	if mo = c.step(6, speeds{}, 0.4, 2); mo.recovered != 60000 {
		t.Fatalf("month 6: recovered %d cents, want 60000", mo.recovered)
	}
}
