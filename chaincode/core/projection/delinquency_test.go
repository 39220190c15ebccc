package projection

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// Worked by hand, zero rates so every figure is a division. L1 is current,
// 1,200.00 over 12 months; L2 is 1,000.00 two payments behind (60-89
// days), three buckets before charge-off, severity 50%, no lag.
// Month 1: L2 rolls to 90+; L1 pays 1,200 ÷ 12 = 100.00; the pool ends at
// 1,100.00 + 1,000.00 = 2,100.00 with 1,000.00 90+ days late.
// Month 2: L2 leaves the last bucket: 1,000.00 charged off, 500.00
// recovered at once; L1 pays 1,100 ÷ 11 = 100.00; the pool is 1,000.00.
func TestDelinquentLoansStartInTheirBucket(t *testing.T) {
	c := newCollateral([]Loan{
		{ID: "L1", Balance: amt(t, "1200.00"), Rate: dec("0"), RemainingTerm: 12, Count: 1},
		{ID: "L2", Balance: amt(t, "1000.00"), Rate: dec("0"), RemainingTerm: 24, Count: 1, MonthsPastDue: 2},
	}, 3)
	if c.total() != 220000 || c.performing != 120000 {
		t.Fatalf("start: total %d performing %d cents, want 220000 and 120000", c.total(), c.performing)
	}
	m1 := c.step(1, speeds{}, 0.5, 0)
	want1 := waterfall.Delinquencies{Days90Plus: amt(t, "1000.00")}
	if m1.scheduled != 10000 || m1.chargedOff != 0 || m1.end != 210000 || m1.delinquencies != want1 {
		t.Errorf("month 1: %+v", m1)
	}
	m2 := c.step(2, speeds{}, 0.5, 0)
	if m2.scheduled != 10000 || m2.chargedOff != 100000 || m2.recovered != 50000 || m2.end != 100000 ||
		m2.delinquencies != (waterfall.Delinquencies{}) {
		t.Errorf("month 2: %+v", m2)
	}
}

// With no buckets (chargeOffMonths 0) a loan delinquent at the start is
// charged off in the first month.
func TestDelinquentLoanWithoutBucketsIsChargedOffAtOnce(t *testing.T) {
	c := newCollateral([]Loan{{ID: "L", Balance: amt(t, "300.00"), Rate: dec("0"), RemainingTerm: 3, Count: 1, MonthsPastDue: 1}}, 0)
	m := c.step(1, speeds{}, 1, 0)
	if m.begin != 30000 || m.chargedOff != 30000 || m.end != 0 {
		t.Errorf("month 1: %+v", m)
	}
}

// Worked by hand: 1,000.00 at 0% with 10 months left, 30-59 days late,
// two buckets, cures 25% from 30-59 and 50% from 60-89, severity 100%.
// Month 1: 250.00 cures and pays 250 ÷ 10 = 25.00; 750.00 rolls to 60-89;
// the pool ends at 225.00 + 750.00 = 975.00.
// Month 2: of the 750.00, 375.00 cures and 375.00 is charged off; the loan
// performs on 225.00 + 375.00 = 600.00 and pays 600 ÷ 9 = 66.67; the
// pool ends at 533.33. 25.00 + 66.67 + 375.00 + 533.33 = 1,000.00.
func TestCuresReturnToCurrentAndTheRestRolls(t *testing.T) {
	c := newCollateral([]Loan{{ID: "L", Balance: amt(t, "1000.00"), Rate: dec("0"), RemainingTerm: 10, Count: 1, MonthsPastDue: 1}}, 2)
	c.cures = []float64{0.25, 0.5}
	m1 := c.step(1, speeds{}, 1, 0)
	if m1.scheduled != 2500 || m1.chargedOff != 0 || m1.end != 97500 ||
		m1.delinquencies != (waterfall.Delinquencies{Days60to89: amt(t, "750.00")}) {
		t.Errorf("month 1: %+v", m1)
	}
	m2 := c.step(2, speeds{}, 1, 0)
	if m2.scheduled != 6667 || m2.chargedOff != 37500 || m2.recovered != 0 || m2.end != 53333 ||
		m2.delinquencies != (waterfall.Delinquencies{}) {
		t.Errorf("month 2: %+v", m2)
	}
}

// Whatever the speeds and cures, every cent of the pool is collected,
// charged off or still there: begin = scheduled + prepaid + charged off + end.
func TestPipelineWithCuresConservesThePool(t *testing.T) {
	loans := []Loan{
		{ID: "A", Balance: amt(t, "15000.00"), Rate: dec("0.07"), RemainingTerm: 48, Count: 1},
		{ID: "B", Balance: amt(t, "8000.33"), Rate: dec("0.11"), RemainingTerm: 30, Count: 1, MonthsPastDue: 1},
		{ID: "C", Balance: amt(t, "4999.99"), Rate: dec("0.05"), RemainingTerm: 12, Count: 1, MonthsPastDue: 3},
	}
	c := newCollateral(loans, 3)
	c.cures = []float64{0.4, 0.2, 0.1}
	for m := 1; c.total() > 0 && m < 100; m++ {
		mo := c.step(m, speeds{mdr: 0.01, smm: 0.02}, 0.5, 2)
		if mo.begin != mo.scheduled+mo.prepaid+mo.chargedOff+mo.end {
			t.Fatalf("month %d: %d ≠ %d + %d + %d + %d", m, mo.begin, mo.scheduled, mo.prepaid, mo.chargedOff, mo.end)
		}
	}
	if c.total() != 0 {
		t.Errorf("pool not run off in 100 months: %d cents left", c.total())
	}
}

// Rep lines keep delinquent loans apart from current ones of the same
// rate and term, and say how far behind they are.
func TestRepLinesKeepDelinquencyApart(t *testing.T) {
	lines, err := RepLines([]Loan{
		{ID: "1", Balance: 100, Rate: dec("0.05"), RemainingTerm: 40, Count: 1},
		{ID: "2", Balance: 200, Rate: dec("0.051"), RemainingTerm: 41, Count: 1, MonthsPastDue: 2},
		{ID: "3", Balance: 300, Rate: dec("0.052"), RemainingTerm: 42, Count: 1},
	}, dec("0.01"), 12)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 || lines[0].Balance != 400 || lines[0].MonthsPastDue != 0 || lines[1].Balance != 200 || lines[1].MonthsPastDue != 2 {
		t.Errorf("lines: %+v", lines)
	}
	for days, want := range map[int]int{0: 0, 30: 0, 31: 1, 60: 1, 61: 2, 90: 2, 91: 3, 400: 3} {
		if got := MonthsPastDueOf(days); got != want {
			t.Errorf("MonthsPastDueOf(%d) = %d, want %d", days, got, want)
		}
	}
}

// Cures need one rate per bucket, each a fraction.
func TestCuresAreValidated(t *testing.T) {
	d := autoDeal(t)
	a := Assumptions{Prepayment: Prepayment{Kind: CPR}, Defaults: Defaults{Kind: CDR}, ChargeOffMonths: 3,
		Cures: []decimal.Decimal{dec("0.5"), dec("1.5")}}
	err := a.Validate(d.Definition)
	if err == nil || !strings.Contains(err.Error(), "cures") || !strings.Contains(err.Error(), "cures[1]") {
		t.Errorf("got %v, want the count and cures[1] named", err)
	}
}

// A deal whose pool starts with loans in every bucket pays every period
// through the waterfall (which checks the pool rolls forward to the cent),
// reports them as delinquent from its first period, and with cures loses
// less than without.
func TestDelinquentStartPaysThroughTheWaterfall(t *testing.T) {
	deal := autoDeal(t)
	loans := syntheticLoans(t, 40, deal.State.PoolBalance)
	for i := range loans {
		loans[i].MonthsPastDue = i % 4 // 0 current, 1 to 3 late
	}
	a := baseAssumptions()
	without, err := Project(deal, loans, a)
	if err != nil {
		t.Fatal(err)
	}
	a.Cures = []decimal.Decimal{dec("0.3"), dec("0.2"), dec("0.1")}
	with, err := Project(deal, loans, a)
	if err != nil {
		t.Fatal(err)
	}
	d := without.Pool[0].Delinquencies
	if d.Days30to59 == 0 || d.Days60to89 == 0 || d.Days90Plus == 0 || without.Pool[0].Defaults == 0 {
		t.Errorf("first period without cures: %+v, charged off %s", d, without.Pool[0].Defaults)
	}
	last := func(p *Projection) int64 { return p.Pool[len(p.Pool)-1].CumulativeNetLoss.Cents() }
	if last(with) >= last(without) {
		t.Errorf("cumulative net loss with cures %d cents, without %d: cures should lose less", last(with), last(without))
	}
}
