package upload

import (
	"bytes"
	"errors"
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/core/assetclass"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// ReportRequest is the servicer report of a deal's next period.
type ReportRequest struct {
	Deal string
	File File
	// ChunkSize is rows per Servicing:AddReportRows, 1 to MaxReportChunk
	// (0: DefaultReportChunk). A power of two up to MaxSizedReportChunk
	// sends the chunks concurrently and completes the report with
	// Servicing:CompleteReport.
	ChunkSize int
	// Header carries the servicer's declarations besides the rows:
	// advances and the clean-up call. Its aggregates and chunk count are
	// the workflow's to fill.
	Header  schema.ReportHeader
	Control ReportControl
}

// ReportUpload is what a servicer report upload did.
type ReportUpload struct {
	Deal    string              `json:"deal"`
	Period  int                 `json:"period"`
	Attempt int                 `json:"attempt"`
	Status  schema.ReportStatus `json:"status" doc:"complete once every chunk is in and reconciled: ready to certify"`
	Rows    int                 `json:"rows"`
	Chunks  int                 `json:"chunks" doc:"Servicing:AddReportRows transactions holding the rows"`
	// ResumedAt is the first chunk this upload submitted: 0, unless an
	// earlier upload of the same file stopped half-way.
	ResumedAt  int                       `json:"resumedAt"`
	Aggregates loantape.ReportAggregates `json:"aggregates" doc:"the declared totals: the sums of the rows"`
	MerkleRoot string                    `json:"merkleRoot" doc:"the root of the rows the ledger published, equal to the one the gateway computed"`
	// LoansChecked says whether the gateway checked every row's loan and
	// beginning balance against its loan book before submitting (it can
	// when it uploaded the tape and the previous report itself); otherwise
	// the chaincode checks them chunk by chunk.
	LoansChecked   bool     `json:"loansChecked" doc:"the gateway checked each row's loan and beginning balance before submitting; otherwise the chaincode does, chunk by chunk"`
	IgnoredColumns []string `json:"ignoredColumns,omitempty"`
	Transactions   []string `json:"transactions" doc:"transaction IDs: the report's opening, then each chunk"`
}

// Report checks a servicer report whole (every row, the period, each
// loan against the loan book when it matches the ledger, the control
// totals, the declared totals against the pool), opens the report with
// the rows' totals and submits the rows in chunks, or resumes an open
// attempt of the same file. Errors as for Tape.
func (w Workflow) Report(req ReportRequest) (*ReportUpload, error) {
	size := req.ChunkSize
	if size <= 0 {
		size = DefaultReportChunk
	}
	sized := merkle.IsChunkSize(size) && size <= MaxSizedReportChunk
	deal := req.Deal
	svc, err := w.Ledger.Servicing(deal)
	if err != nil {
		return nil, err
	}
	pool, err := w.Ledger.DealPool(deal)
	if err != nil {
		return nil, err
	}
	if pool.Servicer != w.MSP {
		return nil, errs.New(errs.Forbidden, "pool %s is serviced by %s; a servicer of %s may not report on it", pool.ID, pool.Servicer, w.MSP)
	}
	p := svc.Period + 1
	cutoff, err := loantape.ParseDate(pool.CutoffDate)
	if err != nil {
		return nil, err
	}
	// A seasoned deal's tape is cut off at the end of the collection
	// period of the certificate it was opened from (Servicing:OpenAt).
	expected := loantape.MonthlyPeriod(p, cutoff.YearMonth().AddMonths(p-svc.OpenedAt))
	if isMortgage(pool) {
		if req.File, err = mortgageReportFile(req.File, expected); err != nil {
			return nil, err
		}
	}
	if isLeases(pool) {
		if req.File, err = leaseReportFile(pool, req.File, expected); err != nil {
			return nil, err
		}
	}
	existing, found, err := w.Ledger.Report(deal, p)
	if err != nil {
		return nil, err
	}
	if found && existing.Status == schema.ReportComplete {
		return nil, errs.New(errs.WrongState, "deal %s period %d: report attempt %d is complete; withdraw it before submitting another", deal, p, existing.Attempt)
	}

	// Pass 1: every row, checked against the loan book when it matches
	// the ledger.
	checked, loansChecked, err := w.checkReport(req, pool, p, expected)
	if err != nil {
		return nil, err
	}
	header := req.Header
	header.Aggregates, header.Chunks = checked.Aggregates, Chunks(checked.Rows, size)
	if sized {
		header.ChunkSize = size
	}
	if err := distribution.CheckDeclared(header.Aggregates, expected, svc.State.PoolBalance); err != nil {
		var e *errs.Error
		if errors.As(err, &e) {
			return nil, &Refused{Errors: []*loantape.RowError{{Field: e.Field, Rule: loantape.RuleTotals, Msg: e.Msg}}}
		}
		return nil, err
	}
	headerJSON, err := canon.Marshal(header)
	if err != nil {
		return nil, err
	}

	out := &ReportUpload{Deal: deal, Period: p, Rows: checked.Rows, Chunks: header.Chunks, Aggregates: checked.Aggregates,
		LoansChecked: loansChecked, IgnoredColumns: checked.IgnoredColumns, Transactions: []string{}}
	first := 0
	if found && existing.Status == schema.ReportOpen {
		// An earlier upload stopped half-way: resume if it is this file.
		was, err := canon.Marshal(existing.Header)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(was, headerJSON) {
			return nil, errs.New(errs.Conflict, "deal %s period %d: report attempt %d is open with other totals (%d of %d chunks in); withdraw it, or upload the file it came from to resume",
				deal, p, existing.Attempt, existing.ChunksReceived, existing.Header.Chunks)
		}
		first = existing.ChunksReceived
	} else {
		res, err := w.Ledger.Submit(ledger.Tx{Fn: "Servicing:SubmitReport", Args: []string{deal, string(headerJSON)}}, "")
		if err != nil {
			return nil, err
		}
		out.Transactions = append(out.Transactions, res.TxID)
	}
	out.ResumedAt = first
	if sized {
		return w.reportInFlight(req, pool.ID, p, size, expected, out)
	}

	// Pass 2: the chunks, each committed before the next.
	var tree merkle.Builder
	submitted := 0
	err = ReportChunks(req.File.Open, req.File.Format, expected, size, 0, func(ch loantape.ReportChunk) error {
		for _, row := range ch.Rows {
			tree.Add(merkle.LeafHash(row.Canonical()))
		}
		if ch.Index >= first {
			chunk, err := canon.Marshal(ch)
			if err != nil {
				return err
			}
			res, err := w.submitChunk(ledger.Tx{Fn: "Servicing:AddReportRows", Args: []string{deal, strconv.Itoa(p)},
				Transient: map[string][]byte{"chunk": chunk}})
			if err != nil {
				return chunkFailed{index: ch.Index, err: err}
			}
			submitted++
			out.Transactions = append(out.Transactions, res.TxID)
		}
		return w.Book.Update(func(b store.Writer) error { return b.PutReportRows(pool.ID, p, ch.Rows) })
	})
	if err != nil {
		return nil, passError(first, submitted, err)
	}
	return w.finishReport(deal, pool.ID, p, tree.Root(), out)
}

// finishReport reads the report back once its chunks are in, requires the
// ledger's root to be the gateway's, and closes the loan book's period.
func (w Workflow) finishReport(deal, poolID string, p int, root [merkle.Size]byte, out *ReportUpload) (*ReportUpload, error) {
	final, found, err := w.Ledger.Report(deal, p)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, &ledger.Error{Kind: ledger.KindPeer, Message: "deal " + deal + " period " + strconv.Itoa(p) + ": the report is not on the ledger after its chunks committed"}
	}
	out.Attempt, out.Status, out.MerkleRoot = final.Attempt, final.Status, final.MerkleRoot
	if root := merkle.Hex(root); final.Status == schema.ReportComplete && root != final.MerkleRoot {
		return nil, errs.New(errs.Internal, "deal %s period %d: the ledger's Merkle root %s differs from the gateway's %s", deal, p, final.MerkleRoot, root)
	}
	if final.Status == schema.ReportComplete {
		err = w.Book.Update(func(b store.Writer) error { return b.FinishReport(poolID, p, final.MerkleRoot) })
	}
	return out, err
}

// checkReport is the first pass. When the loan book provably matches the
// ledger (same tape root, same root of the previous report) each row's
// loan and beginning balance are checked against it, in one read
// transaction; otherwise the chaincode checks them chunk by chunk.
func (w Workflow) checkReport(req ReportRequest, pool schema.Pool, period int, expected loantape.Period) (CheckedReport, bool, error) {
	previousRoot := ""
	if period > 1 {
		prev, found, err := w.Ledger.Report(req.Deal, period-1)
		if err != nil {
			return CheckedReport{}, false, err
		}
		if found {
			previousRoot = prev.MerkleRoot
		}
	}
	var (
		checked   CheckedReport
		synced    bool
		checkErr  error
		lookupErr error
	)
	err := w.Book.View(func(book store.Reader) error {
		var err error
		if synced, err = book.Synced(pool.ID, period, pool.MerkleRoot, previousRoot); err != nil {
			return err
		}
		rules := ReportRules{Period: expected, Control: req.Control, Class: assetclass.Class(pool.AssetClass)}
		if synced {
			rules.Lookup = func(asset string) (loantape.PriorLoan, bool) {
				prior, ok, err := book.Prior(pool.ID, period, asset)
				if err != nil && lookupErr == nil {
					lookupErr = err
				}
				return prior, ok
			}
		}
		checked, checkErr = CheckReport(req.File.Open, req.File.Format, rules)
		return lookupErr // the loan book could not be read: its verdicts are not to be trusted
	})
	if err != nil {
		return CheckedReport{}, false, err
	}
	return checked, synced, checkErr
}
