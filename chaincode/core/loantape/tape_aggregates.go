package loantape

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// TapeAggregates describe a loan tape at cut-off the way a prospectus
// does: size, balance, weighted averages and concentrations. As with
// ReportAggregates the averages are derived from balance-weighted sums, so
// chunk aggregates add up exactly.
type TapeAggregates struct {
	// Cutoff is the tape's cut-off date when the rows carry one.
	Cutoff    Date `json:"cutoffDate"`
	LoanCount int  `json:"loanCount"`
	// OriginalBalance is Σ originalLoanAmount; Balance is the cut-off
	// balance, Σ reportingPeriodActualEndBalanceAmount.
	OriginalBalance money.Amount `json:"originalBalance"`
	Balance         money.Amount `json:"balance"`
	// LargestBalance is the single largest cut-off balance (obligor
	// concentration).
	LargestBalance money.Amount `json:"largestBalance"`
	// NewVehicleBalance is the balance of loans on new vehicles
	// (vehicleNewUsedCode 1).
	NewVehicleBalance money.Amount `json:"newVehicleBalance"`
	// DelinquentBalance is the balance more than 30 days past due.
	DelinquentBalance money.Amount `json:"delinquentBalance"`
	// ScoredBalance is the balance of loans with a credit score; the
	// average score is weighted over it alone.
	ScoredBalance money.Amount `json:"scoredBalance"`

	RateWeightedBalance         decimal.Decimal `json:"rateWeightedBalance"`
	TermWeightedBalance         decimal.Decimal `json:"termWeightedBalance"`
	OriginalTermWeightedBalance decimal.Decimal `json:"originalTermWeightedBalance"`
	ScoreWeightedBalance        decimal.Decimal `json:"scoreWeightedBalance"`

	// Averages weighted by cut-off balance, rounded half-up to 8 decimals.
	WeightedAverageCoupon        decimal.Decimal `json:"weightedAverageCoupon"`
	WeightedAverageRemainingTerm decimal.Decimal `json:"weightedAverageRemainingTerm"`
	WeightedAverageOriginalTerm  decimal.Decimal `json:"weightedAverageOriginalTerm"`
	WeightedAverageCreditScore   decimal.Decimal `json:"weightedAverageCreditScore"`

	// States holds count and balance per obligor state, sorted by state
	// code. There are at most a few dozen, so keeping them all costs O(1)
	// and keeps Add exact; TopStates ranks them.
	States []StateBalance `json:"states"`

	RowsDigest Digest `json:"rowsDigest"`
}

// StateBalance is the count and cut-off balance of loans in one state.
type StateBalance struct {
	State     string       `json:"state"`
	LoanCount int          `json:"loanCount"`
	Balance   money.Amount `json:"balance"`
}

// StateShare is a state's share of the tape balance.
type StateShare struct {
	StateBalance
	// Share is Balance / tape balance, truncated to 8 decimals.
	Share decimal.Decimal `json:"share"`
}

// TopStates returns the n states with the largest balance, largest first
// (ties by state code), with their share of the tape balance.
func (t TapeAggregates) TopStates(n int) []StateShare {
	ranked := slices.Clone(t.States)
	slices.SortStableFunc(ranked, func(a, b StateBalance) int {
		if a.Balance != b.Balance {
			if a.Balance > b.Balance {
				return -1
			}
			return 1
		}
		return strings.Compare(a.State, b.State)
	})
	if n < len(ranked) {
		ranked = ranked[:max(n, 0)]
	}
	out := make([]StateShare, len(ranked))
	for i, s := range ranked {
		out[i] = StateShare{StateBalance: s, Share: money.Ratio(s.Balance, t.Balance, averagePlaces)}
	}
	return out
}

// TapeAggregator sums tape rows one at a time. Its memory is bounded by
// the number of distinct states, not the number of loans.
type TapeAggregator struct {
	a      TapeAggregates
	states map[string]int // state → index in a.States
	buf    []byte
}

// NewTapeAggregator starts an empty tape aggregate.
func NewTapeAggregator() *TapeAggregator { return &TapeAggregator{states: map[string]int{}} }

// Add adds one loan. It refuses a loan with another cut-off date than the
// previous ones and a sum that would overflow; either way the aggregate is
// unchanged.
func (g *TapeAggregator) Add(l Loan) error {
	next := g.a
	if !l.ReportingPeriodEndingDate.IsZero() {
		if next.Cutoff.IsZero() {
			next.Cutoff = l.ReportingPeriodEndingDate
		} else if next.Cutoff != l.ReportingPeriodEndingDate {
			return fmt.Errorf("loan %s: cut-off %s is not the tape's %s", l.AssetNumber, l.ReportingPeriodEndingDate, next.Cutoff)
		}
	}
	bal := l.ReportingPeriodActualEndBalanceAmount
	var s sums
	next.LoanCount++
	s.add(&next.OriginalBalance, l.OriginalLoanAmount)
	s.add(&next.Balance, bal)
	next.LargestBalance = money.Max(next.LargestBalance, bal)
	if l.VehicleNewUsedCode == "1" {
		s.add(&next.NewVehicleBalance, bal)
	}
	if l.CurrentDelinquencyStatus > 30 {
		s.add(&next.DelinquentBalance, bal)
	}
	balD := bal.Decimal()
	if l.ObligorCreditScore != 0 {
		s.add(&next.ScoredBalance, bal)
		next.ScoreWeightedBalance = next.ScoreWeightedBalance.Add(decimal.NewFromInt(int64(l.ObligorCreditScore)).Mul(balD))
	}
	next.RateWeightedBalance = next.RateWeightedBalance.Add(l.ReportingPeriodInterestRatePercentage.Mul(balD))
	next.TermWeightedBalance = next.TermWeightedBalance.Add(decimal.NewFromInt(int64(l.RemainingTermToMaturityNumber)).Mul(balD))
	next.OriginalTermWeightedBalance = next.OriginalTermWeightedBalance.Add(decimal.NewFromInt(int64(l.OriginalLoanTerm)).Mul(balD))
	st, known := g.states[l.ObligorGeographicLocation]
	var stateBal money.Amount
	if known {
		stateBal = next.States[st].Balance
	}
	s.add(&stateBal, bal)
	if s.err != nil {
		return fmt.Errorf("loan %s: %w", l.AssetNumber, s.err)
	}
	if !known {
		// Append and let Aggregates sort: the index map stays valid.
		st = len(next.States)
		g.states[l.ObligorGeographicLocation] = st
		next.States = append(next.States, StateBalance{State: l.ObligorGeographicLocation})
	}
	next.States[st].LoanCount++
	next.States[st].Balance = stateBal
	g.buf = loanFields.canonical(&l, g.buf[:0])
	next.RowsDigest = next.RowsDigest.Add(DigestOf(g.buf))
	g.a = next
	return nil
}

// Aggregates returns the sums so far, states sorted, averages computed.
func (g *TapeAggregator) Aggregates() TapeAggregates {
	a := g.a
	a.States = slices.Clone(a.States)
	sortStates(a.States)
	a.finish()
	return a
}

func sortStates(s []StateBalance) {
	slices.SortFunc(s, func(a, b StateBalance) int { return strings.Compare(a.State, b.State) })
}

func (a *TapeAggregates) finish() {
	a.WeightedAverageCoupon, a.WeightedAverageRemainingTerm = decimal.Zero, decimal.Zero
	a.WeightedAverageOriginalTerm, a.WeightedAverageCreditScore = decimal.Zero, decimal.Zero
	if a.Balance > 0 {
		bal := a.Balance.Decimal()
		a.WeightedAverageCoupon = a.RateWeightedBalance.DivRound(bal, averagePlaces)
		a.WeightedAverageRemainingTerm = a.TermWeightedBalance.DivRound(bal, averagePlaces)
		a.WeightedAverageOriginalTerm = a.OriginalTermWeightedBalance.DivRound(bal, averagePlaces)
	}
	if a.ScoredBalance > 0 {
		a.WeightedAverageCreditScore = a.ScoreWeightedBalance.DivRound(a.ScoredBalance.Decimal(), averagePlaces)
	}
}

// Add combines the aggregates of two disjoint sets of loans of one tape.
// An aggregate of no loans is the identity.
func (a TapeAggregates) Add(b TapeAggregates) (TapeAggregates, error) {
	if b.LoanCount == 0 {
		return a, nil
	}
	if a.LoanCount == 0 {
		return b, nil
	}
	if !a.Cutoff.IsZero() && !b.Cutoff.IsZero() && a.Cutoff != b.Cutoff {
		return TapeAggregates{}, fmt.Errorf("cannot add tape aggregates with cut-off %s and %s", a.Cutoff, b.Cutoff)
	}
	out := a
	if out.Cutoff.IsZero() {
		out.Cutoff = b.Cutoff
	}
	out.LoanCount += b.LoanCount
	var s sums
	s.add(&out.OriginalBalance, b.OriginalBalance)
	s.add(&out.Balance, b.Balance)
	s.add(&out.NewVehicleBalance, b.NewVehicleBalance)
	s.add(&out.DelinquentBalance, b.DelinquentBalance)
	s.add(&out.ScoredBalance, b.ScoredBalance)
	out.LargestBalance = money.Max(a.LargestBalance, b.LargestBalance)
	out.States = slices.Clone(a.States)
	for _, st := range b.States {
		i := slices.IndexFunc(out.States, func(x StateBalance) bool { return x.State == st.State })
		if i < 0 {
			out.States = append(out.States, st)
			continue
		}
		out.States[i].LoanCount += st.LoanCount
		s.add(&out.States[i].Balance, st.Balance)
	}
	if s.err != nil {
		return TapeAggregates{}, s.err
	}
	sortStates(out.States)
	out.RateWeightedBalance = a.RateWeightedBalance.Add(b.RateWeightedBalance)
	out.TermWeightedBalance = a.TermWeightedBalance.Add(b.TermWeightedBalance)
	out.OriginalTermWeightedBalance = a.OriginalTermWeightedBalance.Add(b.OriginalTermWeightedBalance)
	out.ScoreWeightedBalance = a.ScoreWeightedBalance.Add(b.ScoreWeightedBalance)
	out.RowsDigest = a.RowsDigest.Add(b.RowsDigest)
	out.finish()
	return out, nil
}

// Equal reports whether a and b agree on every field (decimals by value).
func (a TapeAggregates) Equal(b TapeAggregates) bool { return len(a.diff(b)) == 0 }

// Reconcile compares the aggregate computed from the loans (a) with the
// declared one; see ReportAggregates.Reconcile.
func (a TapeAggregates) Reconcile(declared TapeAggregates) error {
	var l errorLimit
	l.max = len(tapeAggregateFields) + 1
	for _, d := range a.diff(declared) {
		l.add(&RowError{Field: d.name, Rule: RuleTotals,
			Msg: fmt.Sprintf("%s %s from the loans != declared %s", d.name, d.got, d.want)})
	}
	return l.err()
}

func (a TapeAggregates) diff(b TapeAggregates) []fieldDiff {
	var out []fieldDiff
	for _, f := range tapeAggregateFields {
		if x, y := f.text(&a), f.text(&b); x != y {
			out = append(out, fieldDiff{f.name, x, y})
		}
	}
	return out
}

var tapeAggregateFields = []struct {
	name string
	text func(*TapeAggregates) string
}{
	{"cutoffDate", func(a *TapeAggregates) string { return a.Cutoff.String() }},
	{"loanCount", func(a *TapeAggregates) string { return strconv.Itoa(a.LoanCount) }},
	{"originalBalance", func(a *TapeAggregates) string { return a.OriginalBalance.String() }},
	{"balance", func(a *TapeAggregates) string { return a.Balance.String() }},
	{"largestBalance", func(a *TapeAggregates) string { return a.LargestBalance.String() }},
	{"newVehicleBalance", func(a *TapeAggregates) string { return a.NewVehicleBalance.String() }},
	{"delinquentBalance", func(a *TapeAggregates) string { return a.DelinquentBalance.String() }},
	{"scoredBalance", func(a *TapeAggregates) string { return a.ScoredBalance.String() }},
	{"rateWeightedBalance", func(a *TapeAggregates) string { return a.RateWeightedBalance.String() }},
	{"termWeightedBalance", func(a *TapeAggregates) string { return a.TermWeightedBalance.String() }},
	{"originalTermWeightedBalance", func(a *TapeAggregates) string { return a.OriginalTermWeightedBalance.String() }},
	{"scoreWeightedBalance", func(a *TapeAggregates) string { return a.ScoreWeightedBalance.String() }},
	{"weightedAverageCoupon", func(a *TapeAggregates) string { return a.WeightedAverageCoupon.String() }},
	{"weightedAverageRemainingTerm", func(a *TapeAggregates) string { return a.WeightedAverageRemainingTerm.String() }},
	{"weightedAverageOriginalTerm", func(a *TapeAggregates) string { return a.WeightedAverageOriginalTerm.String() }},
	{"weightedAverageCreditScore", func(a *TapeAggregates) string { return a.WeightedAverageCreditScore.String() }},
	{"states", func(a *TapeAggregates) string {
		var b strings.Builder
		for _, s := range a.States {
			fmt.Fprintf(&b, "%s:%d:%s ", s.State, s.LoanCount, s.Balance)
		}
		return b.String()
	}},
	{"rowsDigest", func(a *TapeAggregates) string { return a.RowsDigest.String() }},
}
