package deal

import (
	"github.com/tranchenet/tranchenet/chaincode/ledger/keypolicy"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
)

// governTerms puts a deal's or a tranche's public terms under the
// governance policy (the trustee's peers AND a majority of banks): after
// creation, only transactions the trustee endorses (pause, an event of
// default, an executed amendment) change them, never two other banks.
func governTerms(ctx *txn.Context, key string) error {
	cfg, err := ctx.Config()
	if err != nil {
		return err
	}
	return keypolicy.Govern(ctx.GetStub(), cfg, key)
}
