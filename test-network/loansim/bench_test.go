package loansim

import (
	"io"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

const benchLoans = 100_000

// Drawing a 100,000-loan pool and simulating its first month, rows
// streamed to a callback: the brief's "100,000 loans × 1 month".
func BenchmarkNewAndAdvance100k(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		s, err := New(PoolSpec{Seed: 1, Loans: benchLoans, Cutoff: cutoff}, DefaultAssumptions())
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		if _, err := s.Advance(func(loantape.PeriodRow) error { n++; return nil }); err != nil || n != benchLoans {
			b.Fatal(n, err)
		}
	}
}

// The same, writing the month's report as CSV (to io.Discard).
func BenchmarkNewAndAdvanceToCSV100k(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		s, err := New(PoolSpec{Seed: 1, Loans: benchLoans, Cutoff: cutoff}, DefaultAssumptions())
		if err != nil {
			b.Fatal(err)
		}
		w := loantape.NewCSVWriter[loantape.PeriodRow](io.Discard)
		if _, err := s.Advance(w.Write); err != nil {
			b.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
}

// One further month of an existing 100,000-loan pool.
func BenchmarkAdvance100k(b *testing.B) {
	s, err := New(PoolSpec{Seed: 1, Loans: benchLoans, Cutoff: cutoff}, DefaultAssumptions())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Advance(func(loantape.PeriodRow) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTape100k(b *testing.B) {
	s, err := New(PoolSpec{Seed: 1, Loans: benchLoans, Cutoff: cutoff}, DefaultAssumptions())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for range s.Tape() {
			n++
		}
		if n != benchLoans {
			b.Fatal(n)
		}
	}
}
