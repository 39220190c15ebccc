package admin_test

import (
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
)

// FuzzAdminArguments feeds arbitrary arguments to every Admin function as
// an org admin. Whatever the input, Hostile's checks hold and a valid
// configuration stays in force.
func FuzzAdminArguments(f *testing.F) {
	w := contracttest.New(f)
	admin3 := w.Admins[w.Net.Investors]
	carol := w.Key(w.Identity(w.Net.Investors, "carol"))
	cfg := configJSON(f, w.Net.Config)
	fns := []struct {
		name string
		args int
	}{
		{"Admin:Init", 1}, {"Admin:ProposeConfig", 1}, {"Admin:ApproveConfig", 1}, {"Admin:GrantRole", 2},
		{"Admin:RevokeRole", 2}, {"Admin:Roles", 1}, {"Admin:Proposal", 1}, {"Admin:WhoAmI", 0}, {"Admin:Config", 0},
	}
	seeds := []string{cfg, strings.Replace(cfg, `"compliance",`, "", 1), strings.Repeat("a", 64), carol, carol + "\x00",
		`{"orgs":[{"msp":"Org3MSP","roles":["trustee"],"custodian":true}]}`, `{"orgs":null}`, `[]`, `{"orgs":[{}]}`,
		`{"orgs":[{"msp":"\u00ff","roles":[]}]}`, "\xff", `{"orgs":[{"msp":"Org1MSP","roles":["trustee"],"custodian":true,"custodian":false}]}`,
		`{"orgs":[{"msp":"Org1MSP","roles":["trustee"],"custodian":1e400}]}`}
	for i, s := range seeds {
		f.Add(uint8(i), s, "investor")
		f.Add(uint8(i+3), carol, s)
	}
	f.Fuzz(func(t *testing.T, fn uint8, a0, a1 string) {
		c := fns[int(fn)%len(fns)]
		args := []string{a0, a1}[:c.args]
		w.Hostile(t, admin3, c.name, args)
		got := contracttest.Decode[roles.OrgConfig](t, w.Must(w.NoRole, "Admin:Config"))
		if err := got.Validate(); err != nil {
			t.Fatalf("after %s%q the configuration is invalid: %v", c.name, args, err)
		}
	})
}
