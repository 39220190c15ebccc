package merkle

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand"
	"reflect"
	"testing"
)

// rfcLeaves is the test corpus of RFC 6962's reference implementation
// (certificate-transparency merkle_tree_test), with its published roots.
var rfcLeaves = []string{"", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"}

var rfcRoots = []string{
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}

func rfcLeafHashes(t testing.TB) [][Size]byte {
	out := make([][Size]byte, len(rfcLeaves))
	for i, s := range rfcLeaves {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = LeafHash(b)
	}
	return out
}

// refRoot is MTH from RFC 6962 §2.1, written straight from the definition.
func refRoot(leaves [][Size]byte) [Size]byte {
	switch n := len(leaves); n {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return leaves[0]
	default:
		k := 1
		for k*2 < n {
			k *= 2
		}
		return nodeHash(refRoot(leaves[:k]), refRoot(leaves[k:]))
	}
}

// refPath is PATH(m, D[n]) from RFC 6962 §2.1.1.
func refPath(m int, leaves [][Size]byte) []string {
	n := len(leaves)
	if n <= 1 {
		return []string{}
	}
	k := 1
	for k*2 < n {
		k *= 2
	}
	if m < k {
		return append(refPath(m, leaves[:k]), Hex(refRoot(leaves[k:])))
	}
	return append(refPath(m-k, leaves[k:]), Hex(refRoot(leaves[:k])))
}

func testLeaves(n int) [][Size]byte {
	out := make([][Size]byte, n)
	var buf [8]byte
	for i := range out {
		binary.BigEndian.PutUint64(buf[:], uint64(i)*2654435761)
		out[i] = LeafHash(buf[:])
	}
	return out
}

func TestRFC6962KnownRoots(t *testing.T) {
	leaves := rfcLeafHashes(t)
	for n := 0; n <= len(leaves); n++ {
		if got := Hex(Root(leaves[:n])); got != rfcRoots[n] {
			t.Errorf("Root of the first %d RFC leaves = %s, want %s", n, got, rfcRoots[n])
		}
	}
	if Root(nil) != EmptyRoot || Hex(EmptyRoot) != rfcRoots[0] {
		t.Error("empty tree must hash to SHA-256 of the empty string")
	}
}

func TestRFC6962KnownPath(t *testing.T) {
	// PATH(0, D[7]) as published with the RFC 6962 reference test data.
	want := []string{
		"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		"837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e",
	}
	p, err := Prove(rfcLeafHashes(t)[:7], 0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p.Path, want) {
		t.Fatalf("PATH(0, D[7]) = %v, want %v", p.Path, want)
	}
}

func TestRootMatchesDefinition(t *testing.T) {
	sizes := []int{}
	for n := 0; n <= 300; n++ {
		sizes = append(sizes, n)
	}
	sizes = append(sizes, 1023, 1024, 1025, 4097, 10007)
	for _, n := range sizes {
		leaves := testLeaves(n)
		if got, want := Root(leaves), refRoot(leaves); got != want {
			t.Fatalf("size %d: Root %s, RFC 6962 MTH %s", n, Hex(got), Hex(want))
		}
	}
}

func TestBuilderMatchesRoot(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 5, 8, 13, 64, 100, 255, 256, 257, 300, 4097, 100_000} {
		leaves := testLeaves(n)
		var b Builder
		for i, l := range leaves {
			if b.Size() != i {
				t.Fatalf("Size = %d before leaf %d", b.Size(), i)
			}
			b.Add(l)
			if n <= 300 {
				// Root may be asked mid-stream and must not disturb the builder.
				if got, want := b.Root(), refRoot(leaves[:i+1]); got != want {
					t.Fatalf("after %d leaves: builder root %s, want %s", i+1, Hex(got), Hex(want))
				}
			}
		}
		if got, want := b.Root(), Root(leaves); got != want {
			t.Fatalf("size %d: builder %s, Root %s", n, Hex(got), Hex(want))
		}
		if len(b.peaks) > 17 {
			t.Fatalf("size %d: builder keeps %d peaks, want O(log n)", n, len(b.peaks))
		}
	}
}

// TestBuilderSurvivesPersistence seals trees chunk by chunk, persisting the
// builder as JSON between chunks like the chaincode does between
// transactions.
func TestBuilderSurvivesPersistence(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for round := 0; round < 40; round++ {
		n := rng.Intn(2000)
		leaves := testLeaves(n)
		b := &Builder{}
		for i := 0; i < n; {
			chunk := 1 + rng.Intn(300)
			for j := 0; j < chunk && i < n; j++ {
				b.Add(leaves[i])
				i++
			}
			stored, err := json.Marshal(b.State())
			if err != nil {
				t.Fatal(err)
			}
			var s BuilderState
			if err := json.Unmarshal(stored, &s); err != nil {
				t.Fatal(err)
			}
			if b, err = Restore(s); err != nil {
				t.Fatalf("Restore(%s): %v", stored, err)
			}
		}
		if got, want := b.Root(), Root(leaves); got != want || b.Size() != n {
			t.Fatalf("round %d (n=%d): restored builder root %s size %d, want %s", round, n, Hex(got), b.Size(), Hex(want))
		}
	}
}

func TestRestoreRefusesInconsistentState(t *testing.T) {
	var b Builder
	for _, l := range testLeaves(5) {
		b.Add(l)
	}
	good := b.State() // size 5 = 0b101: two peaks
	tests := []struct {
		name string
		s    BuilderState
	}{
		{"too few peaks", BuilderState{Size: 5, Peaks: good.Peaks[:1]}},
		{"too many peaks", BuilderState{Size: 4, Peaks: good.Peaks}},
		{"negative size", BuilderState{Size: -1, Peaks: nil}},
		{"bad hex", BuilderState{Size: 1, Peaks: []string{"zz" + good.Peaks[0][2:]}}},
		{"short hash", BuilderState{Size: 1, Peaks: []string{good.Peaks[0][:62]}}},
	}
	for _, tt := range tests {
		if _, err := Restore(tt.s); err == nil {
			t.Errorf("%s: Restore accepted %+v", tt.name, tt.s)
		}
	}
	if _, err := Restore(BuilderState{}); err != nil {
		t.Errorf("empty state: %v", err)
	}
}

func TestEveryProofVerifies(t *testing.T) {
	for n := 1; n <= 70; n++ {
		leaves := testLeaves(n)
		root := Root(leaves)
		for i := 0; i < n; i++ {
			p, err := Prove(leaves, i)
			if err != nil {
				t.Fatal(err)
			}
			if want := refPath(i, leaves); !reflect.DeepEqual(p.Path, want) {
				t.Fatalf("n=%d i=%d: path differs from RFC 6962 PATH", n, i)
			}
			if p.Index != i || p.Size != n {
				t.Fatalf("n=%d i=%d: proof says index %d size %d", n, i, p.Index, p.Size)
			}
			if err := Verify(root, leaves[i], p); err != nil {
				t.Fatalf("n=%d i=%d: %v", n, i, err)
			}
		}
	}
}

func TestTamperedProofsFail(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 8, 9, 33, 70} {
		leaves := testLeaves(n)
		root := Root(leaves)
		for i := 0; i < n; i++ {
			p, _ := Prove(leaves, i)
			mustFail := func(what string, root, leaf [Size]byte, q Proof) {
				t.Helper()
				err := Verify(root, leaf, q)
				if !errors.Is(err, ErrInvalidProof) {
					t.Fatalf("n=%d i=%d %s: Verify = %v, want ErrInvalidProof", n, i, what, err)
				}
			}
			other := LeafHash([]byte("not in the tree"))
			mustFail("wrong leaf", root, other, p)
			mustFail("wrong root", other, leaves[i], p)
			if n > 1 {
				mustFail("neighbour's leaf", root, leaves[(i+1)%n], p)
			}
			for _, idx := range []int{i + 1, i - 1, -1, n} {
				if idx == i || (idx >= 0 && idx < n && leaves[idx] == leaves[i]) {
					continue
				}
				q := p
				q.Index = idx
				mustFail("index moved", root, leaves[i], q)
			}
			for _, size := range []int{0, -1, i} {
				q := p
				q.Size = size
				mustFail("size too small for the index", root, leaves[i], q)
			}
			for k := range p.Path {
				q := Proof{Index: p.Index, Size: p.Size, Path: append([]string(nil), p.Path...)}
				h, _ := ParseHash(q.Path[k])
				h[k%Size] ^= 0x01
				q.Path[k] = Hex(h)
				mustFail("path hash flipped", root, leaves[i], q)

				q.Path = append(append([]string(nil), p.Path[:k]...), p.Path[k+1:]...)
				mustFail("path hash dropped", root, leaves[i], q)

				q.Path = append([]string(nil), p.Path...)
				q.Path[k] = "xyz"
				mustFail("path hash malformed", root, leaves[i], q)
			}
			q := Proof{Index: p.Index, Size: p.Size, Path: append(append([]string(nil), p.Path...), Hex(root))}
			mustFail("path hash appended", root, leaves[i], q)
		}
	}
}

func TestProveRefusesBadIndex(t *testing.T) {
	leaves := testLeaves(4)
	for _, i := range []int{-1, 4, 100} {
		if _, err := Prove(leaves, i); err == nil {
			t.Errorf("Prove(4 leaves, %d) succeeded", i)
		}
	}
	if _, err := Prove(nil, 0); err == nil {
		t.Error("Prove on an empty tree succeeded")
	}
}

func TestLeafAndNodeHashesAreDomainSeparated(t *testing.T) {
	// A two-leaf tree's root must not verify as a single leaf of the
	// concatenated children: the 0x00/0x01 prefixes see to it.
	l, r := LeafHash([]byte("a")), LeafHash([]byte("b"))
	root := Root([][Size]byte{l, r})
	forged := LeafHash(append(append([]byte{}, l[:]...), r[:]...))
	if forged == root {
		t.Fatal("leaf hash of concatenated children equals the node hash")
	}
	if want := sha256.Sum256([]byte{0x00, 'a'}); l != want {
		t.Fatalf("LeafHash = %x, want SHA-256(0x00 || data) = %x", l, want)
	}
}

func TestParseHash(t *testing.T) {
	h := LeafHash([]byte("x"))
	for _, s := range []string{Hex(h), "  " + Hex(h)[2:], ""} {
		got, err := ParseHash(s)
		if (err == nil) != (s == Hex(h)) || (err == nil && got != h) {
			t.Errorf("ParseHash(%q) = %x, %v", s, got, err)
		}
	}
	upper := []byte(Hex(h))
	for i := range upper {
		if upper[i] >= 'a' && upper[i] <= 'f' {
			upper[i] -= 'a' - 'A'
		}
	}
	if got, err := ParseHash(string(upper)); err != nil || got != h {
		t.Errorf("upper-case hex: %v", err)
	}
}

func TestProofJSON(t *testing.T) {
	leaves := testLeaves(10)
	p, _ := Prove(leaves, 3)
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Proof
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, p) {
		t.Fatalf("round trip: %s -> %+v (%v)", b, back, err)
	}
	single, _ := Prove(leaves[:1], 0)
	if b, _ := json.Marshal(single); string(b) != `{"index":0,"size":1,"path":[]}` {
		t.Fatalf("single-leaf proof JSON = %s", b)
	}
}

func BenchmarkRoot100k(b *testing.B) {
	leaves := testLeaves(100_000)
	b.ReportAllocs()
	for b.Loop() {
		Root(leaves)
	}
}

func BenchmarkBuilderAdd(b *testing.B) {
	leaf := LeafHash([]byte("loan"))
	var bl Builder
	b.ReportAllocs()
	for b.Loop() {
		bl.Add(leaf)
	}
}

func BenchmarkProve100k(b *testing.B) {
	leaves := testLeaves(100_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Prove(leaves, 77_777); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify100k(b *testing.B) {
	leaves := testLeaves(100_000)
	root := Root(leaves)
	p, _ := Prove(leaves, 77_777)
	b.ReportAllocs()
	for b.Loop() {
		if err := Verify(root, leaves[77_777], p); err != nil {
			b.Fatal(err)
		}
	}
}
