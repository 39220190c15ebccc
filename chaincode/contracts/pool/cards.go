package pool

import (
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/assetclass"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// SealCardSeries seals an open cards pool as the collateral of one series
// of a card trust (arranger): a card pool has no loan tape, its balance is
// the series' invested amount and its one "row" the series' interest in
// the trust's receivables, committed to by the hash of the trust's terms.
// The pool's cut-off must be the last day of the month before the trust's
// first reported month, so the deal's collection period n is the trust's
// period n, and the trust must not have allocated a month yet.
func (c *Contract) SealCardSeries(ctx *txn.Context, poolID, trustID, series string) error {
	if _, err := ctx.Require(roles.Arranger); err != nil {
		return err
	}
	if _, err := schema.ParseID("poolID", poolID); err != nil {
		return err
	}
	if _, err := schema.ParseID("trustID", trustID); err != nil {
		return err
	}
	p, key, err := readPool(ctx, poolID)
	if err != nil {
		return err
	}
	switch {
	case p.Status != schema.PoolOpen:
		return errs.New(errs.WrongState, "pool %s is already sealed (root %s)", poolID, p.MerkleRoot)
	case p.AssetClass != string(assetclass.Cards):
		return errs.New(errs.WrongState, "pool %s holds %s receivables; only a cards pool is sealed as a card series", poolID, assetclass.Of(assetclass.Class(p.AssetClass)).Class)
	}
	var trust schema.CardTrust
	found, err := ctx.Get(ctx.MustKey(schema.TypeCardTrust, trustID), &trust)
	if err != nil {
		return err
	}
	if !found {
		return errs.New(errs.NotFound, "card trust %s not found", trustID)
	}
	idx := -1
	for i, s := range trust.Trust.Series {
		if s.Name == series {
			idx = i
		}
	}
	if idx < 0 {
		return errs.Field("series", "card trust %s has no series %q", trustID, series)
	}
	if trust.State.Period != 0 {
		return errs.New(errs.WrongState, "card trust %s has allocated %d months; a series pool is sealed before the first", trustID, trust.State.Period)
	}
	if trust.Servicer != p.Servicer {
		return errs.New(errs.Conflict, "pool %s is serviced by %s, card trust %s by %s", poolID, p.Servicer, trustID, trust.Servicer)
	}
	cutoff, err := loantape.ParseDate(p.CutoffDate)
	if err != nil {
		return errs.New(errs.Internal, "pool %s: stored cut-off date: %v", poolID, err)
	}
	first := trust.Trust.FirstMonth
	want := loantape.Month{Year: first.Year, Month: time.Month(first.Month)}.AddMonths(-1).LastDay()
	if cutoff != want {
		return errs.New(errs.Conflict, "pool %s is cut off on %s; card trust %s reports from %s, so the cut-off must be %s", poolID, p.CutoffDate, trustID, first, want)
	}
	s := trust.Trust.Series[idx]
	root, err := canon.HashHex(trust.Trust)
	if err != nil {
		return errs.New(errs.Internal, "hash the trust's terms: %v", err)
	}
	aggregates, err := canon.Marshal(loantape.TapeAggregates{Cutoff: cutoff, LoanCount: 1, Balance: s.InvestedAmount, OriginalBalance: s.InvestedAmount, LargestBalance: s.InvestedAmount})
	if err != nil {
		return err
	}
	p.Status, p.LoanCount, p.Balance = schema.PoolSealed, 1, s.InvestedAmount
	p.MerkleRoot, p.Aggregates, p.SealedTx = root, aggregates, ctx.TxID()
	p.CardSeries = &schema.CardSeriesRef{Trust: trustID, Series: series}
	if err := ctx.Put(key, p); err != nil {
		return err
	}
	return ctx.Emit("PoolSealed", poolSealedEvent{Pool: poolID, LoanCount: p.LoanCount, Balance: p.Balance.String(), MerkleRoot: p.MerkleRoot})
}
