package distribution

import (
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// reportFixture is the first month of a 300-loan pool cut into chunks of
// 100 rows whose file lines start at 2 (after a CSV header).
type reportFixture struct {
	period loantape.Period
	rows   []loantape.PeriodRow
	chunks []loantape.ReportChunk
	ledger mapLedger
	pool   money.Amount
}

func newReportFixture(t *testing.T) reportFixture {
	t.Helper()
	sp := newSimPool(t, 7, 300)
	per, rows, prior := sp.month(t)
	f := reportFixture{period: per, rows: rows, ledger: mapLedger{prior: prior, reported: map[string]int{}}, pool: sp.balance}
	for c, err := range loantape.ReportChunks(loantape.NewSliceSource(rows, 2), 100, per) {
		if err != nil {
			t.Fatal(err)
		}
		f.chunks = append(f.chunks, c)
	}
	if len(f.chunks) != 3 {
		t.Fatalf("want 3 chunks, got %d", len(f.chunks))
	}
	return f
}

func TestValidateChunksAddUpToTheReport(t *testing.T) {
	f := newReportFixture(t)
	declared := aggregate(t, f.period, f.rows)
	if err := CheckDeclared(declared, f.period, f.pool); err != nil {
		t.Fatal(err)
	}
	var total loantape.ReportAggregates
	for _, c := range f.chunks {
		got, err := ValidateChunk(c, f.period, f.ledger)
		if err != nil {
			t.Fatalf("chunk %d: %v", c.Index, err)
		}
		if !got.Equal(c.Aggregates) {
			t.Fatalf("chunk %d: recomputed aggregate differs", c.Index)
		}
		if total, err = AddChunk(total, got); err != nil {
			t.Fatal(err)
		}
		for _, r := range c.Rows {
			f.ledger.reported[r.AssetNumber] = c.Index
		}
		if c.Index < 2 {
			if err := ReconcileReport(total, declared); err == nil || !strings.Contains(err.Error(), "loanCount") {
				t.Fatalf("after chunk %d of 3 the report must not reconcile: %v", c.Index, err)
			}
		}
	}
	if err := ReconcileReport(total, declared); err != nil {
		t.Fatal(err)
	}
}

func TestValidateChunkRefusals(t *testing.T) {
	tests := []struct {
		name   string
		change func(f *reportFixture, c *loantape.ReportChunk)
		want   []string
	}{
		{"row does not roll forward", func(f *reportFixture, c *loantape.ReportChunk) {
			c.Rows[5].ReportingPeriodActualEndBalanceAmount++
		}, []string{"line 7", "reportingPeriodActualEndBalanceAmount", "(rule balance-rollforward)"}},
		{"loan not in the pool", func(f *reportFixture, c *loantape.ReportChunk) {
			c.Rows[0].AssetNumber = "999"
		}, []string{"line 2 (loan 999)", "not in the pool", "(rule unknown-asset)"}},
		{"beginning balance is not the last ending balance", func(f *reportFixture, c *loantape.ReportChunk) {
			c.Rows[3].ReportingPeriodBeginningLoanBalanceAmount += 100
			c.Rows[3].ReportingPeriodActualEndBalanceAmount += 100
		}, []string{"line 5", "previous ending balance", "(rule balance-continuity)"}},
		{"loan already reported in an earlier chunk", func(f *reportFixture, c *loantape.ReportChunk) {
			f.ledger.reported[c.Rows[9].AssetNumber] = 0
		}, []string{"line 11", "already reported in chunk 0", "(rule duplicate-asset)"}},
		{"declared chunk aggregate differs from the rows", func(f *reportFixture, c *loantape.ReportChunk) {
			c.Aggregates.InterestCollected++
		}, []string{"chunk 0 declared aggregate refused", "interestCollected", "(rule totals)"}},
		{"row of another period", func(f *reportFixture, c *loantape.ReportChunk) {
			c.Rows[1].ReportingPeriodEndingDate.Day = 30
		}, []string{"line 3", "(rule period-mismatch)"}},
		{"empty chunk", func(f *reportFixture, c *loantape.ReportChunk) { c.Rows = nil }, []string{"chunk 0 has no rows"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newReportFixture(t)
			c := f.chunks[0]
			c.Rows = append([]loantape.PeriodRow(nil), c.Rows...)
			tt.change(&f, &c)
			_, err := ValidateChunk(c, f.period, f.ledger)
			if errs.CodeOf(err) != errs.BadInput {
				t.Fatalf("want BAD_INPUT, got %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestRowsErrorShowsAtMostTen(t *testing.T) {
	f := newReportFixture(t)
	c := f.chunks[1]
	c.Rows = append([]loantape.PeriodRow(nil), c.Rows...)
	for i := range 15 {
		c.Rows[i].ReportingPeriodActualEndBalanceAmount++
	}
	_, err := ValidateChunk(c, f.period, f.ledger)
	if err == nil || !strings.Contains(err.Error(), "15 row errors") || !strings.Contains(err.Error(), "and 5 more") ||
		strings.Count(err.Error(), "(rule balance-rollforward)") != MaxRowErrorsShown {
		t.Fatalf("got %v", err)
	}
	var e *errs.Error
	if !asErr(err, &e) || e.Field != "reportingPeriodActualEndBalanceAmount" {
		t.Fatalf("field: %+v", e)
	}
}

func TestCheckDeclared(t *testing.T) {
	f := newReportFixture(t)
	good := aggregate(t, f.period, f.rows)
	tests := []struct {
		name   string
		change func(a *loantape.ReportAggregates)
		pool   money.Amount
		want   string
	}{
		{"wrong period", func(a *loantape.ReportAggregates) { a.Period.Number = 2 }, f.pool, "aggregates.period: want period 1"},
		{"beginning is not the pool", func(a *loantape.ReportAggregates) {}, f.pool + 1, "aggregates.beginningBalance"},
		{"counts do not add up", func(a *loantape.ReportAggregates) { a.ActiveCount++ }, f.pool, "aggregates.loanCount"},
		{"no rows", func(a *loantape.ReportAggregates) {
			a.LoanCount, a.ActiveCount, a.PaidOffCount, a.ChargedOffCount, a.ZeroBalanceCount = 0, 0, 0, 0, 0
		}, f.pool, "at least one row"},
		{"pool does not roll forward", func(a *loantape.ReportAggregates) { a.EndingBalance-- }, f.pool, "(rule balance-rollforward)"},
		{"negative amount", func(a *loantape.ReportAggregates) { a.Recoveries = -1 }, f.pool, "aggregates.recoveries"},
	}
	for _, tt := range tests {
		a := good
		tt.change(&a)
		err := CheckDeclared(a, f.period, tt.pool)
		if errs.CodeOf(err) != errs.BadInput || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.name, err, tt.want)
		}
	}
}
