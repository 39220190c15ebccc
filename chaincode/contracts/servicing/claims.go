package servicing

import (
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/accruals"
	"github.com/tranchenet/tranchenet/chaincode/ledger/cash"
	"github.com/tranchenet/tranchenet/chaincode/ledger/dealaccounts"
	"github.com/tranchenet/tranchenet/chaincode/ledger/positions"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Claim pays the calling investor its distributions on a tranche: its
// units × (index − indexPaid), floored to the cent, from the tranche's
// distribution account into its cash account; the fraction of a cent
// stays on the tranche's residue line. Claiming when nothing is due pays
// nothing and writes nothing.
func (c *Contract) Claim(ctx *txn.Context, trancheID string) (string, error) {
	caller, err := ctx.Require(roles.Investor)
	if err != nil {
		return "", err
	}
	return claim(ctx, trancheID, caller.Identity)
}

// ClaimFor is Claim made by the trustee, as paying agent, for a holder.
func (c *Contract) ClaimFor(ctx *txn.Context, trancheID, holderKey string) (string, error) {
	if _, err := ctx.Require(roles.Trustee); err != nil {
		return "", err
	}
	holder, err := schema.ParseIdentityKey("holderKey", holderKey)
	if err != nil {
		return "", err
	}
	return claim(ctx, trancheID, holder)
}

// claim pays a holder's accrual through the tranche's register, the one
// writer of positions (package ledger/accruals does the arithmetic).
func claim(ctx *txn.Context, trancheID string, holder roles.Identity) (string, error) {
	id, err := schema.ParseID("trancheID", trancheID)
	if err != nil {
		return "", err
	}
	ledger, err := cash.Open(ctx)
	if err != nil {
		return "", err
	}
	reg, err := positions.Open(ctx, id, ledger)
	if err != nil {
		return "", err
	}
	pos, s, changed, err := reg.PayAccrued(holder)
	if err != nil {
		return "", err
	}
	res := schema.ClaimResult{Tranche: id, Holder: holder.Key(), Units: pos.Units, Amount: s.Amount, IndexPaid: s.NewIndex.String()}
	if !changed {
		return jsonString(res) // nothing due: nothing written
	}
	if err := ctx.Emit("DistributionClaimed", schema.DistributionClaimed{Tranche: id, Holder: holder.Key()}); err != nil {
		return "", err
	}
	return jsonString(res)
}

// ClaimFee pays a fee's payable account to its payee's cash account. The
// payee named in the waterfall terms, or the trustee on its behalf, may.
func (c *Contract) ClaimFee(ctx *txn.Context, dealID, fee string) (string, error) {
	caller, err := ctx.Require(schema.AnyRole()...)
	if err != nil {
		return "", err
	}
	f, err := loadDeal(ctx, dealID, true)
	if err != nil {
		return "", err
	}
	payee := ""
	for _, fp := range f.wf.FeePayees {
		if fp.Fee == fee {
			payee = fp.Payee
		}
	}
	if payee == "" {
		return "", errs.Field("fee", "deal %s's waterfall has no fee %q", f.deal.ID, fee)
	}
	if caller.Identity.Key() != payee && !caller.Has(roles.Trustee) {
		return "", errs.New(errs.Forbidden, "fee %s of deal %s is payable to %s; only it or the trustee may claim it", fee, f.deal.ID, payee)
	}
	to, err := roles.ParseKey(payee)
	if err != nil {
		return "", errs.New(errs.Internal, "deal %s fee %s: stored payee %q: %v", f.deal.ID, fee, payee, err)
	}
	amount, err := payOutAccount(ctx, f.deal.ID, schema.FeeAccount(fee), to)
	if err != nil {
		return "", err
	}
	res := schema.FeeClaim{Deal: f.deal.ID, Fee: fee, Payee: payee, Amount: amount}
	if amount == 0 {
		return jsonString(res)
	}
	if err := ctx.Emit("FeeClaimed", res); err != nil {
		return "", err
	}
	return jsonString(res)
}

// payOutAccount pays a deal account's whole balance into the cash account
// of to and returns it; an empty account pays and writes nothing.
func payOutAccount(ctx *txn.Context, deal, account string, to roles.Identity) (money.Amount, error) {
	acc := dealaccounts.Open(ctx, deal)
	amount, err := acc.Balance(account)
	if err != nil || amount == 0 {
		return 0, err
	}
	ledger, err := cash.Open(ctx)
	if err != nil {
		return 0, err
	}
	if err := ledger.Credit(to, amount); err != nil {
		return 0, err
	}
	if err := acc.Sub(account, amount); err != nil {
		return 0, err
	}
	return amount, acc.Flush()
}

// Accrued answers what a holder could claim on a tranche now. The holder
// itself, the trustee, and its own bank's compliance officers and admins
// may ask (schema.MaySee).
func (c *Contract) Accrued(ctx *txn.Context, trancheID, holderKey string) (string, error) {
	caller, err := ctx.Require(schema.AnyRole()...)
	if err != nil {
		return "", err
	}
	holder, err := schema.ParseIdentityKey("holderKey", holderKey)
	if err != nil {
		return "", err
	}
	if !schema.MaySee(caller.Grants, holder) {
		return "", errs.New(errs.Forbidden, "only the holder, the trustee or the holder's bank may see its accruals")
	}
	id, err := schema.ParseID("trancheID", trancheID)
	if err != nil {
		return "", err
	}
	reg, err := positions.Open(ctx, id, nil)
	if err != nil {
		return "", err
	}
	pos, err := reg.Position(holder)
	if err != nil {
		return "", err
	}
	book, _, err := accruals.ReadBook(ctx, id)
	if err != nil {
		return "", err
	}
	paid, err := distribution.ParseIndex("indexPaid", pos.IndexPaid)
	if err != nil {
		return "", errs.New(errs.Internal, "position: %v", err)
	}
	cl, err := distribution.ClaimFor(pos.Units, book.Index, paid)
	if err != nil {
		return "", err
	}
	return jsonString(schema.Accrual{Tranche: id, Holder: holder.Key(), Units: pos.Units, Index: book.Index, IndexPaid: paid,
		Entitlement: cl.Residue.Add(cl.Amount.Decimal()), Claimable: cl.Amount})
}

// GetClassBook returns a tranche's distribution index and account
// (public).
func (c *Contract) GetClassBook(ctx *txn.Context, trancheID string) (string, error) {
	if _, err := ctx.Require(schema.AnyRole()...); err != nil {
		return "", err
	}
	id, err := schema.ParseID("trancheID", trancheID)
	if err != nil {
		return "", err
	}
	if _, err := readTranche(ctx, id); err != nil {
		return "", err
	}
	book, err := accruals.ReadTotals(ctx, id)
	if err != nil {
		return "", err
	}
	return jsonString(schema.ClassBookView{Tranche: id, ClassBook: book, Balance: book.Balance(), ResidueLine: book.ResidueLine()})
}
