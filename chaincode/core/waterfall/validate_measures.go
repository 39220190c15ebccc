package waterfall

// Validation of the pool measures, fee bases and targets (pool_measures.go).

const maxYieldSupplementEntries = 480 // 40 years of monthly periods

func (d *Definition) validateYieldSupplement(p *problems) {
	ys := d.YieldSupplement
	if ys == nil {
		return
	}
	const path = "yieldSupplement"
	switch {
	case len(ys.Schedule) > 0 && (!ys.RequiredRate.IsZero() || ys.InitialAmount != 0):
		p.add(path, "schedule and requiredRate/initialAmount are exclusive")
	case len(ys.Schedule) > maxYieldSupplementEntries:
		p.add(path+".schedule", "at most %d entries, got %d", maxYieldSupplementEntries, len(ys.Schedule))
	case len(ys.Schedule) > 0:
		for i, a := range ys.Schedule {
			checkAmount(p, at(path+".schedule", i), a, false)
		}
	case ys.RequiredRate.IsZero():
		p.add(path, "want a schedule fixed at closing, or a requiredRate and initialAmount")
	default:
		checkRate(p, path+".requiredRate", ys.RequiredRate, false)
		checkAmount(p, path+".initialAmount", ys.InitialAmount, false)
	}
	if y := d.initialYieldSupplement(); y >= d.InitialPoolBalance && y <= MaxInputAmount {
		p.add(path, "the YSOC at closing %s must be less than the initial pool balance %s", y, d.InitialPoolBalance)
	}
}

func (d *Definition) checkFeeBasis(p *problems, path string, f Fee) {
	switch f.basis() {
	case FixedFee:
		if f.Fixed == 0 {
			p.add(path+".basis", "a %q fee needs a positive fixed amount", FixedFee)
		}
	case BeginningPool, BeginningAdjustedPool, NoteBalance:
		if f.AnnualRate.IsZero() {
			p.add(path+".basis", "a fee on %q needs an annualRate", f.Basis)
		}
	case AsIncurred:
	default:
		p.add(path+".basis", "unknown basis %q, want %s, %s, %s, %s or %s", string(f.Basis),
			FixedFee, BeginningPool, BeginningAdjustedPool, NoteBalance, AsIncurred)
	}
	if f.Basis == BeginningAdjustedPool && d.YieldSupplement == nil {
		p.add(path+".basis", "%q needs a yieldSupplement (without one it is the pool: use %q)", BeginningAdjustedPool, BeginningPool)
	}
}

const maxStepDowns = 24

func (d *Definition) validatePoolTarget(p *problems, path string, t PoolTarget) {
	checkFraction(p, path+".fraction", t.Fraction)
	checkFraction(p, path+".floorFraction", t.FloorFraction)
	checkAmount(p, path+".amount", t.Amount, false)
	checkAmount(p, path+".floorAmount", t.FloorAmount, false)
	if t.Amount != 0 {
		if !t.Fraction.IsZero() || t.Of != "" {
			p.add(path, "a fixed amount and a fraction of a pool are exclusive")
		}
	} else {
		switch t.Of {
		case CurrentPool, InitialPool:
		case CurrentAdjustedPool, InitialAdjustedPool:
			if d.YieldSupplement == nil {
				p.add(path+".of", "%q needs a yieldSupplement", string(t.Of))
			}
		default:
			p.add(path+".of", "want %q, %q, %q or %q, got %q", CurrentPool, InitialPool,
				CurrentAdjustedPool, InitialAdjustedPool, string(t.Of))
		}
	}
	if len(t.StepDowns) > maxStepDowns {
		p.add(path+".stepDowns", "at most %d, got %d", maxStepDowns, len(t.StepDowns))
		return
	}
	for k, s := range t.StepDowns {
		sp := at(path+".stepDowns", k)
		if s.FromPeriod < 2 || (k > 0 && s.FromPeriod <= t.StepDowns[k-1].FromPeriod) {
			p.add(sp+".fromPeriod", "periods must start after period 1 and increase, got %d", s.FromPeriod)
		}
		checkFraction(p, sp+".fraction", s.Fraction)
		checkAmount(p, sp+".amount", s.Amount, false)
		if (t.Amount != 0) != (s.Amount != 0) || (t.Amount != 0 && !s.Fraction.IsZero()) {
			p.add(sp, "a step-down replaces the target's own kind: an amount for a fixed target, a fraction otherwise")
		}
		if len(s.UnlessBreached) > maxTriggers {
			p.add(sp+".unlessBreached", "at most %d triggers", maxTriggers)
			continue
		}
		for n, name := range s.UnlessBreached {
			if d.triggerIndex(name) < 0 {
				p.add(at(sp+".unlessBreached", n), "unknown trigger %q", name)
			}
		}
	}
}

// checkPoolMeasureInputs checks the period's YSOC and incurred fees.
func (d *Definition) checkPoolMeasureInputs(p *problems, pr Period) {
	ys := d.YieldSupplement
	if pr.YieldSupplementAmount != 0 && (ys == nil || len(ys.Schedule) > 0) {
		p.add("period.yieldSupplementAmount", "the deal's YSOC is %s: the period reports none",
			map[bool]string{true: "a schedule fixed at closing", false: "not defined"}[ys != nil])
	}
	if pr.YieldSupplementAmount > pr.EndingPoolBalance {
		p.add("period.yieldSupplementAmount", "YSOC %s exceeds the ending pool balance %s",
			pr.YieldSupplementAmount, pr.EndingPoolBalance)
	}
	if len(pr.FeesIncurred) > maxFees {
		p.add("period.feesIncurred", "at most %d, got %d", maxFees, len(pr.FeesIncurred))
		return
	}
	seen := map[string]bool{}
	for i, f := range pr.FeesIncurred {
		path := at("period.feesIncurred", i)
		fi := d.feeIndex(f.Fee)
		switch {
		case fi < 0:
			p.add(path+".fee", "unknown fee %q", f.Fee)
		case d.Fees[fi].basis() != AsIncurred:
			p.add(path+".fee", "fee %q is not charged %q", f.Fee, AsIncurred)
		case seen[f.Fee]:
			p.add(path+".fee", "fee %q listed twice", f.Fee)
		}
		seen[f.Fee] = true
		checkAmount(p, path+".amount", f.Amount, false)
	}
}
