package waterfall

import (
	"strings"
	"testing"
)

// TestGoldenLossesThenCleanUp runs LOSSES 2026-1 (testdata/losses_2026_1.json):
// sequential notes A, M, E equal to the pool; heavy defaults leave the notes
// above the pool, and loss allocation writes down E, then M; in period 3 the
// pool factor falls to 0.095 ≤ 0.10, the servicer exercises the clean-up
// call, the notes are paid off and the remainder goes to the residual. All
// classes accrue 30/360 from the 20th to the 20th: one month = rate / 12.
func TestGoldenLossesThenCleanUp(t *testing.T) {
	def := loadDefinition(t, "losses_2026_1.json")
	st, err := NewState(def)
	if err != nil {
		t.Fatal(err)
	}

	// Period 1: pool 1,000,000 − 300,000 − 50,000 − 90,000 = 560,000.00.
	// Available 6,000 + 300,000 + 50,000 + 10,000 = 366,000.00.
	// Servicing 1,000,000 × 1.2%/12 = 1,000.00.
	// Interest A 700,000 × 4%/12 = 2,333.333 → 2,333.33; M 150,000 × 6%/12 = 750.00;
	//          E 150,000 × 10%/12 = 1,250.00.
	// Principal due = 1,000,000 − 560,000 = 440,000.00 to A; left 366,000 − 1,000 −
	// 2,333.33 − 750 − 1,250 = 360,666.67 paid; A → 339,333.33.
	// Notes 339,333.33 + 150,000 + 150,000 = 639,333.33 exceed the pool by 79,333.33:
	// written down from E, the most junior → E 70,666.67.
	p1 := report{period: 1, start: "2026-01-20", end: "2026-02-20", beginning: "1000000.00",
		interest: "6000.00", sched: "300000.00", prepay: "50000.00", defaults: "90000.00", recoveries: "10000.00"}.toPeriod()
	res, err := Run(def, st, p1)
	if err != nil {
		t.Fatal(err)
	}
	checkPayments(t, "period 1", res.Payments, []string{
		"0 fee servicing 1000.00 1000.00",
		"1 interest A 2333.33 2333.33",
		"2 interest M 750.00 750.00",
		"3 interest E 1250.00 1250.00",
		"4 principal A 440000.00 360666.67",
		"7 residual R 0.00 0.00",
	})
	checkClasses(t, "period 1", res, []classWant{
		{class: "A", principal: "360666.67", writeDown: "0", ending: "339333.33"},
		{class: "M", writeDown: "0", ending: "150000.00"},
		{class: "E", writeDown: "79333.33", ending: "70666.67"},
	})

	// Period 2: pool 560,000 − 200,000 − 60,000 − 100,000 = 200,000.00.
	// Available 3,500 + 200,000 + 60,000 + 5,000 = 268,500.00.
	// Servicing 560,000 × 0.1% = 560.00.
	// Interest A 339,333.33 × 4%/12 = 1,131.111 → 1,131.11; M 750.00;
	//          E 70,666.67 × 10%/12 = 588.8889 → 588.89.
	// Principal due = 560,000 − 200,000 = 360,000: A 339,333.33 then M 20,666.67.
	// Left 268,500 − 560 − 1,131.11 − 750 − 588.89 = 265,470.00, all to A → 73,863.33.
	// Notes 73,863.33 + 150,000 + 70,666.67 = 294,530.00, pool 200,000: excess 94,530.00
	// writes E off (70,666.67) and M down by the rest, 23,863.33 → M 126,136.67.
	p2 := report{period: 2, start: "2026-02-20", end: "2026-03-20", beginning: "560000.00",
		interest: "3500.00", sched: "200000.00", prepay: "60000.00", defaults: "100000.00", recoveries: "5000.00"}.toPeriod()
	res, err = Run(def, res.NewState, p2)
	if err != nil {
		t.Fatal(err)
	}
	checkPayments(t, "period 2", res.Payments, []string{
		"0 fee servicing 560.00 560.00",
		"1 interest A 1131.11 1131.11",
		"2 interest M 750.00 750.00",
		"3 interest E 588.89 588.89",
		"4 principal A 339333.33 265470.00",
		"4 principal M 20666.67 0.00",
		"7 residual R 0.00 0.00",
	})
	checkClasses(t, "period 2", res, []classWant{
		{class: "A", ending: "73863.33"},
		{class: "M", writeDown: "23863.33", ending: "126136.67"},
		{class: "E", writeDown: "70666.67", ending: "0"},
	})
	if got := res.NewState.Classes[2].WrittenDown; got != amt("150000.00") {
		t.Errorf("E principal deficiency ledger = %s, want 150000.00", got)
	}

	// Period 3: pool 200,000 − 80,000 − 25,000 − 0 = 95,000.00: factor 0.095 ≤ 0.10,
	// clean-up exercised at a price of 95,000.00.
	// Available 1,400 + 80,000 + 25,000 + 1,000 + 95,000 = 202,400.00.
	// Servicing 200,000 × 0.1% = 200.00.
	// Interest A 73,863.33 × 4%/12 = 246.2111 → 246.21; M 126,136.67 × 0.5% = 630.683 → 630.68;
	//          E has no balance: nothing.
	// Principal due = 200,000 − 95,000 = 105,000: A 73,863.33, M 31,136.67, paid.
	// Clean-up call pays M's remaining 95,000.00. Left: 202,400 − 200 − 246.21 − 630.68
	//   − 105,000 − 95,000 = 1,323.11 to the residual. Nothing left to write down.
	p3 := report{period: 3, start: "2026-03-20", end: "2026-04-20", beginning: "200000.00",
		interest: "1400.00", sched: "80000.00", prepay: "25000.00", recoveries: "1000.00",
		cleanUp: true, cleanUpProceeds: "95000.00"}.toPeriod()
	res, err = Run(def, res.NewState, p3)
	if err != nil {
		t.Fatal(err)
	}
	checkPayments(t, "period 3", res.Payments, []string{
		"0 fee servicing 200.00 200.00",
		"1 interest A 246.21 246.21",
		"2 interest M 630.68 630.68",
		"4 principal A 73863.33 73863.33",
		"4 principal M 31136.67 31136.67",
		"5 cleanUpCall M 95000.00 95000.00",
		"7 residual R 1323.11 1323.11",
	})
	wantAmount(t, "period 3 available", res.AvailableFunds.Total, "202400.00")
	wantAmount(t, "period 3 clean-up proceeds", res.AvailableFunds.CleanUpProceeds, "95000.00")
	checkClasses(t, "period 3", res, []classWant{
		{class: "A", ending: "0"}, {class: "M", principal: "126136.67", writeDown: "0", ending: "0"}, {class: "E", ending: "0"},
	})
	if !res.CleanUpCall || !res.NewState.CleanUpCalled || res.NewState.PoolBalance != 0 {
		t.Errorf("clean-up not recorded: %v %v pool %s", res.CleanUpCall, res.NewState.CleanUpCalled, res.NewState.PoolBalance)
	}
	if got := res.NewState.Classes[1].WrittenDown; got != amt("23863.33") {
		t.Errorf("M principal deficiency ledger = %s, want 23863.33", got)
	}

	// The deal is over: a fourth period is refused.
	p4 := report{period: 4, start: "2026-04-20", end: "2026-05-20", beginning: "0"}.toPeriod()
	if _, err := Run(def, res.NewState, p4); err == nil || !strings.Contains(err.Error(), "state.cleanUpCalled") {
		t.Errorf("period after clean-up: err = %v, want state.cleanUpCalled", err)
	}
}
