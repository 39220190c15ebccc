package waterfall

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// FuzzRun decodes a definition, an optional state and a period from JSON,
// validates and runs them. Whatever the bytes, it must not panic, and a
// period that runs must conserve its funds.
func FuzzRun(f *testing.F) {
	seeds := []struct{ def, period string }{
		{"auto_2025_1.json", `{"period":1,"accrualStart":"2025-01-27","accrualEnd":"2025-02-15",
			"interestCollections":"78000.00","scheduledPrincipal":"180000.00","prepayments":"95000.00",
			"defaults":"5000.00","recoveries":"1000.00","endingPoolBalance":"9720000.00",
			"delinquencies":{"days30to59":"50000.00","days60to89":"30000.00","days90Plus":"10000.00"}}`},
		{"prorata_2025_2.json", `{"period":1,"accrualStart":"2025-05-15","accrualEnd":"2025-06-15",
			"interestCollections":"7500.00","scheduledPrincipal":"20000.00","prepayments":"10000.00",
			"defaults":"3000.00","recoveries":"500.00","endingPoolBalance":"967000.00",
			"delinquencies":{"days30to59":"0","days60to89":"0","days90Plus":"0"},"indexFixings":{"SOFR":"0.043"}}`},
		{"losses_2026_1.json", `{"period":1,"accrualStart":"2026-01-20","accrualEnd":"2026-02-20",
			"interestCollections":"6000.00","scheduledPrincipal":"300000.00","prepayments":"50000.00",
			"defaults":"90000.00","recoveries":"10000.00","endingPoolBalance":"560000.00",
			"delinquencies":{"days30to59":"0","days60to89":"0","days90Plus":"0"}}`},
	}
	for _, s := range seeds {
		def, err := os.ReadFile(filepath.Join("testdata", s.def))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(def, []byte(""), []byte(s.period))
	}
	f.Fuzz(func(t *testing.T, defJSON, stateJSON, periodJSON []byte) {
		def, err := ParseDefinition(defJSON)
		if err != nil {
			return
		}
		var st State
		if len(stateJSON) == 0 {
			if st, err = NewState(def); err != nil {
				t.Fatalf("NewState refused a valid definition: %v", err)
			}
		} else if st, err = ParseState(stateJSON); err != nil {
			return
		}
		p, err := ParsePeriod(periodJSON)
		if err != nil {
			return
		}
		res, err := Run(def, st, p)
		if err != nil {
			return
		}
		var paid money.Amount
		for _, l := range res.Payments {
			paid += l.Paid
		}
		if paid+res.RoundingResidue != res.AvailableFunds.Total {
			t.Fatalf("not conserved: paid %s + residue %s ≠ %s", paid, res.RoundingResidue, res.AvailableFunds.Total)
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatalf("result does not encode: %v", err)
		}
	})
}
