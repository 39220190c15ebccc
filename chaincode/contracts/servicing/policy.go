package servicing

import (
	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/statebased"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
)

// keptByTrusteeAndServicer sets a key-level endorsement policy on a public
// key: every trustee organisation AND the servicer must endorse later
// changes. The report record gets it, so that the servicer's chunks of
// rows, which the loanTape collection's policy already makes the trustee
// and the servicer endorse, can update it without the rest of the
// consortium, and neither of them alone can.
func keptByTrusteeAndServicer(ctx *txn.Context, key, servicerMSP string) error {
	cfg, err := ctx.Config()
	if err != nil {
		return err
	}
	orgs := append(cfg.MSPsWithRole(roles.Trustee), servicerMSP)
	ep, err := statebased.NewStateEP(nil)
	if err != nil {
		return errs.New(errs.Internal, "endorsement policy: %v", err)
	}
	if err := ep.AddOrgs(statebased.RoleTypePeer, orgs...); err != nil {
		return errs.New(errs.Internal, "endorsement policy: %v", err)
	}
	policy, err := ep.Policy()
	if err != nil {
		return errs.New(errs.Internal, "endorsement policy: %v", err)
	}
	if err := ctx.GetStub().SetStateValidationParameter(key, policy); err != nil {
		return errs.New(errs.Internal, "set endorsement policy of %q: %v", key, err)
	}
	return nil
}
