package servicing

import (
	"github.com/tranchenet/tranchenet/chaincode/ledger/dealaccounts"

	"github.com/tranchenet/tranchenet/chaincode/contracts/internal/args"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/ledger/accruals"
	"github.com/tranchenet/tranchenet/chaincode/ledger/cash"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// RemitCollections moves amount of the settlement asset from the
// servicer's cash account into the deal's collection account, from which
// certification pays the period's available funds. Only a servicer of the
// pool's servicer organisation may.
func (c *Contract) RemitCollections(ctx *txn.Context, dealID, amount string) error {
	caller, err := ctx.Require(roles.Servicer)
	if err != nil {
		return err
	}
	a, err := args.ParseAmount("amount", amount)
	if err != nil {
		return err
	}
	f, err := loadDeal(ctx, dealID, true)
	if err != nil {
		return err
	}
	if err := requireServicer(caller, f); err != nil {
		return err
	}
	if err := deposit(ctx, f.deal.ID, caller.Identity, schema.AccountCollection, a); err != nil {
		return err
	}
	// "from" names the paying holder, so its bank's read model refreshes its cash.
	return ctx.Emit("CollectionsRemitted", map[string]any{"deal": f.deal.ID, "amount": a, "from": caller.Identity.Key()})
}

// openDealAccounts opens the collection and advances accounts and an
// account per reserve and fee of the definition.
func openDealAccounts(ctx *txn.Context, deal string, def waterfall.Definition) error {
	acc := dealaccounts.Open(ctx, deal)
	names := []string{schema.AccountCollection, schema.AccountAdvances}
	for _, r := range def.Reserves {
		names = append(names, schema.ReserveAccount(r.Name))
	}
	for _, f := range def.Fees {
		names = append(names, schema.FeeAccount(f.Name))
	}
	for _, n := range names {
		if err := acc.Create(n); err != nil {
			return err
		}
	}
	return acc.Flush()
}

// FundReserve moves amount from the caller's cash account into one of the
// deal's reserve accounts (a reserve's initial deposit is funded so before
// the first period). An arranger, the trustee or the pool's servicer may.
func (c *Contract) FundReserve(ctx *txn.Context, dealID, reserve, amount string) error {
	caller, err := ctx.Require(roles.Arranger, roles.Trustee, roles.Servicer)
	if err != nil {
		return err
	}
	a, err := args.ParseAmount("amount", amount)
	if err != nil {
		return err
	}
	f, err := loadDeal(ctx, dealID, true)
	if err != nil {
		return err
	}
	known := false
	for _, r := range f.def.Reserves {
		known = known || r.Name == reserve
	}
	if !known {
		return errs.Field("reserve", "deal %s's waterfall has no reserve %q", f.deal.ID, reserve)
	}
	if err := deposit(ctx, f.deal.ID, caller.Identity, schema.ReserveAccount(reserve), a); err != nil {
		return err
	}
	return ctx.Emit("ReserveFunded", map[string]any{"deal": f.deal.ID, "reserve": reserve, "amount": a, "from": caller.Identity.Key()})
}

// deposit moves cash from a holder's registry account into a deal account.
func deposit(ctx *txn.Context, deal string, from roles.Identity, account string, amount money.Amount) error {
	acc := dealaccounts.Open(ctx, deal)
	exists, err := acc.Exists(account)
	if err != nil {
		return err
	}
	if !exists {
		return errs.New(errs.WrongState, "deal %s has no %s account: SetWaterfall opens the deal's accounts", deal, account)
	}
	ledger, err := cash.Open(ctx)
	if err != nil {
		return err
	}
	if err := ledger.Debit(from, amount); err != nil {
		return err
	}
	if err := acc.Add(account, amount); err != nil {
		return err
	}
	return acc.Flush()
}

// GetAccounts returns the deal's cash accounts (public).
func (c *Contract) GetAccounts(ctx *txn.Context, dealID string) (string, error) {
	if _, err := ctx.Require(schema.AnyRole()...); err != nil {
		return "", err
	}
	f, err := loadDeal(ctx, dealID, true)
	if err != nil {
		return "", err
	}
	out, err := readAccounts(ctx, f)
	if err != nil {
		return "", err
	}
	return jsonString(out)
}

func readAccounts(ctx *txn.Context, f *dealFacts) (schema.Accounts, error) {
	acc := dealaccounts.Open(ctx, f.deal.ID)
	out := schema.Accounts{Deal: f.deal.ID, Reserves: []schema.NamedBalance{}, Fees: []schema.NamedBalance{}, Classes: []schema.NamedBalance{}}
	var err error
	if out.Collection, err = acc.Balance(schema.AccountCollection); err != nil {
		return schema.Accounts{}, err
	}
	total := out.Collection
	for _, r := range f.def.Reserves {
		b, err := acc.Balance(schema.ReserveAccount(r.Name))
		if err != nil {
			return schema.Accounts{}, err
		}
		out.Reserves, total = append(out.Reserves, schema.NamedBalance{Name: r.Name, Balance: b}), total+b
	}
	for _, fee := range f.def.Fees {
		b, err := acc.Balance(schema.FeeAccount(fee.Name))
		if err != nil {
			return schema.Accounts{}, err
		}
		out.Fees, total = append(out.Fees, schema.NamedBalance{Name: fee.Name, Balance: b}), total+b
	}
	if out.Advances, err = acc.Balance(schema.AccountAdvances); err != nil {
		return schema.Accounts{}, err
	}
	total += out.Advances
	for _, ct := range f.wf.Classes {
		book, err := accruals.ReadTotals(ctx, ct.Tranche)
		if err != nil {
			return schema.Accounts{}, err
		}
		out.Classes, total = append(out.Classes, schema.NamedBalance{Name: ct.Class, Tranche: ct.Tranche, Balance: book.Balance()}), total+book.Balance()
	}
	out.Total = total
	return out, nil
}
