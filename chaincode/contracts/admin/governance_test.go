package admin_test

import (
	"slices"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/ledger/keypolicy"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// requireGoverned checks that a committed public key carries the
// governance policy of the trustee trustee: that bank with any other is
// enough, the two other banks together are not.
func requireGoverned(t *testing.T, w *contracttest.World, key, trustee string) {
	t.Helper()
	ep := w.ValidationParameter(key)
	if ep == nil {
		t.Fatalf("%q carries no key-level policy", key)
	}
	var others []string
	for _, m := range w.Net.Config.MSPs() {
		if m != trustee {
			others = append(others, m)
		}
	}
	for _, o := range others {
		if ok, err := keypolicy.Satisfied(ep, []string{trustee, o}); err != nil || !ok {
			t.Errorf("%q: the trustee %s with %s do not meet its policy (%v)", key, trustee, o, err)
		}
	}
	if ok, _ := keypolicy.Satisfied(ep, others); ok {
		t.Errorf("%q: %v, without the trustee %s, meet its policy", key, others, trustee)
	}
}

// TestGovernanceRecordsNeedTheTrusteeAndAMajority: the configuration, a
// pending proposal and a role grant each carry the governance policy, so
// the two non-trustee banks of issue 11's attack cannot rewrite them.
func TestGovernanceRecordsNeedTheTrusteeAndAMajority(t *testing.T) {
	w := contracttest.New(t)
	requireGoverned(t, w, txn.ConfigKey, w.Net.Trustee)

	carol := w.Identity(w.Net.Investors, "carol")
	w.Must(w.Admins[w.Net.Investors], "Admin:GrantRole", w.Key(carol), "investor")
	requireGoverned(t, w, roleKey(t, carol), w.Net.Trustee)

	next := w.Net.Config
	next.Orgs = slices.Clone(next.Orgs)
	next.Orgs[2].Roles = next.Orgs[2].Roles.With(roles.Servicer)
	hash := contracttest.Decode[schema.ProposalStatus](t, w.Must(w.Admins[w.Net.Servicer], "Admin:ProposeConfig", configJSON(t, next))).Hash
	key, err := shim.CreateCompositeKey(schema.TypeConfigProposal, []string{hash})
	if err != nil {
		t.Fatal(err)
	}
	requireGoverned(t, w, key, w.Net.Trustee)
}

// TestMovingTheTrusteeNeedsTheTrusteesApproval is the succession rule: a
// majority of admins without the trustee bank's cannot move the trustee
// role; with it the change applies, and from then on the successor's
// peers guard the configuration.
func TestMovingTheTrusteeNeedsTheTrusteesApproval(t *testing.T) {
	w := contracttest.New(t)
	admin1, admin2, admin3 := w.Admins[w.Net.Trustee], w.Admins[w.Net.Servicer], w.Admins[w.Net.Investors]
	next := w.Net.Config
	next.Orgs = slices.Clone(next.Orgs)
	for i, o := range next.Orgs {
		switch o.MSP {
		case w.Net.Trustee:
			next.Orgs[i].Roles = o.Roles.Without(roles.Trustee)
		case w.Net.Servicer:
			next.Orgs[i].Roles = o.Roles.With(roles.Trustee)
		}
	}
	status := contracttest.Decode[schema.ProposalStatus](t, w.Must(admin2, "Admin:ProposeConfig", configJSON(t, next)))
	r := w.Call(admin3, "Admin:ApproveConfig", status.Hash)
	if !r.OK() || !slices.Equal(r.EventTypes(), []string{"ConfigApproved"}) {
		t.Fatalf("the second bank's approval: %s %v", r.Message, r.EventTypes())
	}
	if got := w.Must(w.NoRole, "Admin:Config"); got != configJSON(t, w.Net.Config) {
		t.Fatalf("two banks moved the trustee role without the trustee: %s", got)
	}
	p := contracttest.Decode[schema.ConfigProposal](t, w.Must(w.NoRole, "Admin:Proposal", status.Hash))
	if len(p.Approvals) != 2 {
		t.Fatalf("proposal %+v", p)
	}
	r = w.Call(admin1, "Admin:ApproveConfig", status.Hash)
	if !r.OK() || !slices.Equal(r.EventTypes(), []string{"ConfigApproved", "ConfigApplied"}) {
		t.Fatalf("the trustee's approval: %s %v", r.Message, r.EventTypes())
	}
	requireGoverned(t, w, txn.ConfigKey, w.Net.Servicer)
	// The former trustee bank cannot grant the role any more.
	w.Refused(errs.Forbidden, admin1, "Admin:GrantRole", w.Key(w.Identity(w.Net.Trustee, "tom")), "trustee")
}

// TestGrantsNeverMakeATrusteeOutsideTheTrusteesBank: an admin grants
// only in its own MSP, and only roles the configuration lets it hold.
func TestGrantsNeverMakeATrusteeOutsideTheTrusteesBank(t *testing.T) {
	w := contracttest.New(t)
	for _, msp := range []string{w.Net.Servicer, w.Net.Investors} {
		w.Refused(errs.Forbidden, w.Admins[msp], "Admin:GrantRole", w.Key(w.Identity(msp, "mallory")), "trustee")
		w.Refused(errs.Forbidden, w.Admins[msp], "Admin:GrantRole", w.Key(w.Identity(w.Net.Trustee, "tom")), "trustee")
	}
	w.Must(w.Admins[w.Net.Trustee], "Admin:GrantRole", w.Key(w.Identity(w.Net.Trustee, "tom")), "trustee")
}
