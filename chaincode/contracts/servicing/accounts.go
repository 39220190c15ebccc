package servicing

import (
	"sort"

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

// dealAccounts reads and changes a deal's public cash accounts within one
// transaction and writes the changed ones once, in name order; a new
// account gets the trustee's key-level policy, since the trustee keeps
// them (it alone endorses remittances and fee claims, which also touch a
// registry only its peer holds).
type dealAccounts struct {
	ctx     *txn.Context
	deal    string
	balance map[string]money.Amount
	found   map[string]bool
	changed map[string]bool
}

func openAccounts(ctx *txn.Context, deal string) *dealAccounts {
	return &dealAccounts{ctx: ctx, deal: deal, balance: map[string]money.Amount{}, found: map[string]bool{}, changed: map[string]bool{}}
}

// get returns an account's balance (zero if it was never funded).
func (a *dealAccounts) get(name string) (money.Amount, error) {
	if b, ok := a.balance[name]; ok {
		return b, nil
	}
	var acc schema.DealAccount
	found, err := a.ctx.Get(dealAccountKey(a.ctx, a.deal, name), &acc)
	if err != nil {
		return 0, err
	}
	a.balance[name], a.found[name] = acc.Balance, found
	return acc.Balance, nil
}

func (a *dealAccounts) add(name string, amount money.Amount) error {
	if amount == 0 {
		return nil
	}
	b, err := a.get(name)
	if err != nil {
		return err
	}
	next, err := b.Add(amount)
	if err != nil {
		return errs.New(errs.Overflow, "deal %s account %s: %v", a.deal, name, err)
	}
	a.balance[name], a.changed[name] = next, true
	return nil
}

func (a *dealAccounts) sub(name string, amount money.Amount) error {
	if amount == 0 {
		return nil
	}
	b, err := a.get(name)
	if err != nil {
		return err
	}
	if amount > b {
		return errs.New(errs.InsufficientBalance, "deal %s account %s holds %s, %s needed", a.deal, name, b, amount)
	}
	a.balance[name], a.changed[name] = b-amount, true
	return nil
}

// open creates an account with a zero balance unless it exists. schema.Accounts
// are opened by SetWaterfall, whose majority endorsement satisfies the
// chaincode policy a new public key needs; once created they carry the
// trustee's key-level policy, which is all later trustee-endorsed
// movements (remittances, fee claims) can satisfy.
func (a *dealAccounts) open(name string) error {
	if _, err := a.get(name); err != nil {
		return err
	}
	if !a.found[name] {
		a.changed[name] = true
	}
	return nil
}

// flush writes the changed accounts.
func (a *dealAccounts) flush() error {
	names := make([]string, 0, len(a.changed))
	for n := range a.changed {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		key := dealAccountKey(a.ctx, a.deal, n)
		if err := a.ctx.Put(key, schema.DealAccount{Balance: a.balance[n]}); err != nil {
			return err
		}
		if !a.found[n] {
			if err := a.ctx.KeptByTrustee(key); err != nil {
				return err
			}
			a.found[n] = true
		}
	}
	return nil
}

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
	return ctx.Emit("CollectionsRemitted", map[string]any{"deal": f.deal.ID, "amount": a})
}

// openDealAccounts opens the collection account and an account per
// reserve and fee of the definition.
func openDealAccounts(ctx *txn.Context, deal string, def waterfall.Definition) error {
	acc := openAccounts(ctx, deal)
	names := []string{schema.AccountCollection}
	for _, r := range def.Reserves {
		names = append(names, schema.ReserveAccount(r.Name))
	}
	for _, f := range def.Fees {
		names = append(names, schema.FeeAccount(f.Name))
	}
	for _, n := range names {
		if err := acc.open(n); err != nil {
			return err
		}
	}
	return acc.flush()
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
	return ctx.Emit("ReserveFunded", map[string]any{"deal": f.deal.ID, "reserve": reserve, "amount": a})
}

// deposit moves cash from a holder's registry account into a deal account.
func deposit(ctx *txn.Context, deal string, from roles.Identity, account string, amount money.Amount) error {
	acc := openAccounts(ctx, deal)
	if _, err := acc.get(account); err != nil {
		return err
	}
	if !acc.found[account] {
		return errs.New(errs.WrongState, "deal %s has no %s account: SetWaterfall opens the deal's accounts", deal, account)
	}
	ledger, err := cash.Open(ctx)
	if err != nil {
		return err
	}
	if err := ledger.Debit(from, amount); err != nil {
		return err
	}
	if err := acc.add(account, amount); err != nil {
		return err
	}
	return acc.flush()
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
	acc := openAccounts(ctx, f.deal.ID)
	out := schema.Accounts{Deal: f.deal.ID, Reserves: []schema.NamedBalance{}, Fees: []schema.NamedBalance{}, Classes: []schema.NamedBalance{}}
	var err error
	if out.Collection, err = acc.get(schema.AccountCollection); err != nil {
		return schema.Accounts{}, err
	}
	total := out.Collection
	for _, r := range f.def.Reserves {
		b, err := acc.get(schema.ReserveAccount(r.Name))
		if err != nil {
			return schema.Accounts{}, err
		}
		out.Reserves, total = append(out.Reserves, schema.NamedBalance{Name: r.Name, Balance: b}), total+b
	}
	for _, fee := range f.def.Fees {
		b, err := acc.get(schema.FeeAccount(fee.Name))
		if err != nil {
			return schema.Accounts{}, err
		}
		out.Fees, total = append(out.Fees, schema.NamedBalance{Name: fee.Name, Balance: b}), total+b
	}
	for _, ct := range f.wf.Classes {
		book, _, err := accruals.ReadBook(ctx, ct.Tranche)
		if err != nil {
			return schema.Accounts{}, err
		}
		out.Classes, total = append(out.Classes, schema.NamedBalance{Name: ct.Class, Tranche: ct.Tranche, Balance: book.Balance()}), total+book.Balance()
	}
	out.Total = total
	return out, nil
}
