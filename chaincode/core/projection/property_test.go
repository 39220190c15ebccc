package projection

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// Every period: the pool rolls forward to the cent, the waterfall's
// available funds are exactly the collections projected, and every cent
// of them is paid on a line. Over the whole projection the notes'
// principal plus their losses is their start balance.
func TestCashInEqualsCashOut(t *testing.T) {
	deal := autoDeal(t)
	loans := syntheticLoans(t, 300, deal.State.PoolBalance)
	for _, a := range scenarios() {
		t.Run(a.name, func(t *testing.T) {
			p, err := Project(deal, loans, a.Assumptions)
			if err != nil {
				t.Fatal(err)
			}
			for k, pp := range p.Pool {
				res := p.Results[k]
				if pp.BeginningBalance-pp.ScheduledPrincipal-pp.Prepayments-pp.Defaults != pp.EndingBalance {
					t.Fatalf("period %d: pool does not roll forward: %+v", pp.Period, pp)
				}
				f := res.AvailableFunds
				if f.InterestCollections != pp.InterestCollections || f.ScheduledPrincipal != pp.ScheduledPrincipal ||
					f.Prepayments != pp.Prepayments || f.Recoveries != pp.Recoveries || f.CleanUpProceeds != pp.CleanUpProceeds {
					t.Fatalf("period %d: available funds %+v are not the collections %+v", pp.Period, f, pp)
				}
				var paid money.Amount
				for _, line := range res.Payments {
					paid += line.Paid
				}
				if paid+res.RoundingResidue != f.Total || res.RoundingResidue != 0 {
					t.Fatalf("period %d: paid %s + residue %s, available %s", pp.Period, paid, res.RoundingResidue, f.Total)
				}
			}
			for _, c := range p.Classes {
				if c.Residual {
					continue
				}
				last := c.Flows[len(c.Flows)-1]
				var written money.Amount
				for _, f := range c.Flows {
					written += f.WriteDown
				}
				if c.Principal+written+last.Balance != c.StartBalance || c.Loss != written+last.Balance {
					t.Errorf("class %s: principal %s + written down %s + left %s ≠ start %s (loss %s)", c.Class, c.Principal, written, last.Balance, c.StartBalance, c.Loss)
				}
			}
		})
	}
}

type namedScenario struct {
	name string
	Assumptions
}

func scenarios() []namedScenario {
	var out []namedScenario
	for _, pp := range []Prepayment{{Kind: ABS, Rate: dec("0.013")}, {Kind: CPR, Rate: dec("0.2")}, {Kind: SMM, Rate: dec("0.004")}} {
		for _, d := range []Defaults{{Kind: CDR, Rate: dec("0")}, {Kind: CDR, Rate: dec("0.08")},
			{Kind: LossCurve, CumulativeLoss: dec("0.06"), Timing: []decimal.Decimal{dec("0.1"), dec("0.2"), dec("0.3"), dec("0.25"), dec("0.15")}}} {
			a := baseAssumptions()
			a.Prepayment, a.Defaults = pp, d
			out = append(out, namedScenario{fmt.Sprintf("%s %s × %s %s%s", pp.Kind, pp.Rate, d.Kind, d.Rate, d.CumulativeLoss), a})
		}
	}
	zeroCurve := baseAssumptions()
	zeroCurve.Severity = decimal.Zero
	zeroCurve.Defaults = Defaults{Kind: LossCurve, CumulativeLoss: decimal.Zero, Timing: []decimal.Decimal{dec("1")}}
	return append(out, namedScenario{"a zero loss curve at zero severity", zeroCurve})
}

// Faster prepayments return the senior classes' principal sooner.
func TestFasterPrepaymentShortensSeniorWAL(t *testing.T) {
	deal := autoDeal(t)
	loans := syntheticLoans(t, 200, deal.State.PoolBalance)
	prev := map[string]float64{}
	for _, speed := range []string{"0", "0.005", "0.01", "0.015", "0.02", "0.025"} {
		a := baseAssumptions()
		a.Prepayment = Prepayment{Kind: ABS, Rate: dec(speed)}
		p, err := Analyze(deal, loans, a, Pricing{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Classes[:4] {
			if w, ok := prev[c.Class]; ok && c.Analytics.WAL >= w {
				t.Errorf("%s ABS: class %s WAL %v, not shorter than %v at the slower speed", speed, c.Class, c.Analytics.WAL, w)
			}
			prev[c.Class] = c.Analytics.WAL
		}
	}
}

// More defaults never give a subordinate class more principal.
func TestMoreDefaultsNeverRaiseSubordinatePrincipal(t *testing.T) {
	deal := autoDeal(t)
	loans := syntheticLoans(t, 200, deal.State.PoolBalance)
	prev := map[string]money.Amount{}
	for _, cdr := range []string{"0", "0.02", "0.05", "0.1", "0.2", "0.35", "0.6"} {
		a := baseAssumptions()
		a.Defaults = Defaults{Kind: CDR, Rate: dec(cdr)}
		p, err := Project(deal, loans, a)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Classes[4:7] { // B, C, D
			if got, ok := prev[c.Class]; ok && c.Principal > got {
				t.Errorf("CDR %s: class %s received %s principal, more than %s at a lower CDR", cdr, c.Class, c.Principal, got)
			}
			prev[c.Class] = c.Principal
		}
	}
}

// The clean-up call ends the deal in the first period the pool factor is
// at or below the call factor, and pays every note in full.
func TestCleanUpCall(t *testing.T) {
	deal := autoDeal(t)
	def := deal.Definition
	def.CleanUpCallFactor = dec("0.1")
	def.Steps = append(def.Steps[:len(def.Steps)-1:len(def.Steps)-1],
		waterfall.CleanUpCallStep{Classes: []string{"A-1", "A-2", "A-3", "A-4", "B", "C", "D"}}, def.Steps[len(def.Steps)-1])
	deal.Definition = def
	loans := syntheticLoans(t, 100, deal.State.PoolBalance)
	a := baseAssumptions()
	a.CleanUpCall = true
	p, err := Project(deal, loans, a)
	if err != nil {
		t.Fatal(err)
	}
	last := p.Pool[len(p.Pool)-1]
	if p.CleanUpCallPeriod != last.Period || last.CleanUpProceeds != last.EndingBalance {
		t.Fatalf("clean-up in period %d, last period %d with proceeds %s and pool %s", p.CleanUpCallPeriod, last.Period, last.CleanUpProceeds, last.EndingBalance)
	}
	if limit := deal.Definition.InitialPoolBalance / 10; last.EndingBalance > limit || p.Pool[len(p.Pool)-2].EndingBalance <= limit {
		t.Errorf("called at pool %s, the period before %s; the call factor is 10%% (%s)", last.EndingBalance, p.Pool[len(p.Pool)-2].EndingBalance, limit)
	}
	for _, c := range p.Classes {
		if !c.Residual && c.Flows[len(c.Flows)-1].Balance != 0 {
			t.Errorf("class %s still owes %s after the call", c.Class, c.Flows[len(c.Flows)-1].Balance)
		}
	}
}

// Random assumptions, across the whole range the validator admits, never
// break the pool's roll-forward or leave a cent unallocated (the waterfall
// itself refuses a period that does not conserve).
func TestRandomAssumptionsConserve(t *testing.T) {
	deal := autoDeal(t)
	loans := syntheticLoans(t, 40, deal.State.PoolBalance)
	x := uint64(0x9E3779B97F4A7C15)
	next := func(n uint64) uint64 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		return x % n
	}
	kinds := []PrepaymentKind{CPR, SMM, ABS}
	for i := range 40 {
		a := Assumptions{
			Prepayment:      Prepayment{Kind: kinds[next(3)], Rate: decimal.New(int64(next(1001)), -3)},
			Defaults:        Defaults{Kind: CDR, Rate: decimal.New(int64(next(1001)), -3)},
			Severity:        decimal.New(int64(next(101)), -2),
			RecoveryLag:     int(next(13)),
			ChargeOffMonths: int(next(13)),
		}
		if a.Prepayment.Kind == ABS {
			a.Prepayment.Rate = decimal.New(int64(next(101)), -3)
		}
		p, err := Project(deal, loans, a)
		if err != nil {
			t.Fatalf("case %d %+v: %v", i, a, err)
		}
		for _, pp := range p.Pool {
			if pp.BeginningBalance-pp.ScheduledPrincipal-pp.Prepayments-pp.Defaults != pp.EndingBalance ||
				pp.InterestCollections < 0 || pp.Recoveries < 0 || pp.NewDelinquent < 0 {
				t.Fatalf("case %d period %d: %+v", i, pp.Period, pp)
			}
		}
		if last := p.Pool[len(p.Pool)-1]; last.EndingBalance != 0 {
			t.Errorf("case %d: the projection stopped with %s left in the pool", i, last.EndingBalance)
		}
	}
}
