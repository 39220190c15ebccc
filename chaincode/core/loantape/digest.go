package loantape

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/bits"
)

// Digest fingerprints a set of records independently of their order: it
// is the sum, modulo 2^256, of the SHA-256 of each record's canonical
// bytes. Summing (rather than chaining) is what lets chunk aggregates add
// up to the aggregate of the whole file whatever the chunking, and a
// repeated record still changes the sum (nothing cancels as with XOR).
//
// It is a checksum for reconciliation, not a commitment: an adversary able
// to choose many records could search for a colliding set. The
// cryptographic commitment to a report is the Merkle root the chaincode
// builds over the same canonical bytes.
type Digest [32]byte

// DigestOf returns the digest of a single record's canonical bytes.
func DigestOf(canonical []byte) Digest { return sha256.Sum256(canonical) }

// Add returns d + o modulo 2^256 (both read as big-endian integers).
func (d Digest) Add(o Digest) Digest {
	var out Digest
	var carry uint64
	for i := 24; i >= 0; i -= 8 {
		s, c := bits.Add64(binary.BigEndian.Uint64(d[i:]), binary.BigEndian.Uint64(o[i:]), carry)
		binary.BigEndian.PutUint64(out[i:], s)
		carry = c
	}
	return out
}

// IsZero reports whether d is the digest of no records.
func (d Digest) IsZero() bool { return d == Digest{} }

// String returns the digest in lower-case hex.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// MarshalText writes lower-case hex; JSON uses it.
func (d Digest) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads 64 hex digits.
func (d *Digest) UnmarshalText(b []byte) error {
	if len(b) != 2*len(d) {
		return fmt.Errorf("digest %q: want %d hex digits", b, 2*len(d))
	}
	if _, err := hex.Decode(d[:], b); err != nil {
		return fmt.Errorf("digest %q: %v", b, err)
	}
	return nil
}
