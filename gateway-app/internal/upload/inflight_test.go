package upload

import (
	"errors"
	"slices"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
	"github.com/tranchenet/tranchenet/gateway-app/internal/upload/uploadtest"
)

// A tape in chunks of 8 goes in with up to four chunks in flight, never
// more; every chunk is in once, then Pool:CheckTape runs once, the
// gateway's root is the one the pool seals from the chunk roots, and the
// loan book holds every loan. Uploading the same file again submits no
// chunk, and the check already on the ledger stands.
func TestTapeChunksGoInFlight(t *testing.T) {
	p := uploadtest.Simulate(t, 5, 100)
	chain := newFakeChain(t, p.Cutoff, p.Balance)
	book := openBook(t)
	w := Workflow{Ledger: chain, Book: book, MSP: bank, InFlight: 4}
	out, err := w.Tape(TapeRequest{Pool: "POOL-1", File: csvFile(t, p.Loans), ChunkSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	if out.Chunks != 13 || len(out.Transactions) != 13 || len(chain.tapeChunks) != 13 || chain.maxAtOnce < 2 || chain.maxAtOnce > 4 {
		t.Fatalf("%d chunks, %d transactions, %d on the ledger, %d at once (want 2 to 4)", out.Chunks, len(out.Transactions), len(chain.tapeChunks), chain.maxAtOnce)
	}
	last := len(chain.submitted) - 1
	for _, tx := range chain.submitted[:last] {
		if tx.Fn != "Pool:AddLoans" || string(tx.Transient["chunkSize"]) != "8" {
			t.Fatalf("%s %v without the chunk size", tx.Fn, tx.Args)
		}
	}
	if check := chain.submitted[last]; check.Fn != "Pool:CheckTape" || !slices.Equal(check.Args, []string{"POOL-1"}) || out.CheckTx == "" {
		t.Fatalf("last submission %s %v, check transaction %q", check.Fn, check.Args, out.CheckTx)
	}
	again, err := w.Tape(TapeRequest{Pool: "POOL-1", File: csvFile(t, p.Loans), ChunkSize: 8})
	if err != nil || len(again.Transactions) != 0 || again.CheckTx != "" || again.MerkleRoot != out.MerkleRoot {
		t.Fatalf("the same file again: %+v %v", again, err)
	}
	chain.seal()
	if out.MerkleRoot != chain.pool.MerkleRoot {
		t.Fatalf("gateway root %s, sealed %s", out.MerkleRoot, chain.pool.MerkleRoot)
	}
	book.View(func(r store.Reader) error {
		tape, found, err := r.Tape("POOL-1")
		if err != nil || !found || tape.Loans != 100 || tape.Root != out.MerkleRoot {
			t.Errorf("loan book tape: %+v %v %v", tape, found, err)
		}
		return nil
	})

	// InFlight 1 sends them one after another.
	chain2 := newFakeChain(t, p.Cutoff, p.Balance)
	if _, err := (Workflow{Ledger: chain2, Book: openBook(t), MSP: bank, InFlight: 1}).Tape(TapeRequest{Pool: "POOL-1", File: csvFile(t, p.Loans), ChunkSize: 8}); err != nil {
		t.Fatal(err)
	}
	if chain2.maxAtOnce != 1 {
		t.Fatalf("%d at once with InFlight 1", chain2.maxAtOnce)
	}
}

// A chunk in the middle fails while others commit around it: the error
// names it; another file is refused with nothing submitted; the same file
// submits exactly the chunks still missing.
func TestConcurrentTapeResumesWithTheMissingChunks(t *testing.T) {
	p := uploadtest.Simulate(t, 5, 100)
	chain := newFakeChain(t, p.Cutoff, p.Balance)
	chain.failOnce = map[string]bool{"Pool:AddLoans/5": true}
	w := Workflow{Ledger: chain, Book: openBook(t), MSP: bank, InFlight: 4, Attempts: 1} // no retry: the failure stops the upload
	file := csvFile(t, p.Loans)
	_, err := w.Tape(TapeRequest{Pool: "POOL-1", File: file, ChunkSize: 8})
	var ce *ChunkError
	if !errors.As(err, &ce) || ce.Index != 5 || ce.Committed != len(chain.tapeChunks) {
		t.Fatalf("failed chunk: %v (%d on the ledger)", err, len(chain.tapeChunks))
	}
	if _, in := chain.tapeChunks[5]; in || len(chain.tapeChunks) < 5 {
		t.Fatalf("chunks on the ledger: %d, chunk 5 in: %v", len(chain.tapeChunks), in)
	}
	before := len(chain.tapeChunks)

	other := slices.Clone(p.Loans)
	other[1], other[2] = other[2], other[1]
	n := len(chain.submitted)
	if _, err := w.Tape(TapeRequest{Pool: "POOL-1", File: csvFile(t, other), ChunkSize: 8}); errs.CodeOf(err) != errs.Conflict || len(chain.submitted) != n {
		t.Fatalf("another file: %v (%d submissions)", err, len(chain.submitted)-n)
	}

	out, err := w.Tape(TapeRequest{Pool: "POOL-1", File: file, ChunkSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Transactions) != 13-before || out.ResumedAt != 5 || len(chain.tapeChunks) != 13 {
		t.Fatalf("resume: %d transactions for %d missing chunks, resumed at %d", len(out.Transactions), 13-before, out.ResumedAt)
	}
	chain.seal()
	if out.MerkleRoot != chain.pool.MerkleRoot {
		t.Fatal("the resumed upload's root differs from the ledger's")
	}
}

// A report in chunks of 8 declares its size, goes in concurrently, and
// CompleteReport closes it; a failed chunk is resumed by the same file
// (chunks already in are refused ALREADY_EXISTS and count as in).
func TestConcurrentReportCompletesAndResumes(t *testing.T) {
	p := uploadtest.Simulate(t, 5, 60)
	chain := newFakeChain(t, p.Cutoff, p.Balance)
	w := Workflow{Ledger: chain, Book: openBook(t), MSP: bank, InFlight: 3, Attempts: 1} // no retry: the failure stops the upload
	if _, err := w.Tape(TapeRequest{Pool: "POOL-1", File: csvFile(t, p.Loans)}); err != nil {
		t.Fatal(err)
	}
	chain.seal()
	chain.submitted, chain.maxAtOnce = nil, 0
	chain.failOnce = map[string]bool{"Servicing:AddReportRows/2": true}
	file := csvFile(t, p.Rows)
	_, err := w.Report(ReportRequest{Deal: "DEAL-1", File: file, ChunkSize: 8})
	var ce *ChunkError
	if !errors.As(err, &ce) || ce.Index != 2 || chain.report.Header.ChunkSize != 8 || chain.report.Status != schema.ReportOpen {
		t.Fatalf("failed chunk: %v", err)
	}
	if chain.maxAtOnce < 2 || chain.maxAtOnce > 3 {
		t.Fatalf("%d chunks at once, want 2 to 3", chain.maxAtOnce)
	}
	in := len(chain.reportChunks)
	out, err := w.Report(ReportRequest{Deal: "DEAL-1", File: file, ChunkSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != schema.ReportComplete || out.MerkleRoot != chain.report.MerkleRoot || out.Chunks != 8 || out.ResumedAt != in ||
		len(out.Transactions) != 8-in+1 || chain.submitted[len(chain.submitted)-1].Fn != "Servicing:CompleteReport" {
		t.Fatalf("resume: %+v (%d chunks were in)", out, in)
	}
}
