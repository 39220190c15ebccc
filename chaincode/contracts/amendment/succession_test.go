package amendment_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/tranchenet/tranchenet/chaincode/contracts/amendment"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/consent"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/ledger/keypolicy"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// A trustee succession is applied, not only recorded: the configuration
// that moves the trustee role is refused until the deal's holders
// consented (an executed trustee-succession amendment naming the
// successor), then applies with a majority of admins and the outgoing
// trustee's; the successor's trustee acts, the former trustee's are
// refused, and the books the trustee keeps take the successor's policy as
// they are re-written.
func TestTrusteeSuccessionMovesTheRoleOnlyWithTheHoldersConsent(t *testing.T) {
	s := newSetup(t)
	w := s.w
	outgoing, successor := w.Net.Trustee, w.Net.Servicer
	next := w.Net.Config
	next.Orgs = slices.Clone(next.Orgs)
	for i, o := range next.Orgs {
		switch o.MSP {
		case outgoing:
			next.Orgs[i].Roles = o.Roles.Without(roles.Trustee)
		case successor:
			next.Orgs[i].Roles = o.Roles.With(roles.Trustee)
		}
	}
	cfg, err := canon.Marshal(next)
	if err != nil {
		t.Fatal(err)
	}
	r := w.Refused(errs.WrongState, w.Admins[successor], "Admin:ProposeConfig", string(cfg))
	if want := "have not consented to " + successor; !strings.Contains(r.Message, want) {
		t.Fatalf("the refusal %q does not say %q", r.Message, want)
	}

	// alice (50%) and anna (30%): two-thirds of the Controlling Class A.
	s.propose(t, amendment.ProposalInput{ID: "AMD-TS", Kind: consent.TrusteeSuccession, Reason: "trustee resignation",
		Change: schema.AmendmentChange{Successor: successor}})
	s.vote(t, s.alice, "AMD-TS", true)
	s.vote(t, s.anna, "AMD-TS", true)
	w.Must(w.Trustee, "Amendment:Execute", s.f.Deal, "AMD-TS")

	status := contracttest.Decode[schema.ProposalStatus](t, w.Must(w.Admins[successor], "Admin:ProposeConfig", string(cfg)))
	if status.Applied || !slices.Equal(status.MissingTrustees, []string{outgoing}) {
		t.Fatalf("without the outgoing trustee's approval: %+v", status)
	}
	w.Must(w.Admins[outgoing], "Admin:ApproveConfig", status.Hash)
	if got := w.Must(w.NoRole, "Admin:Config"); got != string(cfg) {
		t.Fatalf("the configuration in force: %s", got)
	}

	sam := w.Identity(successor, "sam")
	w.Must(w.Admins[successor], "Admin:GrantRole", w.Key(sam), "trustee")
	w.Refused(errs.Forbidden, w.Trustee, "Token:Redeem", s.f.A, w.Key(s.bob), "100")
	w.Must(sam, "Token:Redeem", s.f.A, w.Key(s.bob), "100")
	book, err := shim.CreateCompositeKey(schema.TypeTrancheBook, []string{s.f.A})
	if err != nil {
		t.Fatal(err)
	}
	tranche, err := shim.CreateCompositeKey(schema.TypeTranche, []string{s.f.A})
	if err != nil {
		t.Fatal(err)
	}
	w.Must(sam, "Token:Pause", s.f.A)
	for _, c := range []struct {
		key       string
		successor []string // endorsers who meet the policy now
		outgoing  []string // and who no longer do
	}{
		{book, []string{successor}, []string{outgoing}},
		{tranche, []string{successor, w.Net.Investors}, []string{outgoing, w.Net.Investors}},
	} {
		ep := w.ValidationParameter(c.key)
		if ok, err := keypolicy.Satisfied(ep, c.successor); err != nil || !ok {
			t.Errorf("%q: %v do not meet its policy after the re-write (%v)", c.key, c.successor, err)
		}
		if ok, _ := keypolicy.Satisfied(ep, c.outgoing); ok {
			t.Errorf("%q: %v, with the former trustee, still meet its policy", c.key, c.outgoing)
		}
	}
}
