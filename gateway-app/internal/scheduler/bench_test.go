package scheduler

import (
	"context"
	"testing"
)

// BenchmarkPaymentRun is the scheduler's own cost of a payment date for
// 10,000 holders across the three banks (15,000 positions, 16 claims in
// flight) against a fake ledger that answers at once: the step records in
// the store and the bookkeeping, not the network.
func BenchmarkPaymentRun(b *testing.B) {
	for range b.N {
		b.StopTimer()
		f := newFakeLedger(b, false)
		f.holders(10000)
		f.report(1, "complete")
		_, book := openBookB(b)
		s := New(trusteeConfig(16), f, book, &testClock{day("2026-05-15")}, quiet(), nil)
		b.StartTimer()
		s.Pass(context.Background())
		b.StopTimer()
		if f.claimCalls != 15000 {
			b.Fatalf("%d claims", f.claimCalls)
		}
	}
}
