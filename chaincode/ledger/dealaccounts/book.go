// Package dealaccounts is the book of a deal's public cash accounts: its
// collection account, reserve accounts and fee accounts (schema.DealAccount,
// kept by the trustee). Servicing pays into and out of them; the pure
// DecideAdd and DecideSub decide each movement and Flush writes them in
// one place. It may import ledger/txn, chaincode/schema and
// chaincode/core.
package dealaccounts

import (
	"sort"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Book reads and changes a deal's public cash accounts within one
// transaction and writes the changed ones once, in name order; a new
// account gets the trustee's key-level policy, since the trustee keeps
// them (it alone endorses remittances and fee claims, which also touch a
// registry only its peer holds).
type Book struct {
	ctx     *txn.Context
	deal    string
	balance map[string]money.Amount
	found   map[string]bool
	changed map[string]bool
}

// Open starts a view of deal's accounts for this transaction.
func Open(ctx *txn.Context, deal string) *Book {
	return &Book{ctx: ctx, deal: deal, balance: map[string]money.Amount{}, found: map[string]bool{}, changed: map[string]bool{}}
}

// Balance returns an account's balance (zero if it was never funded).
func (a *Book) Balance(name string) (money.Amount, error) {
	if b, ok := a.balance[name]; ok {
		return b, nil
	}
	var acc schema.DealAccount
	found, err := a.ctx.Get(Key(a.ctx, a.deal, name), &acc)
	if err != nil {
		return 0, err
	}
	a.balance[name], a.found[name] = acc.Balance, found
	return acc.Balance, nil
}

// Exists reports whether an account is on the ledger (SetWaterfall opens
// a deal's accounts).
func (a *Book) Exists(name string) (bool, error) {
	if _, err := a.Balance(name); err != nil {
		return false, err
	}
	return a.found[name], nil
}

// Add pays amount into an account (DecideAdd).
func (a *Book) Add(name string, amount money.Amount) error {
	return a.update(name, amount, DecideAdd)
}

// Sub takes amount out of an account (DecideSub).
func (a *Book) Sub(name string, amount money.Amount) error {
	return a.update(name, amount, DecideSub)
}

// update reads an account, decides its next balance and remembers it for
// Flush. A zero amount reads and changes nothing.
func (a *Book) update(name string, amount money.Amount, decide func(deal, name string, balance, amount money.Amount) (money.Amount, error)) error {
	if amount == 0 {
		return nil
	}
	b, err := a.Balance(name)
	if err != nil {
		return err
	}
	next, err := decide(a.deal, name, b, amount)
	if err != nil {
		return err
	}
	a.balance[name], a.changed[name] = next, true
	return nil
}

// DecideAdd is an account's balance after amount is paid in.
func DecideAdd(deal, name string, balance, amount money.Amount) (money.Amount, error) {
	next, err := balance.Add(amount)
	if err != nil {
		return balance, errs.New(errs.Overflow, "deal %s account %s: %v", deal, name, err)
	}
	return next, nil
}

// DecideSub is an account's balance after amount is taken out; an account
// never goes below zero.
func DecideSub(deal, name string, balance, amount money.Amount) (money.Amount, error) {
	if amount > balance {
		return balance, errs.New(errs.InsufficientBalance, "deal %s account %s holds %s, %s needed", deal, name, balance, amount)
	}
	return balance - amount, nil
}

// Create creates an account with a zero balance unless it exists. schema.Accounts
// are opened by SetWaterfall, whose majority endorsement satisfies the
// chaincode policy a new public key needs; once created they carry the
// trustee's key-level policy, which is all later trustee-endorsed
// movements (remittances, fee claims) can satisfy.
func (a *Book) Create(name string) error {
	if _, err := a.Balance(name); err != nil {
		return err
	}
	if !a.found[name] {
		a.changed[name] = true
	}
	return nil
}

// Flush writes the changed accounts, in name order, through
// txn.Context.Apply; a new account gets the trustee's key-level policy.
func (a *Book) Flush() error {
	names := make([]string, 0, len(a.changed))
	for n := range a.changed {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w := txn.Write{Key: Key(a.ctx, a.deal, n), Value: schema.DealAccount{Balance: a.balance[n]}, KeptByTrustee: true}
		if err := a.ctx.Apply(w); err != nil {
			return err
		}
		a.found[n] = true
	}
	return nil
}

// Key is where a deal's account lives in public state.
func Key(ctx *txn.Context, deal, account string) string {
	return ctx.MustKey(schema.TypeDealAccount, deal, account)
}
