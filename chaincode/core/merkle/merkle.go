// Package merkle commits a list of records (the loans of a tape, the rows of
// a servicer report) to one 32-byte root that goes on the public ledger, and
// proves any single record against that root without revealing the others.
//
// The tree is the Merkle Tree Hash of RFC 6962 §2.1 (RFC 9162 §2.1.1), so
// certificate-transparency tooling in any language verifies our proofs:
//
//	leaf hash   = SHA-256(0x00 || record bytes)
//	node hash   = SHA-256(0x01 || left || right)
//	empty tree  = SHA-256("")
//
// A tree of n > 1 leaves splits into a left subtree holding the largest
// power of two smaller than n and a right subtree holding the rest. Built
// bottom-up this is the same as pairing neighbours level by level and
// promoting an odd last node unchanged to the next level; no node is ever
// duplicated, so a list and the list with its last record repeated have
// different roots. The 0x00/0x01 prefixes keep a leaf from passing as an
// inner node (second-preimage attacks).
//
// Root hashes a whole list at once, Builder hashes a stream in O(log n)
// memory and can be persisted between transactions, Proof and Verify make
// and check inclusion proofs (RFC 9162 §2.1.3).
package merkle

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Size of a hash in bytes.
const Size = sha256.Size

const (
	leafPrefix = 0x00
	nodePrefix = 0x01
)

// EmptyRoot is the root of a tree with no leaves: SHA-256 of the empty string.
var EmptyRoot = sha256.Sum256(nil)

// LeafHash returns the hash of one record as a leaf of the tree. Records
// must be in a canonical byte form (see package canon) so that anyone
// holding the record recomputes the same leaf.
func LeafHash(data []byte) [Size]byte {
	buf := make([]byte, 1+len(data))
	buf[0] = leafPrefix
	copy(buf[1:], data)
	return sha256.Sum256(buf)
}

// nodeHash returns SHA-256(0x01 || l || r) without allocating.
func nodeHash(l, r [Size]byte) [Size]byte {
	var buf [1 + 2*Size]byte
	buf[0] = nodePrefix
	copy(buf[1:], l[:])
	copy(buf[1+Size:], r[:])
	return sha256.Sum256(buf[:])
}

// Root returns the root of the tree over leaves (leaf hashes, in order).
// It uses O(log n) memory beyond the input.
func Root(leaves [][Size]byte) [Size]byte {
	var b Builder
	for _, l := range leaves {
		b.Add(l)
	}
	return b.Root()
}

// Hex returns h as lower-case hex, the form roots and proofs take in JSON.
func Hex(h [Size]byte) string { return hex.EncodeToString(h[:]) }

// ParseHash reads a hash written by Hex (either case).
func ParseHash(s string) ([Size]byte, error) {
	var h [Size]byte
	if len(s) != 2*Size {
		return h, fmt.Errorf("merkle: hash %q: want %d hex digits, got %d", s, 2*Size, len(s))
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, fmt.Errorf("merkle: hash %q: %v", s, err)
	}
	return h, nil
}
