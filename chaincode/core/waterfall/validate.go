package waterfall

import (
	"unicode"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// Validate checks the definition against every rule the engine relies on
// and returns a *ValidationError naming the path of each bad field, e.g.
// `steps[3].classes[1]: unknown class "Z"`.
func (d *Definition) Validate() error {
	var p problems
	// Sizes first: the rules below look names up list against list, so an
	// oversized definition is refused before any of that work.
	for _, s := range []struct {
		path     string
		n, limit int
	}{
		{"classes", len(d.Classes), maxClasses}, {"fees", len(d.Fees), maxFees},
		{"reserves", len(d.Reserves), maxReserves}, {"triggers", len(d.Triggers), maxTriggers},
		{"steps", len(d.Steps), maxSteps}, {"accelerationSteps", len(d.AccelerationSteps), maxSteps},
	} {
		if s.n > s.limit {
			p.add(s.path, "at most %d, got %d", s.limit, s.n)
		}
	}
	if err := p.err(); err != nil {
		return err
	}
	if d.Version < 1 {
		p.add("version", "must be at least 1, got %d", d.Version)
	}
	if d.ClosingDate.IsZero() {
		p.add("closingDate", "required")
	}
	checkAmount(&p, "initialPoolBalance", d.InitialPoolBalance, true)
	if d.DayCount != "" && !d.DayCount.Valid() {
		p.add("dayCount", "unknown day count %q, want %q or %q", string(d.DayCount), daycount.Thirty360, daycount.Actual360)
	}
	d.validateClasses(&p)
	d.validateFees(&p)
	d.validateYieldSupplement(&p)
	d.validatePaymentDates(&p)
	d.validateReserves(&p)
	d.validateTriggers(&p)
	if d.OCTarget != nil {
		d.validatePoolTarget(&p, "ocTarget", *d.OCTarget)
	}
	if checkPlaces(&p, "cleanUpCallFactor", d.CleanUpCallFactor) &&
		(d.CleanUpCallFactor.IsNegative() || d.CleanUpCallFactor.GreaterThanOrEqual(one)) {
		p.add("cleanUpCallFactor", "must be a fraction in [0, 1), got %s", d.CleanUpCallFactor)
	}
	d.validateSteps(&p, "steps", d.Steps, false)
	switch {
	case len(d.AccelerationSteps) == 0 && d.hasEffect(EventOfDefault):
		p.add("accelerationSteps", "required: a trigger has effect %q", EventOfDefault)
	case d.AccelerationSteps != nil:
		d.validateSteps(&p, "accelerationSteps", d.AccelerationSteps, true)
	}
	return p.err()
}

func (d *Definition) hasEffect(e Effect) bool {
	for _, t := range d.Triggers {
		if t.Effect == e {
			return true
		}
	}
	return false
}

func (d *Definition) validateClasses(p *problems) {
	if len(d.Classes) == 0 {
		p.add("classes", "want at least one note class and the residual class")
		return
	}
	seen := map[string]bool{}
	residuals, notes := 0, 0
	for i, c := range d.Classes {
		path := at("classes", i)
		checkName(p, path+".name", c.Name)
		if seen[c.Name] {
			p.add(path+".name", "duplicate class %q", c.Name)
		}
		seen[c.Name] = true
		if c.Rank < 1 || c.Rank > maxClasses {
			p.add(path+".rank", "must be 1 (most senior) to %d, got %d", maxClasses, c.Rank)
		}
		if c.Residual {
			residuals++
			checkAmount(p, path+".originalBalance", c.OriginalBalance, false)
			if c.Coupon != nil {
				p.add(path+".coupon", "residual class %q bears no coupon", c.Name)
			}
			if c.InterestOnUnpaidInterest {
				p.add(path+".interestOnUnpaidInterest", "residual class %q bears no interest", c.Name)
			}
			continue
		}
		notes++
		checkAmount(p, path+".originalBalance", c.OriginalBalance, true)
		if dc := d.dayCount(c); !dc.Valid() {
			p.add(path+".dayCount", "class %q: day count %q unknown or unset, want %q or %q (here or at dayCount)",
				c.Name, string(dc), daycount.Thirty360, daycount.Actual360)
		}
		if c.Coupon == nil {
			p.add(path+".coupon", "required for note class %q", c.Name)
		} else {
			validateCoupon(p, path+".coupon", *c.Coupon)
		}
	}
	if residuals != 1 {
		p.add("classes", "want exactly one residual class, got %d", residuals)
	}
	if notes == 0 {
		p.add("classes", "want at least one note class")
	}
}

func validateCoupon(p *problems, path string, c Coupon) {
	switch {
	case c.Fixed != nil && c.Index != "":
		p.add(path, "fixed and index are exclusive")
	case c.Fixed != nil:
		checkRate(p, path+".fixed", *c.Fixed, false)
		if !c.Margin.IsZero() || c.Floor != nil || c.Cap != nil {
			p.add(path, "margin, floor and cap apply to a floating coupon only")
		}
	case c.Index != "":
		checkName(p, path+".index", c.Index)
		checkRate(p, path+".margin", c.Margin, true)
		if c.Floor != nil {
			checkRate(p, path+".floor", *c.Floor, false)
		}
		if c.Cap != nil {
			checkRate(p, path+".cap", *c.Cap, false)
		}
		if c.Floor != nil && c.Cap != nil && saneDecimal(*c.Floor) && saneDecimal(*c.Cap) && c.Floor.GreaterThan(*c.Cap) {
			p.add(path+".floor", "floor %s above cap %s", c.Floor, c.Cap)
		}
	default:
		p.add(path, "want fixed, or index and margin")
	}
}

func (d *Definition) validateFees(p *problems) {
	seen := map[string]bool{}
	for i, f := range d.Fees {
		path := at("fees", i)
		checkName(p, path+".name", f.Name)
		if seen[f.Name] {
			p.add(path+".name", "duplicate fee %q", f.Name)
		}
		seen[f.Name] = true
		switch {
		case f.Fixed != 0 && !f.AnnualRate.IsZero():
			p.add(path, "fixed and annualRate are exclusive")
		case f.basis() == AsIncurred:
			if f.Fixed != 0 || !f.AnnualRate.IsZero() {
				p.add(path, "an %q fee takes its amount from period.feesIncurred: no fixed or annualRate", AsIncurred)
			}
		case f.Fixed != 0:
			checkAmount(p, path+".fixed", f.Fixed, true)
		case !f.AnnualRate.IsZero():
			checkRate(p, path+".annualRate", f.AnnualRate, false)
		default:
			p.add(path, "want a positive fixed amount or annualRate, or basis %q", AsIncurred)
		}
		d.checkFeeBasis(p, path, f)
		checkAmount(p, path+".capPerPeriod", f.CapPerPeriod, false)
		checkAmount(p, path+".annualCap", f.AnnualCap, false)
	}
}

func (d *Definition) validateReserves(p *problems) {
	seen := map[string]bool{}
	for i, a := range d.Reserves {
		path := at("reserves", i)
		checkName(p, path+".name", a.Name)
		if seen[a.Name] {
			p.add(path+".name", "duplicate reserve account %q", a.Name)
		}
		seen[a.Name] = true
		checkAmount(p, path+".initialBalance", a.InitialBalance, false)
		d.validatePoolTarget(p, path+".target", a.Target)
	}
}

func (d *Definition) validateTriggers(p *problems) {
	seen := map[string]bool{}
	for i, t := range d.Triggers {
		path := at("triggers", i)
		checkName(p, path+".name", t.Name)
		if seen[t.Name] {
			p.add(path+".name", "duplicate trigger %q", t.Name)
		}
		seen[t.Name] = true
		switch t.Test {
		case CumulativeNetLoss, Delinquency:
			if len(t.Classes) > 0 {
				p.add(path+".classes", "a %s test measures the pool; classes apply to %s and %s tests only",
					t.Test, Overcollateralization, InterestCoverage)
			}
		case Overcollateralization, InterestCoverage:
			d.checkClassList(p, path+".classes", t.Classes, true)
		default:
			p.add(path+".test", "unknown test %q, want %s, %s, %s or %s", string(t.Test),
				CumulativeNetLoss, Delinquency, Overcollateralization, InterestCoverage)
		}
		switch t.Effect {
		case Sequential, Turbo, EventOfDefault:
		default:
			p.add(path+".effect", "unknown effect %q, want %s, %s or %s", string(t.Effect), Sequential, Turbo, EventOfDefault)
		}
		if len(t.Schedule) == 0 || len(t.Schedule) > maxThresholds {
			p.add(path+".schedule", "want 1 to %d thresholds, got %d", maxThresholds, len(t.Schedule))
			continue
		}
		for k, th := range t.Schedule {
			tp := at(path+".schedule", k)
			if k == 0 && th.FromPeriod != 1 {
				p.add(tp+".fromPeriod", "the first threshold must apply from period 1, got %d", th.FromPeriod)
			}
			if k > 0 && th.FromPeriod <= t.Schedule[k-1].FromPeriod {
				p.add(tp+".fromPeriod", "periods must increase: %d after %d", th.FromPeriod, t.Schedule[k-1].FromPeriod)
			}
			if !checkPlaces(p, tp+".value", th.Value) {
				continue
			}
			if th.Value.IsNegative() || th.Value.GreaterThan(maxThreshold) {
				p.add(tp+".value", "must be in [0, %s], got %s", maxThreshold, th.Value)
			}
		}
	}
}

// stepListCheck gathers what one priority of payments does, for the rules
// that span several steps.
type stepListCheck struct {
	interestStep   map[int]int // class index → step that pays its interest
	feeStep        map[int]int // fee index → its normal step
	feeExcessStep  map[int]int
	tested         map[int]int // trigger index → step that tests it
	lastPrincipal  int         // index of the last principal or clean-up step, -1 if none
	firstLoss      int
	cleanUpStep    int
	payoffStep     int // a "remaining" principal step over all notes
	residualStep   int
	nonTriggerSeen bool
}

func (d *Definition) validateSteps(p *problems, path string, steps []Step, acceleration bool) {
	if len(steps) == 0 {
		p.add(path, "want at least the residual step")
		return
	}
	c := stepListCheck{
		interestStep: map[int]int{}, feeStep: map[int]int{}, feeExcessStep: map[int]int{}, tested: map[int]int{},
		lastPrincipal: -1, firstLoss: -1, cleanUpStep: -1, payoffStep: -1, residualStep: -1,
	}
	for i, s := range steps {
		sp := at(path, i)
		if s == nil {
			p.add(sp, "missing step")
			continue
		}
		if _, isTrigger := s.(TriggerStep); isTrigger && c.nonTriggerSeen {
			p.add(sp, "trigger steps must come before any other step: a trigger decides how the period's funds flow")
		} else if !isTrigger {
			c.nonTriggerSeen = true
		}
		if c.residualStep >= 0 {
			p.add(sp, "no step may follow the residual step %s", at(path, c.residualStep))
		}
		switch s := s.(type) {
		case FeeStep:
			d.checkFeeStep(p, sp, i, s, &c)
		case InterestStep:
			for k, ci := range d.checkClassList(p, sp+".classes", s.Classes, false) {
				if prev, dup := c.interestStep[ci]; dup {
					p.add(at(sp+".classes", k), "class %q already paid interest by %s", s.Classes[k], at(path, prev))
				}
				c.interestStep[ci] = i
			}
			d.checkReserveName(p, sp+".reserveDraw", s.ReserveDraw, true)
		case PrincipalStep:
			d.checkPrincipalStep(p, sp, s)
			c.lastPrincipal = i
			if s.Amount == RemainingFunds && len(d.checkClassList(p, "", s.Classes, false)) == len(d.noteIndices()) {
				c.payoffStep = i
			}
		case ReserveStep:
			d.checkReserveName(p, sp+".account", s.Account, false)
			if s.Action != Deposit && s.Action != Release {
				p.add(sp+".action", "want %q or %q, got %q", Deposit, Release, string(s.Action))
			}
		case TriggerStep:
			if len(s.Triggers) == 0 || len(s.Triggers) > maxTriggers {
				p.add(sp+".triggers", "name 1 to %d triggers, got %d", maxTriggers, len(s.Triggers))
				continue
			}
			for k, name := range s.Triggers {
				ti := d.triggerIndex(name)
				switch {
				case ti < 0:
					p.add(at(sp+".triggers", k), "unknown trigger %q", name)
				case hasKey(c.tested, ti):
					p.add(at(sp+".triggers", k), "trigger %q already tested by %s", name, at(path, c.tested[ti]))
				default:
					c.tested[ti] = i
				}
			}
		case LossAllocationStep:
			d.checkClassList(p, sp+".classes", s.Classes, false)
			if c.firstLoss < 0 {
				c.firstLoss = i
			}
		case CleanUpCallStep:
			d.checkClassList(p, sp+".classes", s.Classes, false)
			if d.CleanUpCallFactor.IsZero() {
				p.add(sp, "the deal has no clean-up call: set cleanUpCallFactor")
			}
			if c.cleanUpStep >= 0 {
				p.add(sp, "only one clean-up call step, already %s", at(path, c.cleanUpStep))
			}
			c.cleanUpStep, c.lastPrincipal = i, i
		case ShiftingInterestStep:
			d.checkShiftingInterestStep(p, sp, s)
			c.lastPrincipal = i
		case ResidualStep:
			if ci := d.classIndex(s.Class); ci < 0 {
				p.add(sp+".class", "unknown class %q", s.Class)
			} else if !d.Classes[ci].Residual {
				p.add(sp+".class", "class %q is a note, not the residual class", s.Class)
			}
			c.residualStep = i
		default:
			p.add(sp, "unsupported step type %T", s)
		}
	}
	d.checkStepListWhole(p, path, steps, acceleration, &c)
}

func hasKey(m map[int]int, k int) bool { _, ok := m[k]; return ok }

func (d *Definition) checkFeeStep(p *problems, sp string, i int, s FeeStep, c *stepListCheck) {
	fi := d.feeIndex(s.Fee)
	if fi < 0 {
		p.add(sp+".fee", "unknown fee %q", s.Fee)
		return
	}
	if !s.Excess {
		if prev, dup := c.feeStep[fi]; dup {
			p.add(sp+".fee", "fee %q already paid by step %d", s.Fee, prev)
		}
		c.feeStep[fi] = i
		return
	}
	if _, ok := c.feeStep[fi]; !ok {
		p.add(sp+".excess", "the excess step of fee %q must follow its normal step", s.Fee)
	}
	if prev, dup := c.feeExcessStep[fi]; dup {
		p.add(sp+".excess", "fee %q already has an excess step %d", s.Fee, prev)
	}
	c.feeExcessStep[fi] = i
}

func (d *Definition) checkPrincipalStep(p *problems, sp string, s PrincipalStep) {
	idx := d.checkClassList(p, sp+".classes", s.Classes, false)
	if s.Allocation != SequentialAllocation && s.Allocation != ProRataAllocation {
		p.add(sp+".allocation", "want %q or %q, got %q", SequentialAllocation, ProRataAllocation, string(s.Allocation))
	}
	switch s.Amount {
	case NotesOverPool:
		// The amount measures the listed classes against the pool, so every
		// note senior to a listed class must be listed too.
		most := 0
		for _, ci := range idx {
			most = max(most, d.Classes[ci].Rank)
		}
		listed := map[int]bool{}
		for _, ci := range idx {
			listed[ci] = true
		}
		for _, ni := range d.noteIndices() {
			if !listed[ni] && d.Classes[ni].Rank < most {
				p.add(sp+".classes", "amount %q measures the listed notes against the pool, so every more senior note "+
					"must be listed: %q (rank %d) is missing", NotesOverPool, d.Classes[ni].Name, d.Classes[ni].Rank)
			}
		}
	case RegularPrincipal:
		if d.OCTarget == nil {
			p.add(sp+".amount", "amount %q needs ocTarget", RegularPrincipal)
		}
		if len(idx) == len(s.Classes) && len(idx) != len(d.noteIndices()) { // unknown names are reported above
			p.add(sp+".classes", "amount %q is sized on all notes: list every note class", RegularPrincipal)
		}
	case PoolDecline, RemainingFunds:
	case TurboPrincipal:
		if !d.hasEffect(Turbo) {
			p.add(sp+".amount", "amount %q needs a trigger with effect %q", TurboPrincipal, Turbo)
		}
	default:
		p.add(sp+".amount", "unknown amount %q, want %s, %s, %s, %s or %s", string(s.Amount),
			NotesOverPool, RegularPrincipal, PoolDecline, TurboPrincipal, RemainingFunds)
	}
	if s.ReserveDraw != "" && (s.Amount == TurboPrincipal || s.Amount == RemainingFunds) {
		p.add(sp+".reserveDraw", "amount %q pays from what is left and never draws a reserve", string(s.Amount))
	}
	d.checkReserveName(p, sp+".reserveDraw", s.ReserveDraw, true)
}

func (d *Definition) checkStepListWhole(p *problems, path string, steps []Step, acceleration bool, c *stepListCheck) {
	if c.residualStep != len(steps)-1 {
		p.add(path, "the last step must be the residual step")
	}
	for _, ni := range d.noteIndices() {
		if _, ok := c.interestStep[ni]; !ok {
			p.add(path, "no interest step pays class %q", d.Classes[ni].Name)
		}
	}
	for fi, f := range d.Fees {
		if _, ok := c.feeStep[fi]; !ok {
			p.add(path, "no step pays fee %q", f.Name)
		}
	}
	if c.firstLoss >= 0 && c.firstLoss < c.lastPrincipal {
		p.add(at(path, c.firstLoss), "loss allocation must follow every principal and clean-up call step (%s)",
			at(path, c.lastPrincipal))
	}
	if acceleration {
		if c.payoffStep < 0 {
			p.add(path, "after an event of default all notes are paid before the residual: add a principal step "+
				"with amount %q listing every note class", RemainingFunds)
		}
		return
	}
	if !d.CleanUpCallFactor.IsZero() && c.cleanUpStep < 0 {
		p.add(path, "cleanUpCallFactor is set but no cleanUpCall step pays the notes off")
	}
	for ti, t := range d.Triggers {
		if !hasKey(c.tested, ti) {
			p.add(at("triggers", ti), "trigger %q is not tested by any trigger step of %s", t.Name, path)
		}
	}
}

// checkClassList checks a list of note class names and returns the indices
// of the valid ones. With path "" it reports nothing (used to count).
func (d *Definition) checkClassList(p *problems, path string, names []string, optional bool) []int {
	report := func(pth, format string, args ...any) {
		if path != "" {
			p.add(pth, format, args...)
		}
	}
	if len(names) == 0 && !optional {
		report(path, "name at least one class")
	}
	if len(names) > maxClasses {
		report(path, "at most %d classes, got %d", maxClasses, len(names))
		return nil
	}
	var idx []int
	seen := map[string]bool{}
	for k, n := range names {
		ci := d.classIndex(n)
		switch {
		case ci < 0:
			report(at(path, k), "unknown class %q", n)
		case d.Classes[ci].Residual:
			report(at(path, k), "class %q is the residual class; list notes only", n)
		case seen[n]:
			report(at(path, k), "class %q listed twice", n)
		default:
			idx = append(idx, ci)
		}
		seen[n] = true
	}
	return idx
}

func (d *Definition) checkReserveName(p *problems, path, name string, optional bool) {
	if name == "" && optional {
		return
	}
	if d.reserveIndex(name) < 0 {
		p.add(path, "unknown reserve account %q", name)
	}
}

func checkName(p *problems, path, name string) {
	if name == "" {
		p.add(path, "required")
		return
	}
	if len(name) > maxNameLength {
		p.add(path, "at most %d bytes, got %d", maxNameLength, len(name))
	}
	for _, r := range name {
		if !unicode.IsPrint(r) || (r == ' ' && (name[0] == ' ' || name[len(name)-1] == ' ')) {
			p.add(path, "%q: printable characters only, no leading or trailing space", name)
			return
		}
	}
}

// checkAmount refuses negative amounts and amounts above MaxInputAmount;
// positive also refuses zero.
func checkAmount(p *problems, path string, a money.Amount, positive bool) {
	switch {
	case a < 0:
		p.add(path, "must not be negative, got %s", a)
	case positive && a == 0:
		p.add(path, "must be positive")
	case a > MaxInputAmount:
		p.add(path, "%s exceeds the limit %s", a, MaxInputAmount)
	}
}

// checkRate accepts a rate as a fraction: [0, 1), or (-1, 1) when it may be
// negative (a margin or an index fixing). "5.25" for 5.25% is refused.
func checkRate(p *problems, path string, r decimal.Decimal, signed bool) {
	if !checkPlaces(p, path, r) {
		return
	}
	if r.Abs().GreaterThanOrEqual(one) || (!signed && r.IsNegative()) {
		lo := "0"
		if signed {
			lo = "-1"
		}
		p.add(path, "rate %s out of range (%s, 1): write rates as fractions (0.0525 for 5.25%%)", r, lo)
	}
}

func checkFraction(p *problems, path string, f decimal.Decimal) {
	if checkPlaces(p, path, f) && (f.IsNegative() || f.GreaterThan(one)) {
		p.add(path, "must be a fraction in [0, 1], got %s", f)
	}
}

// Every decimal input is bounded before it is compared, multiplied or
// printed: comparing 1e-1000000000 with 1 would rescale a big integer by a
// billion digits, and printing it would fill an error message.
const (
	maxDecimalPlaces   = 12
	maxCoefficientBits = 100 // about 30 significant digits
)

func saneDecimal(d decimal.Decimal) bool {
	e := d.Exponent()
	return e >= -maxDecimalPlaces && e <= maxDecimalPlaces && d.Coefficient().BitLen() <= maxCoefficientBits
}

func checkPlaces(p *problems, path string, d decimal.Decimal) bool {
	if !saneDecimal(d) {
		p.add(path, "at most %d decimal places and 30 significant digits", maxDecimalPlaces)
		return false
	}
	return true
}
