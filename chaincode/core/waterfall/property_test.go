package waterfall

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// genDeal builds a random valid definition. With sequentialOnly every
// principal step pays sequentially and no trigger can change that.
func genDeal(r *rand.Rand, sequentialOnly bool) Definition {
	frac := func(maxBasisPoints int) decimal.Decimal { return decimal.New(int64(r.Intn(maxBasisPoints+1)), -4) }
	money_ := func(lo, hi int64) money.Amount { return money.Amount(lo + r.Int63n(hi-lo+1)) }

	n := 2 + r.Intn(5)
	def := Definition{Version: 1 + r.Intn(3), Deal: "GEN", ClosingDate: daycount.NewDate(2025, time.Month(1+r.Intn(12)), 1+r.Intn(28))}
	var notes money.Amount
	rank := 1
	for i := 0; i < n; i++ {
		if i > 0 && r.Intn(4) > 0 {
			rank++ // otherwise equal rank: pro rata within the rank
		}
		c := Class{Name: fmt.Sprintf("N%d", i), Rank: rank, OriginalBalance: money_(1_000_000, 500_000_000)}
		if r.Intn(3) == 0 {
			c.Coupon = &Coupon{Index: []string{"IDX1", "IDX2"}[r.Intn(2)], Margin: frac(300)}
			if r.Intn(2) == 0 {
				f := frac(50)
				c.Coupon.Floor = &f
			}
			if r.Intn(2) == 0 {
				cp := decimal.New(int64(600+r.Intn(600)), -4)
				c.Coupon.Cap = &cp
			}
		} else {
			f := frac(1200)
			c.Coupon = &Coupon{Fixed: &f}
		}
		c.DayCount = []daycount.Convention{daycount.Thirty360, daycount.Actual360}[r.Intn(2)]
		c.InterestOnUnpaidInterest = r.Intn(2) == 0
		notes += c.OriginalBalance
		def.Classes = append(def.Classes, c)
	}
	def.Classes = append(def.Classes, Class{Name: "RES", Rank: rank + 1, Residual: true})
	def.InitialPoolBalance = notes + money.Amount(r.Int63n(int64(notes)/6+1)) // up to ~15% initial OC
	all := make([]string, n)
	for i := range all {
		all[i] = def.Classes[i].Name
	}

	for i := 0; i < r.Intn(3); i++ {
		f := Fee{Name: fmt.Sprintf("fee%d", i)}
		if r.Intn(2) == 0 {
			f.AnnualRate = decimal.New(int64(1+r.Intn(150)), -4)
		} else {
			f.Fixed = money_(100, 5_000_000)
		}
		if r.Intn(3) == 0 {
			f.CapPerPeriod = money_(100, 2_000_000)
		}
		def.Fees = append(def.Fees, f)
	}
	reserve := ""
	if r.Intn(2) == 0 {
		reserve = "rsv"
		def.Reserves = []ReserveAccount{{Name: reserve, InitialBalance: money_(0, int64(def.InitialPoolBalance)/50),
			Target: PoolTarget{Fraction: frac(300), Of: []PoolBasis{CurrentPool, InitialPool}[r.Intn(2)], FloorFraction: frac(50)}}}
	}
	if r.Intn(3) > 0 {
		def.OCTarget = &PoolTarget{Fraction: frac(1500), Of: []PoolBasis{CurrentPool, InitialPool}[r.Intn(2)], FloorFraction: frac(100)}
	}
	if r.Intn(2) == 0 {
		def.CleanUpCallFactor = decimal.New(int64(5+r.Intn(10)), -2)
	}
	// Triggers: any mix of the four tests and three effects; a sequential-only
	// deal gets no sequential trigger (it would be a no-op) but may turbo.
	tests := []TestKind{CumulativeNetLoss, Delinquency, Overcollateralization, InterestCoverage}
	for i := 0; i < r.Intn(4); i++ {
		tr := Trigger{Name: fmt.Sprintf("T%d", i), Test: tests[r.Intn(4)], Curable: r.Intn(2) == 0,
			Effect: []Effect{Sequential, Turbo, EventOfDefault}[r.Intn(3)]}
		switch tr.Test {
		case CumulativeNetLoss, Delinquency:
			tr.Schedule = []Threshold{{FromPeriod: 1, Value: frac(300)}, {FromPeriod: 4, Value: frac(600)}}
		default:
			tr.Schedule = []Threshold{{FromPeriod: 1, Value: decimal.New(int64(90+r.Intn(30)), -2)}}
		}
		def.Triggers = append(def.Triggers, tr)
	}

	var steps []Step
	for _, t := range def.Triggers {
		steps = append(steps, TriggerStep{Triggers: []string{t.Name}})
	}
	for _, f := range def.Fees {
		steps = append(steps, FeeStep{Fee: f.Name})
	}
	alloc := func() Allocation {
		if sequentialOnly || r.Intn(2) == 0 {
			return SequentialAllocation
		}
		return ProRataAllocation
	}
	// US style: each rank's interest, then notes over pool on all notes so far.
	for k := 0; k < n; {
		j := k
		for j < n && def.Classes[j].Rank == def.Classes[k].Rank {
			j++
		}
		steps = append(steps, InterestStep{Classes: all[k:j], ReserveDraw: reserve})
		if r.Intn(2) == 0 {
			steps = append(steps, PrincipalStep{Classes: all[:j], Amount: NotesOverPool, Allocation: SequentialAllocation, ReserveDraw: reserve})
		}
		k = j
	}
	if reserve != "" && r.Intn(2) == 0 {
		steps = append(steps, ReserveStep{Account: reserve, Action: Release})
	}
	if reserve != "" {
		steps = append(steps, ReserveStep{Account: reserve, Action: Deposit})
	}
	switch {
	case def.OCTarget != nil:
		steps = append(steps, PrincipalStep{Classes: all, Amount: RegularPrincipal, Allocation: alloc()})
	case r.Intn(2) == 0:
		steps = append(steps, PrincipalStep{Classes: all, Amount: PoolDecline, Allocation: alloc()})
	default:
		steps = append(steps, PrincipalStep{Classes: all, Amount: NotesOverPool, Allocation: alloc()})
	}
	if def.hasEffect(Turbo) {
		steps = append(steps, PrincipalStep{Classes: all, Amount: TurboPrincipal, Allocation: SequentialAllocation})
	}
	if !def.CleanUpCallFactor.IsZero() {
		steps = append(steps, CleanUpCallStep{Classes: all})
	}
	for _, f := range def.Fees {
		if f.CapPerPeriod > 0 {
			steps = append(steps, FeeStep{Fee: f.Name, Excess: true})
		}
	}
	if r.Intn(2) == 0 {
		steps = append(steps, LossAllocationStep{Classes: all[n/2:]})
	}
	def.Steps = append(steps, ResidualStep{Class: "RES"})

	if def.hasEffect(EventOfDefault) || r.Intn(4) == 0 {
		var acc []Step
		for _, f := range def.Fees {
			acc = append(acc, FeeStep{Fee: f.Name})
		}
		acc = append(acc, InterestStep{Classes: all},
			PrincipalStep{Classes: all, Amount: RemainingFunds, Allocation: SequentialAllocation},
			ResidualStep{Class: "RES"})
		def.AccelerationSteps = acc
	}
	return def
}

// genPeriods builds a chain of valid reports for def: each rolls the pool
// forward, fixes both indices, and may exercise the clean-up call (which
// ends the chain) or declare a default.
func genPeriods(r *rand.Rand, def Definition, count int) []Period {
	pct := func(a money.Amount, maxBasisPoints int) money.Amount {
		v, _ := a.MulRate(decimal.New(int64(r.Intn(maxBasisPoints+1)), -4))
		return v
	}
	var ps []Period
	pool, start := def.InitialPoolBalance, def.ClosingDate
	for i := 1; i <= count && pool > 0; i++ {
		end := daycount.NewDate(start.Year, start.Month+1, 15)
		if start.Month == 12 {
			end = daycount.NewDate(start.Year+1, 1, 15)
		}
		p := Period{Period: i, AccrualStart: start, AccrualEnd: end,
			InterestCollections: pct(pool, 120), ScheduledPrincipal: pct(pool, 400), Prepayments: pct(pool, 500),
			Recoveries: pct(pool, 30),
			IndexFixings: map[string]decimal.Decimal{"IDX1": decimal.New(int64(r.Intn(700)), -4),
				"IDX2": decimal.New(int64(r.Intn(700)-100), -4)},
		}
		p.Defaults = pct(pool, []int{50, 300, 3000}[r.Intn(3)])
		if p.ScheduledPrincipal+p.Prepayments+p.Defaults > pool {
			p.ScheduledPrincipal, p.Prepayments, p.Defaults = pool/2, pool/4, pool/8
		}
		if r.Intn(10) == 0 {
			p.ServicerAdvances = pct(pool, 20)
		}
		if r.Intn(6) == 0 { // a non-cash adjustment (signed)
			p.OtherAdjustments = pct(pool, 10) - pct(pool, 10)
		}
		p.EndingPoolBalance = pool - p.ScheduledPrincipal - p.Prepayments - p.Defaults - p.OtherAdjustments
		if p.EndingPoolBalance < 0 {
			p.OtherAdjustments += p.EndingPoolBalance
			p.EndingPoolBalance = 0
		}
		p.Delinquencies = Delinquencies{pct(p.EndingPoolBalance, 300), pct(p.EndingPoolBalance, 200), pct(p.EndingPoolBalance, 200)}
		if len(def.AccelerationSteps) > 0 && r.Intn(25) == 0 {
			p.DeclareEventOfDefault = true
		}
		eligible := !def.CleanUpCallFactor.IsZero() &&
			p.EndingPoolBalance.Decimal().LessThanOrEqual(def.CleanUpCallFactor.Mul(def.InitialPoolBalance.Decimal()))
		if eligible && r.Intn(2) == 0 {
			p.CleanUpCall, p.CleanUpProceeds = true, p.EndingPoolBalance
			if p.CleanUpProceeds == 0 {
				p.CleanUpProceeds = 1
			}
			ps = append(ps, p)
			break
		}
		ps = append(ps, p)
		pool, start = p.EndingPoolBalance, end
	}
	return ps
}

// TestPropertiesOverRandomDeals checks, over seeded random deals and
// report chains: funds conserve to the cent; balances never go negative;
// classes and reserves roll forward; while sequential, no class is paid
// principal before every more senior class is paid off; a non-curable
// trigger stays breached; and the result bytes do not depend on anything
// but the inputs.
func TestPropertiesOverRandomDeals(t *testing.T) {
	r := rand.New(rand.NewSource(20250127))
	runs := 0
	seen := map[string]int{} // how often each path ran, so the test cannot pass vacuously
	for deal := 0; deal < 400; deal++ {
		sequentialOnly := deal%2 == 0
		def := genDeal(r, sequentialOnly)
		if err := def.Validate(); err != nil {
			t.Fatalf("deal %d: generator made an invalid definition: %v", deal, err)
		}
		st := mustState(t, def)
		for _, p := range genPeriods(r, def, 4+r.Intn(24)) {
			label := fmt.Sprintf("deal %d period %d", deal, p.Period)
			before, _ := json.Marshal(st)
			res, err := Run(def, st, p)
			if err != nil {
				t.Fatalf("%s: %v", label, err)
			}
			runs++
			if after, _ := json.Marshal(st); string(after) != string(before) {
				t.Fatalf("%s: Run changed the state it was given", label)
			}
			checkConserves(t, label, p, res)
			checkBalances(t, label, def, st, res)
			if sequentialOnly || res.Accelerated {
				checkSequential(t, label, def, res)
			}
			for i, tr := range def.Triggers {
				if !tr.Curable && st.Triggers[i].Breached && !res.NewState.Triggers[i].Breached {
					t.Fatalf("%s: non-curable trigger %s un-breached", label, tr.Name)
				}
			}
			checkDeterministic(t, label, def, st, p, res)
			countPaths(seen, res)
			st = res.NewState
		}
	}
	if runs < 2000 {
		t.Fatalf("only %d periods ran; the generator is too timid", runs)
	}
	for _, path := range []string{"accelerated", "breach", "cure", "clean-up", "write-down", "reserve draw",
		"reserve release", "interest shortfall", "fee shortfall", "principal shortfall", "residual"} {
		if seen[path] < 10 {
			t.Errorf("path %q ran %d times in %d periods; want at least 10", path, seen[path], runs)
		}
	}
	t.Logf("%d periods: %v", runs, seen)
}

func countPaths(seen map[string]int, res Result) {
	inc := func(path string, ok bool) {
		if ok {
			seen[path]++
		}
	}
	inc("accelerated", res.Accelerated)
	inc("clean-up", res.CleanUpCall)
	inc("residual", res.ResidualPaid > 0)
	inc("reserve draw", res.AvailableFunds.ReserveDraws > 0)
	inc("reserve release", res.AvailableFunds.ReserveReleases > 0)
	for _, tr := range res.Triggers {
		inc("breach", tr.Breached)
		inc("cure", tr.Cured)
	}
	for _, c := range res.Classes {
		inc("write-down", c.WriteDown > 0)
		inc("interest shortfall", c.UnpaidInterest > 0)
	}
	for _, l := range res.Payments {
		inc("fee shortfall", l.Kind == KindFee && l.Shortfall > 0)
		inc("principal shortfall", l.Kind == KindPrincipal && l.Shortfall > 0)
	}
}

func checkConserves(t *testing.T, label string, p Period, res Result) {
	t.Helper()
	f := res.AvailableFunds
	inputs := p.InterestCollections + p.ScheduledPrincipal + p.Prepayments + p.Recoveries + p.ServicerAdvances + p.CleanUpProceeds +
		p.Repurchases + p.LiquidationProceeds + p.ReserveInvestmentEarnings - p.AdvanceReimbursements
	if f.Total != inputs+f.ReserveDraws+f.ReserveReleases {
		t.Fatalf("%s: available %s ≠ collections %s + draws %s + releases %s", label, f.Total, inputs, f.ReserveDraws, f.ReserveReleases)
	}
	var paid money.Amount
	for _, l := range res.Payments {
		if l.Paid < 0 || l.Paid > l.Due {
			t.Fatalf("%s: line %+v pays outside [0, due]", label, l)
		}
		paid += l.Paid
	}
	if paid+res.RoundingResidue != f.Total || res.RoundingResidue != 0 {
		t.Fatalf("%s: paid %s + residue %s ≠ available %s", label, paid, res.RoundingResidue, f.Total)
	}
}

func checkBalances(t *testing.T, label string, def Definition, prior State, res Result) {
	t.Helper()
	ns := res.NewState
	if ns.PoolBalance < 0 {
		t.Fatalf("%s: negative pool", label)
	}
	for i, c := range res.Classes {
		if c.EndingBalance < 0 || c.UnpaidInterest < 0 || c.InterestPaid > c.InterestDue ||
			c.EndingBalance != prior.Classes[i].Balance-c.PrincipalPaid-c.WriteDown ||
			ns.Classes[i].Balance != c.EndingBalance || ns.Classes[i].UnpaidInterest != c.InterestDue-c.InterestPaid {
			t.Fatalf("%s: class %+v does not roll forward from %+v", label, c, prior.Classes[i])
		}
		if def.Classes[i].Residual && c.PrincipalPaid != 0 && notesLeft(def, res) != 0 {
			t.Fatalf("%s: certificate balance repaid before the notes", label)
		}
	}
	for i, a := range res.Reserves {
		if a.EndingBalance < 0 || a.EndingBalance != prior.Reserves[i].Balance+a.Deposit-a.Draw-a.Release {
			t.Fatalf("%s: reserve %+v does not roll forward", label, a)
		}
	}
	for _, f := range ns.Fees {
		if f.Unpaid < 0 {
			t.Fatalf("%s: negative fee shortfall %+v", label, f)
		}
	}
}

func notesLeft(def Definition, res Result) money.Amount {
	var n money.Amount
	for i, c := range res.Classes {
		if !def.Classes[i].Residual {
			n += c.EndingBalance
		}
	}
	return n
}

// checkSequential: any class paid principal has every strictly more senior
// note paid off.
func checkSequential(t *testing.T, label string, def Definition, res Result) {
	t.Helper()
	for i, c := range res.Classes {
		if c.PrincipalPaid == 0 {
			continue
		}
		for j, s := range res.Classes {
			if !def.Classes[j].Residual && def.Classes[j].Rank < def.Classes[i].Rank && s.EndingBalance != 0 {
				t.Fatalf("%s: %s paid %s principal while senior %s still owes %s", label, c.Class, c.PrincipalPaid, s.Class, s.EndingBalance)
			}
		}
	}
}

// checkDeterministic reruns the period from inputs that went through JSON,
// with the index fixings map rebuilt in another order and padded with
// fixings no class uses, and wants the same bytes.
func checkDeterministic(t *testing.T, label string, def Definition, st State, p Period, res Result) {
	t.Helper()
	want, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	defJSON, _ := json.Marshal(def)
	stJSON, _ := json.Marshal(st)
	pJSON, _ := json.Marshal(p)
	def2, err := ParseDefinition(defJSON)
	if err != nil {
		t.Fatalf("%s: definition round trip: %v", label, err)
	}
	st2, err := ParseState(stJSON)
	if err != nil {
		t.Fatalf("%s: state round trip: %v", label, err)
	}
	p2, err := ParsePeriod(pJSON)
	if err != nil {
		t.Fatalf("%s: period round trip: %v", label, err)
	}
	shuffled := map[string]decimal.Decimal{"UNUSED9": decimal.New(1, -2)}
	keys := sortedKeys(p2.IndexFixings)
	for i := len(keys) - 1; i >= 0; i-- {
		shuffled[keys[i]] = p2.IndexFixings[keys[i]]
	}
	shuffled["UNUSED0"] = decimal.New(2, -2)
	p2.IndexFixings = shuffled
	again, err := Run(def2, st2, p2)
	if err != nil {
		t.Fatalf("%s: rerun: %v", label, err)
	}
	got, _ := json.Marshal(again)
	if string(got) != string(want) {
		t.Fatalf("%s: same inputs, different bytes:\n%s\n%s", label, want, got)
	}
}
