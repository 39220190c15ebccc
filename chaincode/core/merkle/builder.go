package merkle

import (
	"fmt"
	"math/bits"
)

// Builder computes the root of a stream of leaves in O(log n) memory, so
// that the chaincode can seal a 100,000-loan tape chunk by chunk across
// transactions: add a chunk, save State, and in the next transaction
// Restore and go on. Its root equals Root over the same leaves.
//
// It keeps the roots of the perfect subtrees that the leaves so far fill
// completely ("peaks"): one per set bit of the leaf count, largest first.
// Adding a leaf merges equal-sized peaks like carrying in binary addition.
//
// The zero Builder is an empty tree, ready to use.
type Builder struct {
	size  int
	peaks [][Size]byte
}

// BuilderState is the persistent form of a Builder, JSON-friendly:
// {"size": 5, "peaks": ["ab12…", "cd34…"]}. It holds one peak per set bit
// of size, largest subtree first, as lower-case hex.
type BuilderState struct {
	Size  int      `json:"size"`
	Peaks []string `json:"peaks"`
}

// Add appends one leaf hash (see LeafHash).
func (b *Builder) Add(leaf [Size]byte) {
	h := leaf
	// Every trailing 1 bit of size is a peak of the size of the subtree
	// being built: merge it into the new one.
	for s := b.size; s&1 == 1; s >>= 1 {
		last := len(b.peaks) - 1
		h = nodeHash(b.peaks[last], h)
		b.peaks = b.peaks[:last]
	}
	b.peaks = append(b.peaks, h)
	b.size++
}

// Size returns the number of leaves added so far; the next leaf gets this index.
func (b *Builder) Size() int { return b.size }

// Root returns the root of the tree over the leaves added so far. The
// Builder can go on taking leaves afterwards.
func (b *Builder) Root() [Size]byte {
	if len(b.peaks) == 0 {
		return EmptyRoot
	}
	// The right-most peaks form the right-most subtree: fold right to left.
	h := b.peaks[len(b.peaks)-1]
	for i := len(b.peaks) - 2; i >= 0; i-- {
		h = nodeHash(b.peaks[i], h)
	}
	return h
}

// State returns the Builder's persistent form.
func (b *Builder) State() BuilderState {
	s := BuilderState{Size: b.size, Peaks: make([]string, len(b.peaks))}
	for i, p := range b.peaks {
		s.Peaks[i] = Hex(p)
	}
	return s
}

// Restore returns a Builder continuing from s. It checks that s is
// consistent (one well-formed peak per set bit of the size), since s comes
// back from the ledger.
func Restore(s BuilderState) (*Builder, error) {
	if s.Size < 0 {
		return nil, fmt.Errorf("merkle: builder state size %d is negative", s.Size)
	}
	if want := bits.OnesCount64(uint64(s.Size)); len(s.Peaks) != want {
		return nil, fmt.Errorf("merkle: builder state of size %d needs %d peaks, has %d", s.Size, want, len(s.Peaks))
	}
	b := &Builder{size: s.Size, peaks: make([][Size]byte, len(s.Peaks))}
	for i, p := range s.Peaks {
		h, err := ParseHash(p)
		if err != nil {
			return nil, fmt.Errorf("merkle: builder state peak %d: %w", i, err)
		}
		b.peaks[i] = h
	}
	return b, nil
}
