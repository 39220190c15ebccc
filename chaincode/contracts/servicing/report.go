package servicing

import (
	"github.com/tranchenet/tranchenet/chaincode/core/assetclass"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Limits of a report: 1,000 chunks of at most 2,000 rows hold two million
// loans; a chunk of 2,000 rows is about 1.7 MB of transient data.
const (
	MaxChunks    = 1000
	MaxChunkRows = 2000
)

// SubmitReport opens the servicer report of the deal's next period with
// the totals the servicer declares (public) and the number of chunks of
// loan rows that will follow. Only a servicer of the pool's servicer
// organisation may. The totals must be the next monthly collection period
// after the pool's cut-off, roll the pool forward and start from the pool
// balance the last certified period left. A withdrawn report may be
// submitted again (a new attempt).
func (c *Contract) SubmitReport(ctx *txn.Context, dealID, headerJSON string) error {
	caller, err := ctx.Require(roles.Servicer)
	if err != nil {
		return err
	}
	var h schema.ReportHeader
	if err := canon.Unmarshal([]byte(headerJSON), &h); err != nil {
		return errs.Wrap(err, "header")
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
	if f.svc.State.CleanUpCalled {
		return errs.New(errs.WrongState, "deal %s ended with the clean-up call in period %d", f.deal.ID, f.svc.Period)
	}
	period := f.svc.Period + 1
	want, err := collectionPeriod(f.pool, period, f.svc.OpenedAt)
	if err != nil {
		return err
	}
	if err := distribution.CheckDeclared(h.Aggregates, want, f.svc.State.PoolBalance); err != nil {
		return errs.Wrap(err, "header")
	}
	if err := checkChunkSize(h); err != nil {
		return err
	}
	switch {
	case h.Chunks < 1 || h.Chunks > MaxChunks:
		return errs.Field("header.chunks", "must be 1 to %d, got %d", MaxChunks, h.Chunks)
	case h.Chunks > h.Aggregates.LoanCount:
		return errs.Field("header.chunks", "%d chunks for %d rows: every chunk carries at least one row", h.Chunks, h.Aggregates.LoanCount)
	case h.ServicerAdvances < 0:
		return errs.Field("header.servicerAdvances", "must not be negative, got %s", h.ServicerAdvances)
	case h.CleanUpProceeds < 0 || (h.CleanUpProceeds > 0 && !h.CleanUpCall):
		return errs.Field("header.cleanUpProceeds", "must be zero unless cleanUpCall is exercised, and never negative, got %s", h.CleanUpProceeds)
	}
	if err := checkPoolSale(ctx, f, h); err != nil {
		return err
	}
	old, found, err := readReport(ctx, f.deal.ID, period)
	if err != nil {
		return err
	}
	attempt := 1
	if found {
		if old.Status != schema.ReportWithdrawn {
			return errs.New(errs.AlreadyExists, "deal %s period %d: report attempt %d is %s; withdraw it before submitting another",
				f.deal.ID, period, old.Attempt, old.Status)
		}
		attempt = old.Attempt + 1
	}
	r := schema.Report{
		Deal: f.deal.ID, Pool: f.pool.ID, Period: period, Attempt: attempt, Status: schema.ReportOpen, Header: h,
		Merkle: (&merkle.Builder{}).State(), SubmittedBy: caller.Identity.Key(), SubmittedTx: ctx.TxID(),
	}
	key := reportKey(ctx, f.deal.ID, period)
	if err := ctx.Put(key, r); err != nil {
		return err
	}
	if err := keptByTrusteeAndServicer(ctx, key, f.pool.Servicer); err != nil {
		return err
	}
	return ctx.Emit("ReportSubmitted", map[string]any{"deal": f.deal.ID, "period": period, "attempt": attempt, "chunks": h.Chunks})
}

// AddReportRows adds the next chunk of an open report's loan rows, sent
// in the transient field "chunk" as a loantape.ReportChunk (rows with the
// file lines they came from and the aggregate the gateway computed). Every
// row is checked (loantape rules, the report's period, the loan is in the
// pool, its beginning balance is its last ending balance, it is not
// already in this report) and the chunk's aggregate is recomputed and
// must equal the declared one; a refusal names each bad row's line, loan,
// field and rule, and writes nothing. The last chunk must bring the rows'
// sums to the header's declared totals; the report is then complete and
// its Merkle root public.
func (c *Contract) AddReportRows(ctx *txn.Context, dealID, period string) error {
	caller, err := ctx.Require(roles.Servicer)
	if err != nil {
		return err
	}
	p, err := requirePeriod(period)
	if err != nil {
		return err
	}
	raw, err := ctx.Transient(TransientChunk)
	if err != nil {
		return err
	}
	var chunk loantape.ReportChunk
	if err := canon.Unmarshal(raw, &chunk); err != nil {
		return errs.Wrap(err, "transient chunk")
	}
	f, err := loadDeal(ctx, dealID, false)
	if err != nil {
		return err
	}
	if err := requireServicer(caller, f); err != nil {
		return err
	}
	r, found, err := readReport(ctx, f.deal.ID, p)
	if err != nil {
		return err
	}
	switch {
	case !found:
		return errs.New(errs.NotFound, "deal %s has no report for period %d: SubmitReport first", f.deal.ID, p)
	case r.Status != schema.ReportOpen:
		return errs.New(errs.WrongState, "deal %s period %d: report attempt %d is %s, not open", f.deal.ID, p, r.Attempt, r.Status)
	case r.Header.ChunkSize == 0 && chunk.Index != r.ChunksReceived:
		return errs.New(errs.Conflict, "deal %s period %d: expected chunk %d, got chunk %d (chunks are added once, in order)",
			f.deal.ID, p, r.ChunksReceived, chunk.Index)
	case len(chunk.Rows) > MaxChunkRows:
		return errs.Field("chunk.rows", "at most %d rows per chunk, got %d", MaxChunkRows, len(chunk.Rows))
	}
	if r.Header.ChunkSize > 0 {
		if err := checkSizedChunk(ctx, r, chunk); err != nil {
			return err
		}
	}
	ledger := newRowLedger(ctx, f.deal.ID, f.pool, p, r.Attempt, chunk.Index, chunk.Index*max(r.Header.ChunkSize, len(chunk.Rows)))
	if err := ledger.prefetch(chunk.Rows); err != nil {
		return err
	}
	agg, err := distribution.ValidateChunkAs(assetclass.Class(f.pool.AssetClass), chunk, r.Header.Aggregates.Period, ledger)
	if err := ledger.failure(); err != nil {
		return err
	}
	if err != nil {
		return errs.Wrap(err, "deal %s period %d", f.deal.ID, p)
	}
	if r.Header.ChunkSize > 0 {
		return addSizedChunk(ctx, f, r, chunk, agg, ledger)
	}
	next := r
	if next.FromRows, err = distribution.AddChunk(r.FromRows, agg); err != nil {
		return err
	}
	tree, err := merkle.Restore(r.Merkle)
	if err != nil {
		return errs.New(errs.Internal, "report %s/%d: stored Merkle state: %v", f.deal.ID, p, err)
	}
	for _, row := range chunk.Rows {
		tree.Add(merkle.LeafHash(row.Canonical()))
	}
	next.Merkle = tree.State()
	next.ChunksReceived++
	complete := next.ChunksReceived == r.Header.Chunks
	if complete && f.pool.TapeChunkSize > 0 {
		if err := checkReportIndexes(ctx, r, &chunk); err != nil {
			return err
		}
	}
	if complete {
		if err := distribution.ReconcileReport(next.FromRows, r.Header.Aggregates); err != nil {
			return errs.Wrap(err, "deal %s period %d: the last chunk is in but the rows do not add up to the declared totals (withdraw the report and submit it again)", f.deal.ID, p)
		}
		next.Status, next.MerkleRoot, next.CompletedTx = schema.ReportComplete, merkle.Hex(tree.Root()), ctx.TxID()
	}
	if err := storeRows(ctx, f.deal.ID, r, chunk, ledger); err != nil {
		return err
	}
	if err := ctx.Put(reportKey(ctx, f.deal.ID, p), next); err != nil {
		return err
	}
	if err := ctx.Emit("ReportRowsAdded", map[string]any{"deal": f.deal.ID, "period": p, "attempt": r.Attempt,
		"chunk": chunk.Index, "rows": len(chunk.Rows)}); err != nil {
		return err
	}
	if complete {
		return ctx.Emit("ReportCompleted", map[string]any{"deal": f.deal.ID, "period": p, "attempt": r.Attempt,
			"merkleRoot": next.MerkleRoot, "loanCount": next.FromRows.LoanCount})
	}
	return nil
}

// storeRows records the rows in the ledger (what the next report checks
// each loan against) and keeps the chunk's rows in the loanTape
// collection. Its writes go as one write batch where the peer supports
// it.
func storeRows(ctx *txn.Context, deal string, r schema.Report, chunk loantape.ReportChunk, ledger rowLedger) error {
	return ctx.Batched(func() error {
		if err := ledger.store(chunk); err != nil {
			return err
		}
		stored := schema.ReportChunk{Index: chunk.Index, FirstLine: chunk.FirstLine, LastLine: chunk.LastLine, Rows: chunk.Rows}
		chunkKey := ctx.MustKey(schema.TypeReportChunk, deal, schema.PeriodKey(r.Period), schema.PeriodKey(r.Attempt), schema.PeriodKey(chunk.Index))
		return ctx.PutPrivate(roles.LoanTapeCollection, chunkKey, stored)
	})
}

// WithdrawReport abandons an uncertified report (for example when its
// rows do not add up to what was declared); the servicer may then submit
// the period again. The pool's servicer or the trustee may withdraw.
func (c *Contract) WithdrawReport(ctx *txn.Context, dealID, period, reason string) error {
	caller, err := ctx.Require(roles.Servicer, roles.Trustee)
	if err != nil {
		return err
	}
	p, err := requirePeriod(period)
	if err != nil {
		return err
	}
	why, err := schema.ParseText("reason", reason, 500)
	if err != nil {
		return err
	}
	f, err := loadDeal(ctx, dealID, false)
	if err != nil {
		return err
	}
	if !caller.Has(roles.Trustee) {
		if err := requireServicer(caller, f); err != nil {
			return err
		}
	}
	r, found, err := readReport(ctx, f.deal.ID, p)
	if err != nil {
		return err
	}
	if !found {
		return errs.New(errs.NotFound, "deal %s has no report for period %d", f.deal.ID, p)
	}
	if _, certified, err := readCertification(ctx, f.deal.ID, p); err != nil {
		return err
	} else if certified {
		return errs.New(errs.WrongState, "deal %s period %d is certified; its report cannot be withdrawn", f.deal.ID, p)
	}
	if r.Status == schema.ReportWithdrawn {
		return errs.New(errs.WrongState, "deal %s period %d: report attempt %d is already withdrawn", f.deal.ID, p, r.Attempt)
	}
	r.Status, r.WithdrawnTx, r.WithdrawReason = schema.ReportWithdrawn, ctx.TxID(), why
	if err := ctx.Put(reportKey(ctx, f.deal.ID, p), r); err != nil {
		return err
	}
	return ctx.Emit("ReportWithdrawn", map[string]any{"deal": f.deal.ID, "period": p, "attempt": r.Attempt, "reason": why})
}

// GetReport returns a period's report record (public: declared totals,
// sums of the rows, Merkle root, status).
func (c *Contract) GetReport(ctx *txn.Context, dealID, period string) (string, error) {
	if _, err := ctx.Require(schema.AnyRole()...); err != nil {
		return "", err
	}
	p, err := requirePeriod(period)
	if err != nil {
		return "", err
	}
	id, err := schema.ParseID("dealID", dealID)
	if err != nil {
		return "", err
	}
	r, found, err := readReport(ctx, id, p)
	if err != nil {
		return "", err
	}
	if !found {
		return "", errs.New(errs.NotFound, "deal %s has no report for period %d", id, p)
	}
	return jsonString(r)
}

// requireServicer refuses a servicer of another organisation than the
// pool's.
func requireServicer(caller *txn.Caller, f *dealFacts) error {
	if caller.Identity.MSP != f.pool.Servicer {
		return errs.New(errs.Forbidden, "pool %s is serviced by %s; a servicer of %s may not report on it", f.pool.ID, f.pool.Servicer, caller.Identity.MSP)
	}
	return nil
}

// collectionPeriod is period n of a pool: the n-th calendar month after
// its cut-off date (monthly collection periods).
func collectionPeriod(pool schema.Pool, n, openedAt int) (loantape.Period, error) {
	cutoff, err := loantape.ParseDate(pool.CutoffDate)
	if err != nil {
		return loantape.Period{}, errs.New(errs.Internal, "pool %s cut-off date %q: %v", pool.ID, pool.CutoffDate, err)
	}
	// A seasoned deal's tape is cut off at the end of the collection
	// period of the certificate it was opened from (OpenAt).
	return loantape.MonthlyPeriod(n, cutoff.YearMonth().AddMonths(n-openedAt)), nil
}
