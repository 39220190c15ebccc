package schema

import (
	"github.com/tranchenet/tranchenet/chaincode/core/lease"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/mortgage"
)

// TapeProgress is a loan tape being built: public, so that Seal (endorsed
// by a majority, which need not hold the loan tape) can publish the root
// and aggregates without reading a loan. It holds only hashes and sums.
type TapeProgress struct {
	Pool string `json:"pool"`
	// NextChunk is the number the next AddLoans must carry: chunks are
	// numbered 0, 1, 2... so a retried chunk is refused, never added twice.
	NextChunk int `json:"nextChunk"`
	// Builder holds the Merkle tree's peaks over every loan added so far,
	// in the order added (merkle.Builder's persistent form).
	Builder merkle.BuilderState `json:"builder"`
	// Aggregates are the running sums of the loans added so far.
	Aggregates loantape.TapeAggregates `json:"aggregates"`
}

// TapeLoan is one loan in the loanTape collection with its position in
// the pool's Merkle tree.
type TapeLoan struct {
	Index int           `json:"index"` // leaf index, 0-based, in the order loans were added
	Chunk int           `json:"chunk"`
	Loan  loantape.Loan `json:"loan"`
	// Mortgage is the Schedule AL row of a mortgage pool's loan: the
	// record its Merkle leaf commits to; Loan is then its projection.
	Mortgage *mortgage.ALRow `json:"mortgage,omitempty"`
	// Lease is the lease row of a lease pool's lease: the record its
	// Merkle leaf commits to; Loan is then its projection.
	Lease *lease.Row `json:"lease,omitempty"`
}

// TapeLeaves are the leaf hashes (hex) of one chunk, in the loanTape
// collection: an inclusion proof needs every leaf of the pool, and reading
// them a chunk at a time costs one read per 500 loans instead of one per
// loan.
type TapeLeaves struct {
	FirstIndex int      `json:"firstIndex"`
	Leaves     []string `json:"leaves"`
}
