package waterfall

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// Definition is a deal's cash-flow waterfall as data: the deal terms the
// engine needs and two ordered priorities of payments, one in force
// normally and one after an event of default. An arranger writes it as
// JSON; it is amended only as a whole, with a new Version.
//
// All rates, fractions and factors are decimal fractions ("0.0525" is
// 5.25%), never percentages.
type Definition struct {
	// Version numbers amendments of the definition; results carry it so a
	// replay can tell which terms produced them.
	Version int    `json:"version"`
	Deal    string `json:"deal,omitempty"`
	// ClosingDate is when the notes were issued: the first period's interest
	// accrues from it (a stub period).
	ClosingDate daycount.Date `json:"closingDate"`
	// InitialPoolBalance is the cut-off date pool balance, the base of the
	// pool factor, the cumulative net loss ratio and of targets set on the
	// initial pool.
	InitialPoolBalance money.Amount `json:"initialPoolBalance"`
	// DayCount applies to every class that does not name its own.
	DayCount daycount.Convention `json:"dayCount,omitempty"`
	Classes  []Class             `json:"classes"`
	Fees     []Fee               `json:"fees,omitempty"`
	Reserves []ReserveAccount    `json:"reserves,omitempty"`
	Triggers []Trigger           `json:"triggers,omitempty"`
	// OCTarget is the overcollateralization the regular principal
	// distribution amount builds and keeps; required by a principal step
	// with amount "regular".
	OCTarget *PoolTarget `json:"ocTarget,omitempty"`
	// YieldSupplement, when set, discounts the pool at a required rate: the
	// adjusted pool (pool − YSOC) then sizes principal and overcollateral-
	// ization (see pool_measures.go).
	YieldSupplement *YieldSupplement `json:"yieldSupplement,omitempty"`
	// PaymentDates, when set, derives each period's nominal and business-day
	// adjusted payment dates, and so each class's accrual window (see
	// payment_dates.go).
	PaymentDates *PaymentDates `json:"paymentDates,omitempty"`
	// CleanUpCallFactor is the pool factor (ending pool ÷ initial pool) at or
	// below which the servicer may buy the pool back; zero means no call.
	CleanUpCallFactor decimal.Decimal `json:"cleanUpCallFactor,omitzero"`
	// Steps is the normal priority of payments.
	Steps []Step `json:"steps"`
	// AccelerationSteps is the priority of payments after an event of
	// default; it must pay all notes in full before the residual.
	AccelerationSteps []Step `json:"accelerationSteps,omitempty"`
}

// Class is a class of notes, or the residual certificate.
type Class struct {
	Name string `json:"name"`
	// Rank orders classes for sequential principal and loss allocation:
	// 1 is the most senior. Classes of equal rank (A-2a, A-2b) share pro
	// rata by balance.
	Rank            int          `json:"rank"`
	OriginalBalance money.Amount `json:"originalBalance"`
	Coupon          *Coupon      `json:"coupon,omitempty"`
	// DayCount overrides Definition.DayCount for this class.
	DayCount daycount.Convention `json:"dayCount,omitempty"`
	// InterestOnUnpaidInterest makes carried-forward unpaid interest accrue
	// interest at the class coupon.
	InterestOnUnpaidInterest bool `json:"interestOnUnpaidInterest,omitempty"`
	// Residual marks the certificate (equity) class: no coupon, it receives
	// whatever the residual step leaves. It may carry a balance (a
	// certificate balance): once every note is paid off, what it receives
	// repays that balance first, as principal.
	Residual bool `json:"residual,omitempty"`
}

// Coupon is either Fixed, or Index + Margin with an optional Floor and Cap
// applied to the sum. A coupon never goes below zero.
type Coupon struct {
	Fixed  *decimal.Decimal `json:"fixed,omitempty"`
	Index  string           `json:"index,omitempty"`
	Margin decimal.Decimal  `json:"margin,omitzero"`
	Floor  *decimal.Decimal `json:"floor,omitempty"`
	Cap    *decimal.Decimal `json:"cap,omitempty"`
}

// Fee is a senior expense of the trust: a Fixed amount per period, or
// AnnualRate/12 times the pool balance at the beginning of the period (the
// servicing-fee convention). What is not paid is carried forward and is
// owed first the next period.
type Fee struct {
	Name       string          `json:"name"`
	Fixed      money.Amount    `json:"fixed,omitzero"`
	AnnualRate decimal.Decimal `json:"annualRate,omitzero"`
	// CapPerPeriod limits what the fee's normal step pays in one period; the
	// rest stays owed and may be paid by a later step of the same fee with
	// "excess": true.
	CapPerPeriod money.Amount `json:"capPerPeriod,omitzero"`
	// Basis says what the fee is charged on; empty means "fixed" for a
	// fixed fee and "beginningPool" for a rate (see FeeBasis).
	Basis FeeBasis `json:"basis,omitempty"`
	// AnnualCap limits what the fee's normal step pays in one calendar year
	// of payment dates; the rest waits for the fee's excess step.
	AnnualCap money.Amount `json:"annualCap,omitzero"`
}

// ReserveAccount is a cash reserve held by the trust. It is funded at
// closing, topped up to its target by reserve deposit steps, drawn by
// interest and principal steps that name it, and releases any excess over
// its target. Its target is never more than the outstanding notes.
type ReserveAccount struct {
	Name           string       `json:"name"`
	InitialBalance money.Amount `json:"initialBalance"`
	Target         PoolTarget   `json:"target"`
}

// PoolBasis says which pool balance a PoolTarget is a fraction of.
type PoolBasis string

const (
	// CurrentPool is the pool balance at the end of the period being paid.
	CurrentPool PoolBasis = "currentPool"
	// InitialPool is Definition.InitialPoolBalance.
	InitialPool PoolBasis = "initialPool"
)

// PoolTarget is max(Fraction × pool balance on the Of basis, FloorFraction ×
// initial pool balance), each product rounded half-up to the cent; or a
// fixed dollar Amount. FloorAmount is a floor in dollars and StepDowns
// change the fraction or amount from a period on (see pool_measures.go).
type PoolTarget struct {
	Fraction      decimal.Decimal `json:"fraction"`
	Of            PoolBasis       `json:"of,omitempty"`
	FloorFraction decimal.Decimal `json:"floorFraction,omitzero"`
	Amount        money.Amount    `json:"amount,omitzero"`
	FloorAmount   money.Amount    `json:"floorAmount,omitzero"`
	StepDowns     []StepDown      `json:"stepDowns,omitempty"`
}

// TestKind names what a trigger measures.
type TestKind string

const (
	// CumulativeNetLoss is (cumulative defaults − cumulative recoveries) ÷
	// initial pool balance; breached when above the threshold.
	CumulativeNetLoss TestKind = "cumulativeNetLoss"
	// Delinquency is receivables 60 or more days delinquent ÷ ending pool
	// balance; breached when above the threshold.
	Delinquency TestKind = "delinquency"
	// Overcollateralization is ending pool balance ÷ the notes' balance
	// before this period's payments; breached when below the threshold.
	Overcollateralization TestKind = "overcollateralization"
	// InterestCoverage is interest collections ÷ interest due on the notes
	// this period; breached when below the threshold.
	InterestCoverage TestKind = "interestCoverage"
)

// Effect is what a breached trigger changes.
type Effect string

const (
	// Sequential makes principal steps written "pro-rata" pay sequentially.
	Sequential Effect = "sequential"
	// Turbo makes principal steps with amount "turbo" pay all remaining
	// funds to the notes.
	Turbo Effect = "turbo"
	// EventOfDefault switches the deal, from this period on, to
	// Definition.AccelerationSteps.
	EventOfDefault Effect = "eventOfDefault"
)

// Trigger is a performance test, run by a trigger step each period.
type Trigger struct {
	Name string   `json:"name"`
	Test TestKind `json:"test"`
	// Classes restricts an overcollateralization or interest-coverage test to
	// these notes (e.g. the class A OC test); empty means all notes.
	Classes  []string    `json:"classes,omitempty"`
	Schedule []Threshold `json:"schedule"`
	// Curable triggers are re-tested every period and stop applying when the
	// test passes again; the others stay breached once breached.
	Curable bool   `json:"curable,omitempty"`
	Effect  Effect `json:"effect"`
}

// Threshold applies from FromPeriod until the next entry's FromPeriod.
type Threshold struct {
	FromPeriod int             `json:"fromPeriod"`
	Value      decimal.Decimal `json:"value"`
}

// thresholdFor returns the schedule's threshold for period p. Validate
// guarantees a first entry from period 1, so there is always one.
func (t Trigger) thresholdFor(p int) decimal.Decimal {
	v := t.Schedule[0].Value
	for _, th := range t.Schedule {
		if th.FromPeriod <= p {
			v = th.Value
		}
	}
	return v
}

// dayCount returns the convention the class accrues under.
func (d *Definition) dayCount(c Class) daycount.Convention {
	if c.DayCount != "" {
		return c.DayCount
	}
	return d.DayCount
}

// classIndex returns the index of the named class, or -1.
func (d *Definition) classIndex(name string) int {
	for i, c := range d.Classes {
		if c.Name == name {
			return i
		}
	}
	return -1
}

func (d *Definition) feeIndex(name string) int {
	for i, f := range d.Fees {
		if f.Name == name {
			return i
		}
	}
	return -1
}

func (d *Definition) reserveIndex(name string) int {
	for i, a := range d.Reserves {
		if a.Name == name {
			return i
		}
	}
	return -1
}

func (d *Definition) triggerIndex(name string) int {
	for i, t := range d.Triggers {
		if t.Name == name {
			return i
		}
	}
	return -1
}

// noteIndices returns the indices of all non-residual classes in
// definition order.
func (d *Definition) noteIndices() []int {
	var ns []int
	for i, c := range d.Classes {
		if !c.Residual {
			ns = append(ns, i)
		}
	}
	return ns
}

// indicesOf maps class names to indices; Validate has checked they exist.
func (d *Definition) indicesOf(names []string) []int {
	is := make([]int, len(names))
	for k, n := range names {
		is[k] = d.classIndex(n)
	}
	return is
}
