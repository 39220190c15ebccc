package projection

import (
	"fmt"
	"math"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// PrepaymentKind names a prepayment convention.
type PrepaymentKind string

// Prepayment conventions.
const (
	// CPR is the conditional prepayment rate: an annual fraction of the
	// balance outstanding.
	CPR PrepaymentKind = "CPR"
	// SMM is the single monthly mortality: a monthly fraction.
	SMM PrepaymentKind = "SMM"
	// ABS is the auto-ABS speed: a monthly fraction of the original number
	// of loans (0.015 is "1.5% ABS").
	ABS PrepaymentKind = "ABS"
)

// DefaultKind names a default convention.
type DefaultKind string

// Default conventions.
const (
	// CDR is the constant default rate: an annual fraction of the
	// performing balance.
	CDR DefaultKind = "CDR"
	// LossCurve is a cumulative net loss, as a fraction of the pool at the
	// start of the projection, spread over the months by a timing curve.
	LossCurve DefaultKind = "lossCurve"
)

// Prepayment is a prepayment speed.
type Prepayment struct {
	Kind PrepaymentKind  `json:"kind" doc:"CPR, SMM or ABS"`
	Rate decimal.Decimal `json:"rate" doc:"a fraction: 0.12 is 12% CPR, 0.015 is 1.5% ABS"`
}

// Defaults is a default speed: a CDR, or a cumulative loss curve.
type Defaults struct {
	Kind DefaultKind `json:"kind" doc:"CDR or lossCurve"`
	// Rate is the CDR (kind CDR).
	Rate decimal.Decimal `json:"rate,omitzero" doc:"CDR as a fraction (kind CDR)"`
	// CumulativeLoss is the pool's cumulative net loss as a fraction of the
	// pool at the start (kind lossCurve); the defaults behind it are
	// CumulativeLoss ÷ Severity.
	CumulativeLoss decimal.Decimal `json:"cumulativeLoss,omitzero" doc:"cumulative net loss ÷ the pool at the start (kind lossCurve)"`
	// Timing spreads the curve's defaults over months 1, 2, ...; the
	// fractions add up to 1 (kind lossCurve).
	Timing []decimal.Decimal `json:"timing,omitempty" doc:"share of the curve's defaults in each month from the start; adds up to 1 (kind lossCurve)"`
}

// IndexCurve is the forward curve of one index: the fixing of each
// projected month in order, the last held flat.
type IndexCurve struct {
	Index string            `json:"index" doc:"the index a floating class pays over, e.g. SOFR30A"`
	Rates []decimal.Decimal `json:"rates" doc:"the fixing of projected months 1, 2, ... (the last holds after)"`
}

// Assumptions drive a projection.
type Assumptions struct {
	Prepayment Prepayment `json:"prepayment"`
	Defaults   Defaults   `json:"defaults"`
	// Severity is the fraction of a charged-off balance that is lost.
	Severity decimal.Decimal `json:"severity" doc:"loss given default, a fraction (0.5 = half the charged-off balance is lost)"`
	// RecoveryLag is months from charge-off to the recovery of the rest.
	RecoveryLag int `json:"recoveryLag" doc:"months from charge-off to recovery (0 to 36)"`
	// ChargeOffMonths is months from a loan's first missed payment to its
	// charge-off: 3 passes it through 30-59, 60-89 and 90+ and charges it
	// off at 120 days; 0 charges off at once.
	ChargeOffMonths int `json:"chargeOffMonths" doc:"months a defaulted loan spends in the 30/60/90 buckets before charge-off (0 to 12)"`
	// Cures is the monthly cure rate of each delinquency bucket: cures[k]
	// of the balance k+1 payments behind pays up and is current again;
	// the rest (the roll rate, 1 − cures[k]) misses another payment and
	// moves a bucket on, out of the last one to charge-off. One per
	// bucket (chargeOffMonths of them); absent, nothing cures.
	Cures []decimal.Decimal `json:"cures,omitempty" doc:"monthly cure rate of each delinquency bucket (30, 60, 90, ...), one per chargeOffMonths; the rest rolls to the next bucket (roll rate = 1 − cure), from the last to charge-off"`
	// IndexCurves gives the fixing of every index a floating class uses.
	IndexCurves []IndexCurve `json:"indexCurves,omitempty"`
	// CleanUpCall exercises the deal's clean-up call as soon as allowed.
	CleanUpCall bool `json:"cleanUpCall,omitempty" doc:"exercise the clean-up call (at par) in the first period it is allowed"`
	// Months caps the projection; 0 runs until the pool is gone.
	Months int `json:"months,omitempty" doc:"stop after this many periods (0: until the pool and its recoveries are gone; at most 600)"`
	// Actuals replace the model for the first periods: the certified
	// inputs of those periods, mapped to the waterfall exactly as
	// certification maps them. After them the loans are scaled to the
	// actual ending pool and the model takes over.
	Actuals []distribution.PeriodInputs `json:"actuals,omitempty"`
}

// Limits of the assumptions.
const (
	MaxMonths          = 600
	maxRecoveryLag     = 36
	maxChargeOffMonths = 12
	maxCurvePoints     = MaxMonths
)

var one = decimal.NewFromInt(1)

// Validate checks every field and names each one that breaks a rule,
// against the deal's definition (floating classes need an index curve;
// a clean-up call needs the deal to have one).
func (a Assumptions) Validate(def waterfall.Definition) error {
	var p problems
	a.checkPrepayment(&p)
	a.checkDefaults(&p)
	fraction(&p, "severity", a.Severity)
	if a.RecoveryLag < 0 || a.RecoveryLag > maxRecoveryLag {
		p.add("recoveryLag", "must be 0 to %d months, got %d", maxRecoveryLag, a.RecoveryLag)
	}
	if a.ChargeOffMonths < 0 || a.ChargeOffMonths > maxChargeOffMonths {
		p.add("chargeOffMonths", "must be 0 to %d months, got %d", maxChargeOffMonths, a.ChargeOffMonths)
	}
	if len(a.Cures) > 0 && len(a.Cures) != a.ChargeOffMonths {
		p.add("cures", "want one cure rate per delinquency bucket (chargeOffMonths %d), got %d", a.ChargeOffMonths, len(a.Cures))
	}
	for i, c := range a.Cures {
		fraction(&p, fmt.Sprintf("cures[%d]", i), c)
	}
	if a.Months < 0 || a.Months > MaxMonths {
		p.add("months", "must be 0 to %d, got %d", MaxMonths, a.Months)
	}
	if a.Months > 0 && len(a.Actuals) > a.Months {
		p.add("actuals", "%d actual periods exceed months %d", len(a.Actuals), a.Months)
	}
	seen := map[string]bool{}
	for i, c := range a.IndexCurves {
		path := fmt.Sprintf("indexCurves[%d]", i)
		if c.Index == "" {
			p.add(path+".index", "required")
		} else if seen[c.Index] {
			p.add(path+".index", "index %q has two curves", c.Index)
		}
		seen[c.Index] = true
		if len(c.Rates) == 0 || len(c.Rates) > maxCurvePoints {
			p.add(path+".rates", "want 1 to %d monthly fixings, got %d", maxCurvePoints, len(c.Rates))
		}
		for j, r := range c.Rates {
			if r.LessThan(decimal.NewFromFloat(-0.05)) || r.GreaterThan(one) {
				p.add(fmt.Sprintf("%s.rates[%d]", path, j), "must be a fraction from -0.05 to 1, got %s", r)
			}
		}
	}
	for _, c := range def.Classes {
		if c.Coupon != nil && c.Coupon.Index != "" && !seen[c.Coupon.Index] {
			p.add("indexCurves", "no curve for index %q, which class %q pays over", c.Coupon.Index, c.Name)
			seen[c.Coupon.Index] = true // one message per index
		}
	}
	if a.CleanUpCall && def.CleanUpCallFactor.IsZero() {
		p.add("cleanUpCall", "the deal has no clean-up call (cleanUpCallFactor is zero)")
	}
	return p.err()
}

// cureRates are the cures as floats for the monthly loop (nil: none).
func (a Assumptions) cureRates() []float64 {
	if len(a.Cures) == 0 {
		return nil
	}
	out := make([]float64, len(a.Cures))
	for i, c := range a.Cures {
		out[i] = c.InexactFloat64()
	}
	return out
}

func (a Assumptions) checkPrepayment(p *problems) {
	switch a.Prepayment.Kind {
	case CPR, SMM:
		fraction(p, "prepayment.rate", a.Prepayment.Rate)
	case ABS:
		// Above 1/12 the speed would prepay the whole pool's count within a year.
		if a.Prepayment.Rate.IsNegative() || a.Prepayment.Rate.GreaterThan(decimal.RequireFromString("0.1")) {
			p.add("prepayment.rate", "an ABS speed must be 0 to 0.1 (10%% of the original count a month), got %s", a.Prepayment.Rate)
		}
	default:
		p.add("prepayment.kind", "must be %s, %s or %s, got %q", CPR, SMM, ABS, a.Prepayment.Kind)
	}
}

func (a Assumptions) checkDefaults(p *problems) {
	d := a.Defaults
	switch d.Kind {
	case CDR:
		fraction(p, "defaults.rate", d.Rate)
		if !d.CumulativeLoss.IsZero() || len(d.Timing) > 0 {
			p.add("defaults", "cumulativeLoss and timing belong to kind %s, not %s", LossCurve, CDR)
		}
	case LossCurve:
		fraction(p, "defaults.cumulativeLoss", d.CumulativeLoss)
		if !d.Rate.IsZero() {
			p.add("defaults.rate", "belongs to kind %s, not %s", CDR, LossCurve)
		}
		if d.CumulativeLoss.IsPositive() && !a.Severity.IsPositive() {
			p.add("severity", "must be positive with a loss curve: defaults are the loss ÷ severity")
		} else if d.CumulativeLoss.GreaterThan(a.Severity) {
			p.add("defaults.cumulativeLoss", "a loss of %s at severity %s needs defaults above the pool", d.CumulativeLoss, a.Severity)
		}
		if len(d.Timing) == 0 || len(d.Timing) > maxCurvePoints {
			p.add("defaults.timing", "want 1 to %d monthly shares, got %d", maxCurvePoints, len(d.Timing))
			return
		}
		sum := decimal.Zero
		for i, t := range d.Timing {
			fraction(p, fmt.Sprintf("defaults.timing[%d]", i), t)
			sum = sum.Add(t)
		}
		if !sum.Equal(one) {
			p.add("defaults.timing", "the shares must add up to 1, got %s", sum)
		}
	default:
		p.add("defaults.kind", "must be %s or %s, got %q", CDR, LossCurve, d.Kind)
	}
}

func fraction(p *problems, path string, d decimal.Decimal) {
	if d.IsNegative() || d.GreaterThan(one) {
		p.add(path, "must be a fraction from 0 to 1, got %s", d)
	}
}

// monthlyFromAnnual converts an annual rate to the monthly rate that
// compounds to it: 1 − (1 − annual)^(1/12).
func monthlyFromAnnual(annual float64) float64 {
	if annual >= 1 {
		return 1
	}
	return 1 - math.Pow(1-annual, 1.0/12)
}

// CPRToSMM converts a CPR to the single monthly mortality.
func CPRToSMM(cpr float64) float64 { return monthlyFromAnnual(cpr) }

// SMMToCPR converts a single monthly mortality to its CPR.
func SMMToCPR(smm float64) float64 { return 1 - math.Pow(1-smm, 12) }

// ABSToSMM converts an auto-ABS speed to the SMM of a loan aged age months
// (counting the month being paid): ABS ÷ (1 − ABS × (age − 1)). ABS
// prepays a fixed fraction of the original count each month, so the
// fraction of the survivors grows with age; it is capped at 1.
func ABSToSMM(abs float64, age int) float64 {
	if abs <= 0 {
		return 0
	}
	den := 1 - abs*float64(age-1)
	if den <= abs {
		return 1
	}
	return min(1, abs/den)
}

// problems collects field errors as a *waterfall.ValidationError, the type
// the gateway already maps to a problem listing every field.
type problems struct{ v waterfall.ValidationError }

func (p *problems) add(path, format string, args ...any) {
	p.v.Problems = append(p.v.Problems, &waterfall.FieldError{Path: path, Problem: fmt.Sprintf(format, args...)})
}

func (p *problems) err() error {
	if len(p.v.Problems) == 0 {
		return nil
	}
	return &p.v
}
