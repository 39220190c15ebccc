package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/lease"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

// -asset-class leases writes lease CSV files that the lease reader reads
// back and the servicer checks pass, each report against the one before.
func TestWritesLeaseFiles(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-asset-class", "leases", "-loans", "120", "-months", "3", "-out", t.TempDir()}, &out); err != nil {
		t.Fatal(err)
	}
	names := strings.Fields(out.String())
	if len(names) != 4 {
		t.Fatalf("wrote %v", names)
	}
	prior := map[string]money.Amount{}
	rate := loansim.LeaseDiscountRate
	for i, name := range names {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		rd := lease.NewReader(f)
		var rows []lease.Row
		for {
			r, err := rd.Read()
			if err != nil {
				break
			}
			rows = append(rows, r)
		}
		f.Close()
		f, _ = os.Open(name)
		if i == 0 {
			agg, err := lease.ValidateTape(lease.NewReader(f), lease.TapeRules{Cutoff: loantape.Date{Year: 2025, Month: 12, Day: 31}, DiscountRate: &rate})
			if err != nil || agg.LoanCount != 120 {
				t.Fatalf("tape: %d leases, %v", agg.LoanCount, err)
			}
		} else if _, _, err := lease.ValidateReport(lease.NewReader(f), lease.ReportRules{DiscountRate: &rate,
			Lookup: func(a string) (loantape.PriorLoan, bool) {
				b, ok := prior[a]
				return loantape.PriorLoan{EndBalance: b}, ok
			}}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		f.Close()
		for _, r := range rows {
			prior[r.AssetNumber] = r.DiscountedBalance
		}
	}
}
