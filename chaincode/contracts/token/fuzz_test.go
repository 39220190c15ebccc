package token_test

import (
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
)

// FuzzTokenArguments feeds arbitrary arguments to every Token function,
// as the identity allowed to call it, on a ledger with units placed.
// Whatever the input, Hostile's checks hold, and the tranche's units are
// conserved. `go test` runs the seeds; `go test -fuzz FuzzTokenArguments`
// explores.
func FuzzTokenArguments(f *testing.F) {
	w, fx := placed(f)
	alice, bob := fx.Investors[0], fx.Investors[2]
	ak, bk := w.Key(alice), w.Key(bob)
	fns := []struct {
		name string
		id   *stubtest.Identity
		args int
	}{
		{"Token:Transfer", alice, 3}, {"Token:CanTransfer", alice, 4}, {"Token:Freeze", w.Trustee, 3},
		{"Token:Unfreeze", w.Trustee, 2}, {"Token:ForcedTransfer", w.Trustee, 5}, {"Token:Pause", w.Trustee, 1},
		{"Token:Resume", w.Trustee, 1}, {"Token:Redeem", w.Trustee, 3}, {"Token:Position", alice, 2},
		{"Token:Holders", w.Trustee, 1}, {"Token:Supply", alice, 1},
	}
	seeds := [][5]string{
		{fx.A, bk, "100"}, {fx.A, ak, bk, "100"}, {fx.A, bk, "all"}, {fx.A, bk}, {fx.A, ak, bk, "10", "court order"},
		{fx.A}, {fx.A}, {fx.A, bk, "10"}, {fx.A, ak}, {fx.A}, {fx.A},
	}
	for i, s := range seeds {
		f.Add(uint8(i), s[0], s[1], s[2], s[3], s[4])
	}
	hostile := []string{"", "-1", "0", "1e3", "9223372036854775807", "99999999999999999999", "\xff\xfe", "A\x00B",
		strings.Repeat("9", 400), "Org9MSP/" + strings.Repeat("a", 64), ak + "x", " 100", "all", "0x10"}
	for i, h := range hostile {
		f.Add(uint8(i), fx.A, h, h, "5", h)
		f.Add(uint8(i+3), h, bk, "1", h, "r")
	}
	f.Fuzz(func(t *testing.T, fn uint8, a0, a1, a2, a3, a4 string) {
		c := fns[int(fn)%len(fns)]
		args := []string{a0, a1, a2, a3, a4}[:c.args]
		w.Hostile(t, c.id, c.name, args)
		if err := w.CheckTranche(fx.A); err != nil {
			t.Fatalf("%s%q: %v", c.name, args, err)
		}
	})
}
