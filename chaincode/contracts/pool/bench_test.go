package pool_test

import (
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
)

// BenchmarkAddLoansChunk is one 512-loan chunk of a tape in chunks of a
// declared size, simulated on the trustee's peer: decoded, every loan
// checked, its key read (is it already in?) and written, 512 Merkle
// leaves. peer-requests/row is the chaincode's round trips to a Fabric 2.5
// peer a loan (issue 17): one read and one write; a peer that batches
// (Fabric 3.1+) takes the same calls in a few messages.
func BenchmarkAddLoansChunk(b *testing.B) {
	const size = 512
	w := contracttest.New(b)
	w.CreatePool("BENCH")
	loans := contracttest.Loans(b, 11, size)
	opt := contracttest.SizedChunkTransient(b, loans, "512")
	b.ReportAllocs()
	b.ReportMetric(size, "rows/op")
	var requests int
	for b.Loop() {
		tx := w.Endorse(w.Servicer, "Pool:AddLoans", []string{"BENCH", "0"}, opt, stubtest.OnPeer(w.Net.Trustee))
		if r := tx.Endorsement(); r.Status != 200 {
			b.Fatal(r.Message)
		}
		requests = tx.PeerRequests()
	}
	b.ReportMetric(float64(requests)/size, "peer-requests/row")
}
