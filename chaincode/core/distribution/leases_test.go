package distribution_test

import (
	"os"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/assetclass"
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/lease"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// leaseLedger answers for the lease golden tape.
type leaseLedger map[string]money.Amount

func (l leaseLedger) Prior(a string) (loantape.PriorLoan, bool) {
	b, ok := l[a]
	return loantape.PriorLoan{EndBalance: b}, ok
}
func (leaseLedger) ReportedIn(string) (int, bool) { return 0, false }

func leaseRows(t *testing.T, name string) []lease.Row {
	f, err := os.Open("../lease/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd := lease.NewReader(f)
	var rows []lease.Row
	for {
		r, err := rd.Read()
		if err != nil {
			return rows
		}
		rows = append(rows, r)
	}
}

// A lease report, projected and checked as the servicing contract checks
// a chunk, gives the waterfall the discounted pool balance: the first
// allocation of principal is the decline in it (worked in
// lease/testdata/worked_2026_04.md: 141,416.25 − 67,296.56 = 74,119.69).
func TestLeaseReportFeedsPrincipal(t *testing.T) {
	ledger := leaseLedger{}
	for _, r := range leaseRows(t, "tape_2026_03.csv") {
		ledger[r.AssetNumber] = r.DiscountedBalance
	}
	chunk := loantape.ReportChunk{FirstLine: 2}
	for _, r := range leaseRows(t, "report_2026_04.csv") {
		chunk.Rows = append(chunk.Rows, r.PeriodRow())
	}
	period := loantape.MonthlyPeriod(1, loantape.MonthOf(2026, time.April))
	// The gateway's side: the lease checks and the declared aggregate.
	f, err := os.Open("../lease/testdata/report_2026_04.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	declared, _, err := lease.ValidateReport(lease.NewReader(f), lease.ReportRules{Period: period, Lookup: ledger.Prior})
	if err != nil {
		t.Fatal(err)
	}
	chunk.Aggregates = declared
	agg, err := distribution.ValidateChunkAs(assetclass.Leases, chunk, period, ledger)
	if err != nil {
		t.Fatal(err)
	}
	if agg.BeginningBalance != money.Cents(141_416_25) || agg.EndingBalance != money.Cents(67_296_56) {
		t.Fatalf("aggregates: %s → %s", agg.BeginningBalance, agg.EndingBalance)
	}
	p, err := distribution.PeriodInputs{Aggregates: agg, PaymentDate: daycount.NewDate(2026, time.May, 15)}.Period(daycount.NewDate(2026, time.April, 15))
	if err != nil {
		t.Fatal(err)
	}
	def, err := waterfall.ParseDefinition([]byte(`{"version": 1, "deal": "LEASE mini", "closingDate": "2026-04-15",
	  "initialPoolBalance": "141416.25", "dayCount": "30/360",
	  "classes": [{"name": "A", "rank": 1, "originalBalance": "120000.00", "coupon": {"fixed": "0.06"}},
	              {"name": "Certificates", "rank": 2, "originalBalance": "0", "residual": true}],
	  "fees": [{"name": "servicing", "annualRate": "0.01"}],
	  "ocTarget": {"fraction": "0.10", "of": "currentPool", "floorFraction": "0.01"},
	  "steps": [{"kind": "fee", "fee": "servicing"}, {"kind": "interest", "classes": ["A"]},
	    {"kind": "principal", "amount": "poolDecline", "allocation": "sequential", "classes": ["A"]},
	    {"kind": "principal", "amount": "regular", "allocation": "sequential", "classes": ["A"]},
	    {"kind": "residual", "class": "Certificates"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	st, err := waterfall.NewState(def)
	if err != nil {
		t.Fatal(err)
	}
	res, err := waterfall.Run(def, st, p)
	if err != nil {
		t.Fatal(err)
	}
	// Available: collections 20,700.00 + recoveries 30,000.00; servicing
	// 117.85, interest 600.00; the decline 74,119.69 is due, 49,982.15 paid.
	first := res.Payments[2]
	if first.Kind != waterfall.KindPrincipal || first.Due != money.Cents(74_119_69) || first.Paid != money.Cents(49_982_15) {
		t.Fatalf("first allocation %+v", first)
	}
}
