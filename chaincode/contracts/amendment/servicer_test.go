package amendment_test

import (
	"slices"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/contracts/amendment"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/consent"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// A servicer termination: the investor bank becomes a backup servicer
// (a configuration change), the Controlling Class's majority consents,
// and the executed amendment makes it the pool's servicer.
func TestServicerReplacementAppointsTheBackupServicer(t *testing.T) {
	s := newSetup(t)
	w := s.w
	backup := w.Net.Investors
	s0 := w.Net.Config
	s0.Orgs = slices.Clone(s0.Orgs)
	for i, o := range s0.Orgs {
		if o.MSP == backup {
			s0.Orgs[i].Roles = o.Roles.With(roles.Servicer)
		}
	}
	cfg, err := canon.Marshal(s0)
	if err != nil {
		t.Fatal(err)
	}
	hash := contracttest.Decode[schema.ProposalStatus](t, w.Must(w.Admins[w.Net.Trustee], "Admin:ProposeConfig", string(cfg))).Hash
	w.Must(w.Admins[backup], "Admin:ApproveConfig", hash)

	s.propose(t, amendment.ProposalInput{ID: "AMD-SVC", Kind: consent.ServicerReplacement, Reason: "servicer termination event: missed remittance",
		Change: schema.AmendmentChange{Successor: backup}})
	s.vote(t, s.alice, "AMD-SVC", true)
	s.vote(t, s.bob, "AMD-SVC", true)
	w.Must(w.Trustee, "Amendment:Execute", s.f.Deal, "AMD-SVC")
	view := contracttest.Decode[schema.PoolView](t, w.Must(w.Trustee, "Pool:Get", s.f.Pool))
	if view.Pool.Servicer != backup {
		t.Fatalf("pool servicer %s, want the backup servicer %s", view.Pool.Servicer, backup)
	}
	history := contracttest.Decode[[]schema.DealVersion](t, w.Must(w.Auditor, "Amendment:History", s.f.Deal))
	if len(history) != 1 || history[0].Change.Successor != backup {
		t.Fatalf("history %+v", history)
	}
	w.Refused(errs.WrongState, w.Trustee, "Amendment:Execute", s.f.Deal, "AMD-SVC")
}
