package loansim

import (
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

func TestGeneratedPoolLooksLikeAPrimeAutoPool(t *testing.T) {
	s := newSim(t, 2024, 20000, DefaultAssumptions())
	var tape []loantape.Loan
	for l := range s.Tape() {
		tape = append(tape, l)
	}
	states := map[string]bool{}
	newCount := 0
	for _, l := range tape {
		apr := l.OriginalInterestRatePercentage
		seasoning := l.OriginationDate.MonthsUntil(cutoff)
		switch {
		case l.OriginalLoanAmount < money.FromMajor(8000) || l.OriginalLoanAmount > money.FromMajor(60000):
			t.Fatalf("amount %s out of 8k–60k", l.OriginalLoanAmount)
		case !slices.Contains([]int{36, 48, 60, 66, 72, 75, 84}, l.OriginalLoanTerm) && !(l.VehicleNewUsedCode == "2" && l.OriginalLoanTerm == 72):
			t.Fatalf("term %d", l.OriginalLoanTerm)
		case l.VehicleNewUsedCode == "2" && l.OriginalLoanTerm > 72:
			t.Fatalf("used vehicle on %d months", l.OriginalLoanTerm)
		case apr.LessThan(dec("0.02")) || apr.GreaterThan(dec("0.14")):
			t.Fatalf("APR %s out of 2–14%%", apr)
		case l.ObligorCreditScore < 620 || l.ObligorCreditScore > 850:
			t.Fatalf("score %d", l.ObligorCreditScore)
		case seasoning < 1 || seasoning > 24 || l.RemainingTermToMaturityNumber != l.OriginalLoanTerm-seasoning:
			t.Fatalf("seasoning %d, remaining %d of %d", seasoning, l.RemainingTermToMaturityNumber, l.OriginalLoanTerm)
		case l.LoanMaturityDate != l.OriginationDate.AddMonths(l.OriginalLoanTerm):
			t.Fatalf("maturity %s for %s + %d", l.LoanMaturityDate, l.OriginationDate, l.OriginalLoanTerm)
		case l.ReportingPeriodActualEndBalanceAmount <= 0 || l.ReportingPeriodActualEndBalanceAmount >= l.OriginalLoanAmount:
			t.Fatalf("cut-off balance %s of %s", l.ReportingPeriodActualEndBalanceAmount, l.OriginalLoanAmount)
		case l.VehicleValueAmount.Cents()%100 != 0 || l.VehicleValueAmount <= 0:
			t.Fatalf("vehicle value %s", l.VehicleValueAmount)
		}
		states[l.ObligorGeographicLocation] = true
		if l.VehicleNewUsedCode == "1" {
			newCount++
		}
	}
	if len(states) != 51 {
		t.Errorf("%d states and DC in 20,000 loans, want 51", len(states))
	}
	if share := newCount * 1000 / len(tape); share < 430 || share > 470 {
		t.Errorf("new vehicles %d‰, want about 450‰", share)
	}
	// The tape passes every tape rule, and its averages are a prime
	// pool's: better-scored borrowers pay less.
	agg, err := loantape.ValidateTape(loantape.NewSliceSource(tape, 2), loantape.TapeRules{})
	if err != nil {
		t.Fatal(err)
	}
	if agg.WeightedAverageCoupon.LessThan(dec("0.05")) || agg.WeightedAverageCoupon.GreaterThan(dec("0.085")) ||
		agg.WeightedAverageCreditScore.LessThan(dec("700")) || agg.WeightedAverageCreditScore.GreaterThan(dec("760")) {
		t.Errorf("WAC %s, WA score %s", agg.WeightedAverageCoupon, agg.WeightedAverageCreditScore)
	}
	if top := agg.TopStates(2); top[0].State != "CA" || top[1].State != "TX" {
		t.Errorf("largest states %+v", top)
	}
	var lowScoreAPR, highScoreAPR, lowN, highN int64
	for _, l := range tape {
		bp := l.OriginalInterestRatePercentage.Shift(4).IntPart()
		if l.ObligorCreditScore < 660 {
			lowScoreAPR, lowN = lowScoreAPR+bp, lowN+1
		} else if l.ObligorCreditScore >= 780 {
			highScoreAPR, highN = highScoreAPR+bp, highN+1
		}
	}
	if lowScoreAPR/lowN < highScoreAPR/highN+400 {
		t.Errorf("mean APR %d bp below 660 vs %d bp from 780", lowScoreAPR/lowN, highScoreAPR/highN)
	}
}

func TestMonthlyInterestIsExactHalfUp(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for range 100000 {
		bal, bp := rng.Int64N(10_000_000_00), rng.Int64N(3000)
		exact := new(big.Rat).SetFrac(big.NewInt(bal*bp), big.NewInt(120_000))
		// half-up: floor(x + 1/2)
		exact.Add(exact, big.NewRat(1, 2))
		want := new(big.Int).Quo(exact.Num(), exact.Denom()).Int64()
		if got := monthlyInterest(bal, bp); got != want {
			t.Fatalf("monthlyInterest(%d, %d) = %d, want %d", bal, bp, got, want)
		}
	}
	// It is what money.MulRate gives on the exact monthly rate when that
	// rate has a finite decimal form (bp a multiple of 12 divides evenly).
	for bp := int64(0); bp <= 1500; bp += 12 {
		rate := decimal.NewFromInt(bp / 12).Shift(-4)
		for _, bal := range []int64{1, 50, 99_99, 1234_56, 5999999_99} {
			want, _ := money.Cents(bal).MulRate(rate)
			if got := monthlyInterest(bal, bp); got != want.Cents() {
				t.Fatalf("monthlyInterest(%d, %d) = %d, money says %d", bal, bp, got, want)
			}
		}
	}
}

// Any level payment amortises the loan in exactly its term, the last
// instalment absorbing the rounding.
func TestLevelPaymentAmortizes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	an := newAnnuity()
	for range 3000 {
		principal := 1000_00 + rng.Int64N(100_000_00)
		bp, term := rng.Int64N(2500), 12+rng.Int64N(97)
		pmt := an.payment(principal, bp, term)
		bal := principal
		for m := int64(1); m < term; m++ {
			bal -= pmt - monthlyInterest(bal, bp)
			if bal <= 0 {
				t.Fatalf("%d at %d bp over %d months: paid off in month %d", principal, bp, term, m)
			}
		}
		last := bal + monthlyInterest(bal, bp)
		if d := last - pmt; d > 3*term || d < -3*term {
			t.Fatalf("%d at %d bp over %d months: level %d, last %d", principal, bp, term, pmt, last)
		}
	}
	// Textbook case: 20,000 at 6% over 60 months is 386.66.
	if got := an.payment(20_000_00, 600, 60); got != 386_66 {
		t.Errorf("payment = %d, want 38666", got)
	}
}

func TestStreamDraws(t *testing.T) {
	var s stream
	s.reset(1, 2, 3, purposeMonth)
	counts := make([]int, 7)
	for range 70000 {
		counts[s.below(7)]++
	}
	for v, c := range counts {
		if c < 9400 || c > 10600 {
			t.Errorf("below(7) drew %d %d times of 70000", v, c)
		}
	}
	var a, b stream
	a.reset(1, 2, 3, purposeMonth)
	b.reset(1, 2, 3, purposeMonth)
	for range 100 {
		if a.below(1<<40) != b.below(1<<40) {
			t.Fatal("same key, different draws")
		}
	}
	b.reset(1, 3, 3, purposeMonth)
	same := 0
	for range 100 {
		if a.below(1<<40) == b.below(1<<40) {
			same++
		}
	}
	if same > 2 {
		t.Errorf("neighbouring loans share draws (%d of 100)", same)
	}
	if s.chance(0) || !s.chance(billion) {
		t.Error("chance(0) and chance(billion) must be certain")
	}
}
