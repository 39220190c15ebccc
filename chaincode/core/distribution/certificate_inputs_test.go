package distribution

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// TestCertificateInputsMapOntoThePeriod: the declared certificate lines
// carve repurchases out of prepayments and repossession proceeds out of
// recoveries, and carry the rest over; without them the inputs encode as
// before (so the inputs hash of existing certifications is unchanged).
func TestCertificateInputsMapOntoThePeriod(t *testing.T) {
	a := loantape.ReportAggregates{Period: loantape.Period{Number: 2}, InterestCollected: amt("100.00"),
		Prepayments: amt("300.00"), ChargedOffPrincipal: amt("80.00"), Recoveries: amt("10.00"),
		RepossessionProceeds: amt("40.00"), EndingBalance: amt("5000.00")}
	start, _ := daycount.Parse("2026-02-17")
	pay, _ := daycount.Parse("2026-03-16")
	in := PeriodInputs{Aggregates: a, PaymentDate: pay}
	plain, _ := json.Marshal(in)
	if strings.Contains(string(plain), "certificate") {
		t.Fatalf("inputs without certificate lines mention them: %s", plain)
	}
	in.Certificate = &CertificateInputs{ReserveInvestmentEarnings: amt("1.25"), AdvanceReimbursements: amt("2.00"),
		Repurchases: amt("50.00"), LiquidationProceedsApart: true, YieldSupplementAmount: amt("123.45"),
		FeesIncurred: []waterfall.FeeAmount{{Fee: "trustee", Amount: amt("7.00")}}}
	p, err := in.Period(start)
	if err != nil {
		t.Fatal(err)
	}
	want := waterfall.Period{Period: 2, AccrualStart: start, AccrualEnd: pay, InterestCollections: amt("100.00"),
		Prepayments: amt("250.00"), Repurchases: amt("50.00"), Defaults: amt("80.00"),
		Recoveries: amt("10.00"), LiquidationProceeds: amt("40.00"), EndingPoolBalance: amt("5000.00"),
		ReserveInvestmentEarnings: amt("1.25"), AdvanceReimbursements: amt("2.00"), YieldSupplementAmount: amt("123.45"),
		FeesIncurred: []waterfall.FeeAmount{{Fee: "trustee", Amount: amt("7.00")}}}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("got  %+v\nwant %+v", p, want)
	}
	in.Certificate.Repurchases = amt("300.01")
	if _, err := in.Period(start); err == nil || !strings.Contains(err.Error(), "certificate.repurchases") {
		t.Fatalf("repurchases above prepayments: %v", err)
	}
}
