package waterfall

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Limits on what the engine accepts. They are far beyond any real deal and
// they are what makes the engine's arithmetic safe: every amount in a
// definition, state or period is at most MaxInputAmount and there are at
// most maxClasses classes, so no sum the engine forms in one period comes
// near money.MaxAmount. That is why the engine adds Amounts with + inside a
// run; the conservation check at the end of Run would catch any slip.
const (
	// MaxInputAmount is 10 trillion in major units.
	MaxInputAmount money.Amount = 1_000_000_000_000_000
	maxClasses                  = 64
	maxFees                     = 32
	maxReserves                 = 8
	maxTriggers                 = 32
	maxThresholds               = 240
	maxSteps                    = 256
	maxNameLength               = 64
	maxFixings                  = 64
	// maxAccrualDays bounds an accrual period (a long first stub included).
	maxAccrualDays = 400
)

var (
	one = decimal.NewFromInt(1)
	// maxThreshold bounds trigger thresholds: coverage ratios above 1 are
	// normal (an OC test at 1.05), ratios above 100 are typing mistakes.
	maxThreshold = decimal.NewFromInt(100)
)
