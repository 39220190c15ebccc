package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/fixing"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// The floating-rate deal whose index is fixed from several sources
// (fixings.go), as data. Unlike the demo's main deal, whose calendar is
// fixed so that its figures are the same on every run, this deal's
// calendar starts from the run date: each rates desk's quote is stamped
// with the transaction's real time, and the rule counts it only within
// staleDays before the cut-off, which is measured from the period's
// payment date. So the collection period is the month before the run's,
// the closing date the 10th of that month, and the first payment date a
// week after the run date (rolled on the Federal Reserve calendar).

// Terms of the fixings deal.
const (
	fixLoans = 60
	// fixMargin is class A's margin over the index.
	fixMargin = "0.0095"
	// fixPayAfterDays puts the first (nominal) payment date this many days
	// after the run date.
	fixPayAfterDays = 7
	// fixIndex is the index class A floats on.
	fixIndex = sofr
)

// fixRule is the index's rule: two of the three banks' rates desks at
// least, within 5 basis points of each other, quoted within 14 days
// before the cut-off at 11:00 UTC two days before the payment date.
func fixRule(sources []string) fixing.Rule {
	return fixing.Rule{Index: fixIndex, Sources: sources, MinSources: 2, MaxSpread: decimal.RequireFromString("0.0005"),
		StaleDays: 14, CutoffDaysBeforePayment: 2, CutoffTime: "11:00"}
}

// fixCalendar is the deal's calendar for a run on the given day: the
// pool's cut-off month, the closing date and the nominal first payment
// date.
type fixCalendar struct {
	cutoff       loantape.Month // the pool's cut-off: the end of this month
	closing      daycount.Date  // the 10th of the first collection month
	firstPayment daycount.Date  // nominal; the definition rolls it
}

func newFixCalendar(run time.Time) fixCalendar {
	run = run.UTC()
	runMonth := loantape.Month{Year: run.Year(), Month: run.Month()}
	collection := runMonth.AddMonths(-1)
	pay := run.AddDate(0, 0, fixPayAfterDays)
	return fixCalendar{
		cutoff:       runMonth.AddMonths(-2),
		closing:      daycount.NewDate(collection.Year, collection.Month, 10),
		firstPayment: daycount.NewDate(pay.Year(), pay.Month(), pay.Day()),
	}
}

// fixFaces sizes the notes on the pool: class A 90 % of it in whole
// dollars, the certificate 10.00.
func fixFaces(pool money.Amount) (a, r money.Amount) {
	return money.FromMajor(pool.Cents() / 100 * 90 / 100), money.FromMajor(10)
}

// fixDefinition is the deal's waterfall definition: class A floating on
// the index plus the margin, ACT/360 from the closing date to each
// payment date (rolled to the following business day on the Federal
// Reserve calendar), sequential principal keeping the notes at 90 % of
// the pool, and the residual to the certificate.
func fixDefinition(deal string, cal fixCalendar, pool, faceA money.Amount) string {
	return fmt.Sprintf(`{"version": 1, "deal": %q, "closingDate": %q, "initialPoolBalance": %q, "dayCount": "ACT/360",
  "paymentDates": {"firstPaymentDate": %q, "calendar": "US-FRB", "businessDayConvention": "following"},
  "classes": [{"name": "A", "rank": 1, "originalBalance": %q, "coupon": {"index": %q, "margin": %q}},
    {"name": "R", "rank": 2, "originalBalance": "0", "residual": true}],
  "ocTarget": {"fraction": "0.10", "of": "currentPool", "floorFraction": "0.005"},
  "steps": [{"kind": "interest", "classes": ["A"]},
    {"kind": "principal", "amount": "regular", "allocation": "sequential", "classes": ["A"]},
    {"kind": "residual", "class": "R"}],
  "accelerationSteps": [{"kind": "interest", "classes": ["A"]},
    {"kind": "principal", "amount": "remaining", "allocation": "sequential", "classes": ["A"]},
    {"kind": "residual", "class": "R"}]}`,
		deal, cal.closing, pool, cal.firstPayment, faceA, fixIndex, fixMargin)
}

// fixPaymentDate is the business day period 1 is paid on, as the
// definition's own schedule rolls it.
func fixPaymentDate(definition string) (daycount.Date, error) {
	var def waterfall.Definition
	if err := json.Unmarshal([]byte(definition), &def); err != nil {
		return daycount.Date{}, err
	}
	if err := def.Validate(); err != nil {
		return daycount.Date{}, err
	}
	return def.AdjustedPaymentDate(1)
}

// fixCoupon is class A's first coupon worked by hand: face × (median +
// margin) × actual days from closing to the payment date ÷ 360, rounded
// half-up to the cent.
func fixCoupon(face money.Amount, median decimal.Decimal, closing, pay daycount.Date) (money.Amount, decimal.Decimal, int64, error) {
	rate := median.Add(decimal.RequireFromString(fixMargin))
	days := daycount.ActualDays(closing, pay)
	cents := face.Decimal().Mul(rate).Mul(decimal.NewFromInt(days)).DivRound(decimal.NewFromInt(360), 2)
	coupon, err := money.FromDecimalExact(cents)
	return coupon, rate, days, err
}
