package deal_test

import (
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
)

// FuzzDealArguments feeds arbitrary arguments to every Deal function as
// the identity allowed to call it, on a ledger with a deal and issued
// units. Whatever the input, Hostile's checks hold and the tranches'
// units are conserved.
func FuzzDealArguments(f *testing.F) {
	w, bal := sealed(f)
	in := input(w, bal)
	w.CreateDeal(in)
	w.Must(w.Arranger, "Deal:Issue", "D-A", "1000")
	bob := w.Key(w.AttestedInvestor(w.Net.Investors, "bob"))
	w.SealedPool("P2", 23, 4, 4)
	fns := []struct {
		name string
		id   *stubtest.Identity
		args int
	}{
		{"Deal:Create", w.Arranger, 1}, {"Deal:AddDocument", w.Arranger, 4}, {"Deal:Issue", w.Arranger, 2},
		{"Deal:Place", w.Trustee, 3}, {"Deal:Get", w.NoRole, 1}, {"Deal:GetTranche", w.NoRole, 1},
	}
	next := in
	next.ID, next.Pool = "D2", "P2"
	next.Tranches = append(next.Tranches[:0:0], next.Tranches...)
	next.Tranches[0].ID, next.Tranches[1].ID = "D2-A", "D2-R"
	good := js(f, next)
	for i, s := range []string{good, strings.Replace(good, `"0.95"`, `"1e-999999999"`, 1), strings.Replace(good, `"30/360"`, `"ACT/365"`, 1),
		strings.Replace(good, `"fixed":"0.05"`, `"fixed":"5e-1","index":"SOFR"`, 1), strings.Replace(good, `"2032-06-15"`, `"2032-02-30"`, 1),
		strings.Replace(good, `"originalFace":"`, `"originalFace":"-`, 1), "{}", "[]", `{"tranches":[null]}`} {
		f.Add(uint8(i*6), s, "", "", "")
	}
	f.Add(uint8(1), "D", "prospectus", "https://x", strings.Repeat("a", 64))
	f.Add(uint8(1), "D", "\xff", "https://x", strings.Repeat("G", 64))
	f.Add(uint8(2), "D-A", "10", "", "")
	f.Add(uint8(2), "D-R", "99999999999999999999", "", "")
	f.Add(uint8(3), "D-A", bob, "10", "")
	f.Add(uint8(3), "D-A", bob, "1001", "")
	f.Add(uint8(4), "D", "", "", "")
	f.Add(uint8(5), "D-A\x00", "", "", "")
	f.Fuzz(func(t *testing.T, fn uint8, a0, a1, a2, a3 string) {
		c := fns[int(fn)%len(fns)]
		args := []string{a0, a1, a2, a3}[:c.args]
		w.Hostile(t, c.id, c.name, args)
		for _, tr := range []string{"D-A", "D-R"} {
			if err := w.CheckTranche(tr); err != nil {
				t.Fatalf("%s%q: %v", c.name, args, err)
			}
		}
	})
}
