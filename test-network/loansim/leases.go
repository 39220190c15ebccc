package loansim

import (
	"fmt"
	"math/rand/v2"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/lease"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// LeaseSim generates a deterministic pool of equipment leases and
// simulates it month by month as lease rows (package lease) valued at the
// deal's discount rate, so every row passes the lease checks (terms,
// remaining term, the discounted balance to the cent, end codes) and the
// common report rules on its projection (continuity, roll-forward).
//
// The model, per lease and month: at maturity the lessee pays what it
// owes and the equipment is sold for 70–120% of its booked residual (a
// residual gain or loss); otherwise a lease defaults with 0.3% (20% once
// 90 days behind; at 120 days always) and recovers 30–60% of its
// discounted balance, or is bought out with 0.5% at 95–102% of it; a
// payment falling due is missed with 3%, and arrears are caught up with
// 50% a month.
type LeaseSim struct {
	seed   uint64
	cutoff loantape.Month
	rate   decimal.Decimal
	period int
	leases []*simLease
	tape   []lease.Row
}

type simLease struct {
	row    lease.Row // static fields, last period's state
	closed bool
}

// LeaseDiscountRate is the discount rate loansim's command values lease
// pools at (6.5% a year): a lease pool created for its files names it.
var LeaseDiscountRate = decimal.RequireFromString("0.065")

var leaseStates = []string{"IA", "TX", "NE", "OH", "CA", "IL", "KS", "MN", "GA", "PA"}
var leaseEquipment = []string{"AG", "AG", "CON", "TRK", "MED", "TECH", "IND", "OFF"}

// NewLeases generates spec.Leases leases, seasoned so that each has at
// least one payment period left after the cut-off, valued at rate.
func NewLeases(spec PoolSpec, rate decimal.Decimal) (*LeaseSim, error) {
	if spec.Loans <= 0 || spec.Loans > 1_000_000 {
		return nil, fmt.Errorf("loansim: leases must be 1 to 1,000,000, got %d", spec.Loans)
	}
	m := &LeaseSim{seed: spec.Seed, cutoff: spec.Cutoff, rate: rate}
	originator := spec.Originator
	if originator == "" {
		originator = "TRANCHENET EQUIPMENT FINANCE"
	}
	for i := range spec.Loans {
		rng := rand.New(rand.NewPCG(spec.Seed, uint64(i)<<20))
		freq := []string{"M", "M", "M", "M", "M", "M", "Q", "Q", "A"}[rng.IntN(9)]
		f := lease.FrequencyMonths(freq)
		term := []int{24, 36, 48, 60}[rng.IntN(4)]
		payments := term / f
		cost := (20_000 + rng.Int64N(480_000)) * 100
		residual := cost * (5 + rng.Int64N(21)) / 100
		// Rent that amortises the cost less the residual with a margin.
		payment := (cost - residual*8/10) * (110 + rng.Int64N(15)) / 100 / int64(payments)
		age := rng.IntN(term - f) // months since the first payment
		first := spec.Cutoff.AddMonths(-age)
		r := lease.Row{
			AssetNumber: fmt.Sprintf("LS%07d", i+1), LesseeID: fmt.Sprintf("LESSEE-%06d", rng.IntN(spec.Loans)+1),
			LesseeState: leaseStates[rng.IntN(len(leaseStates))], OriginatorName: originator,
			EquipmentType: leaseEquipment[rng.IntN(len(leaseEquipment))], EquipmentCondition: []string{"N", "N", "U"}[rng.IntN(3)],
			OriginalEquipmentCost: money.Cents(cost), BookedResidualValue: money.Cents(residual),
			OriginalLeaseTerm: term, PaymentFrequency: freq, ScheduledPaymentAmount: money.Cents(payment),
			FirstPaymentDate: first, LeaseMaturityDate: first.AddMonths((payments - 1) * f),
			DiscountRate: rate, PeriodEndingDate: spec.Cutoff.LastDay(),
		}
		if err := revalue(&r); err != nil {
			return nil, err
		}
		m.leases = append(m.leases, &simLease{row: r})
		m.tape = append(m.tape, r)
	}
	return m, nil
}

// revalue sets the remaining term and the discounted balance at the row's
// period end.
func revalue(r *lease.Row) error {
	if r.EndCode == "" {
		r.RemainingTerm = max(0, r.PeriodEndingDate.YearMonth().MonthsUntil(r.LeaseMaturityDate))
	} else {
		r.RemainingTerm = 0
	}
	var err error
	r.DiscountedBalance, err = r.ExpectedBalance()
	return err
}

// Tape is the cut-off tape: one row a lease.
func (m *LeaseSim) Tape() []lease.Row { return append([]lease.Row(nil), m.tape...) }

// Advance simulates the next month and returns its period and one row for
// every lease still in the pool at its start.
func (m *LeaseSim) Advance() (loantape.Period, []lease.Row) {
	m.period++
	month := m.cutoff.AddMonths(m.period)
	p := loantape.MonthlyPeriod(m.period, month)
	var rows []lease.Row
	for i, l := range m.leases {
		if l.closed {
			continue
		}
		rng := rand.New(rand.NewPCG(m.seed, uint64(i)<<20|uint64(m.period)))
		r := m.step(l.row, month, rng)
		r.PeriodBeginningDate, r.PeriodEndingDate = p.Beginning, p.Ending
		if err := revalue(&r); err != nil {
			panic("loansim: a simulated lease cannot be valued: " + err.Error())
		}
		l.row, l.closed = r, r.EndCode != ""
		rows = append(rows, r)
	}
	return p, rows
}

// step applies one month's events to a lease whose row holds last month's
// state.
func (m *LeaseSim) step(prev lease.Row, month loantape.Month, rng *rand.Rand) lease.Row {
	r := prev
	r.BeginningBalance = prev.DiscountedBalance
	r.PaymentMade, r.EarlyTerminationAmount, r.ResidualRealised, r.Recovery = 0, 0, 0, 0
	f := lease.FrequencyMonths(r.PaymentFrequency)
	due := money.Amount(0)
	if k := r.FirstPaymentDate.MonthsUntil(month); k >= 0 && k%f == 0 && !r.LeaseMaturityDate.Before(month) {
		due = r.ScheduledPaymentAmount
	}
	pct := func(lo, hi int64) int64 { return lo + rng.Int64N(hi-lo+1) }
	defaultPPB := int64(3_000_000)
	if prev.DaysPastDue >= 90 {
		defaultPPB = 200_000_000
	}
	switch {
	case month == r.LeaseMaturityDate:
		r.EndCode = lease.EndMatured
		r.PaymentMade = r.PastDue + due
		r.ResidualRealised = r.BookedResidualValue * money.Amount(pct(70, 120)) / 100
		r.PastDue, r.DaysPastDue = 0, 0
	case prev.DaysPastDue >= 120 || rng.Int64N(1_000_000_000) < defaultPPB:
		r.EndCode = lease.EndDefaulted
		r.Recovery = r.BeginningBalance * money.Amount(pct(30, 60)) / 100
		r.PastDue, r.DaysPastDue = 0, 0
	case rng.Int64N(1_000_000_000) < 5_000_000:
		r.EndCode = lease.EndTerminated
		r.PaymentMade = r.PastDue + due
		r.EarlyTerminationAmount = r.BeginningBalance * money.Amount(pct(95, 102)) / 100
		r.PastDue, r.DaysPastDue = 0, 0
	default:
		if due > 0 {
			if rng.Int64N(100) < 3 {
				r.PastDue += due
			} else {
				r.PaymentMade += due
			}
		}
		if prev.PastDue > 0 && rng.Int64N(2) == 0 {
			r.PaymentMade += prev.PastDue
			r.PastDue -= prev.PastDue
		}
		if r.PastDue > 0 {
			r.DaysPastDue = prev.DaysPastDue + 30
		} else {
			r.DaysPastDue = 0
		}
	}
	return r
}
