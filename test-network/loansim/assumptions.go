package loansim

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// PoolSpec says which pool to generate.
type PoolSpec struct {
	// Seed selects the pool; the same seed gives the same pool.
	Seed uint64
	// Loans is the number of loans.
	Loans int
	// Cutoff is the cut-off month: the tape is as of its last day and
	// period 1 is the month after.
	Cutoff loantape.Month
	// Originator is written to originatorName (default
	// "TRANCHENET AUTO FINANCE").
	Originator string
	// FirstAssetNumber is the asset number of loan 0; loan i gets
	// FirstAssetNumber+i (default 100000001).
	FirstAssetNumber uint64
}

// PrepaymentModel names how prepayment speeds are quoted.
type PrepaymentModel int

const (
	// ABS is the auto-ABS convention: a speed s means that in month t of
	// a loan's life a surviving loan prepays with probability
	// s / (1 − s·(t−1)), i.e. s of the original number of loans prepay
	// every month.
	ABS PrepaymentModel = iota
	// CPR is a constant annual rate: the monthly probability is
	// 1 − (1 − CPR)^(1/12).
	CPR
)

// Prepayment is a full-prepayment speed.
type Prepayment struct {
	Model PrepaymentModel
	// Speed is a fraction: 0.013 for 1.3% ABS, 0.12 for 12% CPR.
	Speed decimal.Decimal
}

// Assumptions drive the monthly performance. Rates are fractions.
type Assumptions struct {
	Prepayment Prepayment
	// CurtailmentRate is the monthly probability that a current borrower
	// pays one to five extra instalments of principal.
	CurtailmentRate decimal.Decimal
	// DelinquencyRate is the monthly probability that a current loan
	// misses its instalment.
	DelinquencyRate decimal.Decimal
	// RollRate is the monthly probability that a delinquent loan misses
	// another instalment; CureRate that it pays all arrears. They must
	// add up to at most 1; the rest pays one instalment and stays behind.
	RollRate decimal.Decimal
	CureRate decimal.Decimal
	// ChargeOffDays: a loan more than this many days past due is charged
	// off in full.
	ChargeOffDays int
	// RecoveryRate of a charge-off is recovered RecoveryLagMin to
	// RecoveryLagMax months later (inclusive, uniform).
	RecoveryRate   decimal.Decimal
	RecoveryLagMin int
	RecoveryLagMax int
	// Shocks change single periods (stress months).
	Shocks []Shock
}

// Shock changes the assumptions of one period, to stage a stress month.
// A zero multiplier leaves its rate unchanged.
type Shock struct {
	// Period is the 1-based period the shock applies to.
	Period int
	// DelinquencyMultiplier multiplies DelinquencyRate and RollRate.
	DelinquencyMultiplier decimal.Decimal
	// PrepaymentMultiplier multiplies the prepayment probability.
	PrepaymentMultiplier decimal.Decimal
	// ChargeOffRate is the probability that any active loan is charged
	// off outright this period (fraud, a natural disaster), whatever its
	// delinquency.
	ChargeOffRate decimal.Decimal
}

// DefaultAssumptions are a plausible prime auto pool: 1.3% ABS, about
// 0.5% cumulative net loss a year, 45% recoveries after 2–3 months.
func DefaultAssumptions() Assumptions {
	return Assumptions{
		Prepayment:      Prepayment{Model: ABS, Speed: decimal.RequireFromString("0.013")},
		CurtailmentRate: decimal.RequireFromString("0.005"),
		DelinquencyRate: decimal.RequireFromString("0.015"),
		RollRate:        decimal.RequireFromString("0.40"),
		CureRate:        decimal.RequireFromString("0.35"),
		ChargeOffDays:   120,
		RecoveryRate:    decimal.RequireFromString("0.45"),
		RecoveryLagMin:  2,
		RecoveryLagMax:  3,
	}
}

func (s PoolSpec) withDefaults() PoolSpec {
	if s.Originator == "" {
		s.Originator = "TRANCHENET AUTO FINANCE"
	}
	if s.FirstAssetNumber == 0 {
		s.FirstAssetNumber = 100000001
	}
	return s
}

func (s PoolSpec) check() error {
	switch {
	case s.Loans < 0:
		return fmt.Errorf("loansim: Loans %d is negative", s.Loans)
	case s.Cutoff.IsZero():
		return errors.New("loansim: Cutoff month is required")
	case s.Cutoff.Year < 1950 || s.Cutoff.Year > 9000:
		return fmt.Errorf("loansim: Cutoff %s is out of range", s.Cutoff)
	}
	return nil
}

func (a Assumptions) check() error {
	for _, p := range []struct {
		name string
		v    decimal.Decimal
	}{
		{"Prepayment.Speed", a.Prepayment.Speed},
		{"CurtailmentRate", a.CurtailmentRate},
		{"DelinquencyRate", a.DelinquencyRate},
		{"RollRate", a.RollRate},
		{"CureRate", a.CureRate},
		{"RecoveryRate", a.RecoveryRate},
	} {
		if p.v.Sign() < 0 || p.v.GreaterThan(decimal.NewFromInt(1)) {
			return fmt.Errorf("loansim: %s %s is not a probability in [0, 1]", p.name, p.v)
		}
	}
	switch {
	case a.Prepayment.Model != ABS && a.Prepayment.Model != CPR:
		return fmt.Errorf("loansim: unknown prepayment model %d", a.Prepayment.Model)
	case a.RollRate.Add(a.CureRate).GreaterThan(decimal.NewFromInt(1)):
		return fmt.Errorf("loansim: RollRate %s + CureRate %s exceed 1", a.RollRate, a.CureRate)
	case a.ChargeOffDays < 30:
		return fmt.Errorf("loansim: ChargeOffDays %d: a loan must be allowed at least 30 days", a.ChargeOffDays)
	case a.RecoveryLagMin < 1 || a.RecoveryLagMax < a.RecoveryLagMin:
		return fmt.Errorf("loansim: recovery lag %d–%d months is not a range of at least one month", a.RecoveryLagMin, a.RecoveryLagMax)
	}
	for _, sh := range a.Shocks {
		if sh.Period < 1 {
			return fmt.Errorf("loansim: shock period %d: periods start at 1", sh.Period)
		}
		if sh.DelinquencyMultiplier.Sign() < 0 || sh.PrepaymentMultiplier.Sign() < 0 {
			return fmt.Errorf("loansim: shock period %d: negative multiplier", sh.Period)
		}
		if sh.ChargeOffRate.Sign() < 0 || sh.ChargeOffRate.GreaterThan(decimal.NewFromInt(1)) {
			return fmt.Errorf("loansim: shock period %d: ChargeOffRate %s is not a probability", sh.Period, sh.ChargeOffRate)
		}
	}
	return nil
}
