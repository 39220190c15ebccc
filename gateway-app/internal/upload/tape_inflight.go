package upload

import (
	"errors"
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// tapeInFlight is the submission pass of a tape whose chunks go in
// concurrently (a power-of-two size): each chunk already on the ledger is
// checked to be this file's (same loans, same root) and skipped, the
// others are submitted up to InFlight at once with the chunk size in
// their transient data. Once all have committed it reads the pool back,
// requires every chunk of the file in it, and nothing else, and has the
// chaincode check the tape (checkTape).
func (w Workflow) tapeInFlight(req TapeRequest, size int, progress TapeProgress, checked CheckedTape, out *TapeUpload) (*TapeUpload, error) {
	onLedger := make(map[int]schema.TapeChunkSummary, len(progress.Chunks))
	for _, c := range progress.Chunks {
		if c.Chunk >= out.Chunks {
			return nil, errs.New(errs.Conflict, "pool %s holds chunk %d, but this file makes %d chunks of %d loans: it is not the file whose upload stopped half-way", req.Pool, c.Chunk, out.Chunks, size)
		}
		onLedger[c.Chunk] = c
	}
	out.ResumedAt = 0
	for out.ResumedAt < out.Chunks {
		if _, in := onLedger[out.ResumedAt]; !in {
			break
		}
		out.ResumedAt++
	}
	record := func(loans []loantape.Loan) error {
		return w.Book.Update(func(b store.Writer) error { return b.PutTapeLoans(req.Pool, loans) })
	}
	var tree merkle.Builder
	fl := newFlight(w.InFlight)
	sizeField := []byte(strconv.Itoa(size))
	err := TapeChunks(req.File.Open, req.File.Format, size, 0, func(ch loantape.TapeChunk) error {
		leaves := make([][merkle.Size]byte, len(ch.Loans))
		for i, l := range ch.Loans {
			leaves[i] = merkle.LeafHash(l.Canonical())
			tree.Add(leaves[i])
		}
		if on, in := onLedger[ch.Index]; in {
			if root := merkle.Hex(merkle.Root(leaves)); on.Root != root || on.Loans != len(ch.Loans) {
				return errs.New(errs.Conflict, "pool %s holds a chunk %d of %d loans (root %s), but this file's chunk %d is %d loans (root %s): it is not the file whose upload stopped half-way",
					req.Pool, ch.Index, on.Loans, on.Root, ch.Index, len(ch.Loans), root)
			}
			return record(ch.Loans)
		}
		body, err := canon.Marshal(ch.Loans)
		if err != nil {
			return err
		}
		tx := ledger.Tx{Fn: "Pool:AddLoans", Args: []string{req.Pool, strconv.Itoa(ch.Index)},
			Transient: map[string][]byte{"loans": body, "chunkSize": sizeField}}
		return fl.submit(ch.Index, func() (string, error) {
			res, err := w.submitChunk(tx)
			if err != nil {
				return "", err
			}
			return res.TxID, record(ch.Loans)
		})
	})
	failed := fl.wait()
	out.Transactions = fl.transactions(out.Chunks)
	if failed != nil && (err == nil || err == errStopped) {
		err = failed
	}
	if err != nil {
		if cf, ok := err.(chunkFailed); ok {
			return nil, &ChunkError{Index: cf.index, Committed: len(onLedger) + fl.submitted, Err: cf.err}
		}
		return nil, err
	}
	// Every chunk committed: the pool must now hold this file exactly.
	_, now, err := w.Ledger.Pool(req.Pool)
	if err != nil {
		return nil, err
	}
	if now.NextChunk != out.Chunks || len(now.Chunks) != out.Chunks || now.LoansAdded != checked.Loans || now.BalanceSoFar != checked.Aggregates.Balance {
		return nil, errs.New(errs.Conflict, "pool %s holds %d chunks (%d in a row from 0) of %d loans (%s) after the upload, but the file makes %d chunks of %d loans (%s)",
			req.Pool, len(now.Chunks), now.NextChunk, now.LoansAdded, now.BalanceSoFar, out.Chunks, checked.Loans, checked.Aggregates.Balance)
	}
	if out.CheckTx, err = w.checkTape(req.Pool); err != nil {
		return nil, err
	}
	out.MerkleRoot = merkle.Hex(tree.Root())
	if err := w.Book.Update(func(b store.Writer) error { return b.FinishTape(req.Pool, out.MerkleRoot, checked.Loans) }); err != nil {
		return nil, err
	}
	return out, nil
}

// checkTape submits Pool:CheckTape, which Seal requires of a tape in
// chunks of a declared size: such chunks are kept a value each, with no
// key a loan, so only a check over every chunk's index finds a loan in
// two chunks (this file passed the same check here before any chunk was
// sent). A check already on the ledger for these chunks (a resumed
// upload) is as good as a new one.
func (w Workflow) checkTape(pool string) (string, error) {
	res, err := w.submitChunk(ledger.Tx{Fn: "Pool:CheckTape", Args: []string{pool}})
	var le *ledger.Error
	if errors.As(err, &le) && le.Code == errs.AlreadyExists {
		return "", nil
	}
	return res.TxID, err
}
