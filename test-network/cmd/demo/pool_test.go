package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

func TestTheFilesReadBackAsTheGatewayWillReadThem(t *testing.T) {
	f, err := simulatePool(2)
	if err != nil {
		t.Fatal(err)
	}
	var loans int
	var balance money.Amount
	for l, err := range loantape.All[loantape.Loan](loantape.NewXMLReader[loantape.Loan](bytes.NewReader(f.tape))) {
		if err != nil {
			t.Fatal(err)
		}
		loans++
		balance += l.ReportingPeriodActualEndBalanceAmount
	}
	if loans != f.tapeLoans || balance != f.tapeBalance {
		t.Fatalf("the XML tape holds %d loans of %s; the demo declares %d of %s", loans, balance, f.tapeLoans, f.tapeBalance)
	}
	for _, r := range f.reports {
		agg := loantape.NewReportAggregator(r.period)
		for row, err := range loantape.All[loantape.PeriodRow](loantape.NewCSVReader[loantape.PeriodRow](bytes.NewReader(r.csv))) {
			if err != nil {
				t.Fatalf("period %d: %v", r.period.Number, err)
			}
			if err := agg.Add(row); err != nil {
				t.Fatal(err)
			}
		}
		if got := agg.Aggregates(); !got.Equal(r.agg) {
			t.Fatalf("period %d: the CSV adds up to other totals than the control totals the demo sends", r.period.Number)
		}
	}
	dir := filepath.Join(t.TempDir(), "AUTO-DEMO-1")
	if err := f.save(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"tape.xml", "report-01.csv", "report-02.csv"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
}

// The servicer remits exactly what certification takes from the
// collection account, in every period and in the clean-up call's.
func TestTheRemittanceIsWhatCertificationTakes(t *testing.T) {
	f := simulated(t)
	d := &demo{poolBalance: f.tapeBalance, cleanUpFactor: defaultCleanUpFactor, files: f}
	outcomes := certify(t, f, defaultCleanUpFactor, periods)
	for i, r := range f.reports {
		proceeds := d.cleanUpProceeds(r)
		if (proceeds > 0) != (r.period.Number == periods) {
			t.Errorf("period %d: clean-up proceeds %s", r.period.Number, proceeds)
		}
		if got, want := r.collections(proceeds), outcomes[i].Cash.Collections; got != want {
			t.Errorf("period %d: the servicer remits %s, certification takes %s", r.period.Number, got, want)
		}
	}
	var total money.Amount
	for _, o := range outcomes {
		total += o.Cash.Collections
	}
	if got := d.servicerCash(); got != total {
		t.Errorf("the settlement agent mints %s for the servicer; the year's certifications take %s", got, total)
	}
	d.cleanUpFactor = decimal.RequireFromString("0.50") // below the pool factor of the last period
	if p := d.cleanUpProceeds(f.reports[periods-1]); p != 0 {
		t.Errorf("with a call factor of %s the servicer pays %s for the pool", d.cleanUpFactor, p)
	}
}
