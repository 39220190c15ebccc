package servicing_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

func sizedHeader(t testing.TB, m month, size int) string {
	return string(contracttest.MustCanon(t, schema.ReportHeader{Aggregates: m.agg, Chunks: len(m.chunks), ChunkSize: size}))
}

// A report declaring chunks of 16 rows: every chunk is endorsed on the
// same ledger state and they commit in reverse order, as chunks in flight
// together may be ordered; all are valid (no chunk reads a key another
// writes). CompleteReport then publishes the root over the rows in file
// order and the period certifies; the next month goes the same way. The
// pool's tape went in as chunks of a declared size too (kept a value a
// chunk), so the first month's balances come from its chunks' indexes.
func TestSizedReportChunksDoNotConflict(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 16, withChunkedTape(32))
	for period := 1; period <= 2; period++ {
		m := d.nextMonth(t)
		if len(m.chunks) != 4 {
			t.Fatalf("%d chunks", len(m.chunks))
		}
		w.Must(w.Servicer, "Servicing:SubmitReport", d.deal, sizedHeader(t, m, 16))
		args := []string{d.deal, strconv.Itoa(period)}
		var txs []*stubtest.Tx
		for _, c := range m.chunks {
			txs = append(txs, w.Endorse(w.Servicer, "Servicing:AddReportRows", args, chunkTransient(t, c), stubtest.OnPeer(w.Net.Trustee)))
		}
		for i := len(txs) - 1; i >= 0; i-- {
			if r := w.Commit(txs[i]); !r.OK() {
				t.Fatalf("period %d chunk %d committed after later ones: %s %s", period, i, r.Code, r.Message)
			}
		}
		if rep := contracttest.Decode[schema.Report](t, w.Must(w.Auditor, "Servicing:GetReport", args...)); rep.Status != schema.ReportOpen {
			t.Fatalf("the report is %s before CompleteReport", rep.Status)
		}
		w.RefusedWith(errs.AlreadyExists, w.Servicer, "Servicing:AddReportRows", args, chunkTransient(t, m.chunks[1]))
		w.Must(w.Servicer, "Servicing:CompleteReport", args...)
		rep := contracttest.Decode[schema.Report](t, w.Must(w.Auditor, "Servicing:GetReport", args...))
		leaves := make([][merkle.Size]byte, len(m.rows))
		for i, r := range m.rows {
			leaves[i] = merkle.LeafHash(r.Canonical())
		}
		if want := merkle.Hex(merkle.Root(leaves)); rep.Status != schema.ReportComplete || rep.MerkleRoot != want || rep.ChunksReceived != 4 {
			t.Fatalf("report %s, %d chunks, root %s; want complete, 4, %s", rep.Status, rep.ChunksReceived, rep.MerkleRoot, want)
		}
		if rep.FromRows.Reconcile(m.agg) != nil {
			t.Fatalf("sums %+v, declared %+v", rep.FromRows, m.agg)
		}
		w.Refused(errs.WrongState, w.Servicer, "Servicing:CompleteReport", args...)
		w.Must(w.Servicer, "Servicing:RemitCollections", d.deal, m.collections().String())
		w.Must(w.Trustee, "Servicing:Certify", args...)
	}
}

// CompleteReport refuses while a chunk is missing; chunks of the wrong
// size or beyond the declared count are refused; the header's chunk size
// is a power of two that makes its chunk count.
func TestSizedReportRefusals(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 16)
	m := d.nextMonth(t)
	w.Refused(errs.BadInput, w.Servicer, "Servicing:SubmitReport", d.deal, sizedHeader(t, m, 12))
	w.Refused(errs.BadInput, w.Servicer, "Servicing:SubmitReport", d.deal, sizedHeader(t, m, 32))
	w.Must(w.Servicer, "Servicing:SubmitReport", d.deal, sizedHeader(t, m, 16))
	args := []string{d.deal, "1"}
	for _, i := range []int{0, 1, 3} {
		w.MustWith(w.Servicer, "Servicing:AddReportRows", args, chunkTransient(t, m.chunks[i]))
	}
	if msg := w.Refused(errs.WrongState, w.Servicer, "Servicing:CompleteReport", args...).Message; !strings.Contains(msg, "chunk 2") {
		t.Fatal(msg)
	}
	short := m.chunks[2]
	short.Rows = short.Rows[:15]
	w.RefusedWith(errs.BadInput, w.Servicer, "Servicing:AddReportRows", args, chunkTransient(t, short))
	beyond := m.chunks[3]
	beyond.Index = 4
	w.RefusedWith(errs.BadInput, w.Servicer, "Servicing:AddReportRows", args, chunkTransient(t, beyond))
	w.MustWith(w.Servicer, "Servicing:AddReportRows", args, chunkTransient(t, m.chunks[2]))
	w.Must(w.Servicer, "Servicing:CompleteReport", args...)
}
