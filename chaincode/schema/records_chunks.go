package schema

import (
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Chunks that go onto the ledger concurrently (issue 17). A loan tape or
// servicer report cut into chunks of a power-of-two size needs no running
// state between its chunks: each chunk's transaction writes its own public
// record (its index, size, sums and Merkle subtree root) and touches no
// key another chunk writes, so several can be endorsed and ordered at
// once. The final step (Pool:Seal, Servicing:CompleteReport) reads every
// chunk record, checks each index from 0 is there exactly once with the
// declared size, and combines the sums and subtree roots
// (merkle.RootOfChunks) without reading a loan.

// Composite-key object types of chunk records.
const (
	// TypePoolTapeChunk: pooltapechunk~<poolID>~<chunk, 8 digits>, public:
	// TapeChunk. Key-level policy trustee AND the pool's servicer, like
	// the progress record it replaces for such tapes.
	TypePoolTapeChunk = "pooltapechunk"
	// TypeReportChunkSum: reportchunksum~<dealID>~<period>~<attempt>~<chunk>,
	// public: ReportChunkSum. Key-level policy trustee AND servicer.
	TypeReportChunkSum = "reportchunksum"
)

// TapeChunk is the public record of one chunk of a loan tape added
// concurrently: only hashes and sums.
type TapeChunk struct {
	Pool  string `json:"pool"`
	Chunk int    `json:"chunk"`
	// ChunkSize is the tape's chunk size (a power of two): the chunk's
	// first loan is leaf Chunk × ChunkSize. Every chunk but the last holds
	// exactly ChunkSize loans; Seal checks it.
	ChunkSize  int                     `json:"chunkSize"`
	Loans      int                     `json:"loans"`
	Aggregates loantape.TapeAggregates `json:"aggregates"`
	// Root is the Merkle root of the chunk's leaves, a subtree of the
	// pool's tree.
	Root string `json:"root"`
}

// TapeChunkSummary is what Pool:Get tells of a chunk already on the
// ledger, so that an upload resumes by skipping exactly the chunks whose
// root is already there.
type TapeChunkSummary struct {
	Chunk   int          `json:"chunk"`
	Loans   int          `json:"loans"`
	Balance money.Amount `json:"balance"`
	Root    string       `json:"root"`
}

// ReportChunkSum is the public record of one chunk of a servicer report
// whose header declares a chunk size (ReportHeader.ChunkSize).
type ReportChunkSum struct {
	Index     int                       `json:"index"`
	Rows      int                       `json:"rows"`
	Aggregate loantape.ReportAggregates `json:"aggregate"`
	Root      string                    `json:"root"`
	Tx        string                    `json:"tx"`
}
