package servicing

import (
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/keypolicy"
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
	return keypolicy.KeptBy(ctx.GetStub(), key, append(cfg.MSPsWithRole(roles.Trustee), servicerMSP)...)
}
