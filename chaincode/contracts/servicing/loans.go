package servicing

import (
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// tapeLedger is distribution.LoanLedger over the loanTape collection for
// a tape added in order (a record a loan): what the pool knows of each
// loan a report row names. A pool kept a chunk to a value is answered by
// indexedLedger (loans_indexed.go). A loan's balance is the
// ending balance of its last row in a certified report, or its cut-off
// balance when no certified report carried it. Rows of a report that was
// withdrawn (or not yet certified) stay in LoanPerformance with the
// balance before them, so a new attempt checks against that.
//
// The loantape validator's lookup cannot return an error; the first read
// error is kept in err and the caller must check it.
type tapeLedger struct {
	ctx             *txn.Context
	deal, pool      string
	period, attempt int

	perf      map[string]*schema.LoanPerformance // nil entry: no record
	cut       map[string]*loantape.PriorLoan     // cut-off balances read; nil entry: not in the tape
	certified map[int]int                        // period → certified report attempt
	err       error
}

func newTapeLedger(ctx *txn.Context, deal, pool string, period, attempt int) *tapeLedger {
	return &tapeLedger{ctx: ctx, deal: deal, pool: pool, period: period, attempt: attempt,
		perf: map[string]*schema.LoanPerformance{}, cut: map[string]*loantape.PriorLoan{}, certified: map[int]int{}}
}

// prefetch reads what the chunk's rows will ask of the ledger in two
// multi-key reads instead of one or two reads a row: the performance
// records of every well-formed asset number, then the tape loans of those
// without one. The read set is the one the row-by-row lookups made.
func (l *tapeLedger) prefetch(rows []loantape.PeriodRow) error {
	var assets, keys []string
	for _, row := range rows {
		a := row.AssetNumber
		if _, seen := l.perf[a]; seen {
			continue
		}
		if _, err := schema.ParseAssetNumber("assetNumber", a); err != nil {
			continue
		}
		l.perf[a] = nil
		assets = append(assets, a)
		keys = append(keys, l.ctx.MustKey(schema.TypeLoanPerformance, l.pool, a))
	}
	err := l.ctx.GetPrivateMany(roles.LoanTapeCollection, keys, func(i int, raw []byte) error {
		var p schema.LoanPerformance
		if err := txn.DecodePrivate(keys[i], raw, &p); err != nil {
			return err
		}
		l.perf[assets[i]] = &p
		return nil
	}, nil)
	if err != nil {
		return err
	}
	var missing, tapeKeys []string
	for _, a := range assets {
		if l.perf[a] == nil {
			missing = append(missing, a)
			tapeKeys = append(tapeKeys, l.ctx.MustKey(schema.TypeLoan, l.pool, a))
		}
	}
	return l.ctx.GetPrivateMany(roles.LoanTapeCollection, tapeKeys, func(i int, raw []byte) error {
		var tl schema.TapeLoan
		if err := txn.DecodePrivate(tapeKeys[i], raw, &tl); err != nil {
			return err
		}
		l.cut[missing[i]] = &loantape.PriorLoan{EndBalance: tl.Loan.ReportingPeriodActualEndBalanceAmount}
		return nil
	}, func(i int) { l.cut[missing[i]] = nil })
}

// performance reads a loan's performance record once per transaction.
func (l *tapeLedger) performance(asset string) (*schema.LoanPerformance, bool) {
	if p, ok := l.perf[asset]; ok {
		return p, true
	}
	if _, err := schema.ParseAssetNumber("assetNumber", asset); err != nil {
		return nil, false
	}
	var p schema.LoanPerformance
	found, err := l.ctx.GetPrivate(roles.LoanTapeCollection, l.ctx.MustKey(schema.TypeLoanPerformance, l.pool, asset), &p)
	if err != nil {
		l.fail(err)
		return nil, false
	}
	if !found {
		l.perf[asset] = nil
		return nil, true
	}
	l.perf[asset] = &p
	return &p, true
}

// Prior implements distribution.LoanLedger.
func (l *tapeLedger) Prior(asset string) (loantape.PriorLoan, bool) {
	p, valid := l.performance(asset)
	if !valid {
		return loantape.PriorLoan{}, false
	}
	if p == nil {
		return l.cutoff(asset)
	}
	switch {
	case p.Period == l.period:
		return loantape.PriorLoan{EndBalance: p.PriorBalance}, true
	case p.Period < l.period:
		if l.certifiedAttempt(p.Period) == p.Attempt {
			return loantape.PriorLoan{EndBalance: p.EndBalance}, true
		}
		return loantape.PriorLoan{EndBalance: p.PriorBalance}, true
	default:
		l.fail(errs.New(errs.Internal, "loan %s of pool %s was reported for period %d, after period %d", asset, l.pool, p.Period, l.period))
		return loantape.PriorLoan{}, false
	}
}

// ReportedIn implements distribution.LoanLedger.
func (l *tapeLedger) ReportedIn(asset string) (int, bool) {
	p, _ := l.performance(asset)
	if p != nil && p.Period == l.period && p.Attempt == l.attempt {
		return p.Chunk, true
	}
	return 0, false
}

// cutoff is the loan's balance in the pool's tape, read once a
// transaction (prefetch reads a chunk's in one go).
func (l *tapeLedger) cutoff(asset string) (loantape.PriorLoan, bool) {
	p, ok := l.cut[asset]
	if !ok {
		var tl schema.TapeLoan
		found, err := l.ctx.GetPrivate(roles.LoanTapeCollection, l.ctx.MustKey(schema.TypeLoan, l.pool, asset), &tl)
		if err != nil {
			l.fail(err)
			return loantape.PriorLoan{}, false
		}
		if found {
			p = &loantape.PriorLoan{EndBalance: tl.Loan.ReportingPeriodActualEndBalanceAmount}
		}
		l.cut[asset] = p
	}
	if p == nil {
		return loantape.PriorLoan{}, false
	}
	return *p, true
}

// certifiedAttempt returns which attempt of a period's report was
// certified (0 if none was).
func (l *tapeLedger) certifiedAttempt(period int) int {
	if a, ok := l.certified[period]; ok {
		return a
	}
	c, found, err := readCertification(l.ctx, l.deal, period)
	if err != nil {
		l.fail(err)
		return 0
	}
	a := 0
	if found {
		a = c.ReportAttempt
	}
	l.certified[period] = a
	return a
}

func (l *tapeLedger) failure() error { return l.err }

// store records each row's performance.
func (l *tapeLedger) store(chunk loantape.ReportChunk) error {
	for _, row := range chunk.Rows {
		if err := l.record(chunk.Index, row); err != nil {
			return err
		}
	}
	return l.err
}

func (l *tapeLedger) fail(err error) {
	if l.err == nil {
		l.err = err
	}
}

// record writes a row's performance: what the next report checks the loan
// against.
func (l *tapeLedger) record(chunk int, row loantape.PeriodRow) error {
	prior, ok := l.Prior(row.AssetNumber)
	if !ok {
		return errs.New(errs.Internal, "loan %s vanished while its row was recorded", row.AssetNumber)
	}
	p := schema.LoanPerformance{Period: l.period, Attempt: l.attempt, Chunk: chunk,
		EndBalance: row.ReportingPeriodActualEndBalanceAmount, PriorBalance: prior.EndBalance}
	return l.ctx.PutPrivate(roles.LoanTapeCollection, l.ctx.MustKey(schema.TypeLoanPerformance, l.pool, row.AssetNumber), p)
}
