package projection

import (
	"fmt"
	"math"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// Pricing says at what price (or yield) to price each class, and the
// benchmark curve spreads are quoted over.
type Pricing struct {
	// Classes prices the classes it names; any other note is priced at
	// DefaultPrice.
	Classes []ClassPricing `json:"classes,omitempty"`
	// DefaultPrice is per 100 of the class's balance at the start; zero
	// means 100 (par).
	DefaultPrice decimal.Decimal `json:"defaultPrice,omitzero" doc:"price per 100 of balance for classes not listed (default 100)"`
	// Benchmark is the curve spreads are quoted over, by term in years,
	// interpolated linearly at the class's WAL and flat beyond its ends.
	Benchmark []CurvePoint `json:"benchmark,omitempty" doc:"benchmark yields by term (years), interpolated at the WAL; spreads are over it"`
	// Breakeven solves each note's breakeven CDR (a projection per try).
	Breakeven bool `json:"breakeven,omitempty" doc:"solve each note's breakeven CDR"`
}

// ClassPricing is one class's price, and optionally a yield to price at.
type ClassPricing struct {
	Class string          `json:"class"`
	Price decimal.Decimal `json:"price,omitzero" doc:"price per 100 of balance (default: defaultPrice)"`
	// Yield, when set, is priced too (PriceAtYield).
	Yield *decimal.Decimal `json:"yield,omitempty" doc:"a yield (fraction, monthly compounding) to price the class at"`
}

// CurvePoint is one point of a yield curve.
type CurvePoint struct {
	Years decimal.Decimal `json:"years" doc:"term in years"`
	Rate  decimal.Decimal `json:"rate" doc:"yield, a fraction"`
}

// Analytics are a note's measures on its projected cash flows. Times are
// in years of 30/360 from the projection's start date; yields compound
// monthly (the payment frequency) and are fractions.
type Analytics struct {
	// WAL is Σ t × principal ÷ Σ principal.
	WAL float64 `json:"wal"`
	// The principal window: first and last periods paying principal.
	FirstPrincipalPeriod int           `json:"firstPrincipalPeriod,omitempty"`
	FirstPrincipalDate   daycount.Date `json:"firstPrincipalDate,omitzero"`
	LastPrincipalPeriod  int           `json:"lastPrincipalPeriod,omitempty"`
	LastPrincipalDate    daycount.Date `json:"lastPrincipalDate,omitzero"`
	// Price is per 100 of the start balance; Yield is the yield at it,
	// null when no yield prices the flows at it (YieldProblem says why:
	// no flows at all, or a price the flows cannot reach at any yield an
	// ABS note can have); spread and duration are then null too.
	Price        float64  `json:"price"`
	Yield        *float64 `json:"yield"`
	YieldProblem string   `json:"yieldProblem,omitempty"`
	// SpreadBP is Yield − benchmark(WAL), in basis points (absent without
	// a benchmark curve).
	SpreadBP *float64 `json:"spreadBp,omitempty"`
	// ModifiedDuration is −(dP/dy) ÷ P at Yield.
	ModifiedDuration *float64 `json:"modifiedDuration"`
	// PriceAtYield is the price at the yield asked for, if one was.
	PriceAtYield *float64 `json:"priceAtYield,omitempty"`
	// LossFraction is the class's loss ÷ its start balance.
	LossFraction float64 `json:"lossFraction"`
	// BreakevenCDR is the lowest CDR at which the class loses a cent, to
	// BreakevenTolerance (absent when not asked, or when even a 100% CDR
	// costs it nothing).
	BreakevenCDR *float64 `json:"breakevenCdr,omitempty"`
}

// Validate checks the pricing, naming each bad field.
func (pr Pricing) Validate(classes []string) error {
	var p problems
	known := map[string]bool{}
	for _, c := range classes {
		known[c] = true
	}
	checkPrice := func(path string, d decimal.Decimal) {
		if d.IsNegative() || d.GreaterThan(decimal.NewFromInt(1000)) {
			p.add(path, "must be a price per 100 from 0 to 1000, got %s", d)
		}
	}
	checkPrice("defaultPrice", pr.DefaultPrice)
	for i, c := range pr.Classes {
		path := fmt.Sprintf("classes[%d]", i)
		if !known[c.Class] {
			p.add(path+".class", "unknown class %q", c.Class)
		}
		checkPrice(path+".price", c.Price)
		if c.Yield != nil && (c.Yield.LessThan(decimal.NewFromFloat(-0.5)) || c.Yield.GreaterThan(decimal.NewFromInt(5))) {
			p.add(path+".yield", "must be a fraction from -0.5 to 5, got %s", c.Yield)
		}
	}
	for i, b := range pr.Benchmark {
		path := fmt.Sprintf("benchmark[%d]", i)
		if b.Years.IsNegative() || b.Years.GreaterThan(decimal.NewFromInt(100)) {
			p.add(path+".years", "must be 0 to 100, got %v", b.Years)
		} else if i > 0 && !b.Years.GreaterThan(pr.Benchmark[i-1].Years) {
			p.add(path+".years", "terms must increase, got %v after %v", b.Years, pr.Benchmark[i-1].Years)
		}
		if b.Rate.LessThan(decimal.NewFromFloat(-0.05)) || b.Rate.GreaterThan(one) {
			p.add(path+".rate", "must be a fraction from -0.05 to 1, got %s", b.Rate)
		}
	}
	return p.err()
}

// cashFlow is one dated amount.
type cashFlow struct {
	years  float64
	amount float64 // cents
}

// measure computes a note's analytics at its price (and yield, if asked).
func measure(start daycount.Date, c ClassProjection, price float64, atYield *float64, bench []CurvePoint) *Analytics {
	a := &Analytics{Price: round(price, 6)}
	var flows []cashFlow
	var weighted, principal float64
	for _, f := range c.Flows {
		days, _, _ := daycount.Thirty360.Fraction(start, f.PaymentDate)
		t := float64(days) / 360
		if f.Principal > 0 {
			weighted += t * float64(f.Principal)
			principal += float64(f.Principal)
			if a.FirstPrincipalPeriod == 0 {
				a.FirstPrincipalPeriod, a.FirstPrincipalDate = f.Period, f.PaymentDate
			}
			a.LastPrincipalPeriod, a.LastPrincipalDate = f.Period, f.PaymentDate
		}
		if cf := f.Interest + f.Principal + f.Residual; cf != 0 {
			flows = append(flows, cashFlow{t, float64(cf)})
		}
	}
	if principal > 0 {
		a.WAL = round(weighted/principal, 4)
	}
	if c.StartBalance > 0 {
		a.LossFraction = round(float64(c.Loss)/float64(c.StartBalance), 8)
		target := price / 100 * float64(c.StartBalance)
		if atYield != nil {
			v := round(presentValue(flows, *atYield)/float64(c.StartBalance)*100, 6)
			a.PriceAtYield = &v
		}
		y, problem := solveYield(flows, target)
		if problem != "" {
			a.YieldProblem = problem
			return a
		}
		a.Yield = ptr(round(y, 8))
		if pv := presentValue(flows, y); pv > 0 {
			a.ModifiedDuration = ptr(round(durationSum(flows, y)/pv, 4))
		}
		if len(bench) > 0 {
			a.SpreadBP = ptr(round((y-benchmarkAt(bench, a.WAL))*10000, 2))
		}
	}
	return a
}

// presentValue discounts at y compounded monthly.
func presentValue(flows []cashFlow, y float64) float64 {
	var pv float64
	for _, f := range flows {
		pv += f.amount * math.Pow(1+y/12, -12*f.years)
	}
	return pv
}

// durationSum is −dPV/dy.
func durationSum(flows []cashFlow, y float64) float64 {
	var s float64
	for _, f := range flows {
		s += f.years * f.amount * math.Pow(1+y/12, -12*f.years-1)
	}
	return s
}

// Yields are solved between these: −1,188% (a monthly rate of −99%) and
// 1,000%, the widest an ABS note can have.
const (
	lowestYield  = -0.99 * 12
	highestYield = 10.0
)

// solveYield finds y with PV(y) = target by bisection: PV falls as y
// rises when every flow is positive, so the root is bracketed by the
// widest yields an ABS note can have. When there is none it says why.
func solveYield(flows []cashFlow, target float64) (float64, string) {
	lo, hi := lowestYield, highestYield
	switch {
	case len(flows) == 0:
		return 0, "the class receives no cash in the projection: no yield prices it"
	case target <= 0:
		return 0, "a price of zero has no yield"
	case presentValue(flows, hi) > target:
		return 0, "the price is below the flows' value at a 1,000% yield: no yield prices them"
	case presentValue(flows, lo) < target:
		return 0, "the price is above the flows' value at a -1,188% yield: no yield prices them"
	}
	for i := 0; i < 200 && hi-lo > 1e-12; i++ {
		mid := (lo + hi) / 2
		if presentValue(flows, mid) > target {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2, ""
}

func ptr[T any](v T) *T { return &v }

// benchmarkAt interpolates the curve linearly, flat beyond its ends.
func benchmarkAt(curve []CurvePoint, years float64) float64 {
	if years <= curve[0].Years.InexactFloat64() {
		return curve[0].Rate.InexactFloat64()
	}
	for i := 1; i < len(curve); i++ {
		if at := curve[i].Years.InexactFloat64(); years <= at {
			a, b := curve[i-1], curve[i]
			from := a.Years.InexactFloat64()
			w := (years - from) / (at - from)
			return a.Rate.InexactFloat64()*(1-w) + b.Rate.InexactFloat64()*w
		}
	}
	return curve[len(curve)-1].Rate.InexactFloat64()
}

// round keeps places decimals, so output does not show float noise.
func round(x float64, places int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}
