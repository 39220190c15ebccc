package loantape_test

import (
	"bytes"
	"io"
	"runtime"
	"sync"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

const benchLoans = 100_000

var benchFiles = sync.OnceValue(func() (files struct {
	reportCSV, reportXML, tapeCSV []byte
	period                        loantape.Period
}) {
	sim, err := loansim.New(loansim.PoolSpec{Seed: 7, Loans: benchLoans, Cutoff: cutoff}, loansim.DefaultAssumptions())
	if err != nil {
		panic(err)
	}
	var tape bytes.Buffer
	tw := loantape.NewCSVWriter[loantape.Loan](&tape)
	for l := range sim.Tape() {
		tw.Write(l)
	}
	tw.Flush()
	var csvBuf, xmlBuf bytes.Buffer
	cw := loantape.NewCSVWriter[loantape.PeriodRow](&csvBuf)
	xw := loantape.NewXMLWriter[loantape.PeriodRow](&xmlBuf)
	p, err := sim.Advance(func(r loantape.PeriodRow) error {
		if err := cw.Write(r); err != nil {
			return err
		}
		return xw.Write(r)
	})
	if err != nil {
		panic(err)
	}
	cw.Flush()
	xw.Close()
	files.reportCSV, files.reportXML, files.tapeCSV, files.period = csvBuf.Bytes(), xmlBuf.Bytes(), tape.Bytes(), p
	return files
})

// benchValidate parses, validates and aggregates a whole 100,000-row
// report per iteration. B/op is everything allocated along the way; the
// memory held at any time is one row plus the asset-number set (see
// TestStreamingHoldsOneRowAtATime).
func benchValidate(b *testing.B, file []byte, open func(io.Reader) loantape.RowSource[loantape.PeriodRow]) {
	period := benchFiles().period
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	for b.Loop() {
		agg, err := loantape.ValidateReport(open(bytes.NewReader(file)), loantape.ReportRules{Period: period})
		if err != nil || agg.LoanCount != benchLoans {
			b.Fatalf("%d rows, %v", agg.LoanCount, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchLoans, "ns/row")
}

func BenchmarkValidateReportCSV100k(b *testing.B) {
	benchValidate(b, benchFiles().reportCSV, func(r io.Reader) loantape.RowSource[loantape.PeriodRow] {
		return loantape.NewCSVReader[loantape.PeriodRow](r)
	})
}

func BenchmarkValidateReportXML100k(b *testing.B) {
	benchValidate(b, benchFiles().reportXML, func(r io.Reader) loantape.RowSource[loantape.PeriodRow] {
		return loantape.NewXMLReader[loantape.PeriodRow](r)
	})
}

func BenchmarkValidateTapeCSV100k(b *testing.B) {
	file := benchFiles().tapeCSV
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	for b.Loop() {
		agg, err := loantape.ValidateTape(loantape.NewCSVReader[loantape.Loan](bytes.NewReader(file)), loantape.TapeRules{})
		if err != nil || agg.LoanCount != benchLoans {
			b.Fatalf("%d loans, %v", agg.LoanCount, err)
		}
	}
}

func BenchmarkReadCSV100k(b *testing.B) {
	file := benchFiles().reportCSV
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range loantape.NewCSVReader[loantape.PeriodRow](bytes.NewReader(file)).All() {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != benchLoans {
			b.Fatal(n)
		}
	}
}

func BenchmarkCanonicalRow(b *testing.B) {
	_, reports := simulate(b, 10, 1)
	row := reports[0][0]
	b.ReportAllocs()
	for b.Loop() {
		row.Canonical()
	}
}

// A 100,000-row report streamed through a pipe and validated keeps only
// the validator's asset-number set alive, not the rows: the heap retained
// at the end is a fraction of what the rows themselves would take.
func TestStreamingHoldsOneRowAtATime(t *testing.T) {
	sim, err := loansim.New(loansim.PoolSpec{Seed: 3, Loans: benchLoans, Cutoff: cutoff}, loansim.DefaultAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	go func() {
		w := loantape.NewCSVWriter[loantape.PeriodRow](pw)
		_, err := sim.Advance(w.Write)
		if err == nil {
			err = w.Flush()
		}
		pw.CloseWithError(err)
	}()
	before := heapAfterGC()
	v, _ := loantape.NewReportValidator(loantape.ReportRules{})
	rd := loantape.NewCSVReader[loantape.PeriodRow](pr)
	rows := 0
	for row, err := range rd.All() {
		if err != nil {
			t.Fatal(err)
		}
		v.Check(rd.Line(), row)
		rows++
	}
	retained := int64(heapAfterGC()) - int64(before)
	runtime.KeepAlive(v)
	if err := v.Err(); err != nil || rows != benchLoans {
		t.Fatalf("%d rows, %v", rows, err)
	}
	// One PeriodRow is about 300 bytes before its strings and decimal
	// digits: holding the rows would retain well over 30 MB.
	const limit = 16 << 20
	if retained > limit {
		t.Errorf("validating %d streamed rows retained %d MB, want under %d MB", rows, retained>>20, limit>>20)
	}
	t.Logf("retained %.1f MB for %d rows", float64(retained)/(1<<20), rows)
}

func heapAfterGC() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
