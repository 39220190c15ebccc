package pool_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/contracts/pool"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

func cut(loans []loantape.Loan, size int) [][]loantape.Loan {
	var out [][]loantape.Loan
	for at := 0; at < len(loans); at += size {
		out = append(out, loans[at:min(at+size, len(loans))])
	}
	return out
}

// Every chunk of a 70-loan tape in chunks of 16 is endorsed on the same
// ledger state (nothing committed yet) and the transactions commit in
// reverse order, as chunks in flight together may be ordered: all are
// valid, so no chunk reads a key another writes. The sealed root and
// aggregates are those of the loans in file order, and proofs verify.
func TestConcurrentChunksDoNotConflict(t *testing.T) {
	w := contracttest.New(t)
	w.CreatePool("P1")
	loans := contracttest.Loans(t, 5, 70)
	chunks := cut(loans, 16)
	var txs []*stubtest.Tx
	for i, c := range chunks {
		txs = append(txs, w.Endorse(w.Servicer, "Pool:AddLoans", []string{"P1", strconv.Itoa(i)}, contracttest.SizedChunkTransient(t, c, "16"), stubtest.OnPeer(w.Net.Trustee)))
	}
	for i := len(txs) - 1; i >= 0; i-- {
		if r := w.Commit(txs[i]); !r.OK() {
			t.Fatalf("chunk %d committed after later ones: %s %s", i, r.Code, r.Message)
		}
	}
	v := contracttest.Decode[schema.PoolView](t, w.Must(w.NoRole, "Pool:Get", "P1"))
	if v.NextChunk != 5 || v.LoansAdded != 70 || v.BalanceSoFar != sum(loans) || len(v.Chunks) != 5 {
		t.Fatalf("progress %+v", v)
	}
	// A retried chunk is refused whole.
	if r := w.AddSizedChunk("P1", 2, chunks[2], 16); r.ErrCode() != errs.AlreadyExists {
		t.Fatalf("chunk 2 again: %s %s", r.ErrCode(), r.Message)
	}
	w.Must(w.Servicer, "Pool:CheckTape", "P1")
	w.Refused(errs.AlreadyExists, w.Servicer, "Pool:CheckTape", "P1")
	w.Must(w.Servicer, "Pool:Seal", "P1")
	p := contracttest.Decode[schema.PoolView](t, w.Must(w.NoRole, "Pool:Get", "P1")).Pool
	if p.TapeChunkSize != 16 {
		t.Fatalf("sealed with tape chunk size %d, want 16", p.TapeChunkSize)
	}
	// Each chunk is three private values (loans, leaves, index), and no
	// loan has a key of its own.
	counts := map[string]int{}
	for k := range w.Private("loanTape") {
		counts[strings.Split(strings.TrimPrefix(k, "\x00"), "\x00")[0]]++
	}
	if counts[schema.TypeLoanChunk] != 5 || counts[schema.TypeLoanLeaves] != 5 || counts[schema.TypeLoanIndex] != 5 || counts[schema.TypeLoan] != 0 {
		t.Fatalf("loanTape keys by type: %v", counts)
	}
	leaves := make([][merkle.Size]byte, len(loans))
	agg := loantape.NewTapeAggregator()
	for i, l := range loans {
		leaves[i] = merkle.LeafHash(l.Canonical())
		if err := agg.Add(l); err != nil {
			t.Fatal(err)
		}
	}
	if want := merkle.Hex(merkle.Root(leaves)); p.MerkleRoot != want || p.LoanCount != 70 || p.Balance != sum(loans) {
		t.Fatalf("sealed %d loans, %s, root %s; want 70, %s, %s", p.LoanCount, p.Balance, p.MerkleRoot, sum(loans), want)
	}
	if want := js(t, agg.Aggregates()); string(p.Aggregates) != want {
		t.Errorf("aggregates %s, want %s", p.Aggregates, want)
	}
	root, _ := merkle.ParseHash(p.MerkleRoot)
	for _, i := range []int{0, 15, 16, 47, 69} {
		lp := contracttest.Decode[schema.LoanProof](t, w.Must(w.Trustee, "Pool:GetLoan", "P1", loans[i].AssetNumber))
		if lp.Proof.Index != i {
			t.Fatalf("loan %d has leaf index %d", i, lp.Proof.Index)
		}
		if err := merkle.Verify(root, leaves[i], lp.Proof); err != nil {
			t.Fatalf("loan %d: %v", i, err)
		}
	}
}

// Seal refuses a tape with a chunk missing in the middle or a short chunk
// that is not the last: every chunk must be in exactly once.
func TestSealChecksEveryChunkIsIn(t *testing.T) {
	w := contracttest.New(t)
	loans := contracttest.Loans(t, 6, 40)
	chunks := cut(loans, 8)
	w.CreatePool("GAP")
	for _, i := range []int{0, 1, 3, 4} {
		if r := w.AddSizedChunk("GAP", i, chunks[i], 8); !r.OK() {
			t.Fatalf("chunk %d: %s", i, r.Message)
		}
	}
	if v := contracttest.Decode[schema.PoolView](t, w.Must(w.NoRole, "Pool:Get", "GAP")); v.NextChunk != 2 || v.LoansAdded != 32 {
		t.Fatalf("with chunk 2 missing: next %d, %d loans", v.NextChunk, v.LoansAdded)
	}
	if r := w.Call(w.Servicer, "Pool:Seal", "GAP"); r.ErrCode() != errs.WrongState {
		t.Fatalf("sealed with chunk 2 missing: %s", r.Message)
	}
	if r := w.Call(w.Servicer, "Pool:CheckTape", "GAP"); r.ErrCode() != errs.WrongState {
		t.Fatalf("checked with chunk 2 missing: %s", r.Message)
	}
	if r := w.AddSizedChunk("GAP", 2, chunks[2], 8); !r.OK() {
		t.Fatal(r.Message)
	}
	if r := w.Call(w.Servicer, "Pool:Seal", "GAP"); r.ErrCode() != errs.WrongState || !strings.Contains(r.Message, "Pool:CheckTape") {
		t.Fatalf("sealed unchecked: %s %s", r.ErrCode(), r.Message)
	}
	w.Must(w.Servicer, "Pool:CheckTape", "GAP")
	w.Must(w.Servicer, "Pool:Seal", "GAP")

	// A check covers the chunks it read: a chunk added after it needs a
	// new one.
	w.CreatePool("LATE")
	w.AddSizedChunk("LATE", 0, chunks[0], 8)
	w.AddSizedChunk("LATE", 1, chunks[1], 8)
	w.Must(w.Arranger, "Pool:CheckTape", "LATE")
	w.AddSizedChunk("LATE", 2, chunks[2][:3], 8)
	if r := w.Call(w.Arranger, "Pool:Seal", "LATE"); r.ErrCode() != errs.WrongState || !strings.Contains(r.Message, "again") {
		t.Fatalf("sealed with a chunk added after the check: %s %s", r.ErrCode(), r.Message)
	}
	w.Must(w.Arranger, "Pool:CheckTape", "LATE")
	w.Must(w.Arranger, "Pool:Seal", "LATE")
	if p := contracttest.Decode[schema.PoolView](t, w.Must(w.NoRole, "Pool:Get", "LATE")).Pool; p.LoanCount != 19 {
		t.Fatalf("sealed %d loans, want 19", p.LoanCount)
	}

	w.CreatePool("SHORT")
	w.AddSizedChunk("SHORT", 0, chunks[0][:5], 8)
	w.AddSizedChunk("SHORT", 1, chunks[1], 8)
	if r := w.Call(w.Servicer, "Pool:Seal", "SHORT"); r.ErrCode() != errs.WrongState {
		t.Fatalf("sealed with a short chunk 0: %s", r.Message)
	}
}

// The chunk size is a power of two, a chunk holds at most that many
// loans, and a tape is added one way only.
func TestChunkSizeRules(t *testing.T) {
	w := contracttest.New(t)
	loans := contracttest.Loans(t, 7, 24)
	w.CreatePool("P1")
	for _, size := range []string{"0", "12", "2048", "x", "-8"} {
		r := w.CallWith(w.Servicer, "Pool:AddLoans", []string{"P1", "0"}, contracttest.SizedChunkTransient(t, loans[:4], size))
		if r.ErrCode() != errs.BadInput {
			t.Errorf("chunk size %q: %s %s", size, r.ErrCode(), r.Message)
		}
	}
	if r := w.AddSizedChunk("P1", 0, loans[:9], 8); r.ErrCode() != errs.BadInput {
		t.Errorf("9 loans in a chunk of 8: %s", r.Message)
	}
	if r := w.AddSizedChunk("P1", 0, loans[:8], 8); !r.OK() {
		t.Fatal(r.Message)
	}
	if r := w.AddLoans("P1", 1, loans[8:16]); r.ErrCode() != errs.BadInput {
		t.Errorf("an in-order chunk after a sized one: %s %s", r.ErrCode(), r.Message)
	}
	w.CreatePool("P2")
	if r := w.AddLoans("P2", 0, loans[:8]); !r.OK() {
		t.Fatal(r.Message)
	}
	if r := w.AddSizedChunk("P2", 1, loans[8:16], 8); r.ErrCode() != errs.BadInput {
		t.Errorf("a sized chunk after an in-order one: %s %s", r.ErrCode(), r.Message)
	}
	if w.ValidationParameter(compositeKey(t, schema.TypePoolTapeChunk, "P1", fmt.Sprintf("%08d", 0))) == nil {
		t.Error("a chunk record has no key-level endorsement policy")
	}
}

// A loan carried by two chunks endorsed at once: both commit (neither
// reads a key a loan, which is what lets chunks go in together), and
// CheckTape finds the loan in both, names it and both places, and writes
// nothing; the tape cannot be sealed. A tape without a repeated loan in
// another pool checks and seals.
func TestLoanInTwoChunksIsCaughtByCheckTape(t *testing.T) {
	w := contracttest.New(t)
	w.CreatePool("DUP")
	loans := contracttest.Loans(t, 8, 24)
	chunks := cut(loans, 8)
	second := append([]loantape.Loan(nil), chunks[1]...)
	second[3] = chunks[0][5]
	var txs []*stubtest.Tx
	for i, c := range [][]loantape.Loan{chunks[0], second, chunks[2]} {
		txs = append(txs, w.Endorse(w.Servicer, "Pool:AddLoans", []string{"DUP", strconv.Itoa(i)}, contracttest.SizedChunkTransient(t, c, "8"), stubtest.OnPeer(w.Net.Trustee)))
	}
	for i := len(txs) - 1; i >= 0; i-- {
		if r := w.Commit(txs[i]); !r.OK() {
			t.Fatalf("chunk %d: %s %s", i, r.Code, r.Message)
		}
	}
	before := w.Snapshot()
	r := w.Call(w.Servicer, "Pool:CheckTape", "DUP")
	dup := chunks[0][5].AssetNumber
	for _, want := range []string{dup, "chunk 0 (loans[5])", "chunk 1 (loans[3])", "new pool"} {
		if r.ErrCode() != errs.AlreadyExists || !strings.Contains(r.Message, want) {
			t.Fatalf("check of a tape with loan %s twice: %s %s (want %q)", dup, r.ErrCode(), r.Message, want)
		}
	}
	if diff := w.Diff(before); len(diff) > 0 {
		t.Fatalf("a refused check changed the ledger: %v", diff)
	}
	w.Refused(errs.WrongState, w.Servicer, "Pool:Seal", "DUP")
	w.SealChunkedPool("CLEAN", loans, 8)
}

// The largest declared chunk size is a chunk's limit too: 1,024 loans go
// in one chunk of a sized tape (they were refused by the 1,000-loan limit
// of chunks added in order), 1,025 do not, and a chunk added in order
// still holds at most MaxChunkLoans.
func TestLargestChunkSizeFits(t *testing.T) {
	w := contracttest.New(t)
	loans := contracttest.Loans(t, 9, pool.MaxConcurrentChunkLoans+1)
	size := pool.MaxConcurrentChunkLoans
	w.CreatePool("BIG")
	if r := w.AddSizedChunk("BIG", 0, loans[:size], size); !r.OK() {
		t.Fatalf("a full chunk of %d: %s", size, r.Message)
	}
	w.CreatePool("OVER")
	if r := w.AddSizedChunk("OVER", 0, loans, size); r.ErrCode() != errs.BadInput {
		t.Fatalf("%d loans in a chunk of %d: %s %s", len(loans), size, r.ErrCode(), r.Message)
	}
	w.CreatePool("ORDERED")
	r := w.CallWith(w.Servicer, "Pool:AddLoans", []string{"ORDERED", "0"}, contracttest.LoansTransient(t, loans[:pool.MaxChunkLoans+1]))
	if r.ErrCode() != errs.BadInput || !strings.Contains(r.Message, "in order") {
		t.Fatalf("%d loans added in order: %s %s", pool.MaxChunkLoans+1, r.ErrCode(), r.Message)
	}
}
