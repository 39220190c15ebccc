package upload

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/assetclass"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/mortgage"
)

func fileOf(b []byte) File {
	return File{Format: CSV, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
}

// A mortgage report is checked with the mortgage rules, then read by the
// common report path as projected rows whose sums are the mortgage
// report's own.
func TestMortgageReportFile(t *testing.T) {
	b, err := os.ReadFile("../../../chaincode/core/mortgage/testdata/report_2026_04.csv")
	if err != nil {
		t.Fatal(err)
	}
	period := loantape.MonthlyPeriod(1, loantape.MonthOf(2026, 4))
	want, err := mortgage.ValidateReport(mortgage.NewALReader(bytes.NewReader(b)), mortgage.ReportRules{Period: period})
	if err != nil {
		t.Fatal(err)
	}
	f, err := mortgageReportFile(fileOf(b), period)
	if err != nil {
		t.Fatal(err)
	}
	got, err := CheckReport(f.Open, f.Format, ReportRules{Period: period, Class: assetclass.Mortgage})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Aggregates.Equal(want) || got.Rows != 4 {
		t.Fatalf("projected report sums %+v, want %+v", got.Aggregates, want)
	}
	// Without the class, the auto-loan term range refuses 30-year loans.
	if _, err := CheckReport(f.Open, f.Format, ReportRules{Period: period}); err == nil {
		t.Fatal("auto-loan rules accepted a 311-month remaining term")
	}

	// A loss that does not add up is refused before anything is projected.
	bad := strings.Replace(string(b), ",55000.00", ",40000.00", 1)
	_, err = mortgageReportFile(fileOf([]byte(bad)), period)
	var r *Refused
	if !errors.As(err, &r) || len(r.Errors) != 1 || r.Errors[0].Rule != mortgage.RuleLossIdentity || r.Errors[0].Line != 5 {
		t.Fatalf("bad loss: %v", err)
	}
	if _, err := mortgageReportFile(File{Format: XML, Open: fileOf(b).Open}, period); err == nil {
		t.Fatal("an XML file for a mortgage pool")
	}
}
