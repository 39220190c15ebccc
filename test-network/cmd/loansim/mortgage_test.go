package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/mortgage"
)

// -asset-class mortgage writes Schedule AL files that the mortgage
// readers read back and the servicer checks pass.
func TestWritesMortgageFiles(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-asset-class", "mortgage", "-loans", "120", "-months", "3", "-out", t.TempDir()}, &out); err != nil {
		t.Fatal(err)
	}
	names := strings.Fields(out.String())
	if len(names) != 4 {
		t.Fatalf("wrote %v", names)
	}
	f, err := os.Open(names[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	agg, err := mortgage.ValidateTape(mortgage.NewALReader(f), mortgage.TapeRules{Cutoff: loantape.Date{Year: 2025, Month: 12, Day: 31}})
	if err != nil || agg.LoanCount != 120 {
		t.Fatalf("tape: %d loans, %v", agg.LoanCount, err)
	}
	for _, name := range names[1:] {
		r, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := mortgage.ValidateReport(mortgage.NewALReader(r), mortgage.ReportRules{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		r.Close()
	}
	if err := run([]string{"-asset-class", "cars"}, &bytes.Buffer{}); err == nil {
		t.Error("an unknown asset class is accepted")
	}
}
