package waterfall

import (
	"encoding/json"
	"testing"
)

// rmbsState is the deal's state after period n, given the balances of
// A-1, B-1 and B-2 and their write-downs to date.
func rmbsState(n int, accrued, pool, cnl string, bal [3]string, written [3]string) State {
	st := State{Period: n, AccruedThrough: day(accrued), PoolBalance: amt(pool), CumulativeNetLoss: amt(cnl),
		Fees: []FeeState{{Fee: "servicing"}, {Fee: "guarantee"}}, Reserves: []ReserveState{}, Triggers: []TriggerState{}}
	for i, c := range []string{"A-1", "B-1", "B-2"} {
		st.Classes = append(st.Classes, ClassState{Class: c, Balance: amt(bal[i]), WrittenDown: amt(written[i])})
	}
	st.Classes = append(st.Classes, ClassState{Class: "R"})
	return st
}

// TestGoldenRMBSShiftingInterest runs RMBS 2026-1 (testdata/rmbs_2026_1.json,
// terms in rmbs_2026_1.md): a senior/subordinate deal with 30/360
// pass-through certificates at 6.00% net of a 0.25% servicing fee and a
// 0.20% guarantee fee, and shifting interest. Every figure is worked by
// hand below; each product is rounded half-up to the cent.
func TestGoldenRMBSShiftingInterest(t *testing.T) {
	def := loadDefinition(t, "rmbs_2026_1.json")
	st, err := NewState(def)
	if err != nil {
		t.Fatal(err)
	}

	// Period 1 (lockout): 2026-04-25 to 2026-05-25, 30 days.
	// Pool 100,000,000 − 100,000 scheduled − 800,000 prepaid = 99,100,000.00.
	// Available 541,666.67 + 100,000 + 800,000 = 1,441,666.67.
	// Fees: 100,000,000 × 0.25%/12 = 20,833.33; × 0.20%/12 = 16,666.67.
	// Interest at 6% × 30/360 = 0.5%: A-1 462,500.00, B-1 22,500.00, B-2 15,000.00.
	// Senior % = 92,500,000 / 100,000,000 = 0.925; shift 1 → SPP = 1.
	// Senior amount = 0.925 × 100,000 + 1 × 800,000 = 92,500 + 800,000 = 892,500.00.
	// Subordinate amount = 900,000 − 892,500 = 7,500.00, pro rata 4.5 : 3 → 4,500.00, 3,000.00.
	// Residual 1,441,666.67 − 37,500.00 − 500,000 − 900,000 = 4,166.67 (the 0.05% excess).
	p1 := report{period: 1, start: "2026-04-25", end: "2026-05-25", beginning: "100000000.00",
		interest: "541666.67", sched: "100000.00", prepay: "800000.00",
		dq30: "500000.00", dq60: "200000.00", dq90: "100000.00"}.toPeriod()
	res, err := Run(def, st, p1)
	if err != nil {
		t.Fatal(err)
	}
	checkPayments(t, "period 1", res.Payments, []string{
		"0 fee servicing 20833.33 20833.33",
		"1 fee guarantee 16666.67 16666.67",
		"2 interest A-1 462500.00 462500.00",
		"3 interest B-1 22500.00 22500.00",
		"4 interest B-2 15000.00 15000.00",
		"5 principal A-1 892500.00 892500.00",
		"5 principal B-1 4500.00 4500.00",
		"5 principal B-2 3000.00 3000.00",
		"7 residual R 4166.67 4166.67",
	})
	si := res.ShiftingInterest
	if si == nil {
		t.Fatal("no shifting interest result")
	}
	wantDecimal(t, "period 1 senior %", si.SeniorPercentage, "0.925")
	wantDecimal(t, "period 1 SPP", si.SeniorPrepaymentPercentage, "1")
	wantDecimal(t, "period 1 delinquency ratio", si.DelinquencyRatio, "0.04") // 300,000 / 7,500,000
	checkClasses(t, "period 1", res, []classWant{
		{class: "A-1", ending: "91607500.00"}, {class: "B-1", ending: "4495500.00"}, {class: "B-2", ending: "2997000.00"},
	})

	// Period 61, the first step-down: state after period 60 (2031-04-25):
	// pool 60,000,000; A-1 52,800,000, B-1 4,320,000, B-2 2,880,000;
	// cumulative net loss 300,000.
	st60 := rmbsState(60, "2031-04-25", "60000000.00", "300000.00",
		[3]string{"52800000.00", "4320000.00", "2880000.00"}, [3]string{"0", "0", "0"})
	// Collections: interest 325,000.00, scheduled 80,000, prepaid 1,000,000;
	// a loan of 100,000 liquidated for net proceeds of 60,000 (loss 40,000).
	// Pool 60,000,000 − 80,000 − 1,000,000 − 100,000 = 58,820,000.00.
	// Tests: 60+ delinquent 300,000 + 500,000 = 800,000 / 7,200,000 = 0.1111111111 < 0.50 ✓;
	//        losses (300,000 + 100,000 − 60,000) / 7,500,000 = 0.0453333333 ≤ 0.30 ✓.
	// Senior % = 52.8 / 60 = 0.88; shift 0.70 → SPP = 0.88 + 0.70 × 0.12 = 0.964.
	// Senior amount = 0.88 × 80,000 (70,400.00) + 0.964 × 1,000,000 (964,000.00)
	//               + min(0.88 × 100,000 = 88,000.00, 0.964 × 60,000 = 57,840.00) = 1,092,240.00.
	// Subordinate = 80,000 + 1,000,000 + 60,000 − 1,092,240 = 47,760.00; 3 : 2 → 28,656.00, 19,104.00.
	// Fees 12,500.00 and 10,000.00; interest 264,000 + 21,600 + 14,400 = 300,000.00.
	// Available 325,000 + 80,000 + 1,000,000 + 60,000 = 1,465,000.00; residual
	// 1,465,000 − 22,500 − 300,000 − 1,140,000 = 2,500.00.
	// After payments the certificates are 51,707,760 + 4,291,344 + 2,860,896 =
	// 58,860,000, 40,000 above the pool: B-2 is written down 40,000.00.
	p61 := report{period: 61, start: "2031-04-25", end: "2031-05-25", beginning: "60000000.00",
		interest: "325000.00", sched: "80000.00", prepay: "1000000.00", defaults: "100000.00", recoveries: "60000.00",
		dq30: "400000.00", dq60: "300000.00", dq90: "500000.00"}.toPeriod()
	res, err = Run(def, st60, p61)
	if err != nil {
		t.Fatal(err)
	}
	checkPayments(t, "period 61", res.Payments, []string{
		"0 fee servicing 12500.00 12500.00",
		"1 fee guarantee 10000.00 10000.00",
		"2 interest A-1 264000.00 264000.00",
		"3 interest B-1 21600.00 21600.00",
		"4 interest B-2 14400.00 14400.00",
		"5 principal A-1 1092240.00 1092240.00",
		"5 principal B-1 28656.00 28656.00",
		"5 principal B-2 19104.00 19104.00",
		"7 residual R 2500.00 2500.00",
	})
	si = res.ShiftingInterest
	wantDecimal(t, "period 61 senior %", si.SeniorPercentage, "0.88")
	wantDecimal(t, "period 61 SPP", si.SeniorPrepaymentPercentage, "0.964")
	wantDecimal(t, "period 61 delinquency ratio", si.DelinquencyRatio, "0.1111111111")
	wantDecimal(t, "period 61 loss ratio", si.LossRatio, "0.0453333333")
	if !si.StepDownPassed || !si.AppliedShift.Equal(dec("0.70")) {
		t.Errorf("period 61: step-down tests %v, shift %s; want passed, 0.70", si.StepDownPassed, si.AppliedShift)
	}
	checkClasses(t, "period 61", res, []classWant{
		{class: "A-1", ending: "51707760.00"}, {class: "B-1", ending: "4291344.00"},
		{class: "B-2", writeDown: "40000.00", ending: "2820896.00"},
	})

	// Period 61 with the delinquency test failing: 60+ delinquent
	// 1,000,000 + 3,000,000 = 4,000,000 / 7,200,000 = 0.5555555555 ≥ 0.50.
	// The step-down does not happen: shift stays 1 → SPP = 1.
	// Senior = 70,400 + 1,000,000 + min(88,000, 60,000) = 1,130,400.00;
	// subordinate = 1,140,000 − 1,130,400 = 9,600.00 → 5,760.00, 3,840.00.
	p61.Delinquencies = Delinquencies{Days30to59: amt("400000.00"), Days60to89: amt("1000000.00"), Days90Plus: amt("3000000.00")}
	res, err = Run(def, st60, p61)
	if err != nil {
		t.Fatal(err)
	}
	si = res.ShiftingInterest
	if si.StepDownPassed || !si.AppliedShift.Equal(dec("1")) || !si.ScheduledShift.Equal(dec("0.70")) {
		t.Errorf("period 61 delinquent: passed %v, shift %s of scheduled %s; want failed, 1 of 0.70",
			si.StepDownPassed, si.AppliedShift, si.ScheduledShift)
	}
	checkClasses(t, "period 61 delinquent", res, []classWant{
		{class: "A-1", principal: "1130400.00"}, {class: "B-1", principal: "5760.00"}, {class: "B-2", principal: "3840.00"},
	})

	// Period 109, shift 0 by the schedule, but the subordinates have
	// absorbed losses: A-1 46,500,000 of a 50,000,000 pool is 93% > 92.5%
	// at closing, so SPP = 100% whatever the schedule.
	// Senior = 0.93 × 50,000 + 1 × 500,000 = 546,500.00; subordinate 3,500.00 → 2,100.00, 1,400.00.
	// Fees 10,416.67 and 8,333.33; interest 232,500 + 10,500 + 7,000.
	// Residual 270,833.33 + 550,000 − 18,750 − 250,000 − 550,000 = 2,083.33.
	st108 := rmbsState(108, "2035-04-25", "50000000.00", "3000000.00",
		[3]string{"46500000.00", "2100000.00", "1400000.00"}, [3]string{"0", "0", "1000000.00"})
	p109 := report{period: 109, start: "2035-04-25", end: "2035-05-25", beginning: "50000000.00",
		interest: "270833.33", sched: "50000.00", prepay: "500000.00"}.toPeriod()
	res, err = Run(def, st108, p109)
	if err != nil {
		t.Fatal(err)
	}
	checkPayments(t, "period 109", res.Payments, []string{
		"0 fee servicing 10416.67 10416.67",
		"1 fee guarantee 8333.33 8333.33",
		"2 interest A-1 232500.00 232500.00",
		"3 interest B-1 10500.00 10500.00",
		"4 interest B-2 7000.00 7000.00",
		"5 principal A-1 546500.00 546500.00",
		"5 principal B-1 2100.00 2100.00",
		"5 principal B-2 1400.00 1400.00",
		"7 residual R 2083.33 2083.33",
	})
	si = res.ShiftingInterest
	wantDecimal(t, "period 109 senior %", si.SeniorPercentage, "0.93")
	wantDecimal(t, "period 109 SPP", si.SeniorPrepaymentPercentage, "1")
	if !si.StepDownPassed || !si.ScheduledShift.IsZero() {
		t.Errorf("period 109: tests %v, scheduled shift %s; want passed, 0", si.StepDownPassed, si.ScheduledShift)
	}
}

// The step travels as JSON with its kind, and a definition that breaks its
// rules is refused naming the field.
func TestShiftingInterestDefinitionRules(t *testing.T) {
	def := loadDefinition(t, "rmbs_2026_1.json")
	b, err := json.Marshal(def)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseDefinition(b)
	if err != nil {
		t.Fatalf("round trip: %v", err)
	}
	if s, ok := back.Steps[5].(ShiftingInterestStep); !ok || len(s.Schedule) != 6 || s.SubordinateAllocation != ProRataAllocation {
		t.Fatalf("round trip lost the step: %#v", back.Steps[5])
	}
	for name, c := range map[string]struct {
		edit func(*ShiftingInterestStep)
		path string
	}{
		"senior below a subordinate": {func(s *ShiftingInterestStep) { s.Seniors, s.Subordinates = []string{"B-1"}, []string{"A-1", "B-2"} }, "steps[5].subordinates[0]"},
		"shift steps up":             {func(s *ShiftingInterestStep) { s.Schedule[2].Shift = dec("0.8") }, "steps[5].schedule[2].shift"},
		"schedule starts late":       {func(s *ShiftingInterestStep) { s.Schedule[0].FromPeriod = 2 }, "steps[5].schedule[0].fromPeriod"},
		"shift above 1":              {func(s *ShiftingInterestStep) { s.Schedule[0].Shift = dec("1.5") }, "steps[5].schedule[0].shift"},
		"no delinquency limit":       {func(s *ShiftingInterestStep) { s.DelinquencyLimit = dec("0") }, "steps[5].delinquencyLimit"},
		"bad allocation":             {func(s *ShiftingInterestStep) { s.SubordinateAllocation = "turbo" }, "steps[5].subordinateAllocation"},
		"unknown class":              {func(s *ShiftingInterestStep) { s.Subordinates = []string{"B-3"} }, "steps[5].subordinates[0]"},
	} {
		d := loadDefinition(t, "rmbs_2026_1.json")
		s := d.Steps[5].(ShiftingInterestStep)
		s.Schedule = append([]PrepaymentShift(nil), s.Schedule...)
		c.edit(&s)
		d.Steps[5] = s
		err := d.Validate()
		ve, ok := err.(*ValidationError)
		if !ok {
			t.Errorf("%s: want a ValidationError, got %v", name, err)
			continue
		}
		found := false
		for _, p := range ve.Problems {
			found = found || p.Path == c.path
		}
		if !found {
			t.Errorf("%s: no problem at %s: %v", name, c.path, err)
		}
	}
}
