package waterfall

import "testing"

// TestGoldenProRataDeal runs PRORATA 2025-2 (testdata/prorata_2025_2.json):
// notes equal to the pool, principal = notes over pool paid pro rata to
// A-a, A-b (equal rank; A-b floats at SOFR + 0.50%), B and C, until the
// non-curable cumulative net loss trigger breaches and principal turns
// sequential for good. Arithmetic by hand in the comments.
func TestGoldenProRataDeal(t *testing.T) {
	def := loadDefinition(t, "prorata_2025_2.json")
	st, err := NewState(def)
	if err != nil {
		t.Fatal(err)
	}

	// Period 1: 2025-05-15 to 2025-06-15: 30/360 = 30, ACT = 31. SOFR 4.30% → A-b 4.80%.
	// Pool 1,000,000 − 20,000 − 10,000 − 3,000 = 967,000.00.
	// Available 7,500 + 20,000 + 10,000 + 500 = 38,000.00.
	// CNL (3,000 − 500) / 1,000,000 = 0.0025 ≤ 0.005: pro rata.
	// Servicing 1,000,000 × 0.5% / 12 = 416.666 → 416.67.
	// Interest: A-a 480,000 × 4.2%/12 = 1,680.00; A-b 320,000 × 4.8% × 31/360 = 1,322.666 → 1,322.67;
	//           B 150,000 × 6%/12 = 750.00; C 50,000 × 9%/12 = 375.00.
	// Principal = 1,000,000 − 967,000 = 33,000.00, pro rata 48 : 32 : 15 : 5 →
	//   15,840.00 / 10,560.00 / 4,950.00 / 1,650.00.
	// Residual = 38,000 − 416.67 − 3,002.67 − 750 − 375 − 33,000 = 455.66.
	p1 := report{period: 1, start: "2025-05-15", end: "2025-06-15", beginning: "1000000.00",
		interest: "7500.00", sched: "20000.00", prepay: "10000.00", defaults: "3000.00", recoveries: "500.00",
		fixings: map[string]string{"SOFR": "0.043"}}.toPeriod()
	res, err := Run(def, st, p1)
	if err != nil {
		t.Fatal(err)
	}
	checkPayments(t, "period 1", res.Payments, []string{
		"1 fee servicing 416.67 416.67",
		"2 interest A-a 1680.00 1680.00",
		"2 interest A-b 1322.67 1322.67",
		"3 interest B 750.00 750.00",
		"4 interest C 375.00 375.00",
		"5 principal A-a 15840.00 15840.00",
		"5 principal A-b 10560.00 10560.00",
		"5 principal B 4950.00 4950.00",
		"5 principal C 1650.00 1650.00",
		"6 residual R 455.66 455.66",
	})
	wantDecimal(t, "period 1 A-b rate", res.Classes[1].InterestRate, "0.048")
	if tr := res.Triggers[0]; tr.Breached || !tr.Value.Equal(dec("0.0025")) {
		t.Errorf("period 1 trigger = %+v, want 0.0025 not breached", tr)
	}

	// Period 2: 2025-06-15 to 2025-07-15: 30 days both ways. SOFR 4.25% → A-b 4.75%.
	// Pool 967,000 − 19,000 − 9,000 − 4,500 = 934,500.00.
	// Available 7,200 + 19,000 + 9,000 + 300 = 35,500.00.
	// CNL 2,500 + 4,500 − 300 = 6,700 → 0.0067 > 0.005: BREACHED, principal now sequential.
	// Servicing 967,000 × 0.5% / 12 = 402.9166 → 402.92.
	// Interest: A-a 464,160 × 4.2%/12 = 1,624.56; A-b 309,440 × 4.75% × 30/360 = 1,224.8666 → 1,224.87;
	//           B 145,050 × 0.5% = 725.25; C 48,350 × 0.75% = 362.625 → 362.63.
	// Left 35,500 − 402.92 − 2,849.43 − 725.25 − 362.63 = 31,159.77.
	// Principal due 967,000 − 934,500 = 32,500.00, all to rank 1, pro rata by balance
	//   464,160 : 309,440 = 0.6 : 0.4 → due 19,500.00 / 13,000.00.
	// Paid 31,159.77 split by those dues: 3,115,977¢ × 0.6 = 1,869,586.2, × 0.4 = 1,246,390.8;
	//   the leftover cent goes to the larger remainder (A-b) → 18,695.86 / 12,463.91.
	// Shortfall 1,340.23: notes 935,840.23 exceed the pool 934,500 by that much.
	p2 := report{period: 2, start: "2025-06-15", end: "2025-07-15", beginning: "967000.00",
		interest: "7200.00", sched: "19000.00", prepay: "9000.00", defaults: "4500.00", recoveries: "300.00",
		fixings: map[string]string{"SOFR": "0.0425"}}.toPeriod()
	res, err = Run(def, res.NewState, p2)
	if err != nil {
		t.Fatal(err)
	}
	checkPayments(t, "period 2", res.Payments, []string{
		"1 fee servicing 402.92 402.92",
		"2 interest A-a 1624.56 1624.56",
		"2 interest A-b 1224.87 1224.87",
		"3 interest B 725.25 725.25",
		"4 interest C 362.63 362.63",
		"5 principal A-a 19500.00 18695.86",
		"5 principal A-b 13000.00 12463.91",
		"6 residual R 0.00 0.00",
	})
	if tr := res.Triggers[0]; !tr.Failed || !tr.Breached || !tr.Value.Equal(dec("0.0067")) {
		t.Errorf("period 2 trigger = %+v, want 0.0067 breached", tr)
	}
	wantAmount(t, "period 2 OC", res.Pool.Overcollateralization, "-1340.23")
	checkClasses(t, "period 2", res, []classWant{
		{class: "A-a", ending: "445464.14"}, {class: "A-b", ending: "296976.09"},
		{class: "B", principal: "0", ending: "145050.00"}, {class: "C", principal: "0", ending: "48350.00"},
	})

	// Period 3: 2025-07-15 to 2025-08-15: 30/360 = 30, ACT = 31. SOFR 4.20% → A-b 4.70%.
	// Pool 934,500 − 18,500 − 12,000 − 1,000 = 903,000.00.
	// Available 7,000 + 18,500 + 12,000 + 1,200 = 38,700.00.
	// CNL 6,700 + 1,000 − 1,200 = 6,500 → 0.0065, below this period's threshold 0.01:
	// the test passes (failed = false) but the trigger is not curable, so it stays breached.
	// Servicing 934,500 × 0.5% / 12 = 389.375 → 389.38.
	// Interest: A-a 445,464.14 × 0.35% = 1,559.1245 → 1,559.12;
	//           A-b 296,976.09 × 4.7% × 31/360 = 13,957.87623 × 31 / 360 = 1,201.928 → 1,201.93;
	//           B 725.25; C 362.63.
	// Left 38,700 − 389.38 − 2,761.05 − 725.25 − 362.63 = 34,461.69.
	// Principal due = notes 935,840.23 − pool 903,000 = 32,840.23 (this catches up last
	// period's 1,340.23), sequential → rank 1 pro rata 445,464.14 : 296,976.09:
	//   3,284,023¢ × 44,546,414 / 74,244,023 = 1,970,413.81, the rest 1,313,609.19;
	//   the leftover cent to the larger remainder (A-a) → 19,704.14 / 13,136.09, paid in full.
	// Notes = 425,760 + 283,840 + 145,050 + 48,350 = 903,000 = pool.
	// Residual = 34,461.69 − 32,840.23 = 1,621.46.
	p3 := report{period: 3, start: "2025-07-15", end: "2025-08-15", beginning: "934500.00",
		interest: "7000.00", sched: "18500.00", prepay: "12000.00", defaults: "1000.00", recoveries: "1200.00",
		fixings: map[string]string{"SOFR": "0.042"}}.toPeriod()
	res, err = Run(def, res.NewState, p3)
	if err != nil {
		t.Fatal(err)
	}
	checkPayments(t, "period 3", res.Payments, []string{
		"1 fee servicing 389.38 389.38",
		"2 interest A-a 1559.12 1559.12",
		"2 interest A-b 1201.93 1201.93",
		"3 interest B 725.25 725.25",
		"4 interest C 362.63 362.63",
		"5 principal A-a 19704.14 19704.14",
		"5 principal A-b 13136.09 13136.09",
		"6 residual R 1621.46 1621.46",
	})
	tr := res.Triggers[0]
	if tr.Failed || !tr.Breached || tr.Cured || !tr.Threshold.Equal(dec("0.01")) {
		t.Errorf("period 3 trigger = %+v, want latched (passes, still breached)", tr)
	}
	if s := res.NewState.Triggers[0]; !s.Breached || s.BreachedSince != 2 {
		t.Errorf("trigger state = %+v, want breached since 2", s)
	}
	wantAmount(t, "period 3 OC", res.Pool.Overcollateralization, "0")
	checkClasses(t, "period 3", res, []classWant{
		{class: "A-a", ending: "425760.00"}, {class: "A-b", ending: "283840.00"},
		{class: "B", ending: "145050.00"}, {class: "C", ending: "48350.00"},
	})
}
