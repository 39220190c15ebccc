package upload

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

func reportFile(t *testing.T, n int) ([]byte, loantape.Period) {
	t.Helper()
	sim, err := loansim.New(loansim.PoolSpec{Seed: 3, Loans: n, Cutoff: loantape.Month{Year: 2025, Month: time.December}}, loansim.DefaultAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := loantape.NewCSVWriter[loantape.PeriodRow](&b)
	p, err := sim.Advance(w.Write)
	if err != nil {
		t.Fatal(err)
	}
	w.Flush()
	return b.Bytes(), p
}

func opener(b []byte) Opener {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

func TestCheckThenChunkAddsUpToTheWhole(t *testing.T) {
	file, p := reportFile(t, 23)
	n := 23
	checked, err := CheckReport(opener(file), CSV, ReportRules{Period: p, Control: ReportControl{LoanCount: &n}})
	if err != nil {
		t.Fatal(err)
	}
	if checked.Rows != 23 || checked.Aggregates.LoanCount != 23 || Chunks(23, 10) != 3 {
		t.Fatalf("%+v", checked)
	}
	var sum loantape.ReportAggregates
	sum.Period = p
	var firsts []int
	err = ReportChunks(opener(file), CSV, p, 10, 1, func(c loantape.ReportChunk) error {
		firsts = append(firsts, c.Index)
		var err error
		sum, err = sum.Add(c.Aggregates)
		return err
	})
	if err != nil || len(firsts) != 2 || firsts[0] != 1 {
		t.Fatalf("chunks from 1: %v %v", firsts, err)
	}
	if sum.LoanCount != 13 {
		t.Fatalf("chunks 1 and 2 hold %d rows, want 13", sum.LoanCount)
	}
}

func TestControlTotalsNameEachFieldThatDiffers(t *testing.T) {
	file, p := reportFile(t, 8)
	n, end := 9, money.FromMajor(1)
	_, err := CheckReport(opener(file), CSV, ReportRules{Period: p, Control: ReportControl{LoanCount: &n, EndingBalance: &end}})
	var r *Refused
	if !errors.As(err, &r) || len(r.Errors) != 2 {
		t.Fatalf("err = %v", err)
	}
	for i, field := range []string{"loanCount", "endingBalance"} {
		if e := r.Errors[i]; e.Field != field || e.Rule != loantape.RuleTotals || e.Line != 0 {
			t.Errorf("error %d: %+v", i, e)
		}
	}
	if !strings.Contains(r.Error(), "nothing was submitted") {
		t.Errorf("%q", r.Error())
	}
}

func TestAnEmptyFileIsRefused(t *testing.T) {
	file, p := reportFile(t, 1)
	header := bytes.SplitN(file, []byte("\n"), 2)[0]
	_, err := CheckReport(opener(append(header, '\n')), CSV, ReportRules{Period: p})
	var r *Refused
	if !errors.As(err, &r) || r.Errors[0].Rule != loantape.RuleRequired {
		t.Fatalf("err = %v", err)
	}
	if _, err := FormatOf("application/json"); err == nil {
		t.Fatal("JSON is not an EX-102 format")
	}
}
