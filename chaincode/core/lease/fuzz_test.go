package lease

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// FuzzReader feeds arbitrary bytes to the reader and the validators: every
// error is a *RowError with a line and a rule, a fatal error ends the
// stream, every row read has a stable canonical form, and validation never
// panics.
func FuzzReader(f *testing.F) {
	for _, name := range []string{"tape_2026_03.csv", "report_2026_04.csv"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("assetNumber\n\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		src := NewReader(bytes.NewReader(data))
		for i := 0; ; i++ {
			if i > 100_000 {
				t.Fatal("reader did not end")
			}
			r, err := src.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				var re *loantape.RowError
				if !errors.As(err, &re) || re.Line <= 0 || re.Rule == "" {
					t.Fatalf("bad error %v", err)
				}
				if re.Fatal() {
					if _, again := src.Read(); again == nil {
						t.Fatal("a fatal error was followed by a record")
					}
					break
				}
				continue
			}
			if !bytes.Equal(r.Canonical(), r.Canonical()) {
				t.Fatal("canonical form is not stable")
			}
		}
		_, _ = ValidateTape(NewReader(bytes.NewReader(data)), TapeRules{})
		_, _, _ = ValidateReport(NewReader(bytes.NewReader(data)), ReportRules{})
	})
}
