package cash

import (
	"time"

	"github.com/tranchenet/tranchenet/chaincode/contracts/keypolicy"
	"github.com/tranchenet/tranchenet/chaincode/contracts/txn"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Ledger is the settlement asset as one transaction sees it: the public
// supply record, the float the trustee keeps, and the holders' accounts
// read so far. Every contract moves holders' cash only through it: the
// Cash contract, the Servicing contract (remittances and reserve funding
// in, claims and fees out, see Debit and Credit), accrued distributions
// paid on a change of units (package accrual) and the Settlement
// contract's DvP. The settlement asset is then conserved across every
// place it can be,
//
//	Σ accounts + Book.Float + Σ deal accounts + Σ class book balances = Supply.Minted − Supply.Burned
//
// (deal accounts: a deal's collection, reserve and fee accounts; class
// books: each tranche's distribution account), and no balance goes
// negative.
//
// Supply and book are read on first use only, so a holder-to-holder
// transfer reads neither and does not conflict with concurrent mints.
// Fabric does not show a transaction its own writes; a Ledger remembers
// what it wrote, so several movements in one transaction see each other.
// That works only if the transaction has one Ledger: open it once and
// hand it to everything that moves cash (token.Open takes it for the
// accruals a movement of units pays).
type Ledger struct {
	ctx *txn.Context
	cfg roles.OrgConfig

	supply             *schema.CashSupply
	book               *schema.CashBook
	bookExists         bool
	supplyKey, bookKey string
	accounts           map[string]*schema.CashAccount // by holder key
}

// Open starts a ledger view for this transaction.
func Open(ctx *txn.Context) (*Ledger, error) {
	cfg, err := ctx.Config()
	if err != nil {
		return nil, err
	}
	l := &Ledger{ctx: ctx, cfg: cfg, accounts: map[string]*schema.CashAccount{}}
	if l.supplyKey, err = ctx.Key(schema.TypeCashSupply); err != nil {
		return nil, err
	}
	if l.bookKey, err = ctx.Key(schema.TypeCashBook); err != nil {
		return nil, err
	}
	return l, nil
}

// Supply returns the public supply record (zero before the first
// attestation).
func (l *Ledger) Supply() (schema.CashSupply, error) {
	if l.supply == nil {
		var s schema.CashSupply
		if _, err := l.ctx.Get(l.supplyKey, &s); err != nil {
			return schema.CashSupply{}, err
		}
		l.supply = &s
	}
	return *l.supply, nil
}

// Book returns the float (zero before the first mint).
func (l *Ledger) Book() (schema.CashBook, error) {
	if l.book == nil {
		var b schema.CashBook
		found, err := l.ctx.Get(l.bookKey, &b)
		if err != nil {
			return schema.CashBook{}, err
		}
		l.book, l.bookExists = &b, found
	}
	return *l.book, nil
}

// Account returns a holder's account (zero if it has none, or if its
// organisation keeps no registry).
func (l *Ledger) Account(holder roles.Identity) (schema.CashAccount, error) {
	a, err := l.account(holder)
	if err != nil {
		return schema.CashAccount{}, err
	}
	return *a, nil
}

func (l *Ledger) account(holder roles.Identity) (*schema.CashAccount, error) {
	if a, ok := l.accounts[holder.Key()]; ok {
		return a, nil
	}
	a := &schema.CashAccount{}
	if registry, err := l.cfg.RegistryFor(holder.MSP); err == nil {
		key, err := l.ctx.Key(schema.TypeCash, holder.Key())
		if err != nil {
			return nil, err
		}
		if _, err := l.ctx.GetPrivate(registry, key, a); err != nil {
			return nil, err
		}
	}
	l.accounts[holder.Key()] = a
	return a, nil
}

// AttestReserves records the reserves backing the tokens and the evidence
// (a hash or reference of the bank statement or auditor's letter). Lower
// reserves than the tokens outstanding are recorded as they are, not
// refused: the supply then shows the shortfall and Mint stops.
func (l *Ledger) AttestReserves(reserves money.Amount, evidence string, at time.Time) error {
	s, err := l.Supply()
	if err != nil {
		return err
	}
	s.Reserves, s.ReservesEvidence, s.ReservesAttestedAt = reserves, evidence, at.UTC().Format(time.RFC3339)
	return l.putSupply(s)
}

// Mint creates cash in the float, if the tokens outstanding afterwards
// stay within the attested reserves.
func (l *Ledger) Mint(amount money.Amount) error {
	if err := positive(amount); err != nil {
		return err
	}
	s, err := l.Supply()
	if err != nil {
		return err
	}
	outstanding, err := s.Minted.Sub(s.Burned)
	if err != nil {
		return overflow(err)
	}
	after, err := outstanding.Add(amount)
	if err != nil {
		return overflow(err)
	}
	if after > s.Reserves {
		return errs.New(errs.LimitExceeded, "minting %s would bring the tokens outstanding to %s, above the attested reserves %s (attested %s)",
			amount, after, s.Reserves, orNever(s.ReservesAttestedAt))
	}
	if s.Minted, err = s.Minted.Add(amount); err != nil {
		return overflow(err)
	}
	b, err := l.Book()
	if err != nil {
		return err
	}
	if b.Float, err = b.Float.Add(amount); err != nil {
		return overflow(err)
	}
	if err := l.putSupply(s); err != nil {
		return err
	}
	return l.putBook(b)
}

// Burn destroys cash held in the float (returned by holders).
func (l *Ledger) Burn(amount money.Amount) error {
	if err := positive(amount); err != nil {
		return err
	}
	b, err := l.Book()
	if err != nil {
		return err
	}
	if amount > b.Float {
		return errs.New(errs.InsufficientBalance, "burning %s: the float holds %s", amount, b.Float)
	}
	s, err := l.Supply()
	if err != nil {
		return err
	}
	if s.Burned, err = s.Burned.Add(amount); err != nil {
		return overflow(err)
	}
	b.Float -= amount
	if err := l.putSupply(s); err != nil {
		return err
	}
	return l.putBook(b)
}

// Pay moves cash from the float to a holder's account.
func (l *Ledger) Pay(to roles.Identity, amount money.Amount) error {
	if err := positive(amount); err != nil {
		return err
	}
	b, err := l.Book()
	if err != nil {
		return err
	}
	if amount > b.Float {
		return errs.New(errs.InsufficientBalance, "paying %s: the float holds %s (mint first)", amount, b.Float)
	}
	if err := l.credit(to, amount); err != nil {
		return err
	}
	b.Float -= amount
	return l.putBook(b)
}

// Return moves cash from a holder's account back to the float, for
// burning.
func (l *Ledger) Return(from roles.Identity, amount money.Amount) error {
	if err := positive(amount); err != nil {
		return err
	}
	if err := l.debit(from, amount); err != nil {
		return err
	}
	b, err := l.Book()
	if err != nil {
		return err
	}
	if b.Float, err = b.Float.Add(amount); err != nil {
		return overflow(err)
	}
	return l.putBook(b)
}

// Transfer moves cash between two holders' accounts.
func (l *Ledger) Transfer(from, to roles.Identity, amount money.Amount) error {
	if err := positive(amount); err != nil {
		return err
	}
	if from == to {
		return errs.Field("to", "payer and payee are both %s", from.Short())
	}
	if err := l.debit(from, amount); err != nil {
		return err
	}
	return l.credit(to, amount)
}

// Credit adds amount to a holder's account, paid out of one of a deal's
// books: a tranche's distribution account (an accrued distribution, see
// package accrual) or a deal's fee account. The caller takes the same
// amount out of that book in the same transaction; the float is not
// touched.
func (l *Ledger) Credit(holder roles.Identity, amount money.Amount) error {
	if err := positive(amount); err != nil {
		return err
	}
	return l.credit(holder, amount)
}

// Debit takes amount from a holder's available cash (balance less what
// pending settlements hold) into one of a deal's books: its collection
// account (a servicer's remittance) or a reserve account. The caller adds
// the same amount to that book in the same transaction.
func (l *Ledger) Debit(holder roles.Identity, amount money.Amount) error {
	if err := positive(amount); err != nil {
		return err
	}
	return l.debit(holder, amount)
}

// SetHeld sets the cash of a holder's account that pending settlement
// instructions reserve (the Settlement contract's to call): it stays the
// holder's but cannot be transferred or returned until released.
func (l *Ledger) SetHeld(holder roles.Identity, amount money.Amount) error {
	a, err := l.account(holder)
	if err != nil {
		return err
	}
	if amount < 0 || amount > a.Balance {
		return errs.New(errs.InsufficientBalance, "%s has %s; cannot hold %s for settlement", holder.Short(), a.Balance, amount)
	}
	next := *a
	next.Held = amount
	return l.putAccount(holder, &next)
}

// debit takes amount from a holder's available balance (balance less
// what pending settlements hold).
func (l *Ledger) debit(holder roles.Identity, amount money.Amount) error {
	a, err := l.account(holder)
	if err != nil {
		return err
	}
	if available := a.Balance - a.Held; amount > available {
		return errs.New(errs.InsufficientBalance, "%s has %s available (%s held by pending settlements), %s requested",
			holder.Short(), max(available, 0), a.Held, amount)
	}
	next := *a
	next.Balance -= amount
	return l.putAccount(holder, &next)
}

func (l *Ledger) credit(holder roles.Identity, amount money.Amount) error {
	a, err := l.account(holder)
	if err != nil {
		return err
	}
	next := *a
	if next.Balance, err = next.Balance.Add(amount); err != nil {
		return overflow(err)
	}
	return l.putAccount(holder, &next)
}

func (l *Ledger) putAccount(holder roles.Identity, a *schema.CashAccount) error {
	registry, err := l.cfg.RegistryFor(holder.MSP)
	if err != nil {
		return err
	}
	key, err := l.ctx.Key(schema.TypeCash, holder.Key())
	if err != nil {
		return err
	}
	l.accounts[holder.Key()] = a
	return l.ctx.PutPrivate(registry, key, a)
}

func (l *Ledger) putSupply(s schema.CashSupply) error {
	l.supply = &s
	if err := l.ctx.Put(l.supplyKey, s); err != nil {
		return err
	}
	// The supply and attested reserves are the settlement agent's to change.
	return keypolicy.KeptBySettlementAgent(l.ctx.GetStub(), l.cfg, l.supplyKey)
}

// putBook writes the float; the first write gives the book its key-level
// policy, so later float movements need only the trustee's endorsement.
func (l *Ledger) putBook(b schema.CashBook) error {
	l.book = &b
	if err := l.ctx.Put(l.bookKey, b); err != nil {
		return err
	}
	if !l.bookExists {
		l.bookExists = true
		return l.ctx.KeptByTrustee(l.bookKey)
	}
	return nil
}

func positive(a money.Amount) error {
	if !a.IsPositive() {
		return errs.Field("amount", "must be positive, got %s", a)
	}
	return nil
}

func overflow(err error) error { return errs.New(errs.Overflow, "cash amount: %v", err) }

func orNever(at string) string {
	if at == "" {
		return "never"
	}
	return at
}
