package main

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// The deal the demo runs, as data: a 1,000-loan prime auto pool cut off
// at the end of October 2026, closing on 20 November 2026, and notes
// A-1 (money market), A-2 (floating, SOFR), A-3, B and C with a residual
// certificate, paid monthly on the 15th. A stress month (period 6)
// charges off 1 % of the loans and multiplies delinquencies, so the 60+
// day delinquency trigger breaches two months later and cures. Numbers
// are deterministic: the same seed gives the same pool, reports and
// waterfall results on every run; only the IDs change.

// Fixed terms of the scenario.
const (
	poolSeed     = 2026
	poolLoans    = 1000
	periods      = 12
	paymentDay   = 15
	stressPeriod = 6
	// requiredCollateralization is the deal's mint gate and proof of
	// reserve: issued face (notes and certificate) ≤ pool × 0.95.
	requiredCollateralization = "0.95"
	// The floating class's index.
	sofr = "SOFR30A"
)

var (
	cutoffMonth = loantape.Month{Year: 2026, Month: time.October}
	closingDate = daycount.NewDate(2026, time.November, 20)
)

// sofrFixings are the index fixings the trustee posts, one per period: a
// gently falling rate path.
var sofrFixings = []string{"0.0431", "0.0428", "0.0424", "0.0419", "0.0415", "0.0412",
	"0.0408", "0.0404", "0.0401", "0.0398", "0.0395", "0.0392"}

// fixingFor returns period p's SOFR fixing.
func fixingFor(p int) decimal.Decimal {
	return decimal.RequireFromString(sofrFixings[(p-1)%len(sofrFixings)])
}

// holder names the five investors of the story. Each is an API user of
// its bank (resolved at run time from tokens.json).
type holder string

const (
	alice holder = "alice" // servicer bank, US-NY
	anna  holder = "anna"  // servicer bank, US-CA: the sponsor's affiliate, retains the certificate
	bob   holder = "bob"   // investor bank, US-IL
	carol holder = "carol" // investor bank, US-TX: a jurisdiction every tranche blocks
	dave  holder = "dave"  // investor bank, US-NJ: KYC lapsed ten days ago
)

// placement is a share of a tranche, in permille, sold to a holder at
// issuance.
type placement struct {
	holder   holder
	permille int64
}

// classSpec is one class of the deal: its waterfall terms and its
// tranche's, which the chaincode requires to agree.
type classSpec struct {
	class    string // the waterfall's class name and the tranche's class
	permille int64  // original face as a share of the cut-off pool, floored to $1,000
	fixed    string // fixed coupon; "" for the floating class and the certificate
	margin   string // the floating class's margin over SOFR
	dayCount daycount.Convention
	// legalFinal is the tranche's legal final maturity.
	legalFinal daycount.Date
	residual   bool
	placements []placement
}

// classes are the deal's classes, most senior first.
var classes = []classSpec{
	{class: "A-1", permille: 170, fixed: "0.0460", dayCount: daycount.Actual360, legalFinal: daycount.NewDate(2027, time.November, 15),
		placements: []placement{{alice, 600}, {bob, 400}}},
	{class: "A-2", permille: 320, margin: "0.0055", dayCount: daycount.Actual360, legalFinal: daycount.NewDate(2029, time.June, 15),
		placements: []placement{{alice, 400}, {anna, 200}, {bob, 400}}},
	{class: "A-3", permille: 290, fixed: "0.0475", dayCount: daycount.Thirty360, legalFinal: daycount.NewDate(2031, time.March, 15),
		placements: []placement{{alice, 500}, {bob, 500}}},
	{class: "B", permille: 80, fixed: "0.0525", dayCount: daycount.Thirty360, legalFinal: daycount.NewDate(2031, time.September, 15),
		placements: []placement{{anna, 1000}}},
	{class: "C", permille: 60, fixed: "0.0610", dayCount: daycount.Thirty360, legalFinal: daycount.NewDate(2032, time.May, 15),
		placements: []placement{{alice, 1000}}},
	{class: "Cert", permille: 20, residual: true, legalFinal: daycount.NewDate(2032, time.May, 15),
		placements: []placement{{anna, 1000}}},
}

// noteClasses are the names of the note classes, most senior first.
func noteClasses() []string {
	var out []string
	for _, c := range classes {
		if !c.residual {
			out = append(out, c.class)
		}
	}
	return out
}

// faceOf is a class's original face: its share of the pool, floored to
// whole thousands of dollars so that every placement is a whole number of
// $1,000 denominations.
func faceOf(c classSpec, pool money.Amount) money.Amount {
	dollars := pool.Cents() / 100 * c.permille / 1000
	return money.FromMajor(dollars / 1000 * 1000)
}

// unitsOf is a face in units of $1.
func unitsOf(face money.Amount) int64 { return face.Cents() / 100 }

// allocation is one placement's units.
type allocation struct {
	holder holder
	units  int64
}

// allocate splits a tranche's units over its placements in $1,000
// denominations; the last placement takes what the others leave, so the
// parts add up to the whole.
func allocate(c classSpec, total int64) []allocation {
	out := make([]allocation, len(c.placements))
	left := total
	for i, p := range c.placements {
		n := total * p.permille / 1000 / 1000 * 1000
		if i == len(c.placements)-1 {
			n = left
		}
		out[i] = allocation{p.holder, n}
		left -= n
	}
	return out
}

// couponOf is the class's coupon as the deal's tranche states it.
func (c classSpec) coupon() *trancheCoupon {
	switch {
	case c.residual:
		return nil
	case c.fixed != "":
		r := decimal.RequireFromString(c.fixed)
		return &trancheCoupon{Fixed: &r, DayCount: c.dayCount}
	}
	return &trancheCoupon{Index: sofr, Margin: decimal.RequireFromString(c.margin), DayCount: c.dayCount}
}

// couponText describes the coupon for people.
func (c classSpec) couponText() string {
	switch {
	case c.residual:
		return "residual"
	case c.fixed != "":
		return pct(decimal.RequireFromString(c.fixed), 2) + " " + string(c.dayCount)
	}
	return sofr + " + " + pct(decimal.RequireFromString(c.margin), 2) + " " + string(c.dayCount)
}

// trancheCoupon is a tranche's coupon as Deal:Create reads it.
type trancheCoupon struct {
	Fixed    *decimal.Decimal    `json:"fixed,omitempty"`
	Index    string              `json:"index,omitempty"`
	Margin   decimal.Decimal     `json:"margin,omitzero"`
	DayCount daycount.Convention `json:"dayCount"`
}

// Transfer rules. Every tranche admits qualified institutional buyers in
// the US with unexpired KYC and accreditation, in $1,000 denominations,
// and blocks Texas (a stand-in for a jurisdiction the offering documents
// exclude). The certificate, which the sponsor's affiliate retains for
// risk retention, is locked up for five years.
const blockedJurisdiction = "US-TX"

func trancheRules(c classSpec, custodians []string) rules.TrancheRules {
	r := rules.TrancheRules{
		EligibleInvestorTypes: []string{"qib"}, AllowedJurisdictions: []string{"US"},
		BlockedJurisdictions: []string{blockedJurisdiction}, RequireAccreditation: true,
		MinDenomination: 1000, DenominationIncrement: 1000, ConsortiumMSPs: custodians,
	}
	if c.residual {
		r.LockupUntil = time.Date(2031, time.November, 20, 0, 0, 0, 0, time.UTC)
	}
	return r
}

// Waterfall terms besides the classes.
var (
	servicingFeeRate = decimal.RequireFromString("0.01")
	trusteeFee       = money.FromMajor(750)
	reserveFraction  = decimal.RequireFromString("0.005") // of the initial pool, funded at closing
	ocTarget         = decimal.RequireFromString("0.10")  // of the current pool
	ocFloor          = decimal.RequireFromString("0.01")  // of the initial pool
	delinquencyLimit = decimal.RequireFromString("0.03")  // 60+ days ÷ pool
	netLossLimit     = decimal.RequireFromString("0.015") // cumulative, first year
)

// Names in the waterfall.
const (
	feeServicing      = "servicing"
	feeTrustee        = "trustee"
	reserveAccount    = "reserve"
	triggerDelinquent = "delinquency"
	triggerNetLoss    = "cumulative net loss"
)

// reserveDeposit is the reserve account's initial balance.
func reserveDeposit(pool money.Amount) money.Amount {
	a, err := pool.MulRate(reserveFraction)
	if err != nil {
		panic(err) // a pool balance times 0.005 cannot overflow
	}
	return a
}

// definition is the deal's waterfall: the US auto-ABS priority of
// payments — fees, then interest and the priority principal amounts class
// by class, the reserve top-up, the regular principal amount that builds
// overcollateralization to its target, turbo principal while the
// delinquency trigger is breached, the clean-up call when exercised, and
// the residual to the certificate.
func definition(dealID string, pool money.Amount, cleanUpFactor decimal.Decimal) waterfall.Definition {
	var classList []waterfall.Class
	for i, c := range classes {
		wc := waterfall.Class{Name: c.class, Rank: i + 1}
		if c.residual {
			wc.Residual = true
		} else {
			wc.OriginalBalance = faceOf(c, pool)
			wc.DayCount = c.dayCount
			tc := c.coupon()
			wc.Coupon = &waterfall.Coupon{Fixed: tc.Fixed, Index: tc.Index, Margin: tc.Margin}
		}
		classList = append(classList, wc)
	}
	notes := noteClasses()
	certificate := classes[len(classes)-1].class
	reserve := reserveAccount
	steps := []waterfall.Step{
		waterfall.TriggerStep{Triggers: []string{triggerDelinquent, triggerNetLoss}},
		waterfall.FeeStep{Fee: feeServicing},
		waterfall.FeeStep{Fee: feeTrustee},
		waterfall.InterestStep{Classes: notes[:3], ReserveDraw: reserve},
		waterfall.PrincipalStep{Classes: notes[:3], Amount: waterfall.NotesOverPool, Allocation: waterfall.SequentialAllocation, ReserveDraw: reserve},
		waterfall.InterestStep{Classes: notes[3:4], ReserveDraw: reserve},
		waterfall.PrincipalStep{Classes: notes[:4], Amount: waterfall.NotesOverPool, Allocation: waterfall.SequentialAllocation, ReserveDraw: reserve},
		waterfall.InterestStep{Classes: notes[4:5], ReserveDraw: reserve},
		waterfall.PrincipalStep{Classes: notes, Amount: waterfall.NotesOverPool, Allocation: waterfall.SequentialAllocation, ReserveDraw: reserve},
		waterfall.ReserveStep{Account: reserve, Action: waterfall.Deposit},
		waterfall.PrincipalStep{Classes: notes, Amount: waterfall.RegularPrincipal, Allocation: waterfall.SequentialAllocation},
		waterfall.PrincipalStep{Classes: notes, Amount: waterfall.TurboPrincipal, Allocation: waterfall.SequentialAllocation},
	}
	if cleanUpFactor.IsPositive() { // a deal without a clean-up call has no step for it
		steps = append(steps, waterfall.CleanUpCallStep{Classes: notes})
	}
	steps = append(steps, waterfall.ResidualStep{Class: certificate})
	acceleration := []waterfall.Step{
		waterfall.FeeStep{Fee: feeServicing},
		waterfall.FeeStep{Fee: feeTrustee},
		waterfall.InterestStep{Classes: notes[:3]},
		waterfall.InterestStep{Classes: notes[3:4]},
		waterfall.InterestStep{Classes: notes[4:5]},
		waterfall.PrincipalStep{Classes: notes, Amount: waterfall.RemainingFunds, Allocation: waterfall.SequentialAllocation},
		waterfall.ResidualStep{Class: certificate},
	}
	return waterfall.Definition{
		Version: 1, Deal: dealID, ClosingDate: closingDate, InitialPoolBalance: pool, DayCount: daycount.Thirty360,
		Classes: classList,
		Fees:    []waterfall.Fee{{Name: feeServicing, AnnualRate: servicingFeeRate}, {Name: feeTrustee, Fixed: trusteeFee}},
		Reserves: []waterfall.ReserveAccount{{Name: reserve, InitialBalance: reserveDeposit(pool),
			Target: waterfall.PoolTarget{Fraction: reserveFraction, Of: waterfall.InitialPool}}},
		Triggers: []waterfall.Trigger{
			{Name: triggerDelinquent, Test: waterfall.Delinquency, Curable: true, Effect: waterfall.Turbo,
				Schedule: []waterfall.Threshold{{FromPeriod: 1, Value: delinquencyLimit}}},
			{Name: triggerNetLoss, Test: waterfall.CumulativeNetLoss, Effect: waterfall.Turbo,
				Schedule: []waterfall.Threshold{{FromPeriod: 1, Value: netLossLimit}}},
		},
		OCTarget:          &waterfall.PoolTarget{Fraction: ocTarget, Of: waterfall.CurrentPool, FloorFraction: ocFloor},
		CleanUpCallFactor: cleanUpFactor,
		Steps:             steps, AccelerationSteps: acceleration,
	}
}

// trancheID is the tranche of class in deal: AUTO-DEMO-3-A-1.
func trancheID(dealID, class string) string { return dealID + "-" + class }

// classSpecOf returns the spec of a class name.
func classSpecOf(class string) (classSpec, error) {
	for _, c := range classes {
		if c.class == class {
			return c, nil
		}
	}
	return classSpec{}, fmt.Errorf("no class %q in the scenario", class)
}

// defaultCleanUpFactor is the pool factor at or below which the servicer
// may buy the pool back. Market deals use 10 %; a year of this pool's
// reports takes it to about 63 %, so the demo deal sets 65 % to show the
// call ending the deal within the year (-cleanup-factor 0.10 keeps the
// market term and shows the pay-down instead).
var defaultCleanUpFactor = decimal.RequireFromString("0.65")

// cleanUpEligible reports whether the pool, at ending against its
// initial balance, may be called under factor (exactly, as the waterfall
// compares).
func cleanUpEligible(ending, initial money.Amount, factor decimal.Decimal) bool {
	return factor.IsPositive() && ending.Decimal().LessThanOrEqual(factor.Mul(initial.Decimal()))
}
