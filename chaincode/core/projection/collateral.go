package projection

import (
	"math"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// collateral is the pool being projected: each loan's performing balance
// in cents, its monthly rate, remaining term and age, its delinquent
// balance by bucket, and the recoveries still to come. Slices rather than
// a slice of structs keep the monthly loop over 10,000 loans in cache.
type collateral struct {
	balance []int64
	rate    []float64 // monthly: annual ÷ 12
	term    []int
	age     []int
	// performing is Σ balance.
	performing int64
	// buckets is the number of delinquency buckets (chargeOffMonths);
	// late[i×buckets+k] is loan i's balance that has missed k+1 payments,
	// charged off when it would move past the last bucket.
	buckets int
	late    []int64
	// pipeline[k] is Σ late over the loans for bucket k.
	pipeline []int64
	// cures[k] is the fraction of bucket k that pays up each month and is
	// current again; the rest rolls on (nil: nothing cures).
	cures []float64
	// overdue is a delinquent balance at the start with no bucket to sit
	// in (chargeOffMonths 0): charged off in the first month.
	overdue int64
	// recoveries[t] is what month t will recover.
	recoveries map[int]int64
	// start is the pool balance at the start (the loss curve's base).
	start int64
}

func newCollateral(loans []Loan, chargeOffMonths int) *collateral {
	n := chargeOffMonths
	c := &collateral{
		balance: make([]int64, len(loans)), rate: make([]float64, len(loans)),
		term: make([]int, len(loans)), age: make([]int, len(loans)),
		buckets: n, late: make([]int64, len(loans)*n), pipeline: make([]int64, n), recoveries: map[int]int64{},
	}
	for i, l := range loans {
		b := l.Balance.Cents()
		c.rate[i] = l.Rate.InexactFloat64() / 12
		c.term[i], c.age[i] = l.RemainingTerm, l.Age
		switch {
		case l.MonthsPastDue == 0:
			c.balance[i] = b
			c.performing += b
		case n == 0:
			c.overdue += b
		default: // a loan past the last bucket sits in it
			k := min(l.MonthsPastDue, n) - 1
			c.late[i*n+k] += b
			c.pipeline[k] += b
		}
	}
	c.start = c.total()
	return c
}

// total is the pool balance: performing plus delinquent.
func (c *collateral) total() int64 {
	t := c.performing + c.overdue
	for _, d := range c.pipeline {
		t += d
	}
	return t
}

// pendingRecoveries reports whether any recovery falls after month t.
func (c *collateral) pendingRecoveries(t int) bool {
	for m, r := range c.recoveries {
		if m > t && r > 0 {
			return true
		}
	}
	return false
}

// month is one month's collections and pool movements, in cents.
type month struct {
	begin, end                           int64
	interest, scheduled, prepaid         int64
	newDelinquent, chargedOff, recovered int64
	delinquencies                        waterfall.Delinquencies
}

// speeds are one month's rates.
type speeds struct {
	mdr float64 // monthly default rate of the performing balance
	smm float64 // prepayment, for CPR and SMM
	abs float64 // prepayment, the ABS speed (smm unused when positive)
}

// roundCents rounds half away from zero; amounts here are never negative.
func roundCents(x float64) int64 { return int64(math.Round(x)) }

// step runs month t: each loan's delinquent buckets move (cures pay up
// and are current again, the rest rolls one bucket on, out of the last to
// charge-off), then defaults, interest and scheduled principal on what
// performs, then prepayments; recoveries fall due.
func (c *collateral) step(t int, s speeds, severity float64, recoveryLag int) month {
	m := month{begin: c.total(), chargedOff: c.overdue}
	c.overdue = 0
	n := c.buckets
	clear(c.pipeline)
	var performing int64
	for i, b := range c.balance {
		late := c.late[i*n : i*n+n]
		var cured int64
		for k := n - 1; k >= 0; k-- { // oldest first: a roll lands in a bucket already moved
			x := late[k]
			if x == 0 {
				continue
			}
			cure := int64(0)
			if c.cures != nil {
				cure = min(x, roundCents(float64(x)*c.cures[k]))
			}
			late[k] = 0
			cured += cure
			if k == n-1 {
				m.chargedOff += x - cure
			} else {
				late[k+1] += x - cure
			}
		}
		b += cured
		if b == 0 && cured == 0 && (n == 0 || !anyLate(late)) {
			continue
		}
		d := min(b, roundCents(float64(b)*s.mdr))
		b -= d
		m.newDelinquent += d
		if b > 0 {
			r, left := c.rate[i], c.term[i]
			interest := roundCents(float64(b) * r)
			var sched int64
			switch {
			case left <= 1:
				sched = b
			case r == 0:
				sched = roundCents(float64(b) / float64(left))
			default:
				// Level payment: b·r ÷ (1 − (1+r)^−n), less the interest.
				pay := float64(b) * r / (1 - math.Pow(1+r, -float64(left)))
				sched = roundCents(pay - float64(b)*r)
			}
			sched = max(0, min(sched, b))
			smm := s.smm
			if s.abs > 0 {
				smm = ABSToSMM(s.abs, c.age[i]+1)
			}
			prepaid := max(0, min(b-sched, roundCents(float64(b-sched)*smm)))
			b -= sched + prepaid
			m.interest += interest
			m.scheduled += sched
			m.prepaid += prepaid
		}
		if n == 0 {
			m.chargedOff += d
		} else {
			late[0] += d
			for k, x := range late {
				c.pipeline[k] += x
			}
		}
		c.balance[i] = b
		c.term[i]--
		c.age[i]++
		performing += b
	}
	c.performing = performing
	if m.chargedOff > 0 {
		c.recoveries[t+recoveryLag] += roundCents(float64(m.chargedOff) * (1 - severity))
	}
	m.recovered = c.recoveries[t]
	delete(c.recoveries, t)
	for k, d := range c.pipeline {
		switch k {
		case 0:
			m.delinquencies.Days30to59 += money.Amount(d)
		case 1:
			m.delinquencies.Days60to89 += money.Amount(d)
		default:
			m.delinquencies.Days90Plus += money.Amount(d)
		}
	}
	m.end = c.total()
	return m
}

func anyLate(late []int64) bool {
	for _, x := range late {
		if x != 0 {
			return true
		}
	}
	return false
}
