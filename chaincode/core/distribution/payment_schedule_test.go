package distribution

import (
	"os"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// TestScheduledPaymentDate: a deal with a payment schedule is paid on the
// business day its calendar gives; one without keeps the payment day.
func TestScheduledPaymentDate(t *testing.T) {
	b, err := os.ReadFile("../waterfall/testdata/golden/indenture_2026_a/definition.json")
	if err != nil {
		t.Fatal(err)
	}
	def, err := waterfall.ParseDefinition(b)
	if err != nil {
		t.Fatal(err)
	}
	end := loantape.Month{Year: 2026, Month: 1}.LastDay()
	got, err := ScheduledPaymentDate(&def, 1, end, 15)
	if err != nil || got.String() != "2026-02-17" {
		t.Fatalf("scheduled = %s, %v; want 2026-02-17 (Sunday 15th, Washington's Birthday Monday)", got, err)
	}
	def.PaymentDates = nil
	got, err = ScheduledPaymentDate(&def, 1, end, 15)
	if err != nil || got.String() != "2026-02-15" {
		t.Fatalf("unscheduled = %s, %v; want 2026-02-15", got, err)
	}
}
