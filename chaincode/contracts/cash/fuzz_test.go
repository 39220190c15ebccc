package cash_test

import (
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
)

// FuzzCashArguments feeds arbitrary arguments to every Cash function as
// the identity allowed to call it. Whatever the input, Hostile's checks
// hold and cash is conserved.
func FuzzCashArguments(f *testing.F) {
	w := contracttest.New(f)
	bob := w.Investor(w.Net.Investors, "bob")
	alice := w.Key(w.Investor(w.Net.Servicer, "alice"))
	w.Must(w.Settlement, "Cash:AttestReserves", "1000000.00", "s1")
	w.Must(w.Settlement, "Cash:Mint", "10000.00")
	w.Must(w.Settlement, "Cash:Pay", w.Key(bob), "100.00")
	fns := []struct {
		name string
		id   *stubtest.Identity
		args int
	}{
		{"Cash:AttestReserves", w.Settlement, 2}, {"Cash:Mint", w.Settlement, 1}, {"Cash:Burn", w.Settlement, 1},
		{"Cash:Pay", w.Settlement, 2}, {"Cash:Transfer", bob, 2}, {"Cash:Return", bob, 1}, {"Cash:Balance", bob, 1},
		{"Cash:Supply", w.NoRole, 0},
	}
	amounts := []string{"1.00", "0.01", "0.001", "-1", "1e3", "1e99999999", "NaN", "Inf", " 5", "5 ", "92233720368547758.07",
		strings.Repeat("9", 50), "\xff", "0x10", "1_000"}
	for i, a := range amounts {
		f.Add(uint8(i), a, "evidence")
		f.Add(uint8(i), alice, a)
	}
	f.Fuzz(func(t *testing.T, fn uint8, a0, a1 string) {
		c := fns[int(fn)%len(fns)]
		args := []string{a0, a1}[:c.args]
		w.Hostile(t, c.id, c.name, args)
		if err := w.CheckCash(); err != nil {
			t.Fatalf("%s%q: %v", c.name, args, err)
		}
	})
}
