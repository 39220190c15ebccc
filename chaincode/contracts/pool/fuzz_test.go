package pool_test

import (
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/contracts/pool"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// FuzzPoolArguments feeds arbitrary arguments and loan chunks to every
// Pool function as the identity allowed to call it. Whatever the input,
// Hostile's checks hold.
func FuzzPoolArguments(f *testing.F) {
	w := contracttest.New(f)
	loans := w.SealedPool("P1", 12, 5, 5)
	w.CreatePool("OPEN")
	lp := contracttest.Decode[schema.LoanProof](f, w.Must(w.Trustee, "Pool:GetLoan", "P1", loans[2].AssetNumber))
	fns := []struct {
		name string
		id   *stubtest.Identity
		args int
	}{
		{"Pool:Create", w.Arranger, 1}, {"Pool:AddLoans", w.Servicer, 2}, {"Pool:Seal", w.Servicer, 1},
		{"Pool:Get", w.NoRole, 1}, {"Pool:GetLoan", w.Servicer, 2}, {"Pool:VerifyLoan", w.NoRole, 3},
	}
	chunk := []byte(js(f, contracttest.Loans(f, 13, 3)))
	f.Add(uint8(0), js(f, createInput(w, "P2")), "", "", chunk)
	f.Add(uint8(1), "OPEN", "0", "", chunk)
	f.Add(uint8(1), "OPEN", "0", "", []byte(`[{"assetNumber":"1","originalLoanAmount":"1e9"}]`))
	f.Add(uint8(1), "OPEN", "0", "", []byte(`[{"assetNumber":"\u0000"}]`))
	f.Add(uint8(1), "OPEN", "99999999999999999999", "", []byte(`null`))
	f.Add(uint8(2), "OPEN", "", "", []byte{})
	f.Add(uint8(3), "P1", "", "", []byte{})
	f.Add(uint8(4), "P1", loans[0].AssetNumber, "", []byte{})
	f.Add(uint8(4), "P1", "\xff", "", []byte{})
	f.Add(uint8(5), "P1", js(f, lp.Loan), js(f, lp.Proof), []byte{})
	f.Add(uint8(5), "P1", js(f, lp.Loan), `{"index":-1,"size":5,"path":[]}`, []byte{})
	f.Add(uint8(5), "P1", `{"originalInterestRatePercentage":"1e-99999999"}`, `{"index":2,"size":5,"path":["00"]}`, []byte{})
	f.Fuzz(func(t *testing.T, fn uint8, a0, a1, a2 string, transient []byte) {
		c := fns[int(fn)%len(fns)]
		args := []string{a0, a1, a2}[:c.args]
		w.Hostile(t, c.id, c.name, args, stubtest.Transient(map[string][]byte{pool.TransientLoans: transient}))
	})
}
