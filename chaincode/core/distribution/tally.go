package distribution

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// ClaimTally counts the claims of one holder of a class (or, on a
// ledger from before the per-holder tallies, of one shard of its holders).
// Claims used to add to the class book itself, so every claim on a
// tranche wrote the same key and concurrent claims conflicted (MVCC),
// settling about one per block; then to one of 64 shard tallies, so
// claims of holders sharing a shard still conflicted. A claim now reads
// the class book (the index, written only by certification) and writes
// only its holder's tally, kept in the holder's position. The class's
// totals are the book's own Claimed and ClaimResidue (claims made before
// the tallies) plus every tally's (Totals).
type ClaimTally struct {
	Claimed      money.Amount    `json:"claimed"`
	ClaimResidue decimal.Decimal `json:"claimResidue"`
}

// IsZero reports a tally with no claim, so that a record holding one can
// leave it out of its bytes.
func (t ClaimTally) IsZero() bool { return t.Claimed == 0 && t.ClaimResidue.IsZero() }

// SettleTally is Settle against a tally: the claim joins the tally, the
// book is only read. A claim is never more than the cash the book says
// the distribution account received and did not pay before the tallies,
// less what this tally already claimed (the exact bound, Distributed −
// Σ claimed, would read every tally and so serialise the claims again;
// the conservation identity, Check over Totals, is the full proof).
func (b ClassBook) SettleTally(t ClaimTally, units int64, indexPaid decimal.Decimal) (ClaimTally, Settlement, error) {
	if err := b.validate(); err != nil {
		return ClaimTally{}, Settlement{}, err
	}
	if t.Claimed < 0 || t.Claimed > b.Balance() || t.ClaimResidue.Sign() < 0 {
		return ClaimTally{}, Settlement{}, errs.New(errs.Internal, "claim tally: claimed %s (distributed %s, claimed in the book %s), residue %s",
			t.Claimed, b.Distributed, b.Claimed, t.ClaimResidue)
	}
	c, err := ClaimFor(units, b.Index, indexPaid)
	if err != nil {
		return ClaimTally{}, Settlement{}, err
	}
	if c.Amount > b.Balance()-t.Claimed {
		return ClaimTally{}, Settlement{}, errs.New(errs.Internal,
			"claim %s exceeds the %s distributed to the class: the class book is corrupt", c.Amount, b.Distributed)
	}
	next := ClaimTally{Claimed: t.Claimed + c.Amount, ClaimResidue: t.ClaimResidue.Add(c.Residue)}
	return next, Settlement{
		Claim: c, Units: units, IndexPaid: indexPaid, NewIndex: b.Index,
		Entitlement: c.Residue.Add(c.Amount.Decimal()),
	}, nil
}

// Totals is the class book with its tallies' claims added: the book as
// if every claim had written it, for Balance, ResidueLine and Check.
func (b ClassBook) Totals(tallies []ClaimTally) (ClassBook, error) {
	out := b
	for i, t := range tallies {
		var err error
		if out.Claimed, err = out.Claimed.Add(t.Claimed); err != nil {
			return ClassBook{}, errs.New(errs.Overflow, "tally %d: %v", i, err)
		}
		out.ClaimResidue = out.ClaimResidue.Add(t.ClaimResidue)
	}
	return out, out.validate()
}
