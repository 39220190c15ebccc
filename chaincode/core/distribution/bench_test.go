package distribution

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// BenchmarkCertifyIndex is the distribution work of one certification:
// four classes' payments spread over their units. The holder count only
// decides how the units are split, so holders=10 and holders=100000 must
// report the same cost.
func BenchmarkCertifyIndex(b *testing.B) {
	payments := []money.Amount{amt("812345.67"), amt("43210.98"), amt("30123.45"), amt("98765.43")}
	for _, holders := range []int{10, 100_000} {
		units := make([]int64, len(payments))
		for i := range units {
			units[i] = int64(holders) * 1_000 // each holder 1,000 units of every class
		}
		b.Run(fmt.Sprintf("holders=%d", holders), func(b *testing.B) {
			b.ReportAllocs()
			books := make([]ClassBook, len(payments))
			for b.Loop() {
				for c := range books {
					next, _, err := books[c].Distribute(payments[c], units[c])
					if err != nil {
						b.Fatal(err)
					}
					books[c] = next
				}
			}
		})
	}
}

// BenchmarkClaims settles every holder of a class once after a payment:
// each claim is its own holder's transaction, so the total grows with the
// holders while certification (above) does not.
func BenchmarkClaims(b *testing.B) {
	for _, holders := range []int{10, 100_000} {
		b.Run(fmt.Sprintf("holders=%d", holders), func(b *testing.B) {
			b.ReportAllocs()
			book, _, err := ClassBook{}.Distribute(amt("812345.67"), int64(holders)*1_000)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				bk := book
				for range holders {
					next, _, err := bk.Settle(1_000, decimal.Zero)
					if err != nil {
						b.Fatal(err)
					}
					bk = next
				}
			}
		})
	}
}

// BenchmarkReport100kValidateAndMerkle checks a 100,000-loan monthly
// report the way the chaincode does, chunk by chunk (500 rows each:
// rules, ledger lookups, aggregate reconciliation), and computes the
// Merkle root over the rows' canonical bytes.
func BenchmarkReport100kValidateAndMerkle(b *testing.B) {
	sp := newSimPool(b, 3, 100_000)
	per, rows, prior := sp.month(b)
	var chunks []loantape.ReportChunk
	for c, err := range loantape.ReportChunks(loantape.NewSliceSource(rows, 2), loantape.DefaultChunkSize, per) {
		if err != nil {
			b.Fatal(err)
		}
		chunks = append(chunks, c)
	}
	ledger := mapLedger{prior: prior, reported: map[string]int{}}
	b.ReportAllocs()
	b.ReportMetric(float64(len(rows)), "rows")
	for b.Loop() {
		var total loantape.ReportAggregates
		var tree merkle.Builder
		for _, c := range chunks {
			agg, err := ValidateChunk(c, per, ledger)
			if err != nil {
				b.Fatal(err)
			}
			if total, err = AddChunk(total, agg); err != nil {
				b.Fatal(err)
			}
			for _, r := range c.Rows {
				tree.Add(merkle.LeafHash(r.Canonical()))
			}
		}
		if total.LoanCount != len(rows) || tree.Size() != len(rows) {
			b.Fatalf("%d rows aggregated, %d leaves", total.LoanCount, tree.Size())
		}
		_ = tree.Root()
	}
}

// BenchmarkCompute is one period's waterfall with its canonical encoding,
// inputs hash and cash plan: the pure part of a certification.
func BenchmarkCompute(b *testing.B) {
	sp := newSimPool(b, 11, 400)
	def := abcDefinition(b, sp.balance, "2025-01-27")
	per, rows, _ := sp.month(b)
	pay, _ := PaymentDate(per.Ending, 15)
	st, _ := newState(def)
	in := Inputs{Definition: def, Prior: st, Period: PeriodInputs{Aggregates: aggregate(b, per, rows), PaymentDate: pay}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compute(in); err != nil {
			b.Fatal(err)
		}
	}
}
