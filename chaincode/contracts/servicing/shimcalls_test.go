package servicing_test

import (
	"fmt"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
)

// The peer round trips of one report chunk on a pool kept a chunk to a
// value, in the first month and in a later one, as the upload bench sends
// them (issue 17: a later month's 100,000-loan report was 1.2–1.3× slower
// than the first's). A chunk reads the same public records either month;
// a later month also reads the last certification and that period's
// report, and looks its loans up in the last report's chunk indexes
// instead of the tape's: as many private reads, of larger values (a
// report chunk indexes twice the loans of a tape chunk here, as 1,024
// against 512 do by default). Update the counts only on purpose.
func TestReportChunkShimCalls(t *testing.T) {
	calls := new(contracttest.ShimCalls)
	w := &world{contracttest.NewObserved(t, calls.Wrap)}
	d := newDeal(t, w, 1024, 256, withChunkedTape(128))
	want := map[int]string{
		// GetState: the configuration, the caller's role, the deal, the
		// pool, its servicing record, the report, the chunk's sum (not
		// yet in). GetPrivateData: two tape indexes. Written: the chunk's
		// rows and index (private), its sum and the sum's key-level policy.
		1: "GetPrivateData 2, GetState 7, PutPrivateData 2, PutState 1, SetEvent 1, SetStateValidationParameter 1; keys written: 1 public, 2 private",
		// The same, and the last certification and its report (GetState);
		// two of its chunk indexes (GetPrivateData), the rows having moved
		// up past the loans that left the pool.
		2: "GetPrivateData 2, GetState 9, PutPrivateData 2, PutState 1, SetEvent 1, SetStateValidationParameter 1; keys written: 1 public, 2 private",
	}
	for month := 1; month <= 2; month++ {
		m := d.nextMonth(t)
		period := fmt.Sprint(m.period.Number)
		w.Must(w.Servicer, "Servicing:SubmitReport", d.deal, sizedHeader(t, m, 256))
		for _, c := range m.chunks {
			got := calls.During(func() {
				w.MustWith(w.Servicer, "Servicing:AddReportRows", []string{d.deal, period}, chunkTransient(t, c))
			})
			if c.Index == 1 && got.String() != want[month] {
				t.Errorf("month %d: chunk 1 asks the peer\n%s\nwant\n%s\nreads: %q", month, got, want[month], got.Reads)
			}
		}
		w.Must(w.Servicer, "Servicing:CompleteReport", d.deal, period)
		w.Must(w.Servicer, "Servicing:RemitCollections", d.deal, m.collections().String())
		w.Must(w.Trustee, "Servicing:Certify", d.deal, period)
	}
}
