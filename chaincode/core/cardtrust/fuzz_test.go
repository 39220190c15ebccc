package cardtrust

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// FuzzCSVReader: whatever the bytes, the reader ends, every error is a
// row error with a line and a rule, a fatal one ends the stream, and a
// report it accepts and CheckReport passes writes and reads back the same.
func FuzzCSVReader(f *testing.F) {
	b, err := os.ReadFile("testdata/reports_2026.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(header + goodRow))
	f.Add([]byte(header + "a,b\n\"x"))
	f.Add([]byte("trustId\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		cr := NewCSVReader(bytes.NewReader(in))
		for i := 0; ; i++ {
			if i > 100_000 {
				t.Fatal("reader did not end")
			}
			r, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				var re *loantape.RowError
				if !errors.As(err, &re) || re.Line <= 0 || re.Rule == "" || re.Msg == "" {
					t.Fatalf("bad error %#v", err)
				}
				if re.Fatal() {
					if _, again := cr.Read(); again == nil {
						t.Fatal("a record after a fatal error")
					}
					return
				}
				continue
			}
			if CheckReport(cr.Line(), &r) != nil {
				continue
			}
			var buf bytes.Buffer
			if err := WriteCSV(&buf, []Report{r}); err != nil {
				t.Fatal(err)
			}
			back, bad, err := ReadAll(&buf)
			if err != nil || len(bad) != 0 || len(back) != 1 || !bytes.Equal(back[0].Canonical(), r.Canonical()) {
				t.Fatalf("round trip of %s: %v %v %v", r.Canonical(), err, bad, back)
			}
		}
	})
}
