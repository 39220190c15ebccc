package admin_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

func configJSON(t testing.TB, cfg roles.OrgConfig) string {
	t.Helper()
	b, err := canon.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestInit(t *testing.T) {
	w := contracttest.NewUninitialised(t)
	cfg := configJSON(t, w.Net.Config)
	admin3 := w.Admins[w.Net.Investors]
	// Before Init nothing resolves roles.
	w.Refused(errs.WrongState, admin3, "Admin:WhoAmI")
	w.Refused(errs.Forbidden, w.NoRole, "Admin:Init", cfg) // not an admin
	foreignAdmin := w.Identity(contracttest.ForeignMSP, "admin9", stubtest.OU("admin"))
	w.Refused(errs.Forbidden, foreignAdmin, "Admin:Init", cfg) // not in the configuration
	bad := []struct {
		json, field string
	}{
		{`{"orgs":[]}`, "configJSON: orgs"},
		{`{"orgs":[{"msp":"Org3MSP","roles":["investor"],"custodian":true}]}`, "configJSON: orgs: no organisation may hold role trustee"},
		{`{"orgs":[{"msp":"Org3MSP","roles":["king"]}]}`, `configJSON: orgs[0].roles: unknown role "king"`},
		{`{"orgs":[{"msp":"Org3MSP","roles":["trustee"],"extra":1}]}`, "configJSON: orgs[0]"},
		{`not json`, "configJSON"},
	}
	for _, b := range bad {
		r := w.Refused(errs.BadInput, admin3, "Admin:Init", b.json)
		if !strings.Contains(r.Message, b.field) {
			t.Errorf("Init(%s): %q does not name %q", b.json, r.Message, b.field)
		}
	}
	r := w.Call(admin3, "Admin:Init", cfg)
	if !r.OK() || !slices.Equal(r.EventTypes(), []string{"ConsortiumInitialised"}) {
		t.Fatalf("Init: %s %v", r.Message, r.EventTypes())
	}
	w.Refused(errs.AlreadyExists, w.Admins[w.Net.Trustee], "Admin:Init", cfg)
	got := contracttest.Decode[roles.OrgConfig](t, w.Must(w.NoRole, "Admin:Config"))
	if configJSON(t, got) != cfg {
		t.Fatalf("stored configuration %+v", got)
	}
}

func TestGrantAndRevoke(t *testing.T) {
	w := contracttest.New(t)
	admin2, admin3 := w.Admins[w.Net.Servicer], w.Admins[w.Net.Investors]
	carol := w.Identity(w.Net.Investors, "carol")
	key := w.Key(carol)
	whoami := func(id *stubtest.Identity) schema.RolesView {
		return contracttest.Decode[schema.RolesView](t, w.Must(id, "Admin:WhoAmI"))
	}
	if v := whoami(carol); v.Key != key || v.MSP != w.Net.Investors || !v.Roles.IsEmpty() || v.Admin {
		t.Fatalf("WhoAmI before any grant: %+v", v)
	}
	r := w.Call(admin3, "Admin:GrantRole", key, "investor")
	if !r.OK() || !strings.Contains(string(r.Envelope().Events[0].Data), key) {
		t.Fatalf("grant: %s", r.Message)
	}
	if v := whoami(carol); v.Roles != roles.SetOf(roles.Investor) {
		t.Fatalf("WhoAmI after the grant: %+v", v)
	}
	if v := contracttest.Decode[schema.RolesView](t, w.Must(w.NoRole, "Admin:Roles", key)); v.Roles != roles.SetOf(roles.Investor) {
		t.Fatalf("Roles: %+v", v)
	}
	if _, ok := w.Public()[roleKey(t, carol)]; !ok {
		t.Fatal("no grant stored")
	}
	w.Refused(errs.AlreadyExists, admin3, "Admin:GrantRole", key, "investor")
	w.Refused(errs.Forbidden, admin3, "Admin:GrantRole", key, "trustee") // Org3 may not hold it
	w.Refused(errs.Forbidden, admin2, "Admin:GrantRole", key, "compliance")
	w.Refused(errs.Forbidden, carol, "Admin:GrantRole", key, "compliance")
	w.Refused(errs.BadInput, admin3, "Admin:GrantRole", key, "admin")
	w.Refused(errs.BadInput, admin3, "Admin:GrantRole", key, "king")
	w.Refused(errs.BadInput, admin3, "Admin:GrantRole", "carol", "investor")
	w.Refused(errs.Forbidden, admin2, "Admin:RevokeRole", key, "investor")
	w.Must(admin3, "Admin:RevokeRole", key, "investor")
	w.Refused(errs.NotFound, admin3, "Admin:RevokeRole", key, "investor")
	if _, ok := w.Public()[roleKey(t, carol)]; ok {
		t.Error("a grant set left empty is deleted, not stored as []")
	}
	w.Refused(errs.Forbidden, carol, "Token:Transfer", "DEAL-1-A", w.Key(w.Trustee), "1")
}

func roleKey(t *testing.T, id *stubtest.Identity) string {
	t.Helper()
	i := roles.IdentityOf(id.MSPID(), id.Certificate())
	k, err := shim.CreateCompositeKey(schema.TypeRole, []string{i.MSP, i.ID})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestRolesFromTheCertificateAttribute(t *testing.T) {
	w := contracttest.New(t)
	officer := w.Identity(w.Net.Investors, "dora", stubtest.Attr(roles.RoleAttribute, "compliance, investor"))
	v := contracttest.Decode[schema.RolesView](t, w.Must(officer, "Admin:WhoAmI"))
	if v.Roles != roles.SetOf(roles.Compliance, roles.Investor) || v.RoleAttribute != "compliance, investor" {
		t.Fatalf("WhoAmI %+v", v)
	}
	// The configuration bounds attributes too: Org3 cannot make a trustee.
	pretender := w.Identity(w.Net.Investors, "eve", stubtest.Attr(roles.RoleAttribute, "trustee"))
	if v := contracttest.Decode[schema.RolesView](t, w.Must(pretender, "Admin:WhoAmI")); !v.Roles.IsEmpty() {
		t.Fatalf("an attribute beyond the organisation's roles counted: %+v", v)
	}
	w.Refused(errs.Forbidden, pretender, "Token:Pause", "DEAL-1-A")
	broken := w.Identity(w.Net.Investors, "mallory", stubtest.Attr(roles.RoleAttribute, "investor,king"))
	w.Refused(errs.Unauthenticated, broken, "Admin:WhoAmI")
	if v := contracttest.Decode[schema.RolesView](t, w.Must(w.Admins[w.Net.Investors], "Admin:WhoAmI")); !v.Admin || v.Roles != roles.SetOf(roles.Admin) {
		t.Fatalf("an admin's WhoAmI %+v", v)
	}
	w.Refused(errs.Forbidden, w.Foreign, "Admin:WhoAmI")
}

// A configuration change applies once admins of a majority of member
// organisations approved the same proposal; a stale proposal is refused.
func TestConfigChangeNeedsAMajority(t *testing.T) {
	w := contracttest.New(t)
	admin1, admin2, admin3 := w.Admins[w.Net.Trustee], w.Admins[w.Net.Servicer], w.Admins[w.Net.Investors]
	next := w.Net.Config
	next.Orgs = slices.Clone(next.Orgs)
	next.Orgs[2].Roles = next.Orgs[2].Roles.With(roles.Settlement)
	other := w.Net.Config
	other.Orgs = slices.Clone(other.Orgs)
	other.Orgs[1].Roles = other.Orgs[1].Roles.With(roles.Arranger)

	w.Refused(errs.WrongState, admin1, "Admin:ProposeConfig", configJSON(t, w.Net.Config))
	w.Refused(errs.Forbidden, w.Trustee, "Admin:ProposeConfig", configJSON(t, next))
	proposed := contracttest.Decode[schema.ProposalStatus](t, w.Must(admin1, "Admin:ProposeConfig", configJSON(t, next)))
	if proposed.Approvals != 1 || proposed.Needed != 2 || proposed.Applied {
		t.Fatalf("proposal status %+v", proposed)
	}
	hash := proposed.Hash
	staleHash := contracttest.Decode[schema.ProposalStatus](t, w.Must(admin2, "Admin:ProposeConfig", configJSON(t, other))).Hash
	w.Refused(errs.AlreadyExists, admin3, "Admin:ProposeConfig", configJSON(t, next))
	p := contracttest.Decode[schema.ConfigProposal](t, w.Must(w.NoRole, "Admin:Proposal", hash))
	if p.Hash != hash || !slices.Equal(p.Approvals, []string{w.Net.Trustee}) {
		t.Fatalf("proposal %+v", p)
	}
	w.Refused(errs.AlreadyExists, admin1, "Admin:ApproveConfig", hash)
	w.Refused(errs.NotFound, admin3, "Admin:ApproveConfig", strings.Repeat("0", 64))
	w.Refused(errs.BadInput, admin3, "Admin:ApproveConfig", "abc")
	// Investor-bank identities cannot hold settlement until the change applies.
	dan := w.Identity(w.Net.Investors, "dan")
	w.Refused(errs.Forbidden, admin3, "Admin:GrantRole", w.Key(dan), "settlement")
	r := w.Call(admin3, "Admin:ApproveConfig", hash)
	if !r.OK() || !slices.Equal(r.EventTypes(), []string{"ConfigApproved", "ConfigApplied"}) {
		t.Fatalf("approve: %s %v", r.Message, r.EventTypes())
	}
	if got := w.Must(w.NoRole, "Admin:Config"); got != configJSON(t, next) {
		t.Fatalf("configuration in force %s", got)
	}
	w.Refused(errs.NotFound, w.NoRole, "Admin:Proposal", hash)
	w.Must(admin3, "Admin:GrantRole", w.Key(dan), "settlement")
	// The other proposal was made against the old configuration.
	w.Refused(errs.WrongState, admin3, "Admin:ApproveConfig", staleHash)
}
