package merkle

import "testing"

// TestRootOfChunksMatchesTheWholeTree cuts trees of many sizes into chunks
// of every power-of-two size, hashes each chunk alone, and requires the
// combination to equal the root over every leaf.
func TestRootOfChunksMatchesTheWholeTree(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 8, 9, 100, 255, 256, 257, 1000, 1024, 1025, 3001} {
		leaves := testLeaves(n)
		want := refRoot(leaves)
		for size := 1; size <= 2048; size *= 2 {
			var roots [][Size]byte
			for at := 0; at < n; at += size {
				roots = append(roots, Root(leaves[at:min(at+size, n)]))
			}
			got, err := RootOfChunks(size, roots)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Fatalf("%d leaves in chunks of %d: %s, want %s", n, size, Hex(got), Hex(want))
			}
		}
	}
}

// TestRootOfChunksRefusesOtherSizes: chunks of 1,000 leaves are not
// subtrees of the RFC 6962 tree, so their roots say nothing of its root.
func TestRootOfChunksRefusesOtherSizes(t *testing.T) {
	for _, size := range []int{0, -4, 3, 250, 1000} {
		if _, err := RootOfChunks(size, [][Size]byte{EmptyRoot}); err == nil {
			t.Fatalf("chunk size %d accepted", size)
		}
	}
	leaves := testLeaves(2000)
	a, b := Root(leaves[:1000]), Root(leaves[1000:])
	if Root([][Size]byte{a, b}) == Root(leaves) {
		t.Fatal("1,000-leaf chunks combined to the whole root: the refusal above would be needless")
	}
}
