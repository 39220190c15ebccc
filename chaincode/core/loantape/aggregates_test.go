package loantape_test

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

func aggregateReport(t *testing.T, p loantape.Period, rows []loantape.PeriodRow) loantape.ReportAggregates {
	t.Helper()
	g := loantape.NewReportAggregator(p)
	for _, r := range rows {
		if err := g.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	return g.Aggregates()
}

// The aggregator's numbers are the plain sums of the rows, recomputed here
// the long way.
func TestReportAggregatesAreSumsOfRows(t *testing.T) {
	_, reports := simulate(t, 3000, 9)
	sawEveryKind := map[string]bool{}
	for i, rows := range reports {
		p := loantape.MonthlyPeriod(i+1, cutoff.AddMonths(i+1))
		got := aggregateReport(t, p, rows)

		var want loantape.ReportAggregates
		want.Period = p
		rateSum, termSum := decimal.Zero, decimal.Zero
		var buckets [5]loantape.Bucket
		for _, r := range rows {
			want.LoanCount++
			want.BeginningBalance += r.ReportingPeriodBeginningLoanBalanceAmount
			want.TotalCollected += r.TotalActualAmountPaid
			want.InterestCollected += r.ActualInterestCollectedAmount
			sched := min(r.ActualPrincipalCollectedAmount, r.ScheduledPrincipalAmount)
			want.ScheduledPrincipal += sched
			want.Prepayments += r.ActualPrincipalCollectedAmount - sched
			want.ChargedOffPrincipal += r.ChargedoffPrincipalAmount
			want.Recoveries += r.RecoveredAmount
			want.EndingBalance += r.ReportingPeriodActualEndBalanceAmount
			end := r.ReportingPeriodActualEndBalanceAmount
			switch {
			case end > 0:
				want.ActiveCount++
				k := min((max(r.CurrentDelinquencyStatus, 1)-1)/30, 4)
				buckets[k].Count++
				buckets[k].Balance += end
				rateSum = rateSum.Add(r.ReportingPeriodInterestRatePercentage.Mul(end.Decimal()))
				termSum = termSum.Add(decimal.NewFromInt(int64(r.RemainingTermToMaturityNumber)).Mul(end.Decimal()))
			case r.ChargedoffPrincipalAmount > 0:
				want.ChargedOffCount++
			case r.ReportingPeriodBeginningLoanBalanceAmount > 0:
				want.PaidOffCount++
			default:
				want.ZeroBalanceCount++
			}
		}
		check := func(name string, got, want any) {
			t.Helper()
			if got != want {
				t.Errorf("period %d %s = %v, want %v", i+1, name, got, want)
			}
		}
		check("loans", got.LoanCount, want.LoanCount)
		check("active", got.ActiveCount, want.ActiveCount)
		check("paid off", got.PaidOffCount, want.PaidOffCount)
		check("charged off", got.ChargedOffCount, want.ChargedOffCount)
		check("zero balance", got.ZeroBalanceCount, want.ZeroBalanceCount)
		check("beginning", got.BeginningBalance, want.BeginningBalance)
		check("collected", got.TotalCollected, want.TotalCollected)
		check("interest", got.InterestCollected, want.InterestCollected)
		check("scheduled principal", got.ScheduledPrincipal, want.ScheduledPrincipal)
		check("prepayments", got.Prepayments, want.Prepayments)
		check("charge-offs", got.ChargedOffPrincipal, want.ChargedOffPrincipal)
		check("recoveries", got.Recoveries, want.Recoveries)
		check("ending", got.EndingBalance, want.EndingBalance)
		gb := [5]loantape.Bucket{got.Delinquency.Current, got.Delinquency.Days31To60, got.Delinquency.Days61To90, got.Delinquency.Days91To120, got.Delinquency.Over120}
		check("buckets", gb, buckets)
		check("WAC", got.WeightedAverageCoupon.String(), rateSum.DivRound(want.EndingBalance.Decimal(), 8).String())
		check("WARM", got.WeightedAverageRemainingTerm.String(), termSum.DivRound(want.EndingBalance.Decimal(), 8).String())

		if got.Delinquency.DelinquentBalance() != buckets[1].Balance+buckets[2].Balance+buckets[3].Balance+buckets[4].Balance ||
			got.PrincipalCollected() != got.ScheduledPrincipal+got.Prepayments {
			t.Errorf("period %d: derived totals disagree: %+v", i+1, got)
		}
		// The pool rolls forward as every loan does.
		if got.EndingBalance != got.BeginningBalance-got.ScheduledPrincipal-got.Prepayments-got.ChargedOffPrincipal-got.OtherPrincipalAdjustments {
			t.Errorf("period %d: pool balance does not roll forward: %+v", i+1, got)
		}
		for k, b := range gb {
			if b.Count > 0 {
				sawEveryKind["bucket"+string(rune('0'+k))] = true
			}
		}
		for name, n := range map[string]int{"paid off": got.PaidOffCount, "charged off": got.ChargedOffCount, "recovery": got.ZeroBalanceCount} {
			if n > 0 {
				sawEveryKind[name] = true
			}
		}
		if got.Prepayments > 0 && got.ScheduledPrincipal > 0 {
			sawEveryKind["principal split"] = true
		}
	}
	if len(sawEveryKind) != 9 {
		t.Errorf("the stressed pool should exercise every bucket and row kind, saw %v", sawEveryKind)
	}
}

// Cutting a report into chunks anywhere, aggregating each and adding them
// in any order gives exactly the aggregate of the whole.
func TestChunkAggregatesAddUpToTheWhole(t *testing.T) {
	_, reports := simulate(t, 2000, 6)
	rows := reports[5]
	p := loantape.MonthlyPeriod(6, cutoff.AddMonths(6))
	whole := aggregateReport(t, p, rows)
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 25 {
		var parts []loantape.ReportAggregates
		for lo := 0; lo < len(rows); {
			hi := min(len(rows), lo+1+rng.IntN(len(rows)/3))
			parts = append(parts, aggregateReport(t, p, rows[lo:hi]))
			lo = hi
		}
		rng.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
		var sum loantape.ReportAggregates
		for _, part := range parts {
			var err error
			if sum, err = sum.Add(part); err != nil {
				t.Fatal(err)
			}
		}
		if !sum.Equal(whole) {
			t.Fatalf("trial %d: sum of %d chunks differs: %v", trial, len(parts), sum.Reconcile(whole))
		}
	}
	if empty := (loantape.ReportAggregates{}); !whole.Equal(mustAdd(t, whole, empty)) || !whole.Equal(mustAdd(t, empty, whole)) {
		t.Error("an empty aggregate must be the identity")
	}
	other := aggregateReport(t, loantape.MonthlyPeriod(5, cutoff.AddMonths(5)), reports[4])
	if _, err := whole.Add(other); err == nil {
		t.Error("adding aggregates of different periods must fail")
	}
	if err := loantape.NewReportAggregator(p).Add(reports[4][0]); err == nil {
		t.Error("an aggregator must refuse a row of another period")
	}
}

func mustAdd(t *testing.T, a, b loantape.ReportAggregates) loantape.ReportAggregates {
	t.Helper()
	s, err := a.Add(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestReportAggregatesJSONAndReconcile(t *testing.T) {
	_, reports := simulate(t, 500, 4)
	p := loantape.MonthlyPeriod(4, cutoff.AddMonths(4))
	agg := aggregateReport(t, p, reports[3])
	b, err := json.Marshal(agg)
	if err != nil {
		t.Fatal(err)
	}
	var back loantape.ReportAggregates
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !back.Equal(agg) || agg.Reconcile(back) != nil {
		t.Fatalf("JSON round trip changed the aggregates:\n%s", b)
	}

	declared := agg
	declared.InterestCollected++
	declared.Delinquency.Days31To60.Count += 2
	declared.RowsDigest[0] ^= 1
	err = agg.Reconcile(declared)
	var ve *loantape.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Reconcile = %v, want a ValidationError", err)
	}
	var fields []string
	for _, e := range ve.Errors {
		if e.Rule != loantape.RuleTotals || e.Line != 0 {
			t.Errorf("unexpected error %+v", e)
		}
		fields = append(fields, e.Field)
	}
	if want := []string{"interestCollected", "delinquency.days31To60", "rowsDigest"}; !slices.Equal(fields, want) {
		t.Errorf("mismatched fields %v, want %v", fields, want)
	}
	wantMsg := "interestCollected " + agg.InterestCollected.String() + " from the rows != declared " + declared.InterestCollected.String() + " (rule totals)"
	if ve.Errors[0].Error() != wantMsg {
		t.Errorf("message %q, want %q", ve.Errors[0].Error(), wantMsg)
	}
}

func TestDigestIsAnOrderFreeMultisetSum(t *testing.T) {
	_, reports := simulate(t, 50, 1)
	rows := reports[0]
	p := loantape.MonthlyPeriod(1, cutoff.AddMonths(1))
	fwd := aggregateReport(t, p, rows)
	reversed := slices.Clone(rows)
	slices.Reverse(reversed)
	rev := aggregateReport(t, p, reversed)
	if fwd.RowsDigest != rev.RowsDigest {
		t.Error("digest depends on row order")
	}
	var sum loantape.Digest
	for _, r := range rows {
		sum = sum.Add(loantape.DigestOf(r.Canonical()))
	}
	if sum != fwd.RowsDigest {
		t.Error("digest is not the sum of row digests")
	}
	dup := aggregateReport(t, p, append(slices.Clone(rows), rows[0]))
	if dup.RowsDigest == fwd.RowsDigest {
		t.Error("a repeated row must change the digest")
	}
	// Carries propagate across all 256 bits.
	var ones, one loantape.Digest
	for i := range ones {
		ones[i] = 0xff
	}
	one[31] = 1
	if ones.Add(one) != (loantape.Digest{}) {
		t.Error("2^256-1 + 1 must wrap to 0")
	}
	text, _ := fwd.RowsDigest.MarshalText()
	var back loantape.Digest
	if err := back.UnmarshalText(text); err != nil || back != fwd.RowsDigest || len(text) != 64 {
		t.Errorf("digest text %q round trip: %v", text, err)
	}
	if err := back.UnmarshalText([]byte("zz")); err == nil {
		t.Error("bad digest text accepted")
	}
}

func TestTapeAggregates(t *testing.T) {
	tape, _ := simulate(t, 3000, 0)
	g := loantape.NewTapeAggregator()
	var bal, orig, newBal, largest money.Amount
	perState := map[string]money.Amount{}
	rateSum := decimal.Zero
	for _, l := range tape {
		if err := g.Add(l); err != nil {
			t.Fatal(err)
		}
		bal += l.ReportingPeriodActualEndBalanceAmount
		largest = max(largest, l.ReportingPeriodActualEndBalanceAmount)
		orig += l.OriginalLoanAmount
		if l.VehicleNewUsedCode == "1" {
			newBal += l.ReportingPeriodActualEndBalanceAmount
		}
		perState[l.ObligorGeographicLocation] += l.ReportingPeriodActualEndBalanceAmount
		rateSum = rateSum.Add(l.ReportingPeriodInterestRatePercentage.Mul(l.ReportingPeriodActualEndBalanceAmount.Decimal()))
	}
	agg := g.Aggregates()
	if agg.LoanCount != len(tape) || agg.Balance != bal || agg.OriginalBalance != orig || agg.NewVehicleBalance != newBal || agg.LargestBalance != largest ||
		agg.Cutoff != cutoff.LastDay() || !agg.WeightedAverageCoupon.Equal(rateSum.DivRound(bal.Decimal(), 8)) {
		t.Errorf("tape aggregates %+v", agg)
	}
	if len(agg.States) != len(perState) || !slices.IsSortedFunc(agg.States, func(a, b loantape.StateBalance) int { return strings.Compare(a.State, b.State) }) {
		t.Errorf("states %v", agg.States)
	}
	for _, s := range agg.States {
		if perState[s.State] != s.Balance {
			t.Errorf("state %s balance %s, want %s", s.State, s.Balance, perState[s.State])
		}
	}
	top := agg.TopStates(5)
	if len(top) != 5 || top[0].State != "CA" {
		t.Errorf("top states %+v", top)
	}
	for i := 1; i < len(top); i++ {
		if top[i].Balance > top[i-1].Balance {
			t.Errorf("top states not ranked: %+v", top)
		}
	}
	if !top[0].Share.Equal(money.Ratio(perState["CA"], bal, 8)) {
		t.Errorf("CA share %s", top[0].Share)
	}
	score := agg.WeightedAverageCreditScore.IntPart()
	if score < 680 || score > 800 {
		t.Errorf("WA FICO %s is not a prime pool's", agg.WeightedAverageCreditScore)
	}

	// Chunks add up, JSON round-trips.
	var sum loantape.TapeAggregates
	for lo := 0; lo < len(tape); lo += 700 {
		cg := loantape.NewTapeAggregator()
		for _, l := range tape[lo:min(lo+700, len(tape))] {
			cg.Add(l)
		}
		var err error
		if sum, err = sum.Add(cg.Aggregates()); err != nil {
			t.Fatal(err)
		}
	}
	if !sum.Equal(agg) {
		t.Errorf("tape chunks do not add up: %v", sum.Reconcile(agg))
	}
	b, _ := json.Marshal(agg)
	var back loantape.TapeAggregates
	if err := json.Unmarshal(b, &back); err != nil || !back.Equal(agg) {
		t.Errorf("tape aggregates JSON round trip: %v\n%s", err, b)
	}
}
