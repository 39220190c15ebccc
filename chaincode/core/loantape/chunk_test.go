package loantape_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

func TestReportChunks(t *testing.T) {
	_, reports := simulate(t, 1200, 3)
	rows := reports[2]
	p := loantape.MonthlyPeriod(3, cutoff.AddMonths(3))
	file := writeCSV(t, rows)
	whole, err := loantape.ValidateReport(loantape.NewCSVReader[loantape.PeriodRow](bytes.NewReader(file)), loantape.ReportRules{Period: p})
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{1, 7, 0, 500, len(rows), len(rows) + 1} {
		var sum loantape.ReportAggregates
		next, nextLine := 0, 2
		for c, err := range loantape.ReportChunks(loantape.NewCSVReader[loantape.PeriodRow](bytes.NewReader(file)), size, p) {
			if err != nil {
				t.Fatalf("size %d: %v", size, err)
			}
			want := size
			if size == 0 {
				want = loantape.DefaultChunkSize
			}
			if c.Index != next || c.FirstLine != nextLine || len(c.Rows) > want || len(c.Rows) == 0 || c.LastLine != c.FirstLine+len(c.Rows)-1 {
				t.Fatalf("size %d chunk %d: index %d lines %d–%d, %d rows", size, next, c.Index, c.FirstLine, c.LastLine, len(c.Rows))
			}
			if c.Rows[0].AssetNumber != rows[c.FirstLine-2].AssetNumber {
				t.Fatalf("size %d chunk %d starts with the wrong row", size, next)
			}
			if c.Aggregates.LoanCount != len(c.Rows) {
				t.Fatalf("chunk aggregate counts %d rows of %d", c.Aggregates.LoanCount, len(c.Rows))
			}
			if sum, err = sum.Add(c.Aggregates); err != nil {
				t.Fatal(err)
			}
			next, nextLine = next+1, c.LastLine+1
		}
		if err := sum.Reconcile(whole); err != nil {
			t.Errorf("size %d: chunks do not reconcile with the declared totals: %v", size, err)
		}
	}
}

func TestChunksStopAtTheFirstError(t *testing.T) {
	tape, _ := simulate(t, 30, 0)
	file := string(writeCSV(t, tape))
	lines := strings.SplitAfter(file, "\n")
	lines[12] = "extra cell," + lines[12] // line 13
	var chunks, loans int
	var gotErr error
	for c, err := range loantape.TapeChunks(loantape.NewCSVReader[loantape.Loan](strings.NewReader(strings.Join(lines, ""))), 5) {
		if err != nil {
			gotErr = err
			continue
		}
		chunks++
		loans += len(c.Loans)
	}
	var re *loantape.RowError
	if !errors.As(gotErr, &re) || re.Line != 13 || re.Rule != loantape.RuleFieldCount {
		t.Fatalf("error %v, want field-count on line 13", gotErr)
	}
	if chunks != 2 || loans != 10 {
		t.Errorf("%d chunks of %d loans before the error, want 2 of 10", chunks, loans)
	}
}
