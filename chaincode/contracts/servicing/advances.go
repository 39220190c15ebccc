package servicing

import (
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// ClaimAdvances pays the deal's advances account — what certified periods
// reimbursed the servicer for its earlier advances — into the calling
// servicer's cash account. The servicer remits each period's collections
// gross of the reimbursement and certification moves the reimbursement
// out of the collection account ahead of the priority of payments, so the
// repayment of advances is on the ledger, line by line, rather than netted
// out of the remittance where no holder could see it.
//
// Only a servicer of the pool's servicing bank may claim: the advances
// were that bank's money. Claiming an empty account pays and writes
// nothing.
func (c *Contract) ClaimAdvances(ctx *txn.Context, dealID string) (string, error) {
	caller, err := ctx.Require(roles.Servicer)
	if err != nil {
		return "", err
	}
	f, err := loadDeal(ctx, dealID, true)
	if err != nil {
		return "", err
	}
	if err := requireServicer(caller, f); err != nil {
		return "", errs.New(errs.Forbidden, "deal %s: the advances are reimbursed to its servicer %s; %s may not claim them", f.deal.ID, f.pool.Servicer, caller.Identity.Key())
	}
	amount, err := payOutAccount(ctx, f.deal.ID, schema.AccountAdvances, caller.Identity)
	if err != nil {
		return "", err
	}
	res := schema.AdvancesClaim{Deal: f.deal.ID, Payee: caller.Identity.Key(), Amount: amount}
	if amount == 0 {
		return jsonString(res)
	}
	if err := ctx.Emit("AdvancesClaimed", res); err != nil {
		return "", err
	}
	return jsonString(res)
}
