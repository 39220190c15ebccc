package pool

import (
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Loan tapes added concurrently (issue 17). When AddLoans' transient data
// carries "chunkSize" (a power of two), the chunk reads and writes nothing
// another chunk of the tape writes: not the running progress record, but
// its own public TapeChunk (sums and the Merkle root of its leaves), so
// the servicer's gateway can have several chunks endorsed and ordered at
// once. Its first loan is leaf chunk × chunkSize, and its loans are kept
// as one private value (tape_values.go). Seal then reads every chunk
// record, requires indices 0..n-1 each once with the same size and every
// chunk but the last full, requires CheckTape's record of those chunks,
// and combines the roots.

// TransientChunkSize is the optional transient field of AddLoans naming
// the tape's chunk size (decimal): present, the chunk goes in
// concurrently; absent, chunks go in order through the progress record.
const TransientChunkSize = "chunkSize"

// MaxConcurrentChunkLoans is the largest chunk size of a concurrent tape:
// the power of two next to MaxChunkLoans.
const MaxConcurrentChunkLoans = 1024

// chunkSizeOf reads the optional chunk size.
func chunkSizeOf(ctx *txn.Context) (int, bool, error) {
	tm, err := ctx.GetStub().GetTransient()
	if err != nil {
		return 0, false, errs.New(errs.Internal, "transient map: %v", err)
	}
	raw, ok := tm[TransientChunkSize]
	if !ok {
		return 0, false, nil
	}
	n, err := strconv.Atoi(string(raw))
	if err != nil || !merkle.IsChunkSize(n) || n > MaxConcurrentChunkLoans {
		return 0, false, errs.Field(TransientChunkSize, "must be a power of two from 1 to %d, got %q", MaxConcurrentChunkLoans, raw)
	}
	return n, true, nil
}

func chunkKey(ctx *txn.Context, poolID string, chunk int) string {
	return ctx.MustKey(schema.TypePoolTapeChunk, poolID, schema.ChunkNo(chunk))
}

// addChunk adds one chunk of a concurrent tape.
func addChunk(ctx *txn.Context, p schema.Pool, chunk, size int, progress schema.TapeProgress, entries []tapeEntry) error {
	if progress.NextChunk > 0 {
		return errs.Field(TransientChunkSize, "pool %s already holds %d chunks added in order: add the rest in order too (without chunkSize)", p.ID, progress.NextChunk)
	}
	if len(entries) > size {
		return errs.Field(TransientLoans, "%d loans in a chunk of size %d", len(entries), size)
	}
	if chunk > (1<<31-1)/size {
		return errs.Field("chunkNo", "chunk %d of %d loans is beyond any tape", chunk, size)
	}
	key := chunkKey(ctx, p.ID, chunk)
	var existing schema.TapeChunk
	if found, err := ctx.Get(key, &existing); err != nil {
		return err
	} else if found {
		return errs.New(errs.AlreadyExists, "pool %s: chunk %d was already added (%d loans, root %s)", p.ID, chunk, existing.Loans, existing.Root)
	}
	sums, err := checkEntries(p, entries)
	if err != nil {
		return err
	}
	leaves, err := putChunkValues(ctx, p.ID, chunk, chunk*size, entries)
	if err != nil {
		return err
	}
	rec := schema.TapeChunk{Pool: p.ID, Chunk: chunk, ChunkSize: size, Loans: len(entries), Aggregates: sums, Root: merkle.Hex(merkle.Root(leaves))}
	if err := putTapeRecord(ctx, key, p.Servicer, rec); err != nil {
		return err
	}
	return ctx.Emit("LoansAdded", loansAddedEvent{Pool: p.ID, Chunk: chunk, Loans: len(entries), LoansInPool: chunk*size + len(entries)})
}

// readChunks reads a concurrent tape's chunk records in index order (none
// for a tape added in order).
func readChunks(ctx *txn.Context, poolID string) ([]schema.TapeChunk, error) {
	var out []schema.TapeChunk
	err := ctx.Range(schema.TypePoolTapeChunk, []string{poolID}, func(key string, value []byte) error {
		var c schema.TapeChunk
		if err := canon.Unmarshal(value, &c); err != nil {
			return errs.New(errs.Internal, "%s: %v", key, err)
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// tapeOfChunks checks that a concurrent tape's chunks are all there, each
// once, and returns its size, aggregates and Merkle state as the progress
// record of a tape added in order would hold them.
func tapeOfChunks(poolID string, chunks []schema.TapeChunk) (loantape.TapeAggregates, int, [merkle.Size]byte, error) {
	var (
		agg   loantape.TapeAggregates
		n     int
		roots = make([][merkle.Size]byte, len(chunks))
	)
	size := chunks[0].ChunkSize
	for i, c := range chunks {
		switch {
		case c.Chunk != i:
			return agg, 0, merkle.EmptyRoot, errs.New(errs.WrongState, "pool %s: chunk %d is missing (chunk %d is on the ledger): add it before sealing", poolID, i, c.Chunk)
		case c.ChunkSize != size:
			return agg, 0, merkle.EmptyRoot, errs.New(errs.Internal, "pool %s: chunk %d has size %d, chunk 0 has %d", poolID, i, c.ChunkSize, size)
		case i < len(chunks)-1 && c.Loans != size:
			return agg, 0, merkle.EmptyRoot, errs.New(errs.WrongState, "pool %s: chunk %d holds %d loans but is not the last: every chunk but the last holds %d", poolID, i, c.Loans, size)
		}
		var err error
		if agg, err = agg.Add(c.Aggregates); err != nil {
			return agg, 0, merkle.EmptyRoot, errs.New(errs.Internal, "pool %s: chunk %d: %v", poolID, i, err)
		}
		if roots[i], err = merkle.ParseHash(c.Root); err != nil {
			return agg, 0, merkle.EmptyRoot, errs.New(errs.Internal, "pool %s: chunk %d root: %v", poolID, i, err)
		}
		n += c.Loans
	}
	root, err := merkle.RootOfChunks(size, roots)
	if err != nil {
		return agg, 0, merkle.EmptyRoot, errs.New(errs.Internal, "pool %s: %v", poolID, err)
	}
	return agg, n, root, nil
}

// summaries is what Pool:Get tells of a concurrent tape's chunks.
func summaries(chunks []schema.TapeChunk) (next int, loans int, sums []schema.TapeChunkSummary) {
	for _, c := range chunks {
		if c.Chunk == next {
			next++
		}
		loans += c.Loans
		sums = append(sums, schema.TapeChunkSummary{Chunk: c.Chunk, Loans: c.Loans, Balance: c.Aggregates.Balance, Root: c.Root})
	}
	return next, loans, sums
}
