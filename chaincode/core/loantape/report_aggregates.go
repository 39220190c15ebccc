package loantape

import (
	"fmt"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// averagePlaces is the precision of the weighted averages: 8 decimals
// (a hundredth of a basis point for rates).
const averagePlaces = 8

// ReportAggregates are the public numbers of a monthly servicer report:
// the waterfall's inputs (collections, defaults, recoveries, pool balance,
// delinquencies) and the counts and averages investors read. Every field
// is a plain sum over rows except the two averages, which are derived from
// the balance-weighted sums kept alongside them, so aggregates of chunks
// add up exactly to the aggregate of the whole ([ReportAggregates.Add]).
type ReportAggregates struct {
	Period Period `json:"period"`

	// LoanCount counts rows. Each row is exactly one of: active (balance
	// left at period end), paid off (reached zero this period with no
	// charge-off: payoffs, maturities, repurchases), charged off (reached
	// zero with a charge-off) or zero balance (was already at zero, still
	// reported, typically for a recovery).
	LoanCount        int `json:"loanCount"`
	ActiveCount      int `json:"activeCount"`
	PaidOffCount     int `json:"paidOffCount"`
	ChargedOffCount  int `json:"chargedOffCount"`
	ZeroBalanceCount int `json:"zeroBalanceCount"`

	BeginningBalance money.Amount `json:"beginningBalance"`
	// TotalCollected is Σ totalActualAmountPaid.
	TotalCollected    money.Amount `json:"totalCollected"`
	InterestCollected money.Amount `json:"interestCollected"`
	// ScheduledPrincipal and Prepayments split the principal collected
	// (see PeriodRow.ScheduledPrincipalCollected); they add up to it.
	ScheduledPrincipal money.Amount `json:"scheduledPrincipal"`
	Prepayments        money.Amount `json:"prepayments"`
	OtherCollected     money.Amount `json:"otherCollected"`
	// ChargedOffPrincipal is the period's defaults.
	ChargedOffPrincipal  money.Amount `json:"chargedOffPrincipal"`
	Recoveries           money.Amount `json:"recoveries"`
	RepossessionProceeds money.Amount `json:"repossessionProceeds"`
	// OtherPrincipalAdjustments is signed: positive reduced the pool.
	OtherPrincipalAdjustments money.Amount `json:"otherPrincipalAdjustments"`
	// EndingBalance = BeginningBalance − ScheduledPrincipal − Prepayments
	// − ChargedOffPrincipal − OtherPrincipalAdjustments, because every row
	// obeys the same identity.
	EndingBalance money.Amount `json:"endingBalance"`

	// Delinquency buckets active loans by days past due at period end.
	Delinquency DelinquencyBuckets `json:"delinquency"`

	// RateWeightedBalance is Σ rate × ending balance and
	// TermWeightedBalance Σ remaining months × ending balance, over
	// active loans; they are what Add sums to keep the averages exact.
	RateWeightedBalance decimal.Decimal `json:"rateWeightedBalance"`
	TermWeightedBalance decimal.Decimal `json:"termWeightedBalance"`
	// WeightedAverageCoupon and WeightedAverageRemainingTerm are weighted
	// by ending balance, rounded half-up to 8 decimals.
	WeightedAverageCoupon        decimal.Decimal `json:"weightedAverageCoupon"`
	WeightedAverageRemainingTerm decimal.Decimal `json:"weightedAverageRemainingTerm"`

	// RowsDigest fingerprints the rows (see Digest).
	RowsDigest Digest `json:"rowsDigest"`
}

// DelinquencyBuckets are the usual servicer-report buckets. Current means
// 0–30 days past due: a payment less than one month late is not reported
// as delinquent.
type DelinquencyBuckets struct {
	Current     Bucket `json:"current"`
	Days31To60  Bucket `json:"days31To60"`
	Days61To90  Bucket `json:"days61To90"`
	Days91To120 Bucket `json:"days91To120"`
	Over120     Bucket `json:"over120"`
}

// Bucket is a count of loans and their ending balance.
type Bucket struct {
	Count   int          `json:"count"`
	Balance money.Amount `json:"balance"`
}

// bucket returns the bucket for days past due.
func (d *DelinquencyBuckets) bucket(days int) *Bucket {
	switch {
	case days <= 30:
		return &d.Current
	case days <= 60:
		return &d.Days31To60
	case days <= 90:
		return &d.Days61To90
	case days <= 120:
		return &d.Days91To120
	default:
		return &d.Over120
	}
}

func (d *DelinquencyBuckets) all() [5]*Bucket {
	return [5]*Bucket{&d.Current, &d.Days31To60, &d.Days61To90, &d.Days91To120, &d.Over120}
}

// DelinquentBalance is the ending balance more than 30 days past due.
func (d DelinquencyBuckets) DelinquentBalance() money.Amount {
	return d.Days31To60.Balance + d.Days61To90.Balance + d.Days91To120.Balance + d.Over120.Balance
}

// PrincipalCollected is scheduled principal plus prepayments.
func (a ReportAggregates) PrincipalCollected() money.Amount {
	return a.ScheduledPrincipal + a.Prepayments
}

// ReportAggregator sums report rows one at a time in O(1) memory.
type ReportAggregator struct {
	a   ReportAggregates
	buf []byte // reused for canonical bytes
}

// NewReportAggregator starts an empty aggregate for period p. If p has no
// dates, the first row's dates become the period's.
func NewReportAggregator(p Period) *ReportAggregator {
	return &ReportAggregator{a: ReportAggregates{Period: p}}
}

// Add adds one row. It refuses a row of another period, and a sum that
// would overflow; either way the aggregate is unchanged.
func (g *ReportAggregator) Add(r PeriodRow) error {
	next := g.a
	p := &next.Period
	if p.Beginning.IsZero() && p.Ending.IsZero() {
		p.Beginning, p.Ending = r.ReportingPeriodBeginningDate, r.ReportingPeriodEndingDate
	} else if p.Beginning != r.ReportingPeriodBeginningDate || p.Ending != r.ReportingPeriodEndingDate {
		return fmt.Errorf("loan %s: period %s to %s is not the aggregate's %s to %s", r.AssetNumber,
			r.ReportingPeriodBeginningDate, r.ReportingPeriodEndingDate, p.Beginning, p.Ending)
	}
	begin, end := r.ReportingPeriodBeginningLoanBalanceAmount, r.ReportingPeriodActualEndBalanceAmount
	next.LoanCount++
	var s sums
	switch {
	case end != 0:
		next.ActiveCount++
		b := next.Delinquency.bucket(r.CurrentDelinquencyStatus)
		b.Count++
		s.add(&b.Balance, end)
		bal := end.Decimal()
		next.RateWeightedBalance = next.RateWeightedBalance.Add(r.ReportingPeriodInterestRatePercentage.Mul(bal))
		next.TermWeightedBalance = next.TermWeightedBalance.Add(decimal.NewFromInt(int64(r.RemainingTermToMaturityNumber)).Mul(bal))
	case r.ChargedoffPrincipalAmount != 0:
		next.ChargedOffCount++
	case begin != 0:
		next.PaidOffCount++
	default:
		next.ZeroBalanceCount++
	}
	s.add(&next.BeginningBalance, begin)
	s.add(&next.TotalCollected, r.TotalActualAmountPaid)
	s.add(&next.InterestCollected, r.ActualInterestCollectedAmount)
	s.add(&next.ScheduledPrincipal, r.ScheduledPrincipalCollected())
	s.add(&next.Prepayments, r.UnscheduledPrincipalCollected())
	s.add(&next.OtherCollected, r.ActualOtherCollectedAmount)
	s.add(&next.ChargedOffPrincipal, r.ChargedoffPrincipalAmount)
	s.add(&next.Recoveries, r.RecoveredAmount)
	s.add(&next.RepossessionProceeds, r.RepossessedProceedsAmount)
	s.add(&next.OtherPrincipalAdjustments, r.OtherPrincipalAdjustmentAmount)
	s.add(&next.EndingBalance, end)
	if s.err != nil {
		return fmt.Errorf("loan %s: %w", r.AssetNumber, s.err)
	}
	g.buf = periodFields.canonical(&r, g.buf[:0])
	next.RowsDigest = next.RowsDigest.Add(DigestOf(g.buf))
	g.a = next
	return nil
}

// Aggregates returns the sums so far, with the averages computed.
func (g *ReportAggregator) Aggregates() ReportAggregates {
	a := g.a
	a.finish()
	return a
}

// finish derives the averages from the weighted sums.
func (a *ReportAggregates) finish() {
	a.WeightedAverageCoupon, a.WeightedAverageRemainingTerm = decimal.Zero, decimal.Zero
	if a.EndingBalance > 0 {
		bal := a.EndingBalance.Decimal()
		a.WeightedAverageCoupon = a.RateWeightedBalance.DivRound(bal, averagePlaces)
		a.WeightedAverageRemainingTerm = a.TermWeightedBalance.DivRound(bal, averagePlaces)
	}
}

// Add combines the aggregates of two disjoint sets of rows of the same
// report (two chunks) into the aggregate of their union. An aggregate of
// no rows is the identity. It refuses aggregates of different periods and
// sums that overflow.
func (a ReportAggregates) Add(b ReportAggregates) (ReportAggregates, error) {
	if b.LoanCount == 0 {
		return a, nil
	}
	if a.LoanCount == 0 {
		return b, nil
	}
	if a.Period != b.Period {
		return ReportAggregates{}, fmt.Errorf("cannot add aggregates of period %s to %s (#%d) and %s to %s (#%d)",
			a.Period.Beginning, a.Period.Ending, a.Period.Number, b.Period.Beginning, b.Period.Ending, b.Period.Number)
	}
	out := a
	out.LoanCount += b.LoanCount
	out.ActiveCount += b.ActiveCount
	out.PaidOffCount += b.PaidOffCount
	out.ChargedOffCount += b.ChargedOffCount
	out.ZeroBalanceCount += b.ZeroBalanceCount
	var s sums
	s.add(&out.BeginningBalance, b.BeginningBalance)
	s.add(&out.TotalCollected, b.TotalCollected)
	s.add(&out.InterestCollected, b.InterestCollected)
	s.add(&out.ScheduledPrincipal, b.ScheduledPrincipal)
	s.add(&out.Prepayments, b.Prepayments)
	s.add(&out.OtherCollected, b.OtherCollected)
	s.add(&out.ChargedOffPrincipal, b.ChargedOffPrincipal)
	s.add(&out.Recoveries, b.Recoveries)
	s.add(&out.RepossessionProceeds, b.RepossessionProceeds)
	s.add(&out.OtherPrincipalAdjustments, b.OtherPrincipalAdjustments)
	s.add(&out.EndingBalance, b.EndingBalance)
	ob, bb := out.Delinquency.all(), b.Delinquency.all()
	for i := range ob {
		ob[i].Count += bb[i].Count
		s.add(&ob[i].Balance, bb[i].Balance)
	}
	if s.err != nil {
		return ReportAggregates{}, s.err
	}
	out.RateWeightedBalance = a.RateWeightedBalance.Add(b.RateWeightedBalance)
	out.TermWeightedBalance = a.TermWeightedBalance.Add(b.TermWeightedBalance)
	out.RowsDigest = a.RowsDigest.Add(b.RowsDigest)
	out.finish()
	return out, nil
}

// Equal reports whether a and b agree on every field (decimals by value).
func (a ReportAggregates) Equal(b ReportAggregates) bool { return len(a.diff(b)) == 0 }

// Reconcile compares the aggregate computed from the rows (a) with the
// totals the servicer declared. It returns nil when every field agrees,
// else a *ValidationError with one RowError (rule totals, no line) per
// field that differs, named by its JSON key.
func (a ReportAggregates) Reconcile(declared ReportAggregates) error {
	var l errorLimit
	l.max = len(reportAggregateFields) + 1
	for _, d := range a.diff(declared) {
		l.add(&RowError{Field: d.name, Rule: RuleTotals,
			Msg: fmt.Sprintf("%s %s from the rows != declared %s", d.name, d.got, d.want)})
	}
	return l.err()
}

type fieldDiff struct{ name, got, want string }

func (a ReportAggregates) diff(b ReportAggregates) []fieldDiff {
	var out []fieldDiff
	for _, f := range reportAggregateFields {
		if x, y := f.text(&a), f.text(&b); x != y {
			out = append(out, fieldDiff{f.name, x, y})
		}
	}
	return out
}

// reportAggregateFields lists every field of ReportAggregates with a
// canonical text form, for Equal and for Reconcile's messages.
var reportAggregateFields = []struct {
	name string
	text func(*ReportAggregates) string
}{
	{"period.number", func(a *ReportAggregates) string { return strconv.Itoa(a.Period.Number) }},
	{"period.beginning", func(a *ReportAggregates) string { return a.Period.Beginning.String() }},
	{"period.ending", func(a *ReportAggregates) string { return a.Period.Ending.String() }},
	{"loanCount", func(a *ReportAggregates) string { return strconv.Itoa(a.LoanCount) }},
	{"activeCount", func(a *ReportAggregates) string { return strconv.Itoa(a.ActiveCount) }},
	{"paidOffCount", func(a *ReportAggregates) string { return strconv.Itoa(a.PaidOffCount) }},
	{"chargedOffCount", func(a *ReportAggregates) string { return strconv.Itoa(a.ChargedOffCount) }},
	{"zeroBalanceCount", func(a *ReportAggregates) string { return strconv.Itoa(a.ZeroBalanceCount) }},
	{"beginningBalance", func(a *ReportAggregates) string { return a.BeginningBalance.String() }},
	{"totalCollected", func(a *ReportAggregates) string { return a.TotalCollected.String() }},
	{"interestCollected", func(a *ReportAggregates) string { return a.InterestCollected.String() }},
	{"scheduledPrincipal", func(a *ReportAggregates) string { return a.ScheduledPrincipal.String() }},
	{"prepayments", func(a *ReportAggregates) string { return a.Prepayments.String() }},
	{"otherCollected", func(a *ReportAggregates) string { return a.OtherCollected.String() }},
	{"chargedOffPrincipal", func(a *ReportAggregates) string { return a.ChargedOffPrincipal.String() }},
	{"recoveries", func(a *ReportAggregates) string { return a.Recoveries.String() }},
	{"repossessionProceeds", func(a *ReportAggregates) string { return a.RepossessionProceeds.String() }},
	{"otherPrincipalAdjustments", func(a *ReportAggregates) string { return a.OtherPrincipalAdjustments.String() }},
	{"endingBalance", func(a *ReportAggregates) string { return a.EndingBalance.String() }},
	{"delinquency.current", func(a *ReportAggregates) string { return a.Delinquency.Current.String() }},
	{"delinquency.days31To60", func(a *ReportAggregates) string { return a.Delinquency.Days31To60.String() }},
	{"delinquency.days61To90", func(a *ReportAggregates) string { return a.Delinquency.Days61To90.String() }},
	{"delinquency.days91To120", func(a *ReportAggregates) string { return a.Delinquency.Days91To120.String() }},
	{"delinquency.over120", func(a *ReportAggregates) string { return a.Delinquency.Over120.String() }},
	{"rateWeightedBalance", func(a *ReportAggregates) string { return a.RateWeightedBalance.String() }},
	{"termWeightedBalance", func(a *ReportAggregates) string { return a.TermWeightedBalance.String() }},
	{"weightedAverageCoupon", func(a *ReportAggregates) string { return a.WeightedAverageCoupon.String() }},
	{"weightedAverageRemainingTerm", func(a *ReportAggregates) string { return a.WeightedAverageRemainingTerm.String() }},
	{"rowsDigest", func(a *ReportAggregates) string { return a.RowsDigest.String() }},
}

// String formats a bucket as "count loans, balance".
func (b Bucket) String() string { return fmt.Sprintf("%d loans, %s", b.Count, b.Balance) }

// sums adds amounts and remembers the first overflow.
type sums struct{ err error }

func (s *sums) add(dst *money.Amount, v money.Amount) {
	if s.err != nil {
		return
	}
	t, err := dst.Add(v)
	if err != nil {
		s.err = err
		return
	}
	*dst = t
}
