package token_test

import (
	"testing"
)

// BenchmarkTransfer measures a compliant cross-bank transfer through the
// contract router and the in-memory peer: endorsement on the trustee's
// peer (rules, two registries, the book) and commit. Units go back and
// forth so the ledger does not grow.
func BenchmarkTransfer(b *testing.B) {
	w, f := placed(b)
	alice, bob := f.Investors[0], f.Investors[2]
	toBob, toAlice := w.Key(bob), w.Key(alice)
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	for i := 0; i < b.N; i++ {
		if i%2 == 0 {
			w.Must(alice, "Token:Transfer", f.A, toBob, "100")
		} else {
			w.Must(bob, "Token:Transfer", f.A, toAlice, "100")
		}
	}
}

// BenchmarkCanTransfer measures the same check evaluated without writing.
func BenchmarkCanTransfer(b *testing.B) {
	w, f := placed(b)
	alice, bob := f.Investors[0], f.Investors[2]
	args := []string{f.A, w.Key(alice), w.Key(bob), "100"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w.Must(alice, "Token:CanTransfer", args...)
	}
}
