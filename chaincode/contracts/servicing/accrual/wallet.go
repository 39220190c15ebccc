package accrual

import (
	"github.com/tranchenet/tranchenet/chaincode/contracts/model"
	"github.com/tranchenet/tranchenet/chaincode/contracts/txn"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

// Wallet moves the settlement asset in and out of holders' registry cash
// accounts on behalf of the deal's public books (collection, reserve and
// fee accounts, class books). Cash that leaves a holder here enters a
// deal book in the same transaction and the other way round, so that
//
//	Σ registry accounts + float + Σ deal accounts + Σ class book balances = minted − burned
//
// Fabric does not let a transaction read its own writes: one Wallet must
// serve a whole transaction, so that two movements of one account see
// each other.
type Wallet interface {
	// Credit adds amount to the holder's cash account.
	Credit(holder roles.Identity, amount money.Amount) error
	// Debit takes amount from the holder's available cash (balance less
	// what pending settlements hold).
	Debit(holder roles.Identity, amount money.Amount) error
}

// RegistryWallet is a Wallet over the registry<MSP> collections, with the
// cash contract's account records (model.CashAccount at cash~<holderKey>)
// and rules: no negative or held cash is spent, no overflow.
type RegistryWallet struct {
	ctx      *txn.Context
	cfg      roles.OrgConfig
	accounts map[string]*model.CashAccount
}

// NewRegistryWallet starts a wallet for this transaction.
func NewRegistryWallet(ctx *txn.Context) (*RegistryWallet, error) {
	cfg, err := ctx.Config()
	if err != nil {
		return nil, err
	}
	return &RegistryWallet{ctx: ctx, cfg: cfg, accounts: map[string]*model.CashAccount{}}, nil
}

// Balance returns a holder's cash account (zero if none).
func (w *RegistryWallet) Balance(holder roles.Identity) (model.CashAccount, error) {
	a, _, err := w.account(holder)
	if err != nil {
		return model.CashAccount{}, err
	}
	return *a, nil
}

// Credit implements Wallet.
func (w *RegistryWallet) Credit(holder roles.Identity, amount money.Amount) error {
	if amount <= 0 {
		return errs.Field("amount", "must be positive, got %s", amount)
	}
	a, key, err := w.account(holder)
	if err != nil {
		return err
	}
	next := *a
	if next.Balance, err = a.Balance.Add(amount); err != nil {
		return errs.New(errs.Overflow, "cash account of %s: %v", holder.Short(), err)
	}
	return w.put(holder, key, &next)
}

// Debit implements Wallet.
func (w *RegistryWallet) Debit(holder roles.Identity, amount money.Amount) error {
	if amount <= 0 {
		return errs.Field("amount", "must be positive, got %s", amount)
	}
	a, key, err := w.account(holder)
	if err != nil {
		return err
	}
	if available := a.Balance - a.Held; amount > available {
		return errs.New(errs.InsufficientBalance, "%s has %s of cash available (%s held by pending settlements), %s needed",
			holder.Short(), max(available, 0), a.Held, amount)
	}
	next := *a
	next.Balance -= amount
	return w.put(holder, key, &next)
}

func (w *RegistryWallet) account(holder roles.Identity) (*model.CashAccount, string, error) {
	key, err := w.ctx.Key(model.TypeCash, holder.Key())
	if err != nil {
		return nil, "", err
	}
	if a, ok := w.accounts[holder.Key()]; ok {
		return a, key, nil
	}
	registry, err := w.cfg.RegistryFor(holder.MSP)
	if err != nil {
		return nil, "", err
	}
	a := &model.CashAccount{}
	if _, err := w.ctx.GetPrivate(registry, key, a); err != nil {
		return nil, "", err
	}
	w.accounts[holder.Key()] = a
	return a, key, nil
}

func (w *RegistryWallet) put(holder roles.Identity, key string, a *model.CashAccount) error {
	registry, err := w.cfg.RegistryFor(holder.MSP)
	if err != nil {
		return err
	}
	w.accounts[holder.Key()] = a
	return w.ctx.PutPrivate(registry, key, a)
}
