package main

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/fixing"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// Whatever the day and hour the demo runs, its deal's definition is valid
// and a quote made then counts: inside the staleness window, before the
// cut-off, which both follow from the definition's first payment date.
func TestFixCalendarKeepsARunsQuoteInTheWindow(t *testing.T) {
	rule := fixRule([]string{"Org1MSP", "Org2MSP", "Org3MSP"})
	if err := rule.Validate("fixings[0]"); err != nil {
		t.Fatal(err)
	}
	for run := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); run.Year() < 2029; run = run.Add(7 * time.Hour) {
		cal := newFixCalendar(run)
		def := fixDefinition("FIX-DEMO-1", cal, money.FromMajor(1_000_000), money.FromMajor(900_000))
		pay, err := fixPaymentDate(def)
		if err != nil {
			t.Fatalf("run %s: %v", run, err)
		}
		res := fixing.Resolve(rule, rule.Cutoff(pay), []fixing.Posting{
			{Source: "Org1MSP", Rate: decimal.RequireFromString("0.0431"), PostedAt: run},
			{Source: "Org2MSP", Rate: decimal.RequireFromString("0.0433"), PostedAt: run.Add(time.Minute)},
		})
		if !res.Met || len(res.Stale) > 0 || len(res.Late) > 0 {
			t.Fatalf("run %s, paid %s: a quote made at the run does not count: %+v", run, pay, res)
		}
		if collection := cal.cutoff.AddMonths(1); collection.AddMonths(1) != (loantape.Month{Year: run.Year(), Month: run.Month()}) {
			t.Fatalf("run %s: the collection month %s is not the month before the run's", run, collection)
		}
	}
}

// Hand-worked: class A of 900,000.00 at a median of 4.32 % plus the
// 0.95 % margin (5.27 %), ACT/360 from closing on 10 November 2026 to the
// payment on 14 December 2026 (34 days): 900,000 × 0.0527 × 34 / 360 =
// 4,479.50.
func TestFixCouponGolden(t *testing.T) {
	coupon, rate, days, err := fixCoupon(money.FromMajor(900_000), decimal.RequireFromString("0.0432"),
		daycount.NewDate(2026, time.November, 10), daycount.NewDate(2026, time.December, 14))
	if err != nil {
		t.Fatal(err)
	}
	if coupon != money.Amount(447950) || !rate.Equal(decimal.RequireFromString("0.0527")) || days != 34 {
		t.Fatalf("coupon %s at %s over %d days, want 4479.50 at 0.0527 over 34", coupon, rate, days)
	}
}
