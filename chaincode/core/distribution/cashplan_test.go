package distribution

import (
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// TestPlanCashRepaysAdvancesFromTheCollectionAccount: a period whose
// available funds are net of an advance reimbursement takes the gross
// collections out of the collection account and pays the reimbursement to
// the advances account; the plan balances to the cent.
func TestPlanCashRepaysAdvancesFromTheCollectionAccount(t *testing.T) {
	res := waterfall.Result{
		AvailableFunds: waterfall.AvailableFunds{InterestCollections: 10_000, ScheduledPrincipal: 90_000, ReserveDraws: 500,
			AdvanceReimbursements: 1_234, Total: 10_000 + 90_000 + 500 - 1_234},
		Classes:  []waterfall.ClassResult{{Class: "A", InterestPaid: 8_000, PrincipalPaid: 90_266}},
		Fees:     []waterfall.FeeResult{{Fee: "servicing", Paid: 1_000}},
		Reserves: []waterfall.ReserveResult{{Account: "reserve", Draw: 500}},
	}
	plan, err := PlanCash(res)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Collections != money.Amount(100_000) || plan.AdvanceReimbursements != 1_234 {
		t.Fatalf("collections %s, reimbursed %s; want 1000.00 (gross) and 12.34", plan.Collections, plan.AdvanceReimbursements)
	}
	plan.AdvanceReimbursements++
	if err := plan.Check(); err == nil {
		t.Fatal("a plan paying one cent more in reimbursements than it takes passed its check")
	}
}
