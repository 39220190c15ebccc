package mortgage

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// drainFuzz reads src to the end and checks the reader's contract: every
// error is a *RowError with a line, a fatal one ends the stream, and every
// record read has a stable canonical form.
func drainFuzz[R any](t *testing.T, src Source[R], canonical func(R) []byte) {
	for i := 0; i < 10_000; i++ {
		rec, err := src.Read()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			var re *loantape.RowError
			if !errors.As(err, &re) {
				t.Fatalf("error is not a RowError: %v", err)
			}
			if re.Line <= 0 || re.Rule == "" {
				t.Fatalf("error without line or rule: %+v", re)
			}
			if re.Fatal() {
				if _, again := src.Read(); again == nil {
					t.Fatal("a fatal error was followed by a record")
				}
				return
			}
			continue
		}
		if canonical != nil && !bytes.Equal(canonical(rec), canonical(rec)) {
			t.Fatal("canonical form is not stable")
		}
	}
	t.Fatal("reader did not end")
}

func seed(f *testing.F, name string) {
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
}

func FuzzPerformanceReader(f *testing.F) {
	seed(f, "performance.txt")
	f.Add([]byte("x|202301|1|0\n|||\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		drainFuzz[Performance](t, NewPerformanceReader(bytes.NewReader(b)), nil)
		_ = ValidatePerformance(NewPerformanceReader(bytes.NewReader(b)), 0)
	})
}

func FuzzOriginationReader(f *testing.F) {
	seed(f, "origination.txt")
	f.Fuzz(func(t *testing.T, b []byte) {
		drainFuzz[Origination](t, NewOriginationReader(bytes.NewReader(b)), nil)
		_ = ValidateOriginations(NewOriginationReader(bytes.NewReader(b)), 0)
	})
}

func FuzzALReader(f *testing.F) {
	seed(f, "report_2026_04.csv")
	seed(f, "tape_2026_03.csv")
	f.Add([]byte(strings.Join(ALColumns(), ",") + "\n\"unterminated\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		drainFuzz[ALRow](t, NewALReader(bytes.NewReader(b)), ALRow.Canonical)
		_, _ = ValidateReport(NewALReader(bytes.NewReader(b)), ReportRules{})
		_, _ = ValidateTape(NewALReader(bytes.NewReader(b)), TapeRules{})
	})
}
