package projection

import (
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/calendar"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// A deal with a payment schedule is projected on its business-day-adjusted
// dates, as the ledger certifies it: the engine refuses any other date.
func TestProjectionFollowsThePaymentSchedule(t *testing.T) {
	deal := autoDeal(t)
	deal.Definition.PaymentDates = &waterfall.PaymentDates{
		FirstPaymentDate: daycount.NewDate(2025, 2, 15), Calendar: "US-FRB", BusinessDayConvention: calendar.Following}
	if err := deal.Definition.Validate(); err != nil {
		t.Fatal(err)
	}
	loans := syntheticLoans(t, 50, money.Amount(deal.State.PoolBalance))
	p, err := Project(deal, loans, Assumptions{Months: 12, Prepayment: Prepayment{Kind: CPR}, Defaults: Defaults{Kind: CDR}})
	if err != nil {
		t.Fatal(err)
	}
	rolled := 0
	for i, pp := range p.Pool {
		want, err := deal.Definition.AdjustedPaymentDate(i + 1)
		if err != nil {
			t.Fatal(err)
		}
		if pp.PaymentDate != want {
			t.Errorf("period %d paid %s, want the schedule's %s", i+1, pp.PaymentDate, want)
		}
		if pp.PaymentDate.Day != 15 {
			rolled++
		}
	}
	// 2025's 15ths on a weekend or holiday: Feb 15 (Sat, then Presidents
	// Day), Mar 15 (Sat), Jun 15 (Sun), Nov 15 (Sat).
	if len(p.Pool) != 12 || rolled == 0 {
		t.Fatalf("%d periods, %d rolled off the 15th", len(p.Pool), rolled)
	}
}
