package merkle

import (
	"errors"
	"fmt"
)

// Proof shows that the leaf at Index is part of a tree of Size leaves: Path
// holds the sibling hashes from the leaf up to the root, lower-case hex
// (the RFC 9162 inclusion path). It travels as JSON:
//
//	{"index": 3, "size": 10, "path": ["9f1c…", "03ab…", "77e0…"]}
type Proof struct {
	Index int      `json:"index"`
	Size  int      `json:"size"`
	Path  []string `json:"path"`
}

// ErrInvalidProof is wrapped by every error Verify returns.
var ErrInvalidProof = errors.New("merkle: invalid inclusion proof")

// Prove returns the inclusion proof of leaves[index] in the tree over
// leaves. It takes O(n) time and one copy of the leaf list.
func Prove(leaves [][Size]byte, index int) (Proof, error) {
	if index < 0 || index >= len(leaves) {
		return Proof{}, fmt.Errorf("merkle: leaf index %d out of range for %d leaves", index, len(leaves))
	}
	p := Proof{Index: index, Size: len(leaves), Path: []string{}}
	level := append([][Size]byte(nil), leaves...)
	for i := index; len(level) > 1; i /= 2 {
		// A node's sibling is its neighbour in the pair; the odd last node
		// of a level has none and is promoted unchanged.
		if sibling := i ^ 1; sibling < len(level) {
			p.Path = append(p.Path, Hex(level[sibling]))
		}
		n := len(level)
		for j := 0; j+1 < n; j += 2 {
			level[j/2] = nodeHash(level[j], level[j+1])
		}
		if n%2 == 1 {
			level[n/2] = level[n-1]
		}
		level = level[:(n+1)/2]
	}
	return p, nil
}

// Verify checks that leaf (a LeafHash) is at p.Index in the tree of p.Size
// leaves whose root is root, following RFC 9162 §2.1.3.2. It returns nil if
// so, and otherwise an error wrapping ErrInvalidProof that says why.
//
// Root and size are one commitment: take both from the ledger and check
// p.Size against the committed size before calling Verify. A proof whose
// Size was altered is refused in general, but not in every case (the path
// of leaf 0 of a 3-leaf tree also fits a 4-leaf tree), as in RFC 9162,
// where the size comes from the signed tree head and never from the proof.
func Verify(root, leaf [Size]byte, p Proof) error {
	if p.Size <= 0 || p.Index < 0 || p.Index >= p.Size {
		return fmt.Errorf("%w: index %d out of range for size %d", ErrInvalidProof, p.Index, p.Size)
	}
	fn, sn := p.Index, p.Size-1
	r := leaf
	for k, s := range p.Path {
		if sn == 0 {
			return fmt.Errorf("%w: path has %d hashes, more than a tree of %d leaves needs at index %d", ErrInvalidProof, len(p.Path), p.Size, p.Index)
		}
		h, err := ParseHash(s)
		if err != nil {
			return fmt.Errorf("%w: path[%d]: %v", ErrInvalidProof, k, err)
		}
		if fn&1 == 1 || fn == sn {
			r = nodeHash(h, r)
			// A right-most node without a sibling rises unchanged: skip levels.
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = nodeHash(r, h)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return fmt.Errorf("%w: path has %d hashes, fewer than a tree of %d leaves needs at index %d", ErrInvalidProof, len(p.Path), p.Size, p.Index)
	}
	if r != root {
		return fmt.Errorf("%w: computed root %s, want %s", ErrInvalidProof, Hex(r), Hex(root))
	}
	return nil
}
