package mortgage

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
)

// The commitment is RFC 6962's tree over each row's canonical JSON: a
// disclosed row proves against the root, and any change to any mortgage
// field (not only those the common projection carries) changes the root.
func TestCommitment(t *testing.T) {
	rows := readAll[ALRow](t, NewALReader(open(t, "tape_2026_03.csv")))
	c, err := Commit(func(yield func(ALRow) bool) {
		for _, r := range rows {
			if !yield(r) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	leaves := make([][merkle.Size]byte, len(rows))
	for i, r := range rows {
		leaves[i] = r.LeafHash()
	}
	if c.Count != 4 || c.Balance != amt("1105000.00") || c.Root != merkle.Hex(merkle.Root(leaves)) {
		t.Fatalf("commitment %+v", c)
	}
	proof, err := merkle.Prove(leaves, 2)
	if err != nil {
		t.Fatal(err)
	}
	root, _ := merkle.ParseHash(c.Root)
	if err := merkle.Verify(root, rows[2].LeafHash(), proof); err != nil {
		t.Fatalf("row M3 does not prove: %v", err)
	}
	changed := rows[2]
	changed.OriginalDTI = dec("0.31") // a field the auto-loan projection drops
	if err := merkle.Verify(root, changed.LeafHash(), proof); err == nil {
		t.Fatal("a changed DTI still proves against the root")
	}
	// The canonical bytes are valid JSON, keys sorted, and round-trip.
	var back ALRow
	if err := json.Unmarshal(rows[2].Canonical(), &back); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.Canonical(), rows[2].Canonical()) {
		t.Fatalf("canonical bytes do not round-trip:\n%s\n%s", back.Canonical(), rows[2].Canonical())
	}
}

// Writing rows and reading them back gives the same rows, byte for byte
// in canonical form.
func TestALWriterRoundTrip(t *testing.T) {
	rows := readAll[ALRow](t, NewALReader(open(t, "report_2026_04.csv")))
	var buf bytes.Buffer
	w := NewALWriter(&buf)
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	back := readAll[ALRow](t, NewALReader(&buf))
	if len(back) != len(rows) {
		t.Fatalf("%d rows back of %d", len(back), len(rows))
	}
	for i := range rows {
		if !bytes.Equal(back[i].Canonical(), rows[i].Canonical()) {
			t.Errorf("row %d:\n%s\n%s", i, back[i].Canonical(), rows[i].Canonical())
		}
	}
}
