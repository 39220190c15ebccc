package projection

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// sequentialDeal is a two-class deal with no interest anywhere, so every
// cent collected is principal: A 600,000 then B 400,000 on a 1,000,000
// pool, sized on notes over pool, paid on the 15th from 2025-01-15.
func sequentialDeal(t *testing.T) Deal {
	t.Helper()
	zero := decimal.Zero
	def := waterfall.Definition{
		Version: 1, Deal: "SEQ", ClosingDate: date(2025, time.January, 15),
		InitialPoolBalance: amt(t, "1000000.00"), DayCount: "30/360",
		Classes: []waterfall.Class{
			{Name: "A", Rank: 1, OriginalBalance: amt(t, "600000.00"), Coupon: &waterfall.Coupon{Fixed: &zero}},
			{Name: "B", Rank: 2, OriginalBalance: amt(t, "400000.00"), Coupon: &waterfall.Coupon{Fixed: &zero}},
			{Name: "R", Rank: 3, Residual: true},
		},
		Steps: []waterfall.Step{
			waterfall.InterestStep{Classes: []string{"A", "B"}},
			waterfall.PrincipalStep{Amount: waterfall.NotesOverPool, Allocation: waterfall.SequentialAllocation, Classes: []string{"A", "B"}},
			waterfall.ResidualStep{Class: "R"},
		},
	}
	st, err := waterfall.NewState(def)
	if err != nil {
		t.Fatal(err)
	}
	return Deal{Definition: def, State: st, PaymentDay: 15}
}

// One zero-rate loan of 1,000,000 over 4 months pays 250,000 a month. A
// gets 250,000, 250,000, 100,000 in months 1-3; B 150,000 and 250,000 in
// months 3-4. WAL(A) = (1×250 + 2×250 + 3×100) ÷ 600 ÷ 12 = 0.145833
// years; WAL(B) = (3×150 + 4×250) ÷ 400 ÷ 12 = 0.302083. At par and a
// zero coupon both yield 0, and A's modified duration at 0 is its
// cash-weighted life less nothing: Σ t·CF ÷ PV = 0.145833 (no discounting).
func TestSequentialWAL(t *testing.T) {
	deal := sequentialDeal(t)
	loans := []Loan{{ID: "L", Balance: amt(t, "1000000.00"), Rate: decimal.Zero, RemainingTerm: 4, Count: 1}}
	a := Assumptions{Prepayment: Prepayment{Kind: CPR}, Defaults: Defaults{Kind: CDR}}
	p, err := Analyze(deal, loans, a, Pricing{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Pool) != 4 {
		t.Fatalf("%d periods, want 4", len(p.Pool))
	}
	wantPrincipal := map[string][]string{"A": {"250000.00", "250000.00", "100000.00", "0.00"}, "B": {"0.00", "0.00", "150000.00", "250000.00"}}
	for _, c := range p.Classes[:2] {
		for i, f := range c.Flows {
			if f.Principal != amt(t, wantPrincipal[c.Class][i]) {
				t.Errorf("class %s period %d principal %s, want %s", c.Class, f.Period, f.Principal, wantPrincipal[c.Class][i])
			}
		}
	}
	a1, b := p.Classes[0].Analytics, p.Classes[1].Analytics
	if a1.WAL != 0.1458 || b.WAL != 0.3021 {
		t.Errorf("WAL A %v B %v, want 0.1458 and 0.3021", a1.WAL, b.WAL)
	}
	if a1.FirstPrincipalPeriod != 1 || a1.LastPrincipalPeriod != 3 || b.FirstPrincipalPeriod != 3 || b.LastPrincipalPeriod != 4 {
		t.Errorf("windows A %d-%d B %d-%d, want 1-3 and 3-4", a1.FirstPrincipalPeriod, a1.LastPrincipalPeriod, b.FirstPrincipalPeriod, b.LastPrincipalPeriod)
	}
	if b.LastPrincipalDate != date(2025, time.May, 15) {
		t.Errorf("B's last principal on %s, want 2025-05-15", b.LastPrincipalDate)
	}
	if a1.Yield == nil || a1.ModifiedDuration == nil || math.Abs(*a1.Yield) > 1e-8 || math.Abs(*a1.ModifiedDuration-0.1458) > 1e-4 {
		t.Errorf("A at par: yield %v duration %v, want 0 and 0.1458", a1.Yield, a1.ModifiedDuration)
	}
}

// Priced at 98 a zero-coupon class yields more than 0, and pricing at
// that yield gives back 98; the modified duration matches the slope of
// the price by finite difference.
func TestYieldPriceRoundTrip(t *testing.T) {
	deal := sequentialDeal(t)
	loans := []Loan{{ID: "L", Balance: amt(t, "1000000.00"), Rate: decimal.Zero, RemainingTerm: 4, Count: 1}}
	a := Assumptions{Prepayment: Prepayment{Kind: CPR}, Defaults: Defaults{Kind: CDR}}
	p, err := Analyze(deal, loans, a, Pricing{DefaultPrice: dec("98")})
	if err != nil {
		t.Fatal(err)
	}
	b := p.Classes[1]
	if b.Analytics.Yield == nil || *b.Analytics.Yield <= 0 {
		t.Fatalf("yield at 98 = %v, want positive", b.Analytics.Yield)
	}
	y := decimal.NewFromFloat(*b.Analytics.Yield)
	p, err = Analyze(deal, loans, a, Pricing{Classes: []ClassPricing{{Class: "B", Price: dec("98"), Yield: &y}}})
	if err != nil {
		t.Fatal(err)
	}
	got := p.Classes[1].Analytics
	if got.PriceAtYield == nil || math.Abs(*got.PriceAtYield-98) > 1e-4 {
		t.Fatalf("price at the yield of 98 = %v, want 98", got.PriceAtYield)
	}
	var flows []cashFlow // payment dates on the 15th from the 15th: month k is k/12 years
	for _, f := range b.Flows {
		flows = append(flows, cashFlow{years: float64(f.Period) / 12, amount: float64(f.Principal + f.Interest)})
	}
	yy, h := *got.Yield, 1e-6
	slope := (presentValue(flows, yy-h) - presentValue(flows, yy+h)) / (2 * h) / presentValue(flows, yy)
	if math.Abs(slope-*got.ModifiedDuration) > 1e-3 {
		t.Errorf("modified duration %v, finite difference %v", got.ModifiedDuration, slope)
	}
}

// The CSV lists each class's flows, then the pool's.
func TestCSV(t *testing.T) {
	deal := sequentialDeal(t)
	loans := []Loan{{ID: "L", Balance: amt(t, "1000000.00"), Rate: decimal.Zero, RemainingTerm: 4, Count: 1}}
	p, err := Project(deal, loans, Assumptions{Prepayment: Prepayment{Kind: CPR}, Defaults: Defaults{Kind: CDR}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.CSV()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 1+3*4+4 {
		t.Fatalf("%d lines, want a header, 12 class rows and 4 pool rows:\n%s", len(lines), b)
	}
	for i, want := range map[int]string{
		1:  "A,1,2025-02-15,0.00,250000.00,0.00,0.00,0.00,350000.00",
		7:  "B,3,2025-04-15,0.00,150000.00,0.00,0.00,0.00,250000.00",
		16: "pool,4,2025-05-15,0.00,250000.00,0.00,0.00,0.00,0.00",
	} {
		if lines[i] != want {
			t.Errorf("line %d = %q, want %q", i, lines[i], want)
		}
	}
}

// The spread is the yield less the benchmark at the WAL, interpolated
// linearly: A (WAL 0.1458, yield 0 at par) over a curve of 1% at 0.1 years
// and 3% at 0.2 years is 0 − (1% + 2% × 0.458) = −191.6bp.
func TestSpreadOverInterpolatedBenchmark(t *testing.T) {
	deal := sequentialDeal(t)
	loans := []Loan{{ID: "L", Balance: amt(t, "1000000.00"), Rate: decimal.Zero, RemainingTerm: 4, Count: 1}}
	a := Assumptions{Prepayment: Prepayment{Kind: CPR}, Defaults: Defaults{Kind: CDR}}
	p, err := Analyze(deal, loans, a, Pricing{Benchmark: []CurvePoint{{Years: dec("0.1"), Rate: dec("0.01")}, {Years: dec("0.2"), Rate: dec("0.03")}}})
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Classes[0].Analytics.SpreadBP; s == nil || *s != -191.6 {
		t.Fatalf("spread %v, want -191.6bp", s)
	}
}

// A yield that cannot be solved is absent, with the reason, never 0: no
// flows at all; a price above what the flows are worth at the lowest
// yield (a class written down to 0.05 a month away from a 100.00 start is
// worth 5.00 at a monthly rate of −99%, not par);
// and a flow of 101 in a year priced at 100 solves to 0.995% (monthly
// compounding: 12 × (1.01^(1/12) − 1) = 0.0099543).
func TestUnsolvableYieldIsAbsentWithAReason(t *testing.T) {
	start := daycount.NewDate(2026, 1, 15)
	none := measure(start, ClassProjection{StartBalance: 10000}, 100, nil, nil)
	if none.Yield != nil || none.ModifiedDuration != nil || !strings.Contains(none.YieldProblem, "no cash") {
		t.Errorf("no flows: yield %v duration %v problem %q", none.Yield, none.ModifiedDuration, none.YieldProblem)
	}
	month := []ClassFlow{{Period: 1, PaymentDate: daycount.NewDate(2026, 2, 15), Principal: 5}}
	dear := measure(start, ClassProjection{StartBalance: 10000, Flows: month}, 100, nil, []CurvePoint{{Years: dec("1"), Rate: dec("0.04")}})
	if dear.Yield != nil || dear.SpreadBP != nil || !strings.Contains(dear.YieldProblem, "above") {
		t.Errorf("unreachable price: yield %v spread %v problem %q", dear.Yield, dear.SpreadBP, dear.YieldProblem)
	}
	year := []ClassFlow{{Period: 12, PaymentDate: daycount.NewDate(2027, 1, 15), Interest: 100, Principal: 10000}}
	ok := measure(start, ClassProjection{StartBalance: 10000, Flows: year}, 100, nil, nil)
	if ok.Yield == nil || math.Abs(*ok.Yield-0.0099543) > 1e-6 || ok.YieldProblem != "" {
		t.Errorf("101 in a year at 100: yield %v problem %q, want 0.0099543", ok.Yield, ok.YieldProblem)
	}
}
