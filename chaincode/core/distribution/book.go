package distribution

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// ClassBook is the distribution ledger of one class (one tranche): its
// cumulative index and the cash that went through its distribution
// account. It is a value: Distribute and Settle return the next book and
// never change the receiver, in the manner of a pure state machine.
//
// The zero ClassBook is a class that has paid nothing.
type ClassBook struct {
	// Index is the cumulative cash per unit distributed so far.
	Index decimal.Decimal `json:"index"`
	// Distributed is the cash moved into the distribution account.
	Distributed money.Amount `json:"distributed"`
	// Claimed is the cash paid out of it to holders.
	Claimed money.Amount `json:"claimed"`
	// IndexResidue accumulates payment − units × increment of every
	// distribution; ClaimResidue what the floor to the cent cut from every
	// claim. Their sum is the class's residue line.
	IndexResidue decimal.Decimal `json:"indexResidue"`
	ClaimResidue decimal.Decimal `json:"claimResidue"`
	// Distributions counts the payments distributed.
	Distributions int `json:"distributions"`
}

// Balance is the cash the distribution account must hold: Distributed −
// Claimed.
func (b ClassBook) Balance() money.Amount { return b.Distributed - b.Claimed }

// ResidueLine is the exact sub-cent cash that belongs to no holder:
// IndexResidue + ClaimResidue.
func (b ClassBook) ResidueLine() decimal.Decimal { return b.IndexResidue.Add(b.ClaimResidue) }

// Distribution is the public record of one payment spread over a class.
type Distribution struct {
	Payment money.Amount `json:"payment"`
	Units   int64        `json:"units"`
	Increment
	IndexBefore decimal.Decimal `json:"indexBefore"`
	IndexAfter  decimal.Decimal `json:"indexAfter"`
}

// Distribute adds a payment for units outstanding: the index rises by the
// increment, Distributed by the payment, the residue line by the index
// residue. Its cost does not depend on the number of holders.
func (b ClassBook) Distribute(payment money.Amount, units int64) (ClassBook, Distribution, error) {
	if err := b.validate(); err != nil {
		return ClassBook{}, Distribution{}, err
	}
	inc, err := IncrementFor(payment, units)
	if err != nil {
		return ClassBook{}, Distribution{}, err
	}
	next := b
	if next.Distributed, err = b.Distributed.Add(payment); err != nil {
		return ClassBook{}, Distribution{}, errs.New(errs.Overflow, "distributed %s + payment %s overflows", b.Distributed, payment)
	}
	next.Index = b.Index.Add(inc.Delta)
	if err := checkIndex("index", next.Index); err != nil {
		return ClassBook{}, Distribution{}, err
	}
	next.IndexResidue = b.IndexResidue.Add(inc.Residue)
	next.Distributions++
	return next, Distribution{Payment: payment, Units: units, Increment: inc, IndexBefore: b.Index, IndexAfter: next.Index}, nil
}

// Settlement is the outcome of settling one position.
type Settlement struct {
	Claim
	Units       int64           `json:"units"`
	IndexPaid   decimal.Decimal `json:"indexPaid"`   // before
	NewIndex    decimal.Decimal `json:"newIndex"`    // the position's indexPaid after
	Entitlement decimal.Decimal `json:"entitlement"` // exact, before flooring
}

// Settle pays a position of units whose indexPaid is given: the claim
// leaves the account, the floor's residue joins the residue line, and the
// position's new indexPaid is the class index. A position with nothing to
// take (no units, or already at the index) settles for zero and still
// moves to the index, so that units it acquires next do not earn past
// distributions.
func (b ClassBook) Settle(units int64, indexPaid decimal.Decimal) (ClassBook, Settlement, error) {
	if err := b.validate(); err != nil {
		return ClassBook{}, Settlement{}, err
	}
	c, err := ClaimFor(units, b.Index, indexPaid)
	if err != nil {
		return ClassBook{}, Settlement{}, err
	}
	if c.Amount > b.Balance() {
		// Cannot happen while the conservation identity holds; refusing keeps
		// a corrupt book from paying cash it does not have.
		return ClassBook{}, Settlement{}, errs.New(errs.Internal,
			"claim %s exceeds the distribution account's %s: the class book is corrupt", c.Amount, b.Balance())
	}
	next := b
	next.Claimed += c.Amount
	next.ClaimResidue = b.ClaimResidue.Add(c.Residue)
	return next, Settlement{
		Claim: c, Units: units, IndexPaid: indexPaid, NewIndex: b.Index,
		Entitlement: c.Residue.Add(c.Amount.Decimal()),
	}, nil
}

// Holding is one holder's position as Check sees it.
type Holding struct {
	Units     int64
	IndexPaid decimal.Decimal
}

// Check verifies the conservation identity against every holding of the
// class: Distributed = Claimed + ResidueLine + Σ unclaimed entitlements,
// exactly. Contracts cannot afford it on chain (it reads every registry);
// tests and the trustee's reconciliation can.
func (b ClassBook) Check(holdings []Holding) error {
	if err := b.validate(); err != nil {
		return err
	}
	unclaimed := decimal.Zero
	for i, h := range holdings {
		e, err := Entitlement(h.Units, b.Index, h.IndexPaid)
		if err != nil {
			return errs.Wrap(err, "holding %d", i)
		}
		unclaimed = unclaimed.Add(e)
	}
	rhs := b.Claimed.Decimal().Add(b.ResidueLine()).Add(unclaimed)
	if !rhs.Equal(b.Distributed.Decimal()) {
		return errs.New(errs.Internal, "class book does not conserve: distributed %s != claimed %s + residue %s + unclaimed %s",
			b.Distributed, b.Claimed, b.ResidueLine(), unclaimed)
	}
	return nil
}

// validate refuses a book that cannot have been produced by Distribute and
// Settle (stored state is input too).
func (b ClassBook) validate() error {
	if err := checkIndex("index", b.Index); err != nil {
		return errs.Wrap(err, "class book")
	}
	switch {
	case b.Distributed < 0 || b.Claimed < 0:
		return errs.New(errs.Internal, "class book: negative distributed %s or claimed %s", b.Distributed, b.Claimed)
	case b.Claimed > b.Distributed:
		return errs.New(errs.Internal, "class book: claimed %s exceeds distributed %s", b.Claimed, b.Distributed)
	case b.IndexResidue.Sign() < 0 || b.ClaimResidue.Sign() < 0:
		return errs.New(errs.Internal, "class book: negative residue %s / %s", b.IndexResidue, b.ClaimResidue)
	}
	return nil
}
