package upload

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

// BenchmarkReportPipeline checks and chunks a 100,000-loan servicer report
// from a file on disk, as the gateway does, and reports the heap's high-
// water mark next to the file's size: the pipeline keeps one chunk and the
// set of loan numbers alive, never the file.
func BenchmarkReportPipeline(b *testing.B) {
	const loans = 100000
	sim, err := loansim.New(loansim.PoolSpec{Seed: 5, Loans: loans, Cutoff: loantape.Month{Year: 2025, Month: time.December}}, loansim.DefaultAssumptions())
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "report.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := loantape.NewCSVWriter[loantape.PeriodRow](f)
	p, err := sim.Advance(w.Write)
	if err != nil {
		b.Fatal(err)
	}
	w.Flush()
	f.Close()
	st, _ := os.Stat(path)
	opener := Opener(func() (io.ReadCloser, error) { return os.Open(path) })
	// A small GC target keeps garbage out of the heap measure: what is
	// left is close to what the pipeline keeps alive.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	b.ReportAllocs()
	b.ResetTimer()
	var peak uint64
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)
		stop := make(chan struct{})
		sampled := make(chan uint64)
		go func() { // the heap's high-water mark while the pipeline runs
			var high uint64
			for {
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				high = max(high, m.HeapInuse-min(m.HeapInuse, base.HeapInuse))
				select {
				case <-stop:
					sampled <- high
					return
				case <-time.After(2 * time.Millisecond):
				}
			}
		}()
		checked, err := CheckReport(opener, CSV, ReportRules{Period: p})
		if err != nil || checked.Rows != loans {
			b.Fatalf("%d rows, %v", checked.Rows, err)
		}
		chunks := 0
		err = ReportChunks(opener, CSV, p, 2000, 0, func(loantape.ReportChunk) error { chunks++; return nil })
		if err != nil || chunks != 50 {
			b.Fatalf("%d chunks, %v", chunks, err)
		}
		close(stop)
		peak = max(peak, <-sampled)
	}
	b.ReportMetric(float64(st.Size())/1e6, "file-MB")
	b.ReportMetric(float64(peak)/1e6, "heap-MB")
}
