package loansim

import (
	"math/bits"
	"math/rand/v2"

	"github.com/shopspring/decimal"
)

// billion is the unit of probabilities: parts per billion.
const billion = 1_000_000_000

// Stream purposes: a loan's terms and its monthly draws come from
// independent streams.
const (
	purposeTerms uint64 = iota + 1
	purposeMonth
)

// stream is a reproducible source of random integers. PCG's output is
// specified by its algorithm; the mapping to ranges is done here (rather
// than by math/rand's Rand methods, which are free to change between Go
// releases) so that a seed means the same pool forever.
type stream struct{ pcg rand.PCG }

// reset positions the stream at the start of the sequence for (seed,
// loan, period, purpose). Keys are mixed with SplitMix64 so neighbouring
// loans get unrelated sequences.
func (s *stream) reset(seed uint64, loan int, period int, purpose uint64) {
	k := splitmix(uint64(loan)<<24 ^ uint64(period)<<4 ^ purpose)
	s.pcg.Seed(splitmix(seed), k)
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// below returns a uniform integer in [0, n), n > 0, by Lemire's
// multiply-and-reject method: unbiased and nearly division-free.
func (s *stream) below(n uint64) uint64 {
	hi, lo := bits.Mul64(s.pcg.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(s.pcg.Uint64(), n)
		}
	}
	return hi
}

// between returns a uniform integer in [lo, hi].
func (s *stream) between(lo, hi int64) int64 { return lo + int64(s.below(uint64(hi-lo+1))) }

// chance returns true with probability ppb parts per billion.
func (s *stream) chance(ppb int64) bool { return int64(s.below(billion)) < ppb }

// pick returns an index with probability proportional to weights[i].
func (s *stream) pick(weights []int64, total int64) int {
	u := int64(s.below(uint64(total)))
	for i, w := range weights {
		if u < w {
			return i
		}
		u -= w
	}
	return len(weights) - 1
}

// ppb converts a probability in [0, 1] to parts per billion, half-up.
func ppb(p decimal.Decimal) int64 {
	return clampPPB(p.Mul(decimal.NewFromInt(billion)).Round(0).IntPart())
}

// scalePPB multiplies a probability by a factor (zero factor = unchanged),
// capped at certainty.
func scalePPB(p int64, factor decimal.Decimal) int64 {
	if factor.IsZero() {
		return p
	}
	return clampPPB(decimal.NewFromInt(p).Mul(factor).Round(0).IntPart())
}

func clampPPB(p int64) int64 { return min(max(p, 0), billion) }
