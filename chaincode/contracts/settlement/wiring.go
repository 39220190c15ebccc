package settlement

import (
	"github.com/tranchenet/tranchenet/chaincode/contracts/cash"
	"github.com/tranchenet/tranchenet/chaincode/contracts/token"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
)

// The Token and Cash contracts own positions and cash accounts and
// remember what they wrote within a transaction, so a settlement holds,
// releases and moves only through them: a hold written beside them would
// be overwritten by their next write and would block the settlement's own
// delivery. For the same reason the register pays accrued distributions
// through the settlement's own cash ledger, never one of its own.
var (
	_ unitRegister = (*token.Register)(nil)
	_ cashLedger   = (*cash.Ledger)(nil)
)

func openRegister(ctx *txn.Context, trancheID string, ledger *cash.Ledger) (unitRegister, error) {
	return token.Open(ctx, trancheID, ledger)
}
