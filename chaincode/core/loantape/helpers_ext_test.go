package loantape_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

// stressed are assumptions that make every kind of row appear in a small
// pool within a few months: delinquencies in every bucket, charge-offs,
// recoveries, payoffs and curtailments.
func stressed() loansim.Assumptions {
	a := loansim.DefaultAssumptions()
	a.DelinquencyRate = decimal.RequireFromString("0.06")
	a.RollRate = decimal.RequireFromString("0.6")
	a.CureRate = decimal.RequireFromString("0.2")
	a.CurtailmentRate = decimal.RequireFromString("0.03")
	a.ChargeOffDays = 150 // lets loans sit in the 120+ bucket for a month
	return a
}

var cutoff = loantape.Month{Year: 2025, Month: time.December}

// simulate returns the tape and the first months of reports of a seeded
// stressed pool.
func simulate(t testing.TB, loans, months int) ([]loantape.Loan, [][]loantape.PeriodRow) {
	t.Helper()
	sim, err := loansim.New(loansim.PoolSpec{Seed: 42, Loans: loans, Cutoff: cutoff}, stressed())
	if err != nil {
		t.Fatal(err)
	}
	var tape []loantape.Loan
	for l := range sim.Tape() {
		tape = append(tape, l)
	}
	var reports [][]loantape.PeriodRow
	for range months {
		var rows []loantape.PeriodRow
		if _, err := sim.Advance(func(r loantape.PeriodRow) error { rows = append(rows, r); return nil }); err != nil {
			t.Fatal(err)
		}
		reports = append(reports, rows)
	}
	return tape, reports
}

func writeCSV[R loantape.Record](t testing.TB, recs []R) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := loantape.NewCSVWriter[R](&buf)
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeXML[R loantape.Record](t testing.TB, recs []R) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := loantape.NewXMLWriter[R](&buf)
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// canonicalRecord lets generic tests compare records of either kind.
func canonicalRecord[R loantape.Record](r R) []byte {
	switch v := any(r).(type) {
	case loantape.Loan:
		return v.Canonical()
	case loantape.PeriodRow:
		return v.Canonical()
	}
	panic("unreachable")
}

// readAll reads every record of src and fails the test on any error.
func readAll[R loantape.Record](t testing.TB, src loantape.RowSource[R]) []R {
	t.Helper()
	var out []R
	for r, err := range loantape.All(src) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}
