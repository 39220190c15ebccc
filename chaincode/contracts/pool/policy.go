package pool

import (
	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/statebased"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
)

// keptBy sets a key-level endorsement policy on a public key: a peer of
// every one of the organisations must endorse later changes to it (the
// same construction as txn.Context.KeptByTrustee, for several orgs).
func keptBy(ctx *txn.Context, key string, msps ...string) error {
	ep, err := statebased.NewStateEP(nil)
	if err != nil {
		return errs.New(errs.Internal, "endorsement policy: %v", err)
	}
	if err := ep.AddOrgs(statebased.RoleTypePeer, msps...); err != nil {
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
