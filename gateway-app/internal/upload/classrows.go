package upload

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// A class with its own loan-level record (mortgage Schedule AL rows,
// equipment-lease rows) uploads CSV files of that record. A tape goes on
// the ledger as the rows themselves (the pool's Merkle leaves commit to
// every field of the class); a servicer report is checked with the class's
// rules, then projected row by row onto the common report row and takes
// the auto-loan path from there, so the report's aggregates, chunks and
// certification are the same kind for every class.

// classRow is a class's own record: its projections and its leaf.
type classRow interface {
	TapeLoan() loantape.Loan
	PeriodRow() loantape.PeriodRow
	LeafHash() [merkle.Size]byte
}

// rowReader streams a class's records (io.EOF at the end).
type rowReader[R any] interface {
	Read() (R, error)
}

// rowFiles is what the upload path needs of a class's files.
type rowFiles[R classRow] struct {
	// what names the files in refusals ("Schedule AL CSV").
	what string
	read func(io.Reader) rowReader[R]
	// checkTape checks a whole tape at the cut-off and returns its
	// aggregates and the header cells it ignored.
	checkTape func(r io.Reader, cutoff loantape.Date) (loantape.TapeAggregates, []string, error)
	// checkReport checks a whole report of the period.
	checkReport func(r io.Reader, period loantape.Period) error
}

// requireCSV refuses another format for a class's file.
func (c rowFiles[R]) requireCSV(f File) error {
	if f.Format != CSV {
		return errs.Field("file", "this pool's files are %s (text/csv), not %s", c.what, f.Format)
	}
	return nil
}

// rowsTape checks a class's tape whole, then adds its rows to the pool in
// chunks, resuming after the chunks already on the ledger.
func rowsTape[R classRow](w Workflow, c rowFiles[R], req TapeRequest, size int, progress TapeProgress, cutoff loantape.Date) (*TapeUpload, error) {
	if err := c.requireCSV(req.File); err != nil {
		return nil, err
	}
	rc, err := req.File.Open()
	if err != nil {
		return nil, err
	}
	agg, ignored, err := c.checkTape(rc, cutoff)
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
		Balance: agg.Balance, Aggregates: agg, IgnoredColumns: ignored, Transactions: []string{}}
	var tree merkle.Builder
	var before money.Amount
	beforeN, submitted, next := 0, 0, progress.NextChunk
	err = rowChunks(c, req.File, size, func(index int, rows []R) error {
		loans := make([]loantape.Loan, len(rows))
		var bal money.Amount
		for i, r := range rows {
			tree.Add(r.LeafHash())
			loans[i] = r.TapeLoan()
			bal += loans[i].ReportingPeriodActualEndBalanceAmount
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
		res, err := w.submitChunk(ledger.Tx{Fn: "Pool:AddLoans", Args: []string{req.Pool, strconv.Itoa(index)},
			Transient: map[string][]byte{"loans": body}})
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

// rowChunks reads a checked file again and hands each chunk of size rows
// to each, with its index.
func rowChunks[R classRow](c rowFiles[R], f File, size int, each func(index int, rows []R) error) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	rd := c.read(rc)
	index, rows := 0, make([]R, 0, size)
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
			index, rows = index+1, make([]R, 0, size)
		}
	}
	if len(rows) > 0 {
		return each(index, rows)
	}
	return nil
}

// rowsReportFile checks a class's servicer report with the class's rules
// and returns the same report as the common rows, an EX-102-shaped CSV
// produced on each Open, for the report path to check against the loan
// book and submit.
func rowsReportFile[R classRow](c rowFiles[R], f File, period loantape.Period) (File, error) {
	if err := c.requireCSV(f); err != nil {
		return File{}, err
	}
	rc, err := f.Open()
	if err != nil {
		return File{}, err
	}
	err = c.checkReport(rc, period)
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
			pw.CloseWithError(projectRows(c, src, pw))
		}()
		return pr, nil
	}
	return File{Open: open, Format: CSV}, nil
}

// projectRows writes the common row of every record of src.
func projectRows[R classRow](c rowFiles[R], src io.Reader, dst io.Writer) error {
	rd := c.read(src)
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
