package upload

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/core/assetclass"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/mortgage"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// Residential mortgage pools (assetclass.Mortgage) upload Schedule AL
// residential CSV files. A tape goes on the ledger as the rows themselves
// (the pool's Merkle leaves commit to every mortgage field); a servicer
// report is checked with the mortgage rules, then projected row by row
// onto the common report row and takes the auto-loan path from there, so
// the report's aggregates, chunks and certification are the same kind.

// isMortgage reports whether the pool holds residential mortgages.
func isMortgage(p schema.Pool) bool { return assetclass.Class(p.AssetClass) == assetclass.Mortgage }

// requireCSV refuses another format for a Schedule AL file.
func requireCSV(f File) error {
	if f.Format != CSV {
		return errs.Field("file", "a mortgage pool's files are Schedule AL CSV (text/csv), not %s", f.Format)
	}
	return nil
}

// mortgageTape checks a Schedule AL tape whole, then adds its rows to the
// pool in chunks, resuming after the chunks already on the ledger.
func (w Workflow) mortgageTape(req TapeRequest, size int, progress TapeProgress, cutoff loantape.Date) (*TapeUpload, error) {
	if err := requireCSV(req.File); err != nil {
		return nil, err
	}
	rc, err := req.File.Open()
	if err != nil {
		return nil, err
	}
	rd := mortgage.NewALReader(rc)
	agg, err := mortgage.ValidateTape(rd, mortgage.TapeRules{Cutoff: cutoff, MaxErrors: DefaultMaxErrors})
	rc.Close()
	if err := refusal(err); err != nil {
		return nil, err
	}
	if agg.LoanCount == 0 {
		return nil, &Refused{Errors: []*loantape.RowError{{Rule: loantape.RuleRequired, Msg: "the file has no loans"}}}
	}
	if err := req.Control.check(agg); err != nil {
		return nil, err
	}
	out := &TapeUpload{Pool: req.Pool, Loans: agg.LoanCount, Chunks: Chunks(agg.LoanCount, size), ResumedAt: progress.NextChunk,
		Balance: agg.Balance, Aggregates: agg, IgnoredColumns: rd.IgnoredColumns(), Transactions: []string{}}
	var tree merkle.Builder
	var before money.Amount
	beforeN, submitted, next := 0, 0, progress.NextChunk
	err = alChunks(req.File, size, func(index int, rows []mortgage.ALRow) error {
		loans := make([]loantape.Loan, len(rows))
		var bal money.Amount
		for i, r := range rows {
			tree.Add(r.LeafHash())
			loans[i], bal = r.TapeLoan(), bal+r.EndingBalance
		}
		record := func() error {
			return w.Book.Update(func(b store.Writer) error { return b.PutTapeLoans(req.Pool, loans) })
		}
		if index < next {
			before, beforeN = before+bal, beforeN+len(rows)
			return record()
		}
		if index == next && index > 0 && (beforeN != progress.LoansAdded || before != progress.BalanceSoFar) {
			return errs.New(errs.Conflict, "pool %s already holds %d loans (%s); the first %d chunks of this file hold %d (%s): not the file whose upload stopped half-way",
				req.Pool, progress.LoansAdded, progress.BalanceSoFar, next, beforeN, before)
		}
		body, err := canon.Marshal(rows)
		if err != nil {
			return err
		}
		res, err := w.Ledger.Submit(ledger.Tx{Fn: "Pool:AddLoans", Args: []string{req.Pool, strconv.Itoa(index)},
			Transient: map[string][]byte{"loans": body}}, w.MSP)
		if err != nil {
			return chunkFailed{index: index, err: err}
		}
		submitted++
		out.Transactions = append(out.Transactions, res.TxID)
		return record()
	})
	if err != nil {
		return nil, passError(next, submitted, err)
	}
	out.MerkleRoot = merkle.Hex(tree.Root())
	if err := w.Book.Update(func(b store.Writer) error { return b.FinishTape(req.Pool, out.MerkleRoot, agg.LoanCount) }); err != nil {
		return nil, err
	}
	return out, nil
}

// alChunks reads a checked Schedule AL file again and hands each chunk of
// size rows to each, with its index.
func alChunks(f File, size int, each func(index int, rows []mortgage.ALRow) error) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	rd := mortgage.NewALReader(rc)
	index, rows := 0, make([]mortgage.ALRow, 0, size)
	for {
		r, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("the file changed between its check and its submission: %w", err)
		}
		if rows = append(rows, r); len(rows) == size {
			if err := each(index, rows); err != nil {
				return err
			}
			index, rows = index+1, make([]mortgage.ALRow, 0, size)
		}
	}
	if len(rows) > 0 {
		return each(index, rows)
	}
	return nil
}

// mortgageReportFile checks a Schedule AL servicer report with the
// mortgage rules (roll-forward with curtailments and liquidations, payoffs,
// zero-balance codes, the loss identity) and returns the same report as
// the common rows, an EX-102-shaped CSV produced on each Open, for the
// report path to check against the loan book and submit.
func mortgageReportFile(f File, period loantape.Period) (File, error) {
	if err := requireCSV(f); err != nil {
		return File{}, err
	}
	rc, err := f.Open()
	if err != nil {
		return File{}, err
	}
	_, err = mortgage.ValidateReport(mortgage.NewALReader(rc), mortgage.ReportRules{Period: period, MaxErrors: DefaultMaxErrors})
	rc.Close()
	if err := refusal(err); err != nil {
		return File{}, err
	}
	open := func() (io.ReadCloser, error) {
		src, err := f.Open()
		if err != nil {
			return nil, err
		}
		pr, pw := io.Pipe()
		go func() {
			defer src.Close()
			pw.CloseWithError(projectReport(src, pw))
		}()
		return pr, nil
	}
	return File{Open: open, Format: CSV}, nil
}

// projectReport writes the common row of every Schedule AL row of src.
func projectReport(src io.Reader, dst io.Writer) error {
	rd := mortgage.NewALReader(src)
	wr := loantape.NewCSVWriter[loantape.PeriodRow](dst)
	for {
		r, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return wr.Flush()
		}
		if err != nil {
			return err
		}
		if err := wr.Write(r.PeriodRow()); err != nil {
			return err
		}
	}
}
