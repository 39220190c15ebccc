// Package accruals keeps holders' shares of a tranche's distributions in
// step with their units. Servicing:Certify raises a tranche's cumulative
// per-unit index in its class book; a holder is owed
// units × (index − Position.IndexPaid), floored to the cent, and is paid
// it by a claim or, before any change of its units, by the transaction
// that changes them (a transfer, forced transfer, redemption, placement
// or settlement), so that units earn exactly the distributions paid while
// they were held:
//
//	s := accruals.New(ctx, ledger)                                // ledger: the transaction's one cash.Ledger
//	if _, err := s.Settle(trancheID, holder, &pos); err != nil { // pays, sets pos.IndexPaid
//		return err
//	}
//	pos.Units += n // then change the units and write pos
//
// A position that has nothing accrued, a new one included, only has its
// IndexPaid moved up to the index: units it receives next earn no past
// distribution.
//
// The tranche register (ledger/positions) settles every movement through
// a Settler and Servicing's claims go through the register, so the
// package sits below it. It may import ledger/txn, ledger/cash,
// chaincode/schema and chaincode/core. The class book (schema.TypeClassBook,
// public, kept by the trustee) holds the index and the distribution
// account; the cash goes to the holder's registry account through
// cash.Ledger; the arithmetic is package distribution's.
package accruals

import (
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/cash"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Settler settles positions within one transaction. Fabric does not show
// a transaction its own writes, so a Settler remembers the class books it
// read and wrote (both sides of a transfer settle against one book), and
// pays through the transaction's one cash.Ledger, which remembers the
// accounts (a settlement that also pays the purchase price sees the
// accrual it paid).
type Settler struct {
	ctx    *txn.Context
	ledger *cash.Ledger
	books  map[string]*book // by tranche ID
}

// book is a class book as this transaction sees it.
type book struct {
	key    string
	found  bool
	status distribution.ClassBook
}

// New returns a Settler paying into holders' cash accounts through
// ledger, which must be the only cash.Ledger of the transaction.
func New(ctx *txn.Context, ledger *cash.Ledger) *Settler {
	return &Settler{ctx: ctx, ledger: ledger, books: map[string]*book{}}
}

func (s *Settler) book(trancheID string) (*book, error) {
	if b, ok := s.books[trancheID]; ok {
		return b, nil
	}
	b := &book{}
	var err error
	if b.key, err = BookKey(s.ctx, trancheID); err != nil {
		return nil, err
	}
	if b.found, err = s.ctx.Get(b.key, &b.status); err != nil {
		return nil, err
	}
	s.books[trancheID] = b
	return b, nil
}

// Settle pays the holder what its position has accrued since its
// IndexPaid (units × (index − indexPaid), floored to the cent) from the
// tranche's distribution account into its cash account, counts the claim
// and the cut fraction of a cent in the position's own claim tally
// (pos.Distributions, distribution.ClaimTally), and sets pos.IndexPaid to
// the tranche's index. The caller writes pos. The class book is only
// read, so a claim writes nothing but its holder's position and cash
// account, in the holder's registry: claims of different holders touch
// no common key and never conflict.
func (s *Settler) Settle(trancheID string, holder roles.Identity, pos *schema.Position) (distribution.Settlement, error) {
	b, err := s.book(trancheID)
	if err != nil {
		return distribution.Settlement{}, err
	}
	if !b.found {
		// Nothing was ever distributed: the index is zero, and so is
		// every IndexPaid.
		return distribution.Settlement{Units: pos.Units}, nil
	}
	paid, err := distribution.ParseIndex("indexPaid", pos.IndexPaid)
	if err != nil {
		return distribution.Settlement{}, errs.New(errs.Internal, "position of %s in tranche %s: %v", holder.Short(), trancheID, err)
	}
	next, st, err := b.status.SettleTally(pos.Distributions, pos.Units, paid)
	if err != nil {
		return distribution.Settlement{}, errs.Wrap(err, "tranche %s, holder %s", trancheID, holder.Short())
	}
	if err := s.pay(trancheID, holder, st); err != nil {
		return distribution.Settlement{}, err
	}
	pos.Distributions = next
	pos.IndexPaid = st.NewIndex.String()
	return st, nil
}

// pay credits the holder's cash account with what a settlement claims.
func (s *Settler) pay(trancheID string, holder roles.Identity, st distribution.Settlement) error {
	if st.Amount <= 0 {
		return nil
	}
	if s.ledger == nil {
		return errs.New(errs.Internal, "tranche %s: paying %s's accrued distribution needs the transaction's cash ledger", trancheID, holder.Short())
	}
	if err := s.ledger.Credit(holder, st.Amount); err != nil {
		return errs.Wrap(err, "paying %s its accrued distribution on tranche %s", holder.Short(), trancheID)
	}
	return nil
}

// Distribute pays a class's share of a period into its tranche's
// distribution account and raises the tranche's index over its units
// outstanding (distribution.ClassBook.Distribute decides), writing the
// class book under the trustee's key-level policy (txn.Write.KeptByTrustee).
// what names the class in a refusal ("deal D class A").
func Distribute(ctx *txn.Context, trancheID string, payment money.Amount, units int64, what string) (distribution.Distribution, error) {
	book, _, err := ReadBook(ctx, trancheID)
	if err != nil {
		return distribution.Distribution{}, err
	}
	next, d, err := book.Distribute(payment, units)
	if err != nil {
		return distribution.Distribution{}, errs.Wrap(err, "%s", what)
	}
	key, err := BookKey(ctx, trancheID)
	if err != nil {
		return distribution.Distribution{}, err
	}
	return d, ctx.Apply(txn.Write{Key: key, Value: next, KeptByTrustee: true})
}

// BookKey is where a tranche's class book lives in public state.
func BookKey(ctx *txn.Context, trancheID string) (string, error) {
	return ctx.Key(schema.TypeClassBook, trancheID)
}

// ReadBook reads a tranche's committed class book (the zero book before
// the first distribution), for queries and for Servicing:Certify, which
// raises the index. It does not see what a Settler wrote in the same
// transaction: a transaction that settles positions reads the book only
// through its Settler.
func ReadBook(ctx *txn.Context, trancheID string) (distribution.ClassBook, bool, error) {
	key, err := BookKey(ctx, trancheID)
	if err != nil {
		return distribution.ClassBook{}, false, err
	}
	var b distribution.ClassBook
	found, err := ctx.Get(key, &b)
	return b, found, err
}

// ReadTotals reads a tranche's class book with every claim tally added
// (distribution.ClassBook.Totals): the tallies of its holders' positions
// in every bank's registry, and the shard tallies of a ledger from before
// the per-holder tallies. Its Balance is the distribution account's cash.
// It reads every position of the tranche, so it is for queries evaluated
// on the trustee's peer (the one peer holding every registry), never for a
// claim.
func ReadTotals(ctx *txn.Context, trancheID string) (distribution.ClassBook, error) {
	b, _, err := ReadBook(ctx, trancheID)
	if err != nil {
		return b, err
	}
	var tallies []distribution.ClaimTally
	err = ctx.Range(schema.TypeClaimTally, []string{trancheID}, func(key string, value []byte) error {
		var t distribution.ClaimTally
		if err := txn.Decode(key, value, &t); err != nil {
			return err
		}
		tallies = append(tallies, t)
		return nil
	})
	if err != nil {
		return b, err
	}
	cfg, err := ctx.Config()
	if err != nil {
		return b, err
	}
	for _, custodian := range cfg.Custodians() {
		err = ctx.RangePrivate(roles.RegistryCollection(custodian), schema.TypePosition, []string{trancheID}, func(key string, value []byte) error {
			var p schema.Position
			if err := txn.Decode(key, value, &p); err != nil {
				return err
			}
			if !p.Distributions.IsZero() {
				tallies = append(tallies, p.Distributions)
			}
			return nil
		})
		if err != nil {
			return b, err
		}
	}
	return b.Totals(tallies)
}
