package servicing_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
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

// On a pool kept a chunk to a value, a loan in two chunks of a report is
// found when the report completes, whichever way its chunks went in: each
// chunk alone is valid (the row is the loan's own), CompleteReport (or
// the last chunk of a report in order) refuses, naming the loan and both
// chunks, and changes nothing; the report withdrawn, the right rows go in
// and certify, and the next month's balances come from that report.
func TestChunkedPoolReportFindsALoanInTwoChunksAtCompletion(t *testing.T) {
	for _, sized := range []bool{true, false} {
		w := newWorld(t)
		d := newDeal(t, w, 60, 16, withChunkedTape(32))
		m := d.nextMonth(t)
		rows := append([]loantape.PeriodRow(nil), m.rows...)
		rows[16+3] = rows[5]
		chunks := reportChunks(t, rows, 16, m.period)
		args := []string{d.deal, "1"}
		header := d.header(t, m)
		if sized {
			header = sizedHeader(t, m, 16)
		}
		w.Must(w.Servicer, "Servicing:SubmitReport", d.deal, header)
		last := len(chunks) - 1
		for _, c := range chunks[:last] {
			w.MustWith(w.Servicer, "Servicing:AddReportRows", args, chunkTransient(t, c))
		}
		before := w.Snapshot()
		var r contracttest.Result
		if sized {
			w.MustWith(w.Servicer, "Servicing:AddReportRows", args, chunkTransient(t, chunks[last]))
			before = w.Snapshot()
			r = w.Call(w.Servicer, "Servicing:CompleteReport", args...)
		} else {
			r = w.CallWith(w.Servicer, "Servicing:AddReportRows", args, chunkTransient(t, chunks[last]))
		}
		for _, want := range []string{"loan " + rows[5].AssetNumber, "chunk 0 and again in chunk 1 (rows[3])", "(rule duplicate-asset)"} {
			if r.ErrCode() != errs.BadInput || !strings.Contains(r.Message, want) {
				t.Fatalf("sized %v: a loan in two chunks: %s %s (want %q)", sized, r.ErrCode(), r.Message, want)
			}
		}
		if diff := w.Diff(before); len(diff) > 0 {
			t.Fatalf("sized %v: the refusal changed the ledger: %v", sized, diff)
		}
		w.Must(w.Servicer, "Servicing:WithdrawReport", d.deal, "1", "loan in two chunks")
		m.chunks = reportChunks(t, m.rows, 16, m.period)
		d.reportAndCertify(t, m)
		d.reportAndCertify(t, d.nextMonth(t))
	}
}

// A report in the reverse of the tape's order on a pool kept a chunk to a
// value: a chunk's loans are not where its index says they would be, so
// the lookups go round the tape's indexes (the first month) and the last
// report's (the second); both months certify, every beginning balance
// matching.
func TestChunkedPoolReportOutOfTapeOrder(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 16, withChunkedTape(32))
	for range 2 {
		m := d.nextMonth(t)
		slices.Reverse(m.rows)
		m.chunks = reportChunks(t, m.rows, 16, m.period)
		d.reportAndCertify(t, m)
	}
}
