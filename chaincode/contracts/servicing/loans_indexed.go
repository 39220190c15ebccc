package servicing

import (
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// rowLedger is what a report chunk's rows are checked against and
// recorded in: a record a loan for a tape added in order (tapeLedger),
// the chunks' indexes for a tape kept a chunk to a value (indexedLedger,
// schema/records_tape_values.go).
type rowLedger interface {
	distribution.LoanLedger
	// prefetch reads what the rows will ask, in as few reads as it can.
	prefetch(rows []loantape.PeriodRow) error
	// store records the chunk's rows for the next report.
	store(chunk loantape.ReportChunk) error
	// failure is the first read error a lookup met (lookups cannot
	// return one).
	failure() error
}

// newRowLedger picks the pool's layout for report chunk number chunk,
// whose first row is row firstRow of the report: where its rows would be
// in the tape and in the last report, were they in the same order.
func newRowLedger(ctx *txn.Context, deal string, pool schema.Pool, period, attempt, chunk, firstRow int) rowLedger {
	tape := newTapeLedger(ctx, deal, pool.ID, period, attempt)
	size := pool.TapeChunkSize
	if size == 0 {
		return tape
	}
	tapeChunks := (pool.LoanCount + size - 1) / size
	return &indexedLedger{tape: tape, chunk: chunk, tapeChunkSize: size, tapeChunks: tapeChunks,
		tapeStart: min(firstRow/size, max(tapeChunks-1, 0)), prior: map[string]*money.Amount{}}
}

// indexedLedger answers for a pool kept a chunk to a value. A loan's
// last balance is its ending balance in the last certified report that
// carried it (usually the previous period's, where it is found in the
// chunk of the same index), else its cut-off balance in the tape's
// indexes (from tapeStart, where the rows would be in tape order). A
// loan in two chunks of this report is found when the report completes
// (checkReportIndexes): a chunk cannot know what chunks in flight with it
// carry.
type indexedLedger struct {
	tape                                 *tapeLedger // the context, the report and its certified periods
	chunk                                int
	tapeChunkSize, tapeChunks, tapeStart int
	prior                                map[string]*money.Amount // nil entry: not in the pool
}

func (l *indexedLedger) failure() error { return l.tape.err }

// ReportedIn implements distribution.LoanLedger: never from here (above).
func (l *indexedLedger) ReportedIn(string) (int, bool) { return 0, false }

// Prior implements distribution.LoanLedger. A malformed asset number is
// in no index: it is answered without reading them all.
func (l *indexedLedger) Prior(asset string) (loantape.PriorLoan, bool) {
	if _, err := schema.ParseAssetNumber("assetNumber", asset); err != nil {
		return loantape.PriorLoan{}, false
	}
	if _, ok := l.prior[asset]; !ok {
		if err := l.resolve([]string{asset}); err != nil {
			l.tape.fail(err)
			return loantape.PriorLoan{}, false
		}
	}
	if p := l.prior[asset]; p != nil {
		return loantape.PriorLoan{EndBalance: *p}, true
	}
	return loantape.PriorLoan{}, false
}

func (l *indexedLedger) prefetch(rows []loantape.PeriodRow) error {
	var assets []string
	for _, row := range rows {
		if _, err := schema.ParseAssetNumber("assetNumber", row.AssetNumber); err == nil {
			assets = append(assets, row.AssetNumber)
		}
	}
	return l.resolve(assets)
}

// resolve finds the last balances of assets: period by period back from
// the last, in each certified report's chunk indexes from the chunk of
// this one's index on, going round; what no report carried, in the
// tape's indexes. An asset in none is not in the pool (a nil entry).
func (l *indexedLedger) resolve(assets []string) error {
	want := map[string]bool{}
	for _, a := range assets {
		if _, known := l.prior[a]; !known {
			want[a] = true
		}
	}
	t := l.tape
	for q := t.period - 1; q >= 1 && len(want) > 0; q-- {
		attempt := t.certifiedAttempt(q)
		if t.err != nil {
			return t.err
		}
		if attempt == 0 {
			continue // not certified: no balance stands from it
		}
		r, found, err := readReport(t.ctx, t.deal, q)
		if err != nil {
			return err
		}
		if !found || r.Attempt != attempt {
			return errs.New(errs.Internal, "deal %s period %d: certified report attempt %d is not the period's report", t.deal, q, attempt)
		}
		err = l.take(want, r.ChunksReceived, l.chunk, func(k int) ([]string, []money.Amount, error) {
			ix, err := readReportIndex(t.ctx, t.deal, q, attempt, k)
			return ix.Assets, ix.EndBalances, err
		})
		if err != nil {
			return err
		}
	}
	err := l.take(want, l.tapeChunks, l.tapeStart, func(k int) ([]string, []money.Amount, error) {
		var ix schema.TapeIndex
		found, err := t.ctx.GetPrivate(roles.LoanTapeCollection, t.ctx.MustKey(schema.TypeLoanIndex, t.pool, schema.ChunkNo(k)), &ix)
		if err == nil && (!found || ix.FirstIndex != k*l.tapeChunkSize || len(ix.Balances) != len(ix.Assets)) {
			err = errs.New(errs.Internal, "pool %s: the index of chunk %d is missing or malformed", t.pool, k)
		}
		return ix.Assets, ix.Balances, err
	})
	if err != nil {
		return err
	}
	for a := range want {
		l.prior[a] = nil
	}
	return nil
}

// take reads n indexes from start, going round, until want is empty, and
// records each wanted asset's balance (the first index that has it).
func (l *indexedLedger) take(want map[string]bool, n, start int, read func(k int) ([]string, []money.Amount, error)) error {
	for i := 0; i < n && len(want) > 0; i++ {
		assets, balances, err := read((min(start, n-1) + i) % n)
		if err != nil {
			return err
		}
		for j, a := range assets {
			if want[a] {
				l.prior[a] = &balances[j]
				delete(want, a)
			}
		}
	}
	return nil
}

// store keeps the chunk's index: its rows' asset numbers and ending
// balances.
func (l *indexedLedger) store(chunk loantape.ReportChunk) error {
	t := l.tape
	return t.ctx.PutPrivate(roles.LoanTapeCollection, reportIndexKey(t.ctx, t.deal, t.period, t.attempt, chunk.Index), reportIndexOf(chunk))
}

func reportIndexOf(chunk loantape.ReportChunk) schema.ReportIndex {
	ix := schema.ReportIndex{Assets: make([]string, len(chunk.Rows)), EndBalances: make([]money.Amount, len(chunk.Rows))}
	for i, row := range chunk.Rows {
		ix.Assets[i], ix.EndBalances[i] = row.AssetNumber, row.ReportingPeriodActualEndBalanceAmount
	}
	return ix
}

func reportIndexKey(ctx *txn.Context, deal string, period, attempt, chunk int) string {
	return ctx.MustKey(schema.TypeReportIndex, deal, schema.PeriodKey(period), schema.PeriodKey(attempt), schema.PeriodKey(chunk))
}

func readReportIndex(ctx *txn.Context, deal string, period, attempt, chunk int) (schema.ReportIndex, error) {
	var ix schema.ReportIndex
	found, err := ctx.GetPrivate(roles.LoanTapeCollection, reportIndexKey(ctx, deal, period, attempt, chunk), &ix)
	switch {
	case err != nil:
		return ix, err
	case !found || len(ix.EndBalances) != len(ix.Assets):
		return ix, errs.New(errs.Internal, "deal %s period %d attempt %d: the index of chunk %d is missing or malformed", deal, period, attempt, chunk)
	}
	return ix, nil
}

// checkReportIndexes refuses a complete report of a pool kept a chunk to
// a value that carries a loan in two chunks, naming the loan and both
// chunks (the rows of each were checked against the loan's last balance
// on their own). last is the chunk this transaction adds, if it adds one:
// its index is in the write set, which a read does not see.
func checkReportIndexes(ctx *txn.Context, r schema.Report, last *loantape.ReportChunk) error {
	in := map[string]int{}
	for k := 0; k < r.Header.Chunks; k++ {
		var ix schema.ReportIndex
		var err error
		if last != nil && last.Index == k {
			ix = reportIndexOf(*last)
		} else if ix, err = readReportIndex(ctx, r.Deal, r.Period, r.Attempt, k); err != nil {
			return err
		}
		for i, a := range ix.Assets {
			if before, dup := in[a]; dup {
				return &errs.Error{Code: errs.BadInput, Field: "assetNumber", Msg: fmt.Sprintf(
					"deal %s period %d: loan %s is in chunk %d and again in chunk %d (rows[%d]) of this report (rule %s): withdraw the report and submit it again",
					r.Deal, r.Period, a, before, k, i, loantape.RuleDuplicateAsset)}
			}
			in[a] = k
		}
	}
	return nil
}
