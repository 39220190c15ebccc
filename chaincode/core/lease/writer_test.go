package lease

import (
	"bytes"
	"testing"
)

// What the writer writes reads back as the same rows, byte for byte in
// their canonical form, and commits to the same root.
func TestWriterRoundTrip(t *testing.T) {
	for _, name := range []string{"tape_2026_03.csv", "report_2026_04.csv"} {
		rows := readAll(t, NewReader(open(t, name)))
		var buf bytes.Buffer
		w := NewWriter(&buf)
		for _, r := range rows {
			if err := w.Write(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		back := readAll(t, NewReader(&buf))
		if len(back) != len(rows) {
			t.Fatalf("%s: %d rows back of %d", name, len(back), len(rows))
		}
		for i := range rows {
			if !bytes.Equal(rows[i].Canonical(), back[i].Canonical()) {
				t.Errorf("%s row %d: %s\nback as %s", name, i, rows[i].Canonical(), back[i].Canonical())
			}
		}
		all := func(rs []Row) func(func(Row) bool) {
			return func(yield func(Row) bool) {
				for _, r := range rs {
					if !yield(r) {
						return
					}
				}
			}
		}
		a, _ := Commit(all(rows))
		b, _ := Commit(all(back))
		if a != b || a.Count != len(rows) {
			t.Errorf("%s: commitments %+v %+v", name, a, b)
		}
	}
}
