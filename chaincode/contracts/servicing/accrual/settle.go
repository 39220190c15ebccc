// Package accrual settles a holder's share of a tranche's distributions
// inside whatever transaction touches its position: the Servicing
// contract's claims, and the Token contract (and settlements) before a
// position's units change, so that units earn exactly the distributions
// paid while they were held:
//
//	s, _ := accrual.New(ctx, wallet)
//	if _, err := s.Settle(trancheID, holder, &pos); err != nil { ... } // pays, sets pos.IndexPaid
//	pos.Units += n                                                      // then change the units and write pos
//
// The tranche's class book (model.TypeClassBook, public, kept by the
// trustee) holds the cumulative index and the distribution account; the
// holder's cash goes to its registry account through the Wallet. The
// arithmetic is package distribution's.
package accrual

import (
	"github.com/tranchenet/tranchenet/chaincode/contracts/model"
	"github.com/tranchenet/tranchenet/chaincode/contracts/txn"
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

// Settler settles positions within one transaction. It remembers the
// class books it read and wrote, so several settlements of one tranche in
// one transaction (both sides of a transfer) see each other.
type Settler struct {
	ctx    *txn.Context
	wallet Wallet
	books  map[string]*book
}

type book struct {
	key    string
	found  bool
	status distribution.ClassBook
}

// New returns a Settler paying through wallet.
func New(ctx *txn.Context, wallet Wallet) *Settler {
	return &Settler{ctx: ctx, wallet: wallet, books: map[string]*book{}}
}

// Book returns a tranche's class book (the zero book before the first
// distribution).
func (s *Settler) Book(trancheID string) (distribution.ClassBook, error) {
	b, err := s.book(trancheID)
	if err != nil {
		return distribution.ClassBook{}, err
	}
	return b.status, nil
}

func (s *Settler) book(trancheID string) (*book, error) {
	if b, ok := s.books[trancheID]; ok {
		return b, nil
	}
	key, err := s.ctx.Key(model.TypeClassBook, trancheID)
	if err != nil {
		return nil, err
	}
	b := &book{key: key}
	if b.found, err = s.ctx.Get(key, &b.status); err != nil {
		return nil, err
	}
	s.books[trancheID] = b
	return b, nil
}

// Settle pays the holder what its position has accrued since its
// IndexPaid (units × (index − indexPaid), floored to the cent) from the
// tranche's distribution account into its cash account, and sets
// pos.IndexPaid to the tranche's index. The caller writes pos. A position
// with nothing accrued only has its IndexPaid moved up, which is what a
// position about to receive units needs.
func (s *Settler) Settle(trancheID string, holder roles.Identity, pos *model.Position) (distribution.Settlement, error) {
	b, err := s.book(trancheID)
	if err != nil {
		return distribution.Settlement{}, err
	}
	if !b.found {
		// Nothing was ever distributed: the index is zero.
		return distribution.Settlement{Units: pos.Units}, nil
	}
	paid, err := distribution.ParseIndex("indexPaid", pos.IndexPaid)
	if err != nil {
		return distribution.Settlement{}, errs.New(errs.Internal, "position of %s in tranche %s: %v", holder.Short(), trancheID, err)
	}
	next, st, err := b.status.Settle(pos.Units, paid)
	if err != nil {
		return distribution.Settlement{}, errs.Wrap(err, "tranche %s, holder %s", trancheID, holder.Short())
	}
	if st.Amount > 0 {
		if err := s.wallet.Credit(holder, st.Amount); err != nil {
			return distribution.Settlement{}, err
		}
	}
	if st.Amount > 0 || !st.Residue.IsZero() {
		b.status = next
		if err := s.ctx.Put(b.key, b.status); err != nil {
			return distribution.Settlement{}, err
		}
	}
	pos.IndexPaid = st.NewIndex.String()
	return st, nil
}
