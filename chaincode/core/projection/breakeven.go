package projection

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// BreakevenTolerance is how close the breakeven CDR is solved: the answer
// is a CDR at which the class loses and one BreakevenTolerance lower at
// which it does not (0.001% CDR).
const BreakevenTolerance = 1e-5

// lossAt projects the deal at a CDR (the other assumptions unchanged, run
// to the end of the pool) and returns every class's loss.
type lossAt func(cdr float64) ([]money.Amount, error)

func lossFunction(deal Deal, loans []Loan, a Assumptions) lossAt {
	cache := map[float64][]money.Amount{}
	return func(cdr float64) ([]money.Amount, error) {
		if l, ok := cache[cdr]; ok {
			return l, nil
		}
		b := a
		b.Defaults = Defaults{Kind: CDR, Rate: decimal.NewFromFloat(cdr)}
		b.Months = 0
		p, err := project(deal, loans, b)
		if err != nil {
			return nil, err
		}
		losses := make([]money.Amount, len(p.Classes))
		for i, c := range p.Classes {
			losses[i] = c.Loss
		}
		cache[cdr] = losses
		return losses, nil
	}
}

// breakevenCDR solves for the lowest CDR at which class i loses a cent.
// The loss is taken as rising with the CDR: the search brackets the first
// loss by doubling from 1% (up to 100%), then bisects the bracket until it
// is narrower than BreakevenTolerance, keeping a CDR without loss below
// and one with a loss above. It returns the upper end, false when even a
// 100% CDR leaves the class whole, and 0 when it loses at no defaults.
func breakevenCDR(loss lossAt, i int) (float64, bool, error) {
	loses := func(cdr float64) (bool, error) {
		l, err := loss(cdr)
		if err != nil {
			return false, err
		}
		return l[i] > 0, nil
	}
	if hit, err := loses(0); err != nil || hit {
		return 0, hit, err
	}
	lo, hi := 0.0, 0.01
	for {
		hit, err := loses(hi)
		if err != nil {
			return 0, false, err
		}
		if hit {
			break
		}
		if hi >= 1 {
			return 0, false, nil
		}
		lo, hi = hi, min(1, hi*2)
	}
	for hi-lo > BreakevenTolerance {
		mid := (lo + hi) / 2
		hit, err := loses(mid)
		if err != nil {
			return 0, false, err
		}
		if hit {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, true, nil
}
