package servicing

import (
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// SubmitCardReport makes the servicer report of a card series deal's next
// period from the card trust's allocated month (a servicer of the pool's
// servicer organisation). The deal's pool is a cards pool sealed as one
// series (Pool:SealCardSeries); the report's totals are that series'
// share of the month (cardtrust.MonthResult.SeriesAggregates) and it is
// complete at once: there are no loan rows, the trust's month was checked
// and allocated on chain by CardTrust:SubmitReport, and the report's root
// is that month's result hash. Certify then runs the deal's waterfall as
// for any other deal.
func (c *Contract) SubmitCardReport(ctx *txn.Context, dealID string) error {
	caller, err := ctx.Require(roles.Servicer)
	if err != nil {
		return err
	}
	f, err := loadDeal(ctx, dealID, true)
	if err != nil {
		return err
	}
	if err := requireServicer(caller, f); err != nil {
		return err
	}
	if err := requireOpened(f); err != nil {
		return err
	}
	ref := f.pool.CardSeries
	if ref == nil {
		return errs.New(errs.WrongState, "deal %s: pool %s is not a card series; its reports carry loan rows (SubmitReport)", f.deal.ID, f.pool.ID)
	}
	period := f.svc.Period + 1
	var month schema.CardMonth
	found, err := ctx.Get(ctx.MustKey(schema.TypeCardMonth, ref.Trust, schema.PeriodKey(period)), &month)
	if err != nil {
		return err
	}
	if !found {
		return errs.New(errs.WrongState, "deal %s period %d: card trust %s has not allocated its period %d (CardTrust:SubmitReport first)", f.deal.ID, period, ref.Trust, period)
	}
	res := &month.Allocated.Result
	idx := res.SeriesIndex(ref.Series)
	if idx < 0 {
		return errs.New(errs.Internal, "card trust %s period %d has no series %s", ref.Trust, period, ref.Series)
	}
	agg := res.SeriesAggregates(idx, period)
	want, err := collectionPeriod(f.pool, period, f.svc.OpenedAt)
	if err != nil {
		return err
	}
	if err := distribution.CheckDeclared(agg, want, f.svc.State.PoolBalance); err != nil {
		return errs.Wrap(err, "deal %s period %d: series %s of card trust %s", f.deal.ID, period, ref.Series, ref.Trust)
	}
	old, found, err := readReport(ctx, f.deal.ID, period)
	if err != nil {
		return err
	}
	attempt := 1
	if found {
		if old.Status != schema.ReportWithdrawn {
			return errs.New(errs.AlreadyExists, "deal %s period %d: report attempt %d is %s", f.deal.ID, period, old.Attempt, old.Status)
		}
		attempt = old.Attempt + 1
	}
	r := schema.Report{
		Deal: f.deal.ID, Pool: f.pool.ID, Period: period, Attempt: attempt, Status: schema.ReportComplete,
		Header: schema.ReportHeader{Aggregates: agg}, FromRows: agg, Merkle: (&merkle.Builder{}).State(),
		MerkleRoot: month.Allocated.ResultHash, SubmittedBy: caller.Identity.Key(), SubmittedTx: ctx.TxID(), CompletedTx: ctx.TxID(),
	}
	key := reportKey(ctx, f.deal.ID, period)
	if err := ctx.Put(key, r); err != nil {
		return err
	}
	if err := keptByTrusteeAndServicer(ctx, key, f.pool.Servicer); err != nil {
		return err
	}
	return ctx.Emit("ReportCompleted", map[string]any{"deal": f.deal.ID, "period": period, "attempt": attempt,
		"merkleRoot": r.MerkleRoot, "loanCount": 1, "cardTrust": ref.Trust, "series": ref.Series})
}
