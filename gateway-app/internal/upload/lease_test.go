package upload

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/assetclass"
	"github.com/tranchenet/tranchenet/chaincode/core/lease"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// A lease report is checked with the lease rules at the pool's discount
// rate, then read by the common report path as projected rows whose sums
// are the discounted pool's (lease/testdata/worked_2026_04.md).
func TestLeaseReportFile(t *testing.T) {
	b, err := os.ReadFile("../../../chaincode/core/lease/testdata/report_2026_04.csv")
	if err != nil {
		t.Fatal(err)
	}
	pool := schema.Pool{ID: "L", AssetClass: "leases", DiscountRate: "0.06"}
	period := loantape.MonthlyPeriod(1, loantape.MonthOf(2026, 4))
	f, err := leaseReportFile(pool, fileOf(b), period)
	if err != nil {
		t.Fatal(err)
	}
	got, err := CheckReport(f.Open, f.Format, ReportRules{Period: period, Class: assetclass.Leases})
	if err != nil {
		t.Fatal(err)
	}
	a := got.Aggregates
	if got.Rows != 5 || a.BeginningBalance != money.Cents(141_416_25) || a.EndingBalance != money.Cents(67_296_56) ||
		a.ChargedOffPrincipal != money.Cents(53_776_89) || a.OtherPrincipalAdjustments != -money.Cents(162_71) {
		t.Fatalf("projected report sums %+v", a)
	}

	// Rows valued at another rate than the pool's are refused, each one.
	other := pool
	other.DiscountRate = "0.07"
	_, err = leaseReportFile(other, fileOf(b), period)
	var r *Refused
	if !errors.As(err, &r) || len(r.Errors) != 5 || r.Errors[0].Rule != lease.RuleDiscountRate || r.Errors[0].Line != 2 {
		t.Fatalf("another rate: %v", err)
	}
	// A residual realised on a lease that did not mature is refused.
	bad := strings.Replace(string(b), ",1000.00,,,,,,,34592.74", ",1000.00,,,,,2400.00,,34592.74", 1)
	if _, err := leaseReportFile(pool, fileOf([]byte(bad)), period); !errors.As(err, &r) || r.Errors[0].Rule != lease.RuleEndAmounts {
		t.Fatalf("residual without maturity: %v", err)
	}
	if _, err := leaseReportFile(pool, File{Format: XML, Open: fileOf(b).Open}, period); err == nil {
		t.Fatal("an XML file for a lease pool")
	}
}
