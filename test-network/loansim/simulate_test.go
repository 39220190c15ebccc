package loansim

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

var dec = decimal.RequireFromString

var cutoff = loantape.Month{Year: 2025, Month: time.December}

// stressed makes every kind of row appear in a small pool.
func stressed() Assumptions {
	a := DefaultAssumptions()
	a.DelinquencyRate = dec("0.06")
	a.RollRate = dec("0.6")
	a.CureRate = dec("0.2")
	a.CurtailmentRate = dec("0.03")
	return a
}

func newSim(t testing.TB, seed uint64, loans int, a Assumptions) *Simulator {
	t.Helper()
	s, err := New(PoolSpec{Seed: seed, Loans: loans, Cutoff: cutoff}, a)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func advance(t testing.TB, s *Simulator) (loantape.Period, []loantape.PeriodRow) {
	t.Helper()
	var rows []loantape.PeriodRow
	p, err := s.Advance(func(r loantape.PeriodRow) error { rows = append(rows, r); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return p, rows
}

// run writes the tape and months of reports as CSV, all in one buffer.
func run(t testing.TB, seed uint64, loans, months int, a Assumptions) []byte {
	t.Helper()
	s := newSim(t, seed, loans, a)
	var buf bytes.Buffer
	tw := loantape.NewCSVWriter[loantape.Loan](&buf)
	for l := range s.Tape() {
		tw.Write(l)
	}
	tw.Flush()
	for range months {
		w := loantape.NewCSVWriter[loantape.PeriodRow](&buf)
		if _, err := s.Advance(w.Write); err != nil {
			t.Fatal(err)
		}
		w.Flush()
	}
	return buf.Bytes()
}

func TestSameSeedSameBytes(t *testing.T) {
	a := run(t, 99, 500, 12, stressed())
	b := run(t, 99, 500, 12, stressed())
	if !bytes.Equal(a, b) {
		t.Fatal("the same seed gave different files")
	}
	if c := run(t, 100, 500, 12, stressed()); bytes.Equal(a, c) {
		t.Fatal("a different seed gave the same files")
	}
}

// A loan's path depends on the seed and its own index only, not on the
// size of the pool around it.
func TestLoanPathIndependentOfPoolSize(t *testing.T) {
	small, large := newSim(t, 5, 10, stressed()), newSim(t, 5, 300, stressed())
	for range 24 {
		_, rs := advance(t, small)
		_, rl := advance(t, large)
		byAsset := map[string][]byte{}
		for _, r := range rl {
			byAsset[r.AssetNumber] = r.Canonical()
		}
		for _, r := range rs {
			if !bytes.Equal(r.Canonical(), byAsset[r.AssetNumber]) {
				t.Fatalf("loan %s differs between pool sizes", r.AssetNumber)
			}
		}
	}
}

// Every row of four years of a stressed pool, shock month included, passes
// every loantape rule (roll-forward first) when read back from CSV with
// the previous month's balances as the ledger, and no loan with a balance
// ever goes missing.
func TestEveryRowPassesValidation(t *testing.T) {
	a := stressed()
	a.Shocks = []Shock{{Period: 6, DelinquencyMultiplier: dec("3"), PrepaymentMultiplier: dec("2"), ChargeOffRate: dec("0.01")}}
	s := newSim(t, 8, 2000, a)

	var tape bytes.Buffer
	tw := loantape.NewCSVWriter[loantape.Loan](&tape)
	for l := range s.Tape() {
		tw.Write(l)
	}
	tw.Flush()
	tapeAgg, err := loantape.ValidateTape(loantape.NewCSVReader[loantape.Loan](&tape), loantape.TapeRules{Cutoff: cutoff.LastDay()})
	if err != nil {
		t.Fatal(err)
	}

	live := map[string]bool{} // loans with a balance at the end of the last period
	for l := range s.Tape() {
		live[l.AssetNumber] = true
	}
	prevEnding := tapeAgg.Balance
	var chargeOffs, recoveries, payoffs, over90 int
	for month := 1; month <= 48; month++ {
		prior := s.PriorBalances()
		var file bytes.Buffer
		w := loantape.NewCSVWriter[loantape.PeriodRow](&file)
		p, err := s.Advance(w.Write)
		if err != nil {
			t.Fatal(err)
		}
		w.Flush()
		seen := map[string]bool{}
		for r, err := range loantape.NewCSVReader[loantape.PeriodRow](bytes.NewReader(file.Bytes())).All() {
			if err != nil {
				t.Fatal(err)
			}
			seen[r.AssetNumber] = true
		}
		for asset := range live {
			if !seen[asset] {
				t.Fatalf("period %d: loan %s had a balance but is not reported", month, asset)
			}
		}
		agg, err := loantape.ValidateReport(loantape.NewCSVReader[loantape.PeriodRow](&file),
			loantape.ReportRules{Period: p, Lookup: prior, MaxErrors: 5})
		if err != nil {
			t.Fatalf("period %d: %v", month, err)
		}
		if agg.BeginningBalance != prevEnding {
			t.Fatalf("period %d begins at %s, the previous ended at %s", month, agg.BeginningBalance, prevEnding)
		}
		prevEnding = agg.EndingBalance
		chargeOffs += agg.ChargedOffCount
		recoveries += agg.ZeroBalanceCount
		payoffs += agg.PaidOffCount
		over90 += agg.Delinquency.Days91To120.Count
		// Rebuild the live set from the report just checked.
		live = map[string]bool{}
		now := s.PriorBalances()
		for asset := range seen {
			if b, _ := now(asset); b.EndBalance > 0 {
				live[asset] = true
			}
		}
	}
	if chargeOffs == 0 || recoveries == 0 || payoffs == 0 || over90 == 0 {
		t.Errorf("a stressed pool should show every event: %d charge-offs, %d recoveries, %d payoffs, %d loans 91–120 days late",
			chargeOffs, recoveries, payoffs, over90)
	}
}

// With no prepayments and no delinquency each loan pays its schedule and
// reaches zero exactly at maturity, its principal adding up to its
// cut-off balance.
func TestLoansAmortizeToZeroAtMaturity(t *testing.T) {
	a := DefaultAssumptions()
	a.Prepayment.Speed, a.CurtailmentRate, a.DelinquencyRate = decimal.Zero, decimal.Zero, decimal.Zero
	s := newSim(t, 3, 300, a)
	type loanInfo struct {
		term      int
		remaining int
		balance   money.Amount
		principal money.Amount
		payment   money.Amount
	}
	loans := map[string]*loanInfo{}
	for l := range s.Tape() {
		loans[l.AssetNumber] = &loanInfo{term: l.OriginalLoanTerm, remaining: l.RemainingTermToMaturityNumber, balance: l.ReportingPeriodActualEndBalanceAmount}
	}
	for month := 1; ; month++ {
		_, rows := advance(t, s)
		if len(rows) == 0 {
			break
		}
		for _, r := range rows {
			li := loans[r.AssetNumber]
			if r.ActualPrincipalCollectedAmount != r.ScheduledPrincipalAmount || r.UnscheduledPrincipalCollected() != 0 {
				t.Fatalf("loan %s month %d paid off schedule: %s", r.AssetNumber, month, r.Canonical())
			}
			want := money.Cents(monthlyInterest(r.ReportingPeriodBeginningLoanBalanceAmount.Cents(), r.ReportingPeriodInterestRatePercentage.Shift(4).IntPart()))
			if r.ActualInterestCollectedAmount != want {
				t.Fatalf("loan %s month %d interest %s, want %s", r.AssetNumber, month, r.ActualInterestCollectedAmount, want)
			}
			li.principal += r.ActualPrincipalCollectedAmount
			if li.payment == 0 {
				li.payment = r.TotalActualAmountPaid
			}
			if r.IsZeroBalance() {
				if month != li.remaining || r.ZeroBalanceCode != loantape.ZeroBalancePrepaidOrMatured {
					t.Errorf("loan %s reached zero in month %d (code %q), its remaining term was %d", r.AssetNumber, month, r.ZeroBalanceCode, li.remaining)
				}
				if li.principal != li.balance {
					t.Errorf("loan %s repaid %s of %s", r.AssetNumber, li.principal, li.balance)
				}
				// The last instalment differs from the level payment by
				// the rounding of each month (half a cent of payment, half
				// a cent of interest) grown at the loan rate: under three
				// cents per month of the term up to 14% over 84 months.
				if d := (r.TotalActualAmountPaid - li.payment).Cents(); d > 3*int64(li.term) || d < -3*int64(li.term) {
					t.Errorf("loan %s last instalment %s vs level %s", r.AssetNumber, r.TotalActualAmountPaid, li.payment)
				}
				delete(loans, r.AssetNumber)
			}
		}
		if month > 200 {
			t.Fatal("loans never matured")
		}
	}
	if len(loans) != 0 {
		t.Errorf("%d loans stopped reporting without reaching zero", len(loans))
	}
}

func TestChargeOffsAndRecoveries(t *testing.T) {
	s := newSim(t, 21, 1500, stressed())
	type co struct {
		month  int
		amount money.Amount
	}
	chargedOff := map[string]co{}
	recovered := 0
	for month := 1; month <= 36; month++ {
		_, rows := advance(t, s)
		for _, r := range rows {
			switch {
			case r.ChargedoffPrincipalAmount > 0:
				if r.CurrentDelinquencyStatus <= 120 || r.ZeroBalanceCode != loantape.ZeroBalanceChargedOff ||
					r.ChargedoffPrincipalAmount != r.ReportingPeriodBeginningLoanBalanceAmount || r.ActualPrincipalCollectedAmount != 0 {
					t.Fatalf("bad charge-off row %s", r.Canonical())
				}
				chargedOff[r.AssetNumber] = co{month, r.ChargedoffPrincipalAmount}
			case r.RecoveredAmount > 0:
				c, ok := chargedOff[r.AssetNumber]
				if !ok {
					t.Fatalf("recovery on a loan never charged off: %s", r.Canonical())
				}
				want, _ := c.amount.MulRate(dec("0.45"))
				if lag := month - c.month; lag < 2 || lag > 3 || r.RecoveredAmount != want ||
					r.ZeroBalanceEffectiveDate != cutoff.AddMonths(c.month) || r.ReportingPeriodBeginningLoanBalanceAmount != 0 {
					t.Fatalf("recovery %s: lag %d, want %s of charge-off %s", r.Canonical(), month-c.month, want, c.amount)
				}
				recovered++
				delete(chargedOff, r.AssetNumber)
			}
		}
	}
	if recovered < 10 {
		t.Errorf("only %d recoveries", recovered)
	}
	for asset, c := range chargedOff {
		if c.month < 34 {
			t.Errorf("loan %s charged off in month %d never recovered", asset, c.month)
		}
	}
}

// A shock changes its own month and what follows, nothing before.
func TestShockMonth(t *testing.T) {
	base := DefaultAssumptions()
	shocked := DefaultAssumptions()
	shocked.Shocks = []Shock{{Period: 3, DelinquencyMultiplier: dec("6"), ChargeOffRate: dec("0.02")}}
	sb, ss := newSim(t, 4, 5000, base), newSim(t, 4, 5000, shocked)
	aggOf := func(s *Simulator) loantape.ReportAggregates {
		p, rows := advance(t, s)
		g := loantape.NewReportAggregator(p)
		for _, r := range rows {
			if err := g.Add(r); err != nil {
				t.Fatal(err)
			}
		}
		return g.Aggregates()
	}
	for month := 1; month <= 5; month++ {
		b, s := aggOf(sb), aggOf(ss)
		switch {
		case month < 3:
			if !b.Equal(s) {
				t.Fatalf("month %d changed before the shock", month)
			}
		case month == 3:
			share := money.Ratio(s.ChargedOffPrincipal, s.BeginningBalance, 4)
			if share.LessThan(dec("0.015")) || share.GreaterThan(dec("0.025")) || b.ChargedOffPrincipal*10 > s.ChargedOffPrincipal {
				t.Errorf("shock month charged off %s of the pool (%s without the shock)", share, b.ChargedOffPrincipal)
			}
		case month == 4:
			if s.Delinquency.Days31To60.Count < 3*b.Delinquency.Days31To60.Count {
				t.Errorf("31–60 days after the shock: %d loans, %d without", s.Delinquency.Days31To60.Count, b.Delinquency.Days31To60.Count)
			}
		}
	}
}

// Observed full prepayments match the ABS curve: over a large pool the
// payoff rate per month is within a few standard errors of the mean
// single-month mortality the curve implies for the pool's ages.
func TestPrepaymentSpeeds(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Prepayment
	}{
		{"1.3% ABS", Prepayment{ABS, dec("0.013")}},
		{"1.8% ABS", Prepayment{ABS, dec("0.018")}},
		{"12% CPR", Prepayment{CPR, dec("0.12")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := DefaultAssumptions()
			a.Prepayment, a.DelinquencyRate, a.CurtailmentRate = tc.p, decimal.Zero, decimal.Zero
			s := newSim(t, 77, 20000, a)
			table := smmTable(tc.p)
			var expected float64 // probabilities only, never money
			for _, st := range s.loans {
				expected += float64(table[st.age+1]) / billion
			}
			_, rows := advance(t, s)
			payoffs := 0
			for _, r := range rows {
				if r.IsZeroBalance() && r.UnscheduledPrincipalCollected() > 0 {
					payoffs++
				}
			}
			n := float64(len(s.loans))
			p := expected / n
			sd := n * p * (1 - p)
			if d := float64(payoffs) - expected; d*d > 16*sd {
				t.Errorf("%d payoffs, expected %.0f ± %.0f", payoffs, expected, 4*math.Sqrt(sd))
			}
		})
	}
}

func TestSMMTables(t *testing.T) {
	abs := smmTable(Prepayment{ABS, dec("0.013")})
	// s / (1 − s(t−1)) at t = 1 and t = 11.
	if abs[1] != 13_000_000 || abs[11] != ppb(dec("0.013").DivRound(dec("0.87"), 12)) {
		t.Errorf("ABS SMM t=1 %d, t=11 %d", abs[1], abs[11])
	}
	if abs[maxAge] != billion {
		t.Errorf("ABS SMM must reach certainty once s(t−1) ≥ 1 − s, got %d", abs[maxAge])
	}
	cpr := smmTable(Prepayment{CPR, dec("0.12")})
	smm := decimal.New(cpr[5], -9)
	survive := powRound(decimal.NewFromInt(1).Sub(smm), 12, 20)
	if d := survive.Sub(dec("0.88")).Abs(); d.GreaterThan(dec("0.00000002")) {
		t.Errorf("12%% CPR monthly %s: (1−SMM)^12 = %s", smm, survive)
	}
	for _, x := range []string{"0.5", "0.88", "1", "0.000001"} {
		r := nthRoot(dec(x), 12, 16)
		if back := powRound(r, 12, 20).Sub(dec(x)).Abs(); back.GreaterThan(dec("0.0000000000001")) {
			t.Errorf("nthRoot(%s, 12) = %s, ^12 off by %s", x, r, back)
		}
	}
}

func TestAdvanceStopsOnEmitError(t *testing.T) {
	s := newSim(t, 1, 50, DefaultAssumptions())
	stop := errors.New("disk full")
	n := 0
	_, err := s.Advance(func(loantape.PeriodRow) error {
		if n++; n == 5 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("Advance = %v", err)
	}
	if _, again := s.Advance(func(loantape.PeriodRow) error { return nil }); !errors.Is(again, stop) {
		t.Errorf("the simulator must stay stopped, got %v", again)
	}
}

func TestPriorBalancesLookup(t *testing.T) {
	s := newSim(t, 1, 20, DefaultAssumptions())
	before := s.PriorBalances()
	var first loantape.Loan
	for l := range s.Tape() {
		first = l
		break
	}
	if b, ok := before(first.AssetNumber); !ok || b.EndBalance != first.ReportingPeriodActualEndBalanceAmount {
		t.Errorf("lookup of %s = %v, %v", first.AssetNumber, b, ok)
	}
	for _, unknown := range []string{"", "x", "100000000", "100000021", "-1", "100000001.0"} {
		if _, ok := before(unknown); ok {
			t.Errorf("lookup of %q found a loan", unknown)
		}
	}
	_, rows := advance(t, s)
	if b, _ := before(rows[0].AssetNumber); b.EndBalance != rows[0].ReportingPeriodBeginningLoanBalanceAmount {
		t.Error("a snapshot taken before Advance must give the period's beginning balance")
	}
	if b, _ := s.PriorBalances()(rows[0].AssetNumber); b.EndBalance != rows[0].ReportingPeriodActualEndBalanceAmount {
		t.Error("a snapshot taken after Advance must give the period's ending balance")
	}
}

func TestBadSpecsAndAssumptions(t *testing.T) {
	good := PoolSpec{Loans: 1, Cutoff: cutoff}
	mod := func(f func(*Assumptions)) Assumptions { a := DefaultAssumptions(); f(&a); return a }
	cases := []struct {
		name string
		spec PoolSpec
		a    Assumptions
	}{
		{"negative loans", PoolSpec{Loans: -1, Cutoff: cutoff}, DefaultAssumptions()},
		{"no cut-off", PoolSpec{Loans: 1}, DefaultAssumptions()},
		{"rate above one", good, mod(func(a *Assumptions) { a.DelinquencyRate = dec("1.5") })},
		{"negative rate", good, mod(func(a *Assumptions) { a.RecoveryRate = dec("-0.1") })},
		{"roll and cure above one", good, mod(func(a *Assumptions) { a.RollRate, a.CureRate = dec("0.6"), dec("0.5") })},
		{"unknown model", good, mod(func(a *Assumptions) { a.Prepayment.Model = 7 })},
		{"charge-off too early", good, mod(func(a *Assumptions) { a.ChargeOffDays = 10 })},
		{"empty recovery lag", good, mod(func(a *Assumptions) { a.RecoveryLagMin, a.RecoveryLagMax = 3, 2 })},
		{"shock before period 1", good, mod(func(a *Assumptions) { a.Shocks = []Shock{{Period: 0}} })},
		{"negative shock", good, mod(func(a *Assumptions) { a.Shocks = []Shock{{Period: 1, DelinquencyMultiplier: dec("-1")}} })},
	}
	for _, tc := range cases {
		if _, err := New(tc.spec, tc.a); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	if _, err := New(good, DefaultAssumptions()); err != nil {
		t.Errorf("good spec refused: %v", err)
	}
}

// A pool simulated for three months, each report checked against the
// previous month's balances as the chaincode would.
func ExampleSimulator_Advance() {
	sim, err := New(PoolSpec{Seed: 1, Loans: 1000, Cutoff: loantape.Month{Year: 2025, Month: time.December}}, DefaultAssumptions())
	if err != nil {
		panic(err)
	}
	for range 3 {
		prior := sim.PriorBalances()
		var file bytes.Buffer
		w := loantape.NewCSVWriter[loantape.PeriodRow](&file)
		p, _ := sim.Advance(w.Write)
		w.Flush()
		agg, err := loantape.ValidateReport(loantape.NewCSVReader[loantape.PeriodRow](&file), loantape.ReportRules{Period: p, Lookup: prior})
		fmt.Printf("%s: %d loans, %d paid off, pool %s, error %v\n", p.Ending, agg.LoanCount, agg.PaidOffCount, agg.EndingBalance, err)
	}
	// The numbers are pinned: a seed must give the same pool on every
	// machine and every Go release.

	// Output:
	// 2026-01-31: 1000 loans, 13 paid off, pool 24195512.47, error <nil>
	// 2026-02-28: 987 loans, 18 paid off, pool 23329223.63, error <nil>
	// 2026-03-31: 969 loans, 14 paid off, pool 22577943.08, error <nil>
}
