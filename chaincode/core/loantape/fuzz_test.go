package loantape_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// fuzzReader checks the reader contract on arbitrary input: no panic,
// every error a *RowError with a line, reading ends (each record consumes
// input), and every record read can be written and read back unchanged
// and validated without panicking.
func fuzzReader[R loantape.Record](t *testing.T, data []byte, open func(io.Reader) loantape.RowSource[R],
	write func(testing.TB, []R) []byte, validate func(loantape.RowSource[R])) {
	src := open(bytes.NewReader(data))
	var good []R
	calls := 0
	for {
		calls++
		if calls > len(data)+3 {
			t.Fatalf("reader did not end after %d calls on %d bytes", calls, len(data))
		}
		rec, err := src.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var re *loantape.RowError
			if !errors.As(err, &re) {
				t.Fatalf("error %v (%T) is not a *RowError", err, err)
			}
			if re.Line < 1 || re.Rule == "" || re.Msg == "" {
				t.Fatalf("incomplete RowError %#v", re)
			}
			if re.Fatal() {
				if _, again := src.Read(); again != err {
					t.Fatalf("fatal error not sticky: %v then %v", err, again)
				}
				break
			}
			continue
		}
		if src.Line() < 1 {
			t.Fatalf("record on line %d", src.Line())
		}
		good = append(good, rec)
	}
	if len(good) == 0 {
		return
	}
	text := write(t, good)
	back := open(bytes.NewReader(text))
	for i, want := range good {
		got, err := back.Read()
		if err != nil {
			t.Fatalf("record %d does not read back: %v\n%s", i, err, canonicalRecord(want))
		}
		if !bytes.Equal(canonicalRecord(got), canonicalRecord(want)) {
			t.Fatalf("record %d changed:\nwrote %s\n read %s", i, canonicalRecord(want), canonicalRecord(got))
		}
	}
	validate(open(bytes.NewReader(text)))
}

func addSeeds(f *testing.F, seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s)
	}
}

func csvSeeds(t testing.TB) [][]byte {
	tape, reports := simulate(t, 3, 5)
	return [][]byte{writeCSV(t, tape), writeCSV(t, reports[4]), []byte("assetNumber\n\"a\nb\",x\n"), []byte("\xef\xbb\xbf"), {}}
}

func xmlSeeds(t testing.TB) [][]byte {
	tape, reports := simulate(t, 3, 5)
	sample, err := os.ReadFile("testdata/ex102_autoloan_sample.xml")
	if err != nil {
		t.Fatal(err)
	}
	return [][]byte{writeXML(t, tape), writeXML(t, reports[4]), sample, []byte("<assetData><assets><assetNumber><x/></assetNumber></assets>"), {}}
}

func FuzzCSVReport(f *testing.F) {
	addSeeds(f, csvSeeds(f)...)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzReader(t, data, func(r io.Reader) loantape.RowSource[loantape.PeriodRow] {
			return loantape.NewCSVReader[loantape.PeriodRow](r)
		},
			writeCSV[loantape.PeriodRow], func(s loantape.RowSource[loantape.PeriodRow]) { loantape.ValidateReport(s, loantape.ReportRules{}) })
	})
}

func FuzzCSVTape(f *testing.F) {
	addSeeds(f, csvSeeds(f)...)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzReader(t, data, func(r io.Reader) loantape.RowSource[loantape.Loan] { return loantape.NewCSVReader[loantape.Loan](r) },
			writeCSV[loantape.Loan], func(s loantape.RowSource[loantape.Loan]) { loantape.ValidateTape(s, loantape.TapeRules{}) })
	})
}

func FuzzXMLReport(f *testing.F) {
	addSeeds(f, xmlSeeds(f)...)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzReader(t, data, func(r io.Reader) loantape.RowSource[loantape.PeriodRow] {
			return loantape.NewXMLReader[loantape.PeriodRow](r)
		},
			writeXML[loantape.PeriodRow], func(s loantape.RowSource[loantape.PeriodRow]) { loantape.ValidateReport(s, loantape.ReportRules{}) })
	})
}

func FuzzXMLTape(f *testing.F) {
	addSeeds(f, xmlSeeds(f)...)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzReader(t, data, func(r io.Reader) loantape.RowSource[loantape.Loan] { return loantape.NewXMLReader[loantape.Loan](r) },
			writeXML[loantape.Loan], func(s loantape.RowSource[loantape.Loan]) { loantape.ValidateTape(s, loantape.TapeRules{}) })
	})
}
