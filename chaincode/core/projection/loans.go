package projection

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Loan is one loan, or a representative line standing for Count loans of
// like rate and term, at the start of the projection.
type Loan struct {
	ID string `json:"id"`
	// Balance is the principal balance at the start.
	Balance money.Amount `json:"balance"`
	// Rate is the annual interest rate as a fraction (0.0687).
	Rate decimal.Decimal `json:"rate"`
	// RemainingTerm is in months, at least 1.
	RemainingTerm int `json:"remainingTerm"`
	// Age is months since origination at the start (the ABS speed reads it).
	Age int `json:"age"`
	// Count is how many loans the line stands for (1 for a loan).
	Count int `json:"count"`
	// MonthsPastDue is the payments the loan has missed at the start (0:
	// current; 1: 30-59 days; 2: 60-89; 3: 90+): a delinquent loan starts
	// in that bucket of the pipeline, not performing (MonthsPastDueOf
	// maps a tape's days past due).
	MonthsPastDue int `json:"monthsPastDue,omitempty"`
}

// MonthsPastDueOf maps days past due, as a tape or report row states
// them, to missed payments, with the buckets the report aggregates use:
// up to 30 days is current, 31-60 one payment, 61-90 two, more three.
func MonthsPastDueOf(days int) int {
	switch {
	case days <= 30:
		return 0
	case days <= 60:
		return 1
	case days <= 90:
		return 2
	default:
		return 3
	}
}

// FromTape turns tape rows into loans, as they stand at cut-off.
func FromTape(rows []loantape.Loan) []Loan {
	out := make([]Loan, len(rows))
	for i, r := range rows {
		out[i] = Loan{
			ID: r.AssetNumber, Balance: r.ReportingPeriodActualEndBalanceAmount,
			Rate: r.ReportingPeriodInterestRatePercentage, RemainingTerm: r.RemainingTermToMaturityNumber,
			Age: max(0, r.OriginalLoanTerm-r.RemainingTermToMaturityNumber), Count: 1,
			MonthsPastDue: MonthsPastDueOf(r.CurrentDelinquencyStatus),
		}
	}
	return out
}

// RepLines groups loans into representative lines: loans as far past due,
// whose rate falls in the same rateBucket-wide band (0.01 = one point)
// and whose remaining term in the same termBucket months form one line,
// with their total balance and count, the balance-weighted average rate
// (rounded to 8 places) and age, and the balance-weighted average
// remaining term rounded to whole months. Lines come out sorted by months
// past due, rate band, then term band, so the grouping is deterministic.
func RepLines(loans []Loan, rateBucket decimal.Decimal, termBucket int) ([]Loan, error) {
	if !rateBucket.IsPositive() {
		return nil, fmt.Errorf("rateBucket: must be positive, got %s", rateBucket)
	}
	if termBucket < 1 {
		return nil, fmt.Errorf("termBucket: must be at least 1, got %d", termBucket)
	}
	type key struct{ late, rate, term int64 }
	type acc struct {
		key
		balance             money.Amount
		count               int
		rateW, termW, ageW  decimal.Decimal
		plainTerm, plainAge int64
		plainRate           decimal.Decimal
	}
	groups := map[key]*acc{}
	var order []*acc
	for _, l := range loans {
		k := key{int64(l.MonthsPastDue), l.Rate.Div(rateBucket).Floor().IntPart(), int64(l.RemainingTerm / termBucket)}
		g := groups[k]
		if g == nil {
			g = &acc{key: k}
			groups[k] = g
			order = append(order, g)
		}
		b := l.Balance.Decimal()
		g.balance += l.Balance
		g.count += max(1, l.Count)
		g.rateW = g.rateW.Add(b.Mul(l.Rate))
		g.termW = g.termW.Add(b.Mul(decimal.NewFromInt(int64(l.RemainingTerm))))
		g.ageW = g.ageW.Add(b.Mul(decimal.NewFromInt(int64(l.Age))))
		g.plainTerm += int64(l.RemainingTerm)
		g.plainAge += int64(l.Age)
		g.plainRate = g.plainRate.Add(l.Rate)
	}
	slices.SortFunc(order, func(a, b *acc) int {
		return cmp.Or(cmp.Compare(a.late, b.late), cmp.Compare(a.rate, b.rate), cmp.Compare(a.term, b.term))
	})
	out := make([]Loan, 0, len(order))
	for i, g := range order {
		line := Loan{ID: fmt.Sprintf("rep-%d", i+1), Balance: g.balance, Count: g.count, MonthsPastDue: int(g.late)}
		if g.balance > 0 {
			b := g.balance.Decimal()
			line.Rate = g.rateW.DivRound(b, 8)
			line.RemainingTerm = int(g.termW.DivRound(b, 0).IntPart())
			line.Age = int(g.ageW.DivRound(b, 0).IntPart())
		} else { // paid-off loans only: a plain average keeps the line valid
			n := decimal.NewFromInt(int64(g.count))
			line.Rate = g.plainRate.DivRound(n, 8)
			line.RemainingTerm = int(g.plainTerm / int64(g.count))
			line.Age = int(g.plainAge / int64(g.count))
		}
		line.RemainingTerm = max(1, line.RemainingTerm)
		out = append(out, line)
	}
	return out, nil
}

// ScaleTo returns the loans with their balances scaled so that they add up
// to target exactly: each is floored pro rata and the cents the floors left
// over go one each to the largest remainders, ties to the earlier loan
// (the rule of money.Allocate, in O(n log n) for tapes of many loans). The
// deal's state fixes the pool balance a projection starts from; a tape at
// cut-off, or lines drawn from pool statistics, are scaled to it.
func ScaleTo(loans []Loan, target money.Amount) ([]Loan, error) {
	weights := make([]int64, len(loans))
	for i, l := range loans {
		weights[i] = l.Balance.Cents()
	}
	parts, err := scale(weights, target.Cents())
	if err != nil {
		return nil, fmt.Errorf("loans: %w", err)
	}
	out := slices.Clone(loans)
	for i := range out {
		out[i].Balance = money.Amount(parts[i])
	}
	return out, nil
}

// scale splits total (≥ 0) pro rata to the weights (≥ 0) by largest
// remainder, exactly: total × weight is a 128-bit product, and the weights'
// sum fits 64 bits for any pool the limits allow.
func scale(weights []int64, total int64) ([]int64, error) {
	if total < 0 {
		return nil, fmt.Errorf("cannot scale to a negative total %d", total)
	}
	var sum uint64
	for i, w := range weights {
		if w < 0 {
			return nil, fmt.Errorf("weight %d is negative", i)
		}
		next := sum + uint64(w)
		if next < sum || next > math.MaxInt64 {
			return nil, fmt.Errorf("the balances' sum overflows")
		}
		sum = next
	}
	parts := make([]int64, len(weights))
	if total == 0 {
		return parts, nil
	}
	if sum == 0 {
		return nil, fmt.Errorf("cannot scale a zero balance to %d cents", total)
	}
	rems := make([]uint64, len(weights))
	order := make([]int, 0, len(weights))
	left := total
	for i, w := range weights {
		// total × w ÷ sum < 2⁶⁴ because w ≤ sum, so hi < sum and Div64 is safe.
		hi, lo := bits.Mul64(uint64(total), uint64(w))
		q, r := bits.Div64(hi, lo, sum)
		parts[i], rems[i] = int64(q), r
		left -= parts[i]
		if w > 0 {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rems[b], rems[a]) })
	for k := 0; left > 0; k++ { // left < the number of positive weights
		parts[order[k]]++
		left--
	}
	return parts, nil
}
