package servicing

import (
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Reports whose chunks go in concurrently (issue 17). A header that
// declares a chunk size (a power of two) says every chunk but the last
// holds exactly that many rows. Such a chunk never touches the report
// record: it reads it (which only SubmitReport, WithdrawReport and
// CompleteReport write) and writes its rows' performance records, its
// private rows and its own public ReportChunkSum, so the servicer's
// gateway has several endorsed and ordered at once. CompleteReport then
// reads every chunk sum, requires each index once, reconciles their
// total with the declared one and combines their Merkle roots.

// MaxSizedChunkRows is the largest declared chunk size: the power of two
// below MaxChunkRows.
const MaxSizedChunkRows = 1024

// checkChunkSize checks a header's declared chunk size against its row
// and chunk counts.
func checkChunkSize(h schema.ReportHeader) error {
	if h.ChunkSize == 0 {
		return nil
	}
	if !merkle.IsChunkSize(h.ChunkSize) || h.ChunkSize > MaxSizedChunkRows {
		return errs.Field("header.chunkSize", "must be a power of two from 1 to %d, got %d", MaxSizedChunkRows, h.ChunkSize)
	}
	if want := (h.Aggregates.LoanCount + h.ChunkSize - 1) / h.ChunkSize; h.Chunks != want {
		return errs.Field("header.chunks", "%d rows in chunks of %d make %d chunks, not %d", h.Aggregates.LoanCount, h.ChunkSize, want, h.Chunks)
	}
	return nil
}

func chunkSumKey(ctx *txn.Context, r schema.Report, index int) string {
	return ctx.MustKey(schema.TypeReportChunkSum, r.Deal, schema.PeriodKey(r.Period), schema.PeriodKey(r.Attempt), schema.PeriodKey(index))
}

// checkSizedChunk refuses a chunk of a sized report that is out of range,
// of the wrong size, or already in.
func checkSizedChunk(ctx *txn.Context, r schema.Report, chunk loantape.ReportChunk) error {
	h := r.Header
	last := h.Chunks - 1
	switch {
	case chunk.Index < 0 || chunk.Index > last:
		return errs.Field("chunk.index", "deal %s period %d: the report has chunks 0 to %d, got %d", r.Deal, r.Period, last, chunk.Index)
	case chunk.Index < last && len(chunk.Rows) != h.ChunkSize:
		return errs.Field("chunk.rows", "chunk %d holds %d rows; every chunk but the last holds %d", chunk.Index, len(chunk.Rows), h.ChunkSize)
	case chunk.Index == last && len(chunk.Rows) != h.Aggregates.LoanCount-last*h.ChunkSize:
		return errs.Field("chunk.rows", "the last chunk (%d) holds %d rows, want %d of the %d declared", chunk.Index, len(chunk.Rows), h.Aggregates.LoanCount-last*h.ChunkSize, h.Aggregates.LoanCount)
	}
	var sum schema.ReportChunkSum
	if found, err := ctx.Get(chunkSumKey(ctx, r, chunk.Index), &sum); err != nil {
		return err
	} else if found {
		return errs.New(errs.AlreadyExists, "deal %s period %d attempt %d: chunk %d is already in (transaction %s)", r.Deal, r.Period, r.Attempt, chunk.Index, sum.Tx)
	}
	return nil
}

// addSizedChunk stores a checked chunk of a sized report and its public
// sum.
func addSizedChunk(ctx *txn.Context, f *dealFacts, r schema.Report, chunk loantape.ReportChunk, agg loantape.ReportAggregates, ledger rowLedger) error {
	if err := storeRows(ctx, f.deal.ID, r, chunk, ledger); err != nil {
		return err
	}
	var tree merkle.Builder
	for _, row := range chunk.Rows {
		tree.Add(merkle.LeafHash(row.Canonical()))
	}
	key := chunkSumKey(ctx, r, chunk.Index)
	sum := schema.ReportChunkSum{Index: chunk.Index, Rows: len(chunk.Rows), Aggregate: agg, Root: merkle.Hex(tree.Root()), Tx: ctx.TxID()}
	if err := ctx.Put(key, sum); err != nil {
		return err
	}
	if err := keptByTrusteeAndServicer(ctx, key, f.pool.Servicer); err != nil {
		return err
	}
	return ctx.Emit("ReportRowsAdded", map[string]any{"deal": f.deal.ID, "period": r.Period, "attempt": r.Attempt,
		"chunk": chunk.Index, "rows": len(chunk.Rows)})
}

// CompleteReport closes an open report whose chunks went in concurrently
// (its header declares a chunk size), once every chunk is in: each index
// from 0 to chunks-1 exactly once, their rows adding up to the declared
// totals. The report's Merkle root is then the combination of the chunks'
// roots, the same as over every row in file order. A servicer of the
// pool's servicer organisation may; it reads public records only.
func (c *Contract) CompleteReport(ctx *txn.Context, dealID, period string) error {
	caller, err := ctx.Require(roles.Servicer)
	if err != nil {
		return err
	}
	p, err := requirePeriod(period)
	if err != nil {
		return err
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
		return errs.New(errs.NotFound, "deal %s has no report for period %d", f.deal.ID, p)
	case r.Status != schema.ReportOpen:
		return errs.New(errs.WrongState, "deal %s period %d: report attempt %d is %s, not open", f.deal.ID, p, r.Attempt, r.Status)
	case r.Header.ChunkSize == 0:
		return errs.New(errs.WrongState, "deal %s period %d: report attempt %d takes its chunks in order and completes with the last one", f.deal.ID, p, r.Attempt)
	}
	var (
		total loantape.ReportAggregates
		roots [][merkle.Size]byte
	)
	err = ctx.Range(schema.TypeReportChunkSum, []string{f.deal.ID, schema.PeriodKey(p), schema.PeriodKey(r.Attempt)}, func(key string, value []byte) error {
		var sum schema.ReportChunkSum
		if err := canon.Unmarshal(value, &sum); err != nil {
			return errs.New(errs.Internal, "%s: %v", key, err)
		}
		if sum.Index != len(roots) {
			return errs.New(errs.WrongState, "deal %s period %d: chunk %d is not in yet (chunk %d is): add it, then complete the report", f.deal.ID, p, len(roots), sum.Index)
		}
		root, err := merkle.ParseHash(sum.Root)
		if err != nil {
			return errs.New(errs.Internal, "%s: %v", key, err)
		}
		roots = append(roots, root)
		total, err = distribution.AddChunk(total, sum.Aggregate)
		return err
	})
	if err != nil {
		return err
	}
	if len(roots) != r.Header.Chunks {
		return errs.New(errs.WrongState, "deal %s period %d: %d of %d chunks are in: add chunk %d, then complete the report", f.deal.ID, p, len(roots), r.Header.Chunks, len(roots))
	}
	if f.pool.TapeChunkSize > 0 {
		if err := checkReportIndexes(ctx, r, nil); err != nil {
			return err
		}
	}
	if err := distribution.ReconcileReport(total, r.Header.Aggregates); err != nil {
		return errs.Wrap(err, "deal %s period %d: every chunk is in but the rows do not add up to the declared totals (withdraw the report and submit it again)", f.deal.ID, p)
	}
	root, err := merkle.RootOfChunks(r.Header.ChunkSize, roots)
	if err != nil {
		return errs.New(errs.Internal, "deal %s period %d: %v", f.deal.ID, p, err)
	}
	r.FromRows, r.ChunksReceived = total, len(roots)
	r.Status, r.MerkleRoot, r.CompletedTx = schema.ReportComplete, merkle.Hex(root), ctx.TxID()
	if err := ctx.Put(reportKey(ctx, f.deal.ID, p), r); err != nil {
		return err
	}
	return ctx.Emit("ReportCompleted", map[string]any{"deal": f.deal.ID, "period": p, "attempt": r.Attempt,
		"merkleRoot": r.MerkleRoot, "loanCount": r.FromRows.LoanCount})
}
