package servicing_test

import (
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
)

// The checks below read the committed ledger directly, as an auditor
// holding every peer's data would: they witness the contract's
// guarantees without going through it. contracttest's CheckCash and
// CheckTranche witness the cash and the units; these the class books.

// holdings returns a tranche's positions as distribution.Holdings.
func (w *world) holdings(tranche string) ([]distribution.Holding, error) {
	b, err := w.ReadTranche(tranche)
	if err != nil {
		return nil, err
	}
	out := make([]distribution.Holding, 0, len(b.Positions))
	for _, p := range b.Positions {
		paid, err := distribution.ParseIndex("indexPaid", p.IndexPaid)
		if err != nil {
			return nil, err
		}
		out = append(out, distribution.Holding{Units: p.Units, IndexPaid: paid})
	}
	return out, nil
}

// classBook reads a tranche's committed class book with its holders'
// claim tallies added.
func (w *world) classBook(tranche string) (distribution.ClassBook, error) {
	c, err := w.ReadCash()
	if err != nil {
		return distribution.ClassBook{}, err
	}
	return c.ClassBooks[tranche], nil
}

// checkBook verifies a tranche's distribution identity against every
// holder: distributed = claimed + residue line + unclaimed entitlements.
func (w *world) checkBook(tranche string) error {
	b, err := w.classBook(tranche)
	if err != nil {
		return err
	}
	hs, err := w.holdings(tranche)
	if err != nil {
		return err
	}
	return b.Check(hs)
}
