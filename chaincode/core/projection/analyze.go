package projection

import (
	"fmt"
	"runtime"
	"sync"
)

// Analyze projects the deal and measures every note at its price: WAL,
// principal window, yield, spread, modified duration, loss and, if the
// pricing asks, the breakeven CDR.
func Analyze(deal Deal, loans []Loan, a Assumptions, pricing Pricing) (*Projection, error) {
	if err := check(deal, loans, a); err != nil {
		return nil, err
	}
	if err := pricing.Validate(classNames(deal)); err != nil {
		return nil, err
	}
	p, err := project(deal, loans, a)
	if err != nil {
		return nil, err
	}
	price(p, pricing)
	if pricing.Breakeven {
		loss := lossFunction(deal, loans, a)
		for i := range p.Classes {
			if p.Classes[i].Residual {
				continue
			}
			cdr, found, err := breakevenCDR(loss, i)
			if err != nil {
				return nil, fmt.Errorf("breakeven CDR of class %s: %w", p.Classes[i].Class, err)
			}
			if found {
				v := round(cdr, 6)
				p.Classes[i].Analytics.BreakevenCDR = &v
			}
		}
	}
	return p, nil
}

func classNames(deal Deal) []string {
	names := make([]string, len(deal.Definition.Classes))
	for i, c := range deal.Definition.Classes {
		names[i] = c.Name
	}
	return names
}

// price measures every note of a projection.
func price(p *Projection, pricing Pricing) {
	def := 100.0
	if !pricing.DefaultPrice.IsZero() {
		def = pricing.DefaultPrice.InexactFloat64()
	}
	for i := range p.Classes {
		c := &p.Classes[i]
		if c.Residual {
			continue
		}
		px, y := def, (*float64)(nil)
		for _, cp := range pricing.Classes {
			if cp.Class != c.Class {
				continue
			}
			if !cp.Price.IsZero() {
				px = cp.Price.InexactFloat64()
			}
			if cp.Yield != nil {
				v := cp.Yield.InexactFloat64()
				y = &v
			}
		}
		c.Analytics = measure(p.StartDate, *c, px, y, pricing.Benchmark)
	}
}

// GridCell is one scenario of a grid: its speeds and each note's measures.
type GridCell struct {
	Prepayment        Prepayment  `json:"prepayment"`
	Defaults          Defaults    `json:"defaults"`
	CleanUpCallPeriod int         `json:"cleanUpCallPeriod,omitempty"`
	Periods           int         `json:"periods"`
	Classes           []GridClass `json:"classes"`
}

// GridClass is one note's measures in a scenario.
type GridClass struct {
	Class string `json:"class"`
	Analytics
}

// GridResult is a grid of scenarios: Cells[i×len(Defaults)+j] ran
// Prepayments[i] with Defaults[j].
type GridResult struct {
	Prepayments []Prepayment `json:"prepayments"`
	Defaults    []Defaults   `json:"defaults"`
	Cells       []GridCell   `json:"cells"`
}

// MaxGridCells bounds a grid.
const MaxGridCells = 400

// Grid runs every prepayment speed against every default speed, the other
// assumptions as in base, on GOMAXPROCS workers. The answer is in grid
// order whatever order the workers finish in. Breakeven CDRs are not
// solved per cell.
func Grid(deal Deal, loans []Loan, base Assumptions, pricing Pricing, prepayments []Prepayment, defaults []Defaults) (*GridResult, error) {
	var p problems
	if len(prepayments) == 0 {
		p.add("prepayments", "at least one speed")
	}
	if len(defaults) == 0 {
		p.add("defaults", "at least one speed")
	}
	if n := len(prepayments) * len(defaults); n > MaxGridCells {
		p.add("prepayments", "%d × %d scenarios exceed %d", len(prepayments), len(defaults), MaxGridCells)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	scenarios := make([]Assumptions, 0, len(prepayments)*len(defaults))
	for i, pp := range prepayments {
		for j, d := range defaults {
			a := base
			a.Prepayment, a.Defaults = pp, d
			if err := a.Validate(deal.Definition); err != nil {
				return nil, fmt.Errorf("scenario prepayments[%d] × defaults[%d]: %w", i, j, err)
			}
			scenarios = append(scenarios, a)
		}
	}
	if err := check(deal, loans, scenarios[0]); err != nil {
		return nil, err
	}
	pricing.Breakeven = false
	if err := pricing.Validate(classNames(deal)); err != nil {
		return nil, err
	}
	out := &GridResult{Prepayments: prepayments, Defaults: defaults, Cells: make([]GridCell, len(scenarios))}
	errs := make([]error, len(scenarios))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(scenarios)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range jobs {
				out.Cells[k], errs[k] = cell(deal, loans, scenarios[k], pricing)
			}
		}()
	}
	for k := range scenarios {
		jobs <- k
	}
	close(jobs)
	wg.Wait()
	for k, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("scenario %d (prepayments[%d] × defaults[%d]): %w", k, k/len(defaults), k%len(defaults), err)
		}
	}
	return out, nil
}

func cell(deal Deal, loans []Loan, a Assumptions, pricing Pricing) (GridCell, error) {
	p, err := project(deal, loans, a)
	if err != nil {
		return GridCell{}, err
	}
	price(p, pricing)
	c := GridCell{Prepayment: a.Prepayment, Defaults: a.Defaults, CleanUpCallPeriod: p.CleanUpCallPeriod, Periods: len(p.Pool)}
	for _, cp := range p.Classes {
		if !cp.Residual {
			c.Classes = append(c.Classes, GridClass{Class: cp.Class, Analytics: *cp.Analytics})
		}
	}
	return c, nil
}
