package waterfall

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// miniDeal is a two-note deal small enough to check every cent by hand:
// pool 100,000.00; A 80,000 at 6% and B 20,000 at 12% (interest on unpaid
// interest), both 30/360 so a month is rate/12; a 100.00 servicing fee
// capped at 60.00 a period; a 1,000.00 reserve with a 1%-of-initial-pool
// target.
func miniDeal() Definition {
	fixed := func(s string) *Coupon { r := dec(s); return &Coupon{Fixed: &r} }
	return Definition{
		Version: 1, Deal: "MINI", ClosingDate: day("2025-01-15"), InitialPoolBalance: amt("100000.00"),
		DayCount: "30/360",
		Classes: []Class{
			{Name: "A", Rank: 1, OriginalBalance: amt("80000.00"), Coupon: fixed("0.06")},
			{Name: "B", Rank: 2, OriginalBalance: amt("20000.00"), Coupon: fixed("0.12"), InterestOnUnpaidInterest: true},
			{Name: "R", Rank: 3, Residual: true},
		},
		Fees:     []Fee{{Name: "servicing", Fixed: amt("100.00"), CapPerPeriod: amt("60.00")}},
		Reserves: []ReserveAccount{{Name: "rsv", InitialBalance: amt("1000.00"), Target: PoolTarget{Fraction: dec("0.01"), Of: InitialPool}}},
		Steps: []Step{
			FeeStep{Fee: "servicing"},
			InterestStep{Classes: []string{"A"}, ReserveDraw: "rsv"},
			InterestStep{Classes: []string{"B"}},
			PrincipalStep{Classes: []string{"A", "B"}, Amount: NotesOverPool, Allocation: SequentialAllocation},
			FeeStep{Fee: "servicing", Excess: true},
			ReserveStep{Account: "rsv", Action: Deposit},
			ResidualStep{Class: "R"},
		},
	}
}

func TestFeeCapReserveDrawAndInterestCarryForward(t *testing.T) {
	def := miniDeal()
	st, err := NewState(def)
	if err != nil {
		t.Fatal(err)
	}
	// Period 1: only 300.00 of interest comes in; pool unchanged at 100,000.
	//   fee owed 100, capped at 60 → 240 left.
	//   A due 80,000 × 0.5% = 400: short 160, drawn from the reserve (1,000 → 840) → paid 400.
	//   B due 20,000 × 1% = 200: nothing left, 200 carried.
	//   Principal: notes 100,000 − pool 100,000 = 0.
	//   Fee excess step: 40 owed, nothing paid, carried.
	//   Reserve deposit: target 1,000 − 840 = 160 due, nothing paid.
	res, err := Run(def, st, report{period: 1, start: "2025-01-15", end: "2025-02-15",
		beginning: "100000.00", interest: "300.00"}.toPeriod())
	if err != nil {
		t.Fatal(err)
	}
	checkPayments(t, "period 1", res.Payments, []string{
		"0 fee servicing 60.00 60.00",
		"1 interest A 400.00 400.00",
		"2 interest B 200.00 0.00",
		"4 fee servicing 40.00 0.00",
		"5 reserve rsv 160.00 0.00",
		"6 residual R 0.00 0.00",
	})
	wantAmount(t, "reserve draw", res.AvailableFunds.ReserveDraws, "160.00")
	wantAmount(t, "available incl. draw", res.AvailableFunds.Total, "460.00")
	wantAmount(t, "reserve end", res.NewState.Reserves[0].Balance, "840.00")
	wantAmount(t, "fee carried", res.NewState.Fees[0].Unpaid, "40.00")
	wantAmount(t, "B unpaid", res.NewState.Classes[1].UnpaidInterest, "200.00")

	// Period 2: 1,000.00 of interest.
	//   fee owed 40 carried + 100 = 140, capped at 60 → 940 left.
	//   A 400 → 540 left.
	//   B: 200 current + 200 carried + 1% on the carried 200 = 2.00 → 402.00 → 138 left.
	//   Fee excess: the other 80 → 58 left.
	//   Reserve: 160 due, 58 paid → 898.00.
	res, err = Run(def, res.NewState, report{period: 2, start: "2025-02-15", end: "2025-03-15",
		beginning: "100000.00", interest: "1000.00"}.toPeriod())
	if err != nil {
		t.Fatal(err)
	}
	checkPayments(t, "period 2", res.Payments, []string{
		"0 fee servicing 60.00 60.00",
		"1 interest A 400.00 400.00",
		"2 interest B 402.00 402.00",
		"4 fee servicing 80.00 80.00",
		"5 reserve rsv 160.00 58.00",
		"6 residual R 0.00 0.00",
	})
	b := res.Classes[1]
	if b.UnpaidInterestBefore != amt("200.00") || b.InterestOnUnpaid != amt("2.00") || b.UnpaidInterest != 0 {
		t.Errorf("B interest = %+v", b)
	}
	if f := res.Fees[0]; f.UnpaidBefore != amt("40.00") || f.Accrued != amt("100.00") || f.Paid != amt("140.00") || f.Unpaid != 0 {
		t.Errorf("fee = %+v", f)
	}
	wantAmount(t, "reserve end", res.NewState.Reserves[0].Balance, "898.00")
}

// accelerationDeal adds to miniDeal an OC test on class A whose breach is an
// event of default, and an acceleration waterfall.
func accelerationDeal() Definition {
	def := miniDeal()
	def.Fees[0].CapPerPeriod = 0
	def.Reserves = nil
	def.Triggers = []Trigger{{Name: "A OC", Test: Overcollateralization, Classes: []string{"A"},
		Schedule: []Threshold{{FromPeriod: 1, Value: dec("1.00")}}, Effect: EventOfDefault}}
	def.Steps = []Step{
		TriggerStep{Triggers: []string{"A OC"}},
		FeeStep{Fee: "servicing"},
		InterestStep{Classes: []string{"A"}},
		InterestStep{Classes: []string{"B"}},
		PrincipalStep{Classes: []string{"A", "B"}, Amount: NotesOverPool, Allocation: SequentialAllocation},
		ResidualStep{Class: "R"},
	}
	def.AccelerationSteps = []Step{
		FeeStep{Fee: "servicing"},
		InterestStep{Classes: []string{"A", "B"}},
		PrincipalStep{Classes: []string{"A", "B"}, Amount: RemainingFunds, Allocation: SequentialAllocation},
		ResidualStep{Class: "R"},
	}
	return def
}

func TestEventOfDefaultAccelerates(t *testing.T) {
	def := accelerationDeal()
	st, err := NewState(def)
	if err != nil {
		t.Fatal(err)
	}
	// Period 1: pool 100,000 − 200 − 25,000 defaults = 74,800; A OC = 74,800 / 80,000
	// = 0.935 < 1.00: event of default, the acceleration steps pay this period.
	// Available 300 + 200 = 500. Fee 100 → 400 left.
	// Interest A 400 and B 200 pro rata by amount due: 40,000¢ × 2/3 = 26,666.67,
	// × 1/3 = 13,333.33; the leftover cent to A → 266.67 / 133.33.
	// Nothing left for principal; residual 0.
	res, err := Run(def, st, report{period: 1, start: "2025-01-15", end: "2025-02-15", beginning: "100000.00",
		interest: "300.00", sched: "200.00", defaults: "25000.00"}.toPeriod())
	if err != nil {
		t.Fatal(err)
	}
	if !res.Accelerated || !res.EventOfDefault || !res.NewState.Accelerated || !res.NewState.EventOfDefault {
		t.Fatalf("not accelerated: %+v", res)
	}
	wantDecimal(t, "A OC", res.Triggers[0].Value, "0.935")
	checkPayments(t, "period 1", res.Payments, []string{
		"0 fee servicing 100.00 100.00",
		"1 interest A 400.00 266.67",
		"1 interest B 200.00 133.33",
		"3 residual R 0.00 0.00",
	})

	// Period 2 starts accelerated. Available 2,000 + 3,000 = 5,000. Fee 100.
	// A: 400 + 133.33 carried = 533.33. B: 200 + 66.67 carried + 1% × 66.67 = 0.6667 → 0.67
	// = 267.34. Left 5,000 − 100 − 800.67 = 4,099.33, all principal to A.
	res, err = Run(def, res.NewState, report{period: 2, start: "2025-02-15", end: "2025-03-15", beginning: "74800.00",
		interest: "2000.00", sched: "3000.00"}.toPeriod())
	if err != nil {
		t.Fatal(err)
	}
	checkPayments(t, "period 2", res.Payments, []string{
		"0 fee servicing 100.00 100.00",
		"1 interest A 533.33 533.33",
		"1 interest B 267.34 267.34",
		"2 principal A 4099.33 4099.33",
		"3 residual R 0.00 0.00",
	})
	if len(res.Triggers) != 0 {
		t.Errorf("acceleration steps test no trigger, got %+v", res.Triggers)
	}
}

func TestDeclaredEventOfDefault(t *testing.T) {
	def := accelerationDeal()
	st, _ := NewState(def)
	p := report{period: 1, start: "2025-01-15", end: "2025-02-15", beginning: "100000.00",
		interest: "1000.00", sched: "500.00"}.toPeriod()
	p.DeclareEventOfDefault = true
	res, err := Run(def, st, p)
	if err != nil {
		t.Fatal(err)
	}
	// Pool 99,500 ≥ A: the OC test would pass, but the trustee declared a default.
	// Available 1,500 − fee 100 − interest 600 = 800, all to A as principal.
	if !res.Accelerated || len(res.Triggers) != 0 {
		t.Fatalf("accelerated %v, triggers %+v", res.Accelerated, res.Triggers)
	}
	checkPayments(t, "declared", res.Payments, []string{
		"0 fee servicing 100.00 100.00",
		"1 interest A 400.00 400.00",
		"1 interest B 200.00 200.00",
		"2 principal A 800.00 800.00",
		"3 residual R 0.00 0.00",
	})
}

func TestCurableTriggerCures(t *testing.T) {
	def := loadDefinition(t, "prorata_2025_2.json")
	def.Triggers[0].Curable = true
	results, err := Replay(def, mustState(t, def), prorataPeriods())
	if err != nil {
		t.Fatal(err)
	}
	// Period 2 breaches (0.0067 > 0.005); period 3 measures 0.0065 ≤ 0.01 and,
	// the trigger being curable, cures: principal is pro rata to all four classes again.
	p2, p3 := results[1], results[2]
	if !p2.Triggers[0].Breached || p3.Triggers[0].Breached || !p3.Triggers[0].Cured {
		t.Fatalf("trigger: period 2 %+v, period 3 %+v", p2.Triggers[0], p3.Triggers[0])
	}
	if p3.NewState.Triggers[0].Breached || p3.NewState.Triggers[0].BreachedSince != 0 {
		t.Errorf("state after cure = %+v", p3.NewState.Triggers[0])
	}
	var total int64
	for _, c := range p3.Classes[:4] {
		if c.PrincipalPaid <= 0 {
			t.Errorf("class %s paid no principal after the cure", c.Class)
		}
		total += c.PrincipalPaid.Cents()
	}
	if total != amt("32840.23").Cents() {
		t.Errorf("principal = %d¢, want 32840.23 (notes 935,840.23 − pool 903,000)", total)
	}
}

func TestCouponRate(t *testing.T) {
	p := func(s string) *decimal.Decimal { d := dec(s); return &d }
	fix := map[string]decimal.Decimal{"SOFR": dec("0.0431"), "NEG": dec("-0.004")}
	cases := []struct {
		name   string
		coupon Coupon
		want   string
	}{
		{"fixed", Coupon{Fixed: p("0.0525")}, "0.0525"},
		{"index + margin", Coupon{Index: "SOFR", Margin: dec("0.0045")}, "0.0476"},
		{"capped", Coupon{Index: "SOFR", Margin: dec("0.0045"), Cap: p("0.045")}, "0.045"},
		{"floored", Coupon{Index: "NEG", Margin: dec("0.001"), Floor: p("0.0005")}, "0.0005"},
		{"never negative", Coupon{Index: "NEG", Margin: dec("0.001")}, "0"},
	}
	for _, c := range cases {
		got, err := couponRate(Class{Name: "X", Coupon: &c.coupon}, fix)
		if err != nil || !got.Equal(dec(c.want)) {
			t.Errorf("%s: %s, %v; want %s", c.name, got, err, c.want)
		}
	}
}

func TestMissingFixingIsRefused(t *testing.T) {
	def := loadDefinition(t, "prorata_2025_2.json")
	p := prorataPeriods()[0]
	p.IndexFixings = map[string]decimal.Decimal{"EURIBOR": dec("0.02")}
	_, err := Run(def, mustState(t, def), p)
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Path != "period.indexFixings" || !strings.Contains(err.Error(), `"SOFR"`) {
		t.Fatalf("err = %v, want a period.indexFixings error naming SOFR", err)
	}
}

func TestReplayChainsAndNamesTheFailingPeriod(t *testing.T) {
	def := loadDefinition(t, "prorata_2025_2.json")
	st := mustState(t, def)
	periods := prorataPeriods()
	results, err := Replay(def, st, periods)
	if err != nil || len(results) != 3 {
		t.Fatalf("replay: %d results, %v", len(results), err)
	}
	// Replay gives the same bytes as running the periods one by one.
	for i := range periods {
		one, err := Run(def, st, periods[i])
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(one)
		b, _ := json.Marshal(results[i])
		if string(a) != string(b) {
			t.Fatalf("period %d: replay differs from run", i+1)
		}
		st = one.NewState
	}
	periods[1].EndingPoolBalance += 1 // the pool no longer rolls forward

	results, err = Replay(def, mustState(t, def), periods)
	if len(results) != 1 || err == nil || !strings.Contains(err.Error(), "periods[1] (period 2)") ||
		!strings.Contains(err.Error(), "period.endingPoolBalance") {
		t.Fatalf("replay with a bad period 2: %d results, %v", len(results), err)
	}
}

func mustState(t testing.TB, def Definition) State {
	t.Helper()
	st, err := NewState(def)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// prorataPeriods are the three reports of TestGoldenProRataDeal.
func prorataPeriods() []Period {
	return []Period{
		report{period: 1, start: "2025-05-15", end: "2025-06-15", beginning: "1000000.00",
			interest: "7500.00", sched: "20000.00", prepay: "10000.00", defaults: "3000.00", recoveries: "500.00",
			fixings: map[string]string{"SOFR": "0.043"}}.toPeriod(),
		report{period: 2, start: "2025-06-15", end: "2025-07-15", beginning: "967000.00",
			interest: "7200.00", sched: "19000.00", prepay: "9000.00", defaults: "4500.00", recoveries: "300.00",
			fixings: map[string]string{"SOFR": "0.0425"}}.toPeriod(),
		report{period: 3, start: "2025-07-15", end: "2025-08-15", beginning: "934500.00",
			interest: "7000.00", sched: "18500.00", prepay: "12000.00", defaults: "1000.00", recoveries: "1200.00",
			fixings: map[string]string{"SOFR": "0.042"}}.toPeriod(),
	}
}
