// Package cash is the settlement asset's book: holders' cash accounts in
// their banks' registries, the float the trustee keeps and the public
// supply with its attested reserves. Ledger reads them; the pure
// functions in decide.go work out each movement; Ledger applies the
// result. It may import ledger/txn, chaincode/schema and chaincode/core.
package cash

import (
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/keypolicy"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Ledger is the settlement asset as one transaction sees it: the public
// supply record, the float the trustee keeps, and the holders' accounts
// read so far. Every contract moves holders' cash only through it: the
// Cash contract, the Servicing contract (remittances and reserve funding
// in, claims and fees out, see Debit and Credit), accrued distributions
// paid on a change of units (package ledger/accruals) and the Settlement
// contract's DvP. The settlement asset is then conserved across every
// place it can be,
//
//	Σ accounts + Book.Float + Σ deal accounts + Σ class book balances = Supply.Minted − Supply.Burned
//
// (deal accounts: a deal's collection, reserve and fee accounts; class
// books: each tranche's distribution account), and no balance goes
// negative.
//
// Supply and float are read on first use only, so a holder-to-holder
// transfer reads neither and does not conflict with concurrent mints; the
// float is kept in shards (float.go), so payments to different holders
// do not conflict with each other either.
// Fabric does not show a transaction its own writes; a Ledger remembers
// what it wrote, so several movements in one transaction see each other.
// That works only if the transaction has one Ledger: open it once and
// hand it to everything that moves cash (positions.Open takes it for the
// accruals a movement of units pays).
type Ledger struct {
	ctx *txn.Context
	cfg roles.OrgConfig

	supply             *schema.CashSupply
	supplyKey, bookKey string
	// shards are the float's shards read so far, by index; legacy is the
	// single float record of a ledger from before the shards, once read.
	shards   [schema.CashFloatShards]*floatPart
	legacy   *floatPart
	accounts map[string]*schema.CashAccount // by holder key
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

// Book returns the float (zero before the first mint): the sum of its
// shards, so it reads every one; for queries and the supply's changes.
func (l *Ledger) Book() (schema.CashBook, error) {
	total, err := l.floatTotal()
	return schema.CashBook{Float: total}, err
}

// Account returns a holder's account (zero if it has none, or if its
// organisation keeps no registry).
func (l *Ledger) Account(holder roles.Identity) (schema.CashAccount, error) {
	if a, ok := l.accounts[holder.Key()]; ok {
		return *a, nil
	}
	a := &schema.CashAccount{}
	if registry, err := l.cfg.RegistryFor(holder.MSP); err == nil {
		key, err := l.ctx.Key(schema.TypeCash, holder.Key())
		if err != nil {
			return schema.CashAccount{}, err
		}
		if _, err := l.ctx.GetPrivate(registry, key, a); err != nil {
			return schema.CashAccount{}, err
		}
	}
	l.accounts[holder.Key()] = a
	return *a, nil
}

// AttestReserves records the reserves backing the tokens and the evidence
// (a hash or reference of the bank statement or auditor's letter); see
// DecideAttest.
func (l *Ledger) AttestReserves(reserves money.Amount, evidence string, at time.Time) error {
	s, err := l.Supply()
	if err != nil {
		return err
	}
	s = DecideAttest(s, reserves, evidence, at)
	return l.apply(change{supply: &s})
}

// Mint creates cash in the float, if the tokens outstanding afterwards
// stay within the attested reserves.
func (l *Ledger) Mint(amount money.Amount) error {
	if err := positive(amount); err != nil {
		return err
	}
	s, b, err := l.float()
	if err != nil {
		return err
	}
	if s, _, err = DecideMint(s, b, amount); err != nil {
		return err
	}
	f, err := l.mintFloat(amount)
	if err != nil {
		return err
	}
	return l.apply(change{supply: &s, float: f})
}

// Burn destroys cash held in the float (returned by holders).
func (l *Ledger) Burn(amount money.Amount) error {
	if err := positive(amount); err != nil {
		return err
	}
	s, b, err := l.float()
	if err != nil {
		return err
	}
	if s, _, err = DecideBurn(s, b, amount); err != nil {
		return err
	}
	f, err := l.burnFloat(amount)
	if err != nil {
		return err
	}
	return l.apply(change{supply: &s, float: f})
}

// Pay moves cash from the float to a holder's account.
func (l *Ledger) Pay(to roles.Identity, amount money.Amount) error {
	if err := positive(amount); err != nil {
		return err
	}
	f, err := l.payFloat(to, amount)
	if err != nil {
		return err
	}
	a, err := l.Account(to)
	if err != nil {
		return err
	}
	if a, err = DecideCredit(a, amount); err != nil {
		return err
	}
	return l.apply(change{accounts: []held{{to, a}}, float: f})
}

// Return moves cash from a holder's account back to the float, for
// burning.
func (l *Ledger) Return(from roles.Identity, amount money.Amount) error {
	if err := positive(amount); err != nil {
		return err
	}
	a, err := l.Account(from)
	if err != nil {
		return err
	}
	if a, err = DecideDebit(from, a, amount); err != nil {
		return err
	}
	f, err := l.returnFloat(from, amount)
	if err != nil {
		return err
	}
	return l.apply(change{accounts: []held{{from, a}}, float: f})
}

// Transfer moves cash between two holders' accounts.
func (l *Ledger) Transfer(from, to roles.Identity, amount money.Amount) error {
	if err := positive(amount); err != nil {
		return err
	}
	if from == to {
		return errs.Field("to", "payer and payee are both %s", from.Short())
	}
	a, err := l.Account(from)
	if err != nil {
		return err
	}
	if a, err = DecideDebit(from, a, amount); err != nil {
		return err
	}
	c, err := l.Account(to)
	if err != nil {
		return err
	}
	if c, err = DecideCredit(c, amount); err != nil {
		return err
	}
	return l.apply(change{accounts: []held{{from, a}, {to, c}}})
}

// Credit adds amount to a holder's account, paid out of one of a deal's
// books: a tranche's distribution account (an accrued distribution, see
// package ledger/accruals) or a deal's fee account. The caller takes the
// same amount out of that book in the same transaction; the float is not
// touched.
func (l *Ledger) Credit(holder roles.Identity, amount money.Amount) error {
	if err := positive(amount); err != nil {
		return err
	}
	return l.updateAccount(holder, func(a schema.CashAccount) (schema.CashAccount, error) { return DecideCredit(a, amount) })
}

// Debit takes amount from a holder's available cash (balance less what
// pending settlements hold) into one of a deal's books: its collection
// account (a servicer's remittance) or a reserve account. The caller adds
// the same amount to that book in the same transaction.
func (l *Ledger) Debit(holder roles.Identity, amount money.Amount) error {
	if err := positive(amount); err != nil {
		return err
	}
	return l.updateAccount(holder, func(a schema.CashAccount) (schema.CashAccount, error) { return DecideDebit(holder, a, amount) })
}

// SetHeld sets the cash of a holder's account that pending settlement
// instructions reserve (the Settlement contract's to call): it stays the
// holder's but cannot be transferred or returned until released.
func (l *Ledger) SetHeld(holder roles.Identity, amount money.Amount) error {
	return l.updateAccount(holder, func(a schema.CashAccount) (schema.CashAccount, error) { return DecideHeld(holder, a, amount) })
}

func (l *Ledger) updateAccount(holder roles.Identity, decide func(schema.CashAccount) (schema.CashAccount, error)) error {
	a, err := l.Account(holder)
	if err != nil {
		return err
	}
	if a, err = decide(a); err != nil {
		return err
	}
	return l.apply(change{accounts: []held{{holder, a}}})
}

// float reads the supply and the float.
func (l *Ledger) float() (schema.CashSupply, schema.CashBook, error) {
	s, err := l.Supply()
	if err != nil {
		return s, schema.CashBook{}, err
	}
	b, err := l.Book()
	return s, b, err
}

// held is a holder's account as a decision left it.
type held struct {
	holder  roles.Identity
	account schema.CashAccount
}

// change is what a decision wrote: accounts, then supply, then the
// float's parts.
type change struct {
	accounts []held
	supply   *schema.CashSupply
	float    []floatWrite
}

// apply writes a change through txn.Context.Apply and remembers it, so
// later movements of the transaction see it. A float shard's first write
// (by a mint) gives it its key-level policy, so later float movements
// need only the trustee's endorsement.
func (l *Ledger) apply(c change) error {
	var writes []txn.Write
	for _, h := range c.accounts {
		registry, err := l.cfg.RegistryFor(h.holder.MSP)
		if err != nil {
			return err
		}
		key, err := l.ctx.Key(schema.TypeCash, h.holder.Key())
		if err != nil {
			return err
		}
		writes = append(writes, txn.Write{Collection: registry, Key: key, Value: h.account})
	}
	if c.supply != nil {
		writes = append(writes, txn.Write{Key: l.supplyKey, Value: *c.supply})
	}
	for _, f := range c.float {
		writes = append(writes, txn.Write{Key: f.part.key, Value: f.book, KeptByTrustee: true})
	}
	if err := l.ctx.Apply(writes...); err != nil {
		return err
	}
	if c.supply != nil {
		// The supply and attested reserves are the settlement agent's to
		// change: no set of other banks may inflate them.
		if err := keypolicy.KeptBySettlementAgent(l.ctx.GetStub(), l.cfg, l.supplyKey); err != nil {
			return err
		}
	}
	for _, h := range c.accounts {
		a := h.account
		l.accounts[h.holder.Key()] = &a
	}
	if c.supply != nil {
		l.supply = c.supply
	}
	for _, f := range c.float {
		f.part.book, f.part.found = f.book, true
	}
	return nil
}
