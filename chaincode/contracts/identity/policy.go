package identity

import (
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/ledger/keypolicy"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
)

// putClaims writes an investor's claims into the compliance collection
// and gives the key its policy: the investor's own bank AND the trustee.
// The collection's own policy (the trustee AND a majority) then binds only
// a first attestation; no two banks without the trustee, and no bank but
// the investor's own with the trustee, can change a claim afterwards.
func putClaims(ctx *txn.Context, investor roles.Identity, key string, claims rules.Claims) error {
	if err := ctx.PutPrivate(roles.ComplianceCollection, key, claims); err != nil {
		return err
	}
	cfg, err := ctx.Config()
	if err != nil {
		return err
	}
	policy, err := keypolicy.ClaimPolicy(cfg, investor.MSP)
	if err != nil {
		return err
	}
	return keypolicy.SetPrivate(ctx.GetStub(), roles.ComplianceCollection, key, policy)
}
