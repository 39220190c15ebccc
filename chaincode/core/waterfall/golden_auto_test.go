package waterfall

import "testing"

// TestGoldenAutoDeal runs four periods of AUTO 2025-1 (testdata/auto_2025_1.json),
// a US auto-loan deal: A-1 (ACT/360) to A-4, B, C, D notes (30/360), a
// reserve account, an OC target of 8.5% of the current pool (floor 1.5% of
// the initial pool) built by the regular principal distribution amount, and
// a curable delinquency trigger that turns on full turbo.
//
// Every expected figure below was worked out by hand; the arithmetic is in
// the comments. Rounding is half-up to the cent on each line.
//
// Closing: pool 10,000,000.00; notes 800,000 + 3,600,000 + 2,400,000 +
// 1,000,000 + 600,000 + 500,000 + 400,000 = 9,300,000.00, so initial OC is
// 700,000.00 (7%) and must build to 8.5%. Reserve 20,000.00, target
// 0.25% × 10,000,000 = 25,000.00.
func TestGoldenAutoDeal(t *testing.T) {
	def := loadDefinition(t, "auto_2025_1.json")
	st, err := NewState(def)
	if err != nil {
		t.Fatal(err)
	}

	// Period 1: stub from closing 2025-01-27 to 2025-02-15.
	//   30/360 days = 30×(2−1) + (15−27) = 18;  ACT days = 4 (to Jan 31) + 15 = 19.
	// Pool: 10,000,000 − 180,000 − 95,000 − 5,000 defaults = 9,720,000.00.
	// Available = 78,000 + 180,000 + 95,000 + 1,000 recoveries = 354,000.00.
	// Delinquency 60+ = 30,000 + 10,000 = 40,000 / 9,720,000 = 0.0041152263 ≤ 0.02.
	// Servicing fee 10,000,000 × 1% / 12 = 8,333.333 → 8,333.33; trustee 250.00.
	// Interest:
	//   A-1   800,000 × 4.8% × 19/360 = 2,026.666 → 2,026.67
	//   A-2 3,600,000 × 4.5% × 18/360 = 8,100.00
	//   A-3 2,400,000 × 4.4% × 18/360 = 5,280.00
	//   A-4 1,000,000 × 4.6% × 18/360 = 2,300.00
	//   B     600,000 × 5.2% × 18/360 = 1,560.00
	//   C     500,000 × 5.8% × 18/360 = 1,450.00
	//   D     400,000 × 6.6% × 18/360 = 1,320.00
	// notesOverPool steps: A 7,800,000, A+B 8,400,000, A..C 8,900,000, A..D
	// 9,300,000 are all below the pool 9,720,000 → 0.
	// Reserve deposit 25,000 − 20,000 = 5,000.00.
	// Left: 354,000 − 8,333.33 − 250 − 17,706.67 − 1,560 − 1,450 − 1,320 − 5,000 = 318,380.00.
	// OC target = max(8.5% × 9,720,000 = 826,200.00, 1.5% × 10,000,000 = 150,000) = 826,200.00.
	// Regular = 9,300,000 − (9,720,000 − 826,200) = 406,200.00, due to A-1;
	// paid 318,380.00, shortfall 87,820.00. A-1 → 481,620.00. Residual 0.
	p1 := report{period: 1, start: "2025-01-27", end: "2025-02-15", beginning: "10000000.00",
		interest: "78000.00", sched: "180000.00", prepay: "95000.00", defaults: "5000.00", recoveries: "1000.00",
		dq30: "50000.00", dq60: "30000.00", dq90: "10000.00"}.toPeriod()
	res, err := Run(def, st, p1)
	if err != nil {
		t.Fatal(err)
	}
	checkPayments(t, "period 1", res.Payments, []string{
		"1 fee servicing 8333.33 8333.33",
		"2 fee trustee 250.00 250.00",
		"3 interest A-1 2026.67 2026.67",
		"3 interest A-2 8100.00 8100.00",
		"3 interest A-3 5280.00 5280.00",
		"3 interest A-4 2300.00 2300.00",
		"5 interest B 1560.00 1560.00",
		"7 interest C 1450.00 1450.00",
		"9 interest D 1320.00 1320.00",
		"11 reserve reserve 5000.00 5000.00",
		"12 principal A-1 406200.00 318380.00",
		"14 residual Certificates 0.00 0.00",
	})
	wantAmount(t, "period 1 available funds", res.AvailableFunds.Total, "354000.00")
	wantAmount(t, "period 1 OC target", res.Pool.OCTarget, "826200.00")
	wantAmount(t, "period 1 OC", res.Pool.Overcollateralization, "738380.00") // 9,720,000 − (9,300,000 − 318,380)
	wantAmount(t, "period 1 reserve", res.Reserves[0].EndingBalance, "25000.00")
	wantDecimal(t, "period 1 delinquency ratio", res.Triggers[0].Value, "0.0041152263")
	checkClasses(t, "period 1", res, []classWant{
		{class: "A-1", principal: "318380.00", ending: "481620.00"},
		{class: "A-2", principal: "0", ending: "3600000.00"},
		{class: "D", interestDue: "1320.00", interestPaid: "1320.00", ending: "400000.00"},
	})
	wantDecimal(t, "period 1 A-1 factor", res.Classes[0].Factor, "0.602025") // 481,620 / 800,000

	// Period 2: 2025-02-15 to 2025-03-15: 30/360 = 30 days, ACT = 28 days.
	// Pool: 9,720,000 − 175,000 − 90,000 − 6,000 = 9,449,000.00.
	// Available = 77,000 + 175,000 + 90,000 + 2,500 = 344,500.00.
	// Servicing 9,720,000 × 1% / 12 = 8,100.00; trustee 250.00.
	// Interest:
	//   A-1 481,620 × 4.8% × 28/360 = 23,117.76 × 28 / 360 = 1,798.048 → 1,798.05
	//   A-2 3,600,000 × 4.5%/12 = 13,500.00;  A-3 2,400,000 × 4.4%/12 = 8,800.00
	//   A-4 1,000,000 × 4.6%/12 = 3,833.333 → 3,833.33;  B 2,600.00
	//   C 500,000 × 5.8%/12 = 2,416.666 → 2,416.67;  D 2,200.00
	// Left for principal: 344,500 − 8,100 − 250 − 27,931.38 − 2,600 − 2,416.67 − 2,200 = 301,001.95
	// (reserve already at target: nothing due).
	// OC target = 8.5% × 9,449,000 = 803,165.00.
	// Regular = 8,981,620.00 − (9,449,000 − 803,165) = 335,785.00; paid 301,001.95 to A-1.
	// A-1 → 481,620 − 301,001.95 = 180,618.05.
	p2 := report{period: 2, start: "2025-02-15", end: "2025-03-15", beginning: "9720000.00",
		interest: "77000.00", sched: "175000.00", prepay: "90000.00", defaults: "6000.00", recoveries: "2500.00",
		dq30: "60000.00", dq60: "40000.00", dq90: "20000.00"}.toPeriod()
	res, err = Run(def, res.NewState, p2)
	if err != nil {
		t.Fatal(err)
	}
	checkPayments(t, "period 2", res.Payments, []string{
		"1 fee servicing 8100.00 8100.00",
		"2 fee trustee 250.00 250.00",
		"3 interest A-1 1798.05 1798.05",
		"3 interest A-2 13500.00 13500.00",
		"3 interest A-3 8800.00 8800.00",
		"3 interest A-4 3833.33 3833.33",
		"5 interest B 2600.00 2600.00",
		"7 interest C 2416.67 2416.67",
		"9 interest D 2200.00 2200.00",
		"12 principal A-1 335785.00 301001.95",
		"14 residual Certificates 0.00 0.00",
	})
	checkClasses(t, "period 2", res, []classWant{{class: "A-1", ending: "180618.05"}})

	// Period 3: 2025-03-15 to 2025-04-15: 30/360 = 30, ACT = 31.
	// Pool: 9,449,000 − 170,000 − 60,000 − 4,000 = 9,215,000.00.
	// Available = 76,000 + 170,000 + 60,000 + 3,000 = 309,000.00.
	// Servicing 9,449,000 × 1% / 12 = 7,874.1666 → 7,874.17; trustee 250.00.
	// A-1 interest 180,618.05 × 4.8% × 31/360 = 8,669.6664 × 31 / 360 = 746.5546 → 746.55;
	// the other classes as in period 2.
	// Left for principal: 309,000 − 7,874.17 − 250 − (746.55 + 13,500 + 8,800 + 3,833.33)
	//   − 2,600 − 2,416.67 − 2,200 = 266,779.28.
	// OC target = 8.5% × 9,215,000 = 783,275.00.
	// Regular = 8,680,618.05 − (9,215,000 − 783,275) = 248,893.05, paid in full:
	//   A-1 takes its whole 180,618.05, A-2 the next 68,275.00 → 3,531,725.00.
	// The OC target is reached: 9,215,000 − 8,431,725 = 783,275.
	// Residual = 266,779.28 − 248,893.05 = 17,886.23.
	p3 := report{period: 3, start: "2025-03-15", end: "2025-04-15", beginning: "9449000.00",
		interest: "76000.00", sched: "170000.00", prepay: "60000.00", defaults: "4000.00", recoveries: "3000.00",
		dq30: "80000.00", dq60: "60000.00", dq90: "30000.00"}.toPeriod()
	res, err = Run(def, res.NewState, p3)
	if err != nil {
		t.Fatal(err)
	}
	checkPayments(t, "period 3", res.Payments, []string{
		"1 fee servicing 7874.17 7874.17",
		"2 fee trustee 250.00 250.00",
		"3 interest A-1 746.55 746.55",
		"3 interest A-2 13500.00 13500.00",
		"3 interest A-3 8800.00 8800.00",
		"3 interest A-4 3833.33 3833.33",
		"5 interest B 2600.00 2600.00",
		"7 interest C 2416.67 2416.67",
		"9 interest D 2200.00 2200.00",
		"12 principal A-1 180618.05 180618.05",
		"12 principal A-2 68275.00 68275.00",
		"14 residual Certificates 17886.23 17886.23",
	})
	wantAmount(t, "period 3 OC", res.Pool.Overcollateralization, "783275.00")
	wantAmount(t, "period 3 OC target", res.Pool.OCTarget, "783275.00")
	wantAmount(t, "period 3 residual", res.ResidualPaid, "17886.23")
	checkClasses(t, "period 3", res, []classWant{
		{class: "A-1", ending: "0"}, {class: "A-2", principal: "68275.00", ending: "3531725.00"},
	})

	// Period 4: 2025-04-15 to 2025-05-15. Delinquency breaches: 60+ =
	// 150,000 + 40,000 = 190,000 / pool 8,990,000 = 0.0211345940 > 0.02 → turbo.
	// Pool: 9,215,000 − 168,000 − 52,000 − 5,000 = 8,990,000.00.
	// Available = 74,000 + 168,000 + 52,000 + 2,000 = 296,000.00.
	// Servicing 9,215,000 × 1% / 12 = 7,679.1666 → 7,679.17; trustee 250.00.
	// A-1 is paid off: no interest, no line. A-2 3,531,725 × 4.5%/12 = 13,243.96875 → 13,243.97.
	// Left for principal: 296,000 − 7,679.17 − 250 − (13,243.97 + 8,800 + 3,833.33)
	//   − 2,600 − 2,416.67 − 2,200 = 254,976.86.
	// OC target = 8.5% × 8,990,000 = 764,150.00.
	// Regular = 8,431,725 − (8,990,000 − 764,150) = 205,875.00 to A-2;
	// turbo: the remaining 49,101.86 to A-2 as well; residual 0.
	// A-2 → 3,531,725 − 254,976.86 = 3,276,748.14; factor 0.9102078166 (truncated).
	// OC = 8,990,000 − 8,176,748.14 = 813,251.86, above target.
	p4 := report{period: 4, start: "2025-04-15", end: "2025-05-15", beginning: "9215000.00",
		interest: "74000.00", sched: "168000.00", prepay: "52000.00", defaults: "5000.00", recoveries: "2000.00",
		dq30: "120000.00", dq60: "150000.00", dq90: "40000.00"}.toPeriod()
	res, err = Run(def, res.NewState, p4)
	if err != nil {
		t.Fatal(err)
	}
	checkPayments(t, "period 4", res.Payments, []string{
		"1 fee servicing 7679.17 7679.17",
		"2 fee trustee 250.00 250.00",
		"3 interest A-2 13243.97 13243.97",
		"3 interest A-3 8800.00 8800.00",
		"3 interest A-4 3833.33 3833.33",
		"5 interest B 2600.00 2600.00",
		"7 interest C 2416.67 2416.67",
		"9 interest D 2200.00 2200.00",
		"12 principal A-2 205875.00 205875.00",
		"13 principal A-2 49101.86 49101.86",
		"14 residual Certificates 0.00 0.00",
	})
	tr := res.Triggers[0]
	if !tr.Failed || !tr.Breached || tr.Effect != Turbo {
		t.Errorf("period 4 trigger = %+v, want breached turbo", tr)
	}
	wantDecimal(t, "period 4 delinquency ratio", tr.Value, "0.021134594")
	wantAmount(t, "period 4 OC", res.Pool.Overcollateralization, "813251.86")
	checkClasses(t, "period 4", res, []classWant{{class: "A-2", principal: "254976.86", ending: "3276748.14"}})
	wantDecimal(t, "period 4 A-2 factor", res.Classes[1].Factor, "0.9102078166")
	if s := res.NewState.Triggers[0]; !s.Breached || s.BreachedSince != 4 {
		t.Errorf("trigger state = %+v, want breached since 4", s)
	}
	if res.NewState.Reserves[0].Balance != amt("25000.00") {
		t.Errorf("reserve = %s, want 25000.00", res.NewState.Reserves[0].Balance)
	}
}
