// Package uploadtest makes the files the upload tests send: a simulated
// pool's loan tape and first servicer report, as records and as EX-102
// CSV or XML. It is for tests only (the gateway binary does not import
// it).
//
// Imports: the chaincode's loantape, its simulator and money.
package uploadtest

import (
	"bytes"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

// Pool is a simulated pool: its tape (cut off at the end of Cutoff) and
// the rows of its first servicer report.
type Pool struct {
	Cutoff  loantape.Month
	Loans   []loantape.Loan
	Rows    []loantape.PeriodRow
	Balance money.Amount
}

// Simulate draws a pool of n loans from seed and runs its first month.
func Simulate(t testing.TB, seed uint64, n int) Pool {
	t.Helper()
	p := Pool{Cutoff: loantape.Month{Year: 2025, Month: time.December}}
	sim, err := loansim.New(loansim.PoolSpec{Seed: seed, Loans: n, Cutoff: p.Cutoff}, loansim.DefaultAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	for l := range sim.Tape() {
		p.Loans = append(p.Loans, l)
		p.Balance += l.ReportingPeriodActualEndBalanceAmount
	}
	if _, err := sim.Advance(func(r loantape.PeriodRow) error { p.Rows = append(p.Rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return p
}

// CSV renders records as an EX-102 CSV file.
func CSV[R loantape.Record](t testing.TB, recs []R) []byte {
	t.Helper()
	var b bytes.Buffer
	w := loantape.NewCSVWriter[R](&b)
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// XML renders records as an EX-102 XML file.
func XML[R loantape.Record](t testing.TB, recs []R) []byte {
	t.Helper()
	var b bytes.Buffer
	w := loantape.NewXMLWriter[R](&b)
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
