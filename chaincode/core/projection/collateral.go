package projection

import (
	"math"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// collateral is the pool being projected: each loan's performing balance
// in cents, its monthly rate, remaining term and age, the delinquency
// pipeline and the recoveries still to come. Slices rather than a slice
// of structs keep the monthly loop over 10,000 loans in cache.
type collateral struct {
	balance []int64
	rate    []float64 // monthly: annual ÷ 12
	term    []int
	age     []int
	// performing is Σ balance.
	performing int64
	// pipeline[k] is the balance that has missed k+1 payments; it is
	// charged off when it would move past the last slot.
	pipeline []int64
	// recoveries[t] is what month t will recover.
	recoveries map[int]int64
	// start is the pool balance at the start (the loss curve's base).
	start int64
}

func newCollateral(loans []Loan, chargeOffMonths int) *collateral {
	c := &collateral{
		balance: make([]int64, len(loans)), rate: make([]float64, len(loans)),
		term: make([]int, len(loans)), age: make([]int, len(loans)),
		pipeline: make([]int64, chargeOffMonths), recoveries: map[int]int64{},
	}
	for i, l := range loans {
		c.balance[i] = l.Balance.Cents()
		c.rate[i] = l.Rate.InexactFloat64() / 12
		c.term[i], c.age[i] = l.RemainingTerm, l.Age
		c.performing += c.balance[i]
	}
	c.start = c.total()
	return c
}

// total is the pool balance: performing plus delinquent.
func (c *collateral) total() int64 {
	t := c.performing
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

// step runs month t: defaults, then interest and scheduled principal on
// what still performs, then prepayments; the pipeline moves one bucket
// and recoveries fall due.
func (c *collateral) step(t int, s speeds, severity float64, recoveryLag int) month {
	m := month{begin: c.total()}
	n := len(c.pipeline)
	if n > 0 {
		m.chargedOff = c.pipeline[n-1]
		copy(c.pipeline[1:], c.pipeline[:n-1])
		c.pipeline[0] = 0
	}
	var performing int64
	for i, b := range c.balance {
		if b == 0 {
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
		c.balance[i] = b
		c.term[i]--
		c.age[i]++
		performing += b
	}
	c.performing = performing
	if n == 0 {
		m.chargedOff += m.newDelinquent
	} else {
		c.pipeline[0] = m.newDelinquent
	}
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
