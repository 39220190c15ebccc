package identity_test

import (
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/contracts/identity"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
)

// FuzzIdentityArguments feeds arbitrary arguments and dossiers to every
// Identity function as the investor bank's compliance officer. Whatever
// the input, Hostile's checks hold.
func FuzzIdentityArguments(f *testing.F) {
	w := contracttest.New(f)
	officer := w.Compliance[w.Net.Investors]
	bob := w.Key(w.AttestedInvestor(w.Net.Investors, "bob"))
	fns := []struct {
		name string
		args int
	}{
		{"Identity:Attest", 2}, {"Identity:Revoke", 1}, {"Identity:Freeze", 2}, {"Identity:Unfreeze", 1},
		{"Identity:GetClaims", 1}, {"Identity:GetDossier", 1},
	}
	good := claimsJSON(f, contracttest.Claims("US"))
	for i, s := range []string{good, `{"investorType":"qib","jurisdiction":"US","kycExpiry":"2030-01-01T00:00:00+14:00"}`,
		`{"investorType":"qib","jurisdiction":"US","kycExpiry":"0000-01-01T00:00:00Z"}`, `{"kycExpiry":"9999-12-31T23:59:59.999999999Z"}`,
		`{"investorType":"` + strings.Repeat("a", 40) + `","jurisdiction":"US-NYC1","kycExpiry":"2030-01-01T00:00:00Z"}`,
		"null", "{}", "\xff", `{"investorType":1}`} {
		f.Add(uint8(i), bob, s, []byte(`{"salt":"x"}`))
		f.Add(uint8(i+2), s, "reason", []byte{})
	}
	f.Fuzz(func(t *testing.T, fn uint8, a0, a1 string, dossier []byte) {
		c := fns[int(fn)%len(fns)]
		args := []string{a0, a1}[:c.args]
		w.Hostile(t, officer, c.name, args, stubtest.Transient(map[string][]byte{identity.TransientDossier: dossier}))
	})
}
