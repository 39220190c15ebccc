package distribution

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// RatioPlaces is the precision of the published coverage ratio.
const RatioPlaces = 10

// Reserve is a period's proof of reserve: the pool balance the servicer
// attested and the trustee certified, times the deal's required
// collateralization, against the notes outstanding. It is public so that
// any holder can see that its tokens are backed. The convention is the
// Deal's mint gate: notes may be at most pool × RequiredCollateralization
// (0.92 means at least 8% overcollateralization).
type Reserve struct {
	PoolBalance               money.Amount    `json:"poolBalance"`
	NotesOutstanding          money.Amount    `json:"notesOutstanding"`
	RequiredCollateralization decimal.Decimal `json:"requiredCollateralization"`
	// Capacity is pool × required collateralization floored to the cent:
	// the most notes the pool backs. Flooring means the test never passes
	// by a fraction of a cent.
	Capacity money.Amount `json:"capacity"`
	// Headroom is capacity − notes; negative is a shortfall.
	Headroom money.Amount `json:"headroom"`
	// Coverage is pool ÷ notes truncated to RatioPlaces; zero when no notes
	// are outstanding (Undefined).
	Coverage  decimal.Decimal `json:"coverage"`
	Undefined bool            `json:"undefined,omitempty"`
	Covered   bool            `json:"covered"`
}

// ProveReserve computes the proof of reserve: Covered is notes ≤ capacity.
// With no notes outstanding any pool covers them.
func ProveReserve(pool, notes money.Amount, required decimal.Decimal) (Reserve, error) {
	switch {
	case pool < 0:
		return Reserve{}, errs.Field("poolBalance", "%s is negative", pool)
	case notes < 0:
		return Reserve{}, errs.Field("notesOutstanding", "%s is negative", notes)
	case required.Sign() <= 0 || required.GreaterThan(decimal.NewFromInt(1)):
		return Reserve{}, errs.Field("requiredCollateralization", "%s must be in (0, 1]", required)
	case !required.Equal(required.Truncate(IndexScale)):
		return Reserve{}, errs.Field("requiredCollateralization", "%s has more than %d decimal places", required, IndexScale)
	}
	capacity, err := pool.MulRateFloor(required)
	if err != nil {
		return Reserve{}, errs.New(errs.Overflow, "pool %s × %s overflows", pool, required)
	}
	return Reserve{
		PoolBalance: pool, NotesOutstanding: notes, RequiredCollateralization: required,
		Capacity: capacity, Headroom: capacity - notes, Covered: notes <= capacity,
		Coverage: money.Ratio(pool, notes, RatioPlaces), Undefined: notes == 0,
	}, nil
}
