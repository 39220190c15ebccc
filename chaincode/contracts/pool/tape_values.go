package pool

import (
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// A tape added in chunks of a declared size keeps each chunk as three
// private values (schema/records_tape_values.go says why): its loans, its
// leaves and its index. Nothing is keyed by asset number, so a chunk
// reads nothing at all from the collection, and a loan in two chunks is
// caught by CheckTape before Seal.

// putChunkValues writes a chunk's loans, leaves and index, the first loan
// at leaf index first, and returns the leaves. Asset numbers twice in
// the chunk were refused by the tape's validator.
func putChunkValues(ctx *txn.Context, poolID string, chunk, first int, entries []tapeEntry) ([][merkle.Size]byte, error) {
	loans := schema.TapeLoanChunk{FirstIndex: first, Loans: make([]schema.TapeLoan, len(entries))}
	leaves := schema.TapeLeaves{FirstIndex: first, Leaves: make([]string, len(entries))}
	index := schema.TapeIndex{FirstIndex: first, Assets: make([]string, len(entries)), Balances: make([]money.Amount, len(entries))}
	hashes := make([][merkle.Size]byte, len(entries))
	for i, e := range entries {
		hashes[i] = merkle.LeafHash(e.canonical())
		leaves.Leaves[i] = merkle.Hex(hashes[i])
		loans.Loans[i] = schema.TapeLoan{Index: first + i, Chunk: chunk, Loan: e.Loan, Mortgage: e.Mortgage, Lease: e.Lease}
		index.Assets[i], index.Balances[i] = e.Loan.AssetNumber, e.Loan.ReportingPeriodActualEndBalanceAmount
	}
	no := schema.ChunkNo(chunk)
	err := ctx.Batched(func() error {
		for _, w := range []struct {
			typ string
			v   any
		}{{schema.TypeLoanChunk, loans}, {schema.TypeLoanLeaves, leaves}, {schema.TypeLoanIndex, index}} {
			if err := ctx.PutPrivate(roles.LoanTapeCollection, ctx.MustKey(w.typ, poolID, no), w.v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return hashes, nil
}

// readIndex reads one chunk's index and checks it against the chunk's
// public record.
func readIndex(ctx *txn.Context, poolID string, c schema.TapeChunk) (schema.TapeIndex, error) {
	var ix schema.TapeIndex
	found, err := ctx.GetPrivate(roles.LoanTapeCollection, ctx.MustKey(schema.TypeLoanIndex, poolID, schema.ChunkNo(c.Chunk)), &ix)
	switch {
	case err != nil:
		return ix, err
	case !found, ix.FirstIndex != c.Chunk*c.ChunkSize, len(ix.Assets) != c.Loans, len(ix.Balances) != c.Loans:
		return ix, errs.New(errs.Internal, "pool %s: the index of chunk %d is missing or does not match the chunk's record", poolID, c.Chunk)
	}
	return ix, nil
}

// CheckTape checks that no asset number is in two chunks of a tape added
// in chunks of a declared size, and records the check that Seal requires
// (a servicer of the pool's servicer organisation, or an arranger). It
// reads every chunk's index in the loanTape collection, so the trustee's
// and the servicer's peers endorse it; the record it writes is kept by
// them. Checking a tape again after more chunks came is allowed; checking
// the same chunks twice is ALREADY_EXISTS. A tape that fails cannot be
// sealed: its chunks cannot change, so the pool is abandoned and the tape
// added to a new one (the gateway refuses such a file before sending any
// chunk).
func (c *Contract) CheckTape(ctx *txn.Context, poolID string) error {
	p, _, err := openPoolFor(ctx, poolID, "check its tape")
	if err != nil {
		return err
	}
	chunks, err := readChunks(ctx, poolID)
	if err != nil {
		return err
	}
	if len(chunks) == 0 {
		return errs.New(errs.WrongState, "pool %s has no chunks of a declared size to check (a tape added in order is checked as each chunk goes in)", poolID)
	}
	_, count, root, err := tapeOfChunks(poolID, chunks)
	if err != nil {
		return err
	}
	check := schema.TapeCheck{Pool: poolID, Chunks: len(chunks), ChunkSize: chunks[0].ChunkSize, Loans: count, Root: merkle.Hex(root), Tx: ctx.TxID()}
	key := ctx.MustKey(schema.TypePoolTapeCheck, poolID)
	var prior schema.TapeCheck
	if found, err := ctx.Get(key, &prior); err != nil {
		return err
	} else if found && prior.Root == check.Root && prior.Loans == check.Loans {
		return errs.New(errs.AlreadyExists, "pool %s: its %d loans in %d chunks were checked in transaction %s", poolID, prior.Loans, prior.Chunks, prior.Tx)
	}
	where := make(map[string]int, count) // asset number → leaf index
	for _, ch := range chunks {
		ix, err := readIndex(ctx, poolID, ch)
		if err != nil {
			return err
		}
		for i, asset := range ix.Assets {
			leaf := ix.FirstIndex + i
			if before, dup := where[asset]; dup {
				return errs.New(errs.AlreadyExists, "pool %s: loan %s is in chunk %d (loans[%d]) and again in chunk %d (loans[%d]): "+
					"this tape cannot be sealed; add the corrected tape to a new pool",
					poolID, asset, before/ch.ChunkSize, before%ch.ChunkSize, ch.Chunk, i)
			}
			where[asset] = leaf
		}
	}
	if err := putTapeRecord(ctx, key, p.Servicer, check); err != nil {
		return err
	}
	return ctx.Emit("TapeChecked", tapeCheckedEvent{Pool: poolID, Chunks: check.Chunks, Loans: check.Loans, MerkleRoot: check.Root})
}

// requireChecked refuses to seal a tape of declared-size chunks unless
// CheckTape passed on exactly these chunks.
func requireChecked(ctx *txn.Context, poolID string, chunks, loans int, root [merkle.Size]byte) error {
	var check schema.TapeCheck
	found, err := ctx.Get(ctx.MustKey(schema.TypePoolTapeCheck, poolID), &check)
	switch {
	case err != nil:
		return err
	case !found:
		return errs.New(errs.WrongState, "pool %s: its %d chunks have not been checked for a loan in two chunks: Pool:CheckTape first", poolID, chunks)
	case check.Loans != loans || check.Chunks != chunks || check.Root != merkle.Hex(root):
		return errs.New(errs.WrongState, "pool %s: the check covered %d loans in %d chunks, the tape now holds %d in %d: Pool:CheckTape again",
			poolID, check.Loans, check.Chunks, loans, chunks)
	}
	return nil
}

// findLoan finds a loan of a tape kept a chunk to a value: through the
// chunks' indexes in order, then the one chunk that holds it.
func findLoan(ctx *txn.Context, p schema.Pool, asset string) (schema.TapeLoan, bool, error) {
	chunks, err := readChunks(ctx, p.ID)
	if err != nil {
		return schema.TapeLoan{}, false, err
	}
	for _, ch := range chunks {
		ix, err := readIndex(ctx, p.ID, ch)
		if err != nil {
			return schema.TapeLoan{}, false, err
		}
		for i, a := range ix.Assets {
			if a != asset {
				continue
			}
			var loans schema.TapeLoanChunk
			found, err := ctx.GetPrivate(roles.LoanTapeCollection, ctx.MustKey(schema.TypeLoanChunk, p.ID, schema.ChunkNo(ch.Chunk)), &loans)
			if err != nil {
				return schema.TapeLoan{}, false, err
			}
			if !found || len(loans.Loans) != len(ix.Assets) || loans.Loans[i].Loan.AssetNumber != asset {
				return schema.TapeLoan{}, false, errs.New(errs.Internal, "pool %s: chunk %d's loans do not match its index", p.ID, ch.Chunk)
			}
			return loans.Loans[i], true, nil
		}
	}
	return schema.TapeLoan{}, false, nil
}
