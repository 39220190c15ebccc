package upload

import (
	"fmt"
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// TapeRequest is a loan tape to add to an open pool.
type TapeRequest struct {
	Pool string
	File File
	// ChunkSize is loans per Pool:AddLoans, 1 to MaxTapeChunk (0:
	// DefaultTapeChunk). A power of two sends chunks concurrently.
	ChunkSize int
	Control   TapeControl
}

// TapeUpload is what a loan tape upload did.
type TapeUpload struct {
	Pool  string `json:"pool"`
	Loans int    `json:"loans" doc:"loans in the file"`
	// Chunks is how many Pool:AddLoans transactions hold the tape;
	// ResumedAt is the first one this upload submitted (0 unless an
	// earlier upload of the same file stopped half-way).
	Chunks         int                     `json:"chunks"`
	ResumedAt      int                     `json:"resumedAt"`
	Balance        money.Amount            `json:"balance" doc:"the cut-off balance of the tape"`
	MerkleRoot     string                  `json:"merkleRoot" doc:"the root the pool will publish when sealed, computed by the gateway"`
	Aggregates     loantape.TapeAggregates `json:"aggregates"`
	IgnoredColumns []string                `json:"ignoredColumns,omitempty" doc:"CSV columns that name no modelled EX-102 element"`
	Transactions   []string                `json:"transactions" doc:"transaction IDs of the chunks submitted, in order"`
	CheckTx        string                  `json:"checkTx,omitempty" doc:"the Pool:CheckTape transaction that found no loan in two chunks (chunks of a power-of-two size; absent when an earlier upload of the file checked it)"`
}

// Tape checks a loan tape whole against the pool's cut-off date and the
// control totals, then adds it to the pool in chunks. Errors: *Refused
// for a bad file (nothing submitted), *ChunkError for a chunk that
// failed, an *errs.Error for a pool that is sealed or holds other loans,
// or the ledger's error.
func (w Workflow) Tape(req TapeRequest) (*TapeUpload, error) {
	size := req.ChunkSize
	if size <= 0 {
		size = DefaultTapeChunk
	}
	pool, progress, err := w.Ledger.Pool(req.Pool)
	if err != nil {
		return nil, err
	}
	if pool.Status != schema.PoolOpen {
		return nil, errs.New(errs.WrongState, "pool %s is sealed (root %s): its loan tape can no longer change", req.Pool, pool.MerkleRoot)
	}
	cutoff, err := loantape.ParseDate(pool.CutoffDate)
	if err != nil {
		return nil, fmt.Errorf("pool %s cut-off date %q: %w", req.Pool, pool.CutoffDate, err)
	}
	// Chunks go in concurrently when their size lets the chaincode combine
	// their roots, unless the pool already holds chunks added in order.
	concurrent := merkle.IsChunkSize(size) && (progress.NextChunk == 0 || len(progress.Chunks) > 0)
	if isMortgage(pool) {
		// Schedule AL tapes still go in order (their chunks are not sized yet).
		return w.mortgageTape(req, min(size, MaxOrderedTapeChunk), progress, cutoff)
	}
	if !concurrent && size > MaxOrderedTapeChunk {
		return nil, errs.Field("chunkSize", "chunks of %d loans go in order (the size is not a power of two, or the pool's first chunks went in order), and those hold at most %d", size, MaxOrderedTapeChunk)
	}
	if isLeases(pool) {
		return w.leaseTape(req, pool, size, progress, cutoff)
	}
	open, format := req.File.Open, req.File.Format
	checked, err := CheckTape(open, format, TapeRules{Cutoff: cutoff, Control: req.Control})
	if err != nil {
		return nil, err
	}

	out := &TapeUpload{Pool: req.Pool, Loans: checked.Loans, Chunks: Chunks(checked.Loans, size), ResumedAt: progress.NextChunk,
		Balance: checked.Aggregates.Balance, Aggregates: checked.Aggregates, IgnoredColumns: checked.IgnoredColumns, Transactions: []string{}}
	if concurrent {
		return w.tapeInFlight(req, size, progress, checked, out)
	}
	var (
		tree      merkle.Builder
		before    money.Amount // balance of the chunks already on the ledger
		beforeN   int
		submitted int
	)
	record := func(loans []loantape.Loan) error {
		return w.Book.Update(func(b store.Writer) error { return b.PutTapeLoans(req.Pool, loans) })
	}
	next := progress.NextChunk
	err = TapeChunks(open, format, size, 0, func(ch loantape.TapeChunk) error {
		for _, l := range ch.Loans {
			tree.Add(merkle.LeafHash(l.Canonical()))
		}
		if ch.Index < next {
			before, beforeN = before+ch.Aggregates.Balance, beforeN+len(ch.Loans)
			return record(ch.Loans)
		}
		if ch.Index == next && ch.Index > 0 && (beforeN != progress.LoansAdded || before != progress.BalanceSoFar) {
			return errs.New(errs.Conflict, "pool %s already holds %d loans (%s) in %d chunks, but the first %d chunks of %d loans of this file hold %d (%s): "+
				"this is not the file whose upload stopped half-way", req.Pool, progress.LoansAdded, progress.BalanceSoFar, next, next, size, beforeN, before)
		}
		loans, err := canon.Marshal(ch.Loans)
		if err != nil {
			return err
		}
		res, err := w.submitChunk(ledger.Tx{Fn: "Pool:AddLoans", Args: []string{req.Pool, strconv.Itoa(ch.Index)},
			Transient: map[string][]byte{"loans": loans}})
		if err != nil {
			return chunkFailed{index: ch.Index, err: err}
		}
		submitted++
		out.Transactions = append(out.Transactions, res.TxID)
		return record(ch.Loans)
	})
	if err != nil {
		return nil, passError(next, submitted, err)
	}
	if out.Chunks <= next && (beforeN != progress.LoansAdded || before != progress.BalanceSoFar) {
		// Every chunk of the file was already on the ledger, or the pool
		// holds more: the same check as for a resumption.
		return nil, errs.New(errs.Conflict, "pool %s already holds %d loans (%s) in %d chunks; this file's %d loans (%s) are not them",
			req.Pool, progress.LoansAdded, progress.BalanceSoFar, next, beforeN, before)
	}
	out.MerkleRoot = merkle.Hex(tree.Root())
	if err := w.Book.Update(func(b store.Writer) error { return b.FinishTape(req.Pool, out.MerkleRoot, checked.Loans) }); err != nil {
		return nil, err
	}
	return out, nil
}
