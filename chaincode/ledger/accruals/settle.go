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
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
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
	// tallies are the holders' claim tallies, by key.
	tallies map[string]*tally
}

// tally is a shard's claim tally as this transaction sees it; found is
// false for a tranche created before the tallies, whose claims still add
// to its class book.
type tally struct {
	key   string
	found bool
	tally distribution.ClaimTally
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
	return &Settler{ctx: ctx, ledger: ledger, books: map[string]*book{}, tallies: map[string]*tally{}}
}

func (s *Settler) tally(trancheID string, holder roles.Identity) (*tally, error) {
	key, err := s.ctx.Key(schema.TypeClaimTally, trancheID, schema.ShardOf(holder.Key()))
	if err != nil {
		return nil, err
	}
	if t, ok := s.tallies[key]; ok {
		return t, nil
	}
	t := &tally{key: key}
	if t.found, err = s.ctx.Get(key, &t.tally); err != nil {
		return nil, err
	}
	s.tallies[key] = t
	return t, nil
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
// tranche's distribution account into its cash account, puts the cut
// fraction of a cent on the class's residue line, and sets pos.IndexPaid
// to the tranche's index. The caller writes pos. The class book is only
// read; the claim is counted in the tally of the holder's shard
// (distribution.ClaimTally), written only when it changed, so that
// claims of holders in different shards touch no common key. (A tranche
// created before the tallies counts its claims in its class book.)
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
	t, err := s.tally(trancheID, holder)
	if err != nil {
		return distribution.Settlement{}, err
	}
	if !t.found {
		return s.settleInBook(b, trancheID, holder, pos, paid)
	}
	next, st, err := b.status.SettleTally(t.tally, pos.Units, paid)
	if err != nil {
		return distribution.Settlement{}, errs.Wrap(err, "tranche %s, holder %s", trancheID, holder.Short())
	}
	if err := s.pay(trancheID, holder, st); err != nil {
		return distribution.Settlement{}, err
	}
	if st.Amount > 0 || !st.Residue.IsZero() {
		t.tally = next
		if err := s.ctx.Apply(txn.Write{Key: t.key, Value: t.tally, KeptByTrustee: true}); err != nil {
			return distribution.Settlement{}, err
		}
	}
	pos.IndexPaid = st.NewIndex.String()
	return st, nil
}

// settleInBook settles against the class book itself, for a tranche
// created before the claim tallies.
func (s *Settler) settleInBook(b *book, trancheID string, holder roles.Identity, pos *schema.Position, paid decimal.Decimal) (distribution.Settlement, error) {
	next, st, err := b.status.Settle(pos.Units, paid)
	if err != nil {
		return distribution.Settlement{}, errs.Wrap(err, "tranche %s, holder %s", trancheID, holder.Short())
	}
	if err := s.pay(trancheID, holder, st); err != nil {
		return distribution.Settlement{}, err
	}
	if st.Amount > 0 || !st.Residue.IsZero() {
		b.status = next
		if err := s.ctx.Apply(txn.Write{Key: b.key, Value: b.status, KeptByTrustee: true}); err != nil {
			return distribution.Settlement{}, err
		}
	}
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

// TallyShardWrites are a new tranche's empty claim tallies, kept by the
// trustee from their first write: a claim (endorsed by the trustee alone)
// may update them but could not create a public key.
func TallyShardWrites(ctx *txn.Context, trancheID string) ([]txn.Write, error) {
	out := make([]txn.Write, 0, schema.HolderShards)
	for i := 0; i < schema.HolderShards; i++ {
		key, err := ctx.Key(schema.TypeClaimTally, trancheID, fmt.Sprintf("%02x", i))
		if err != nil {
			return nil, err
		}
		out = append(out, txn.Write{Key: key, Value: distribution.ClaimTally{}, KeptByTrustee: true})
	}
	return out, nil
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

// ReadTotals reads a tranche's class book with every holder's claim
// tally added (distribution.ClassBook.Totals): its Balance is the
// distribution account's cash. It reads one key per holder that ever
// claimed, so it is for queries, never for a claim.
func ReadTotals(ctx *txn.Context, trancheID string) (distribution.ClassBook, error) {
	b, _, err := ReadBook(ctx, trancheID)
	if err != nil {
		return b, err
	}
	var tallies []distribution.ClaimTally
	err = ctx.Range(schema.TypeClaimTally, []string{trancheID}, func(key string, value []byte) error {
		var t distribution.ClaimTally
		if err := canon.Unmarshal(value, &t); err != nil {
			return errs.New(errs.Internal, "claim tally %q: %v", key, err)
		}
		tallies = append(tallies, t)
		return nil
	})
	if err != nil {
		return b, err
	}
	return b.Totals(tallies)
}
