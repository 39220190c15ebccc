package merkle

import (
	"fmt"
	"math/bits"
)

// RootOfChunks returns the root of a tree whose leaves were hashed in
// chunks of chunkSize leaves each (the last may hold fewer), from the
// roots of those chunks alone. It is why chunks of a loan tape or servicer
// report can go onto the ledger in any order and concurrently: each
// transaction publishes its chunk's root, and the final step combines them
// without reading a leaf.
//
// It holds only when chunkSize is a power of two: RFC 6962 splits n leaves
// at the largest power of two below n, so for such a chunk size every
// split above a chunk falls on a chunk boundary and every full chunk is a
// perfect subtree; the chunk roots then combine exactly as leaves do
// (Root over them). For any other size it returns an error.
func RootOfChunks(chunkSize int, chunkRoots [][Size]byte) ([Size]byte, error) {
	if !IsChunkSize(chunkSize) {
		return [Size]byte{}, fmt.Errorf("merkle: chunks of %d leaves do not combine: the chunk size must be a power of two", chunkSize)
	}
	return Root(chunkRoots), nil
}

// IsChunkSize reports whether chunks of n leaves combine with RootOfChunks.
func IsChunkSize(n int) bool { return n > 0 && bits.OnesCount(uint(n)) == 1 }
