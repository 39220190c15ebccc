package upload

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/upload/uploadtest"
)

// notDisseminated is what the gateway makes of an endorsing peer that
// could not push a collection's private data in time: nothing ordered.
var notDisseminated = &ledger.Error{Kind: ledger.KindUnavailable, Retryable: true,
	Message: "failed to distribute private collection: Failed disseminating 1 out of 3 private dissemination plans"}

// retryingWorkflow records the pauses it is asked to make instead of
// sleeping them.
func retryingWorkflow(t *testing.T, chain *fakeChain, waits *[]int) Workflow {
	return Workflow{Ledger: chain, Book: openBook(t), MSP: bank, InFlight: 4,
		RetryWait: func(n int) time.Duration { *waits = append(*waits, n); return 0 }}
}

// A chunk whose first two submissions fail with what a retry settles is
// submitted a third time and the upload completes, the other chunks
// untouched: a transient overload no longer stops a whole file.
func TestRetryableChunkFailureIsRetried(t *testing.T) {
	p := uploadtest.Simulate(t, 5, 100)
	chain := newFakeChain(t, p.Cutoff, p.Balance)
	chain.attempts = map[string]int{}
	chain.failures = map[string][]error{"Pool:AddLoans/5": {notDisseminated, notDisseminated}}
	var waits []int
	out, err := retryingWorkflow(t, chain, &waits).Tape(TapeRequest{Pool: "POOL-1", File: csvFile(t, p.Loans), ChunkSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	if chain.attempts["Pool:AddLoans/5"] != 3 || chain.attempts["Pool:AddLoans/4"] != 1 || !slices.Equal(waits, []int{1, 2}) {
		t.Fatalf("attempts %v, waits %v", chain.attempts, waits)
	}
	if len(chain.tapeChunks) != out.Chunks || len(out.Transactions) != out.Chunks {
		t.Fatalf("%d chunks on the ledger, %d transactions, want %d", len(chain.tapeChunks), len(out.Transactions), out.Chunks)
	}
	chain.seal()
	if out.MerkleRoot != chain.pool.MerkleRoot {
		t.Fatal("the upload's root differs from the ledger's")
	}
}

// Retries are bounded: a chunk that keeps failing stops the upload after
// DefaultAttempts submissions, naming it, and the same file resumes later.
func TestChunkStopsTheUploadAfterItsAttempts(t *testing.T) {
	p := uploadtest.Simulate(t, 5, 60)
	chain := newFakeChain(t, p.Cutoff, p.Balance)
	chain.attempts = map[string]int{}
	chain.failures = map[string][]error{"Pool:AddLoans/2": slices.Repeat([]error{notDisseminated}, DefaultAttempts)}
	var waits []int
	w := retryingWorkflow(t, chain, &waits)
	_, err := w.Tape(TapeRequest{Pool: "POOL-1", File: csvFile(t, p.Loans), ChunkSize: 8})
	var ce *ChunkError
	if !errors.As(err, &ce) || ce.Index != 2 || chain.attempts["Pool:AddLoans/2"] != DefaultAttempts || len(waits) != DefaultAttempts-1 {
		t.Fatalf("error %v after %d attempts, waits %v", err, chain.attempts["Pool:AddLoans/2"], waits)
	}
	if _, err := w.Tape(TapeRequest{Pool: "POOL-1", File: csvFile(t, p.Loans), ChunkSize: 8}); err != nil {
		t.Fatalf("resume: %v", err)
	}
}

// A failure a retry cannot be trusted with is never retried: an unknown
// outcome may have committed, and a refusal will refuse again.
func TestUnknownOutcomeAndRefusalAreNotRetried(t *testing.T) {
	for _, failure := range []*ledger.Error{
		{Kind: ledger.KindUnknownOutcome, Message: "the transaction was submitted but its commit status is unknown"},
		{Kind: ledger.KindRefused, Message: "chunk refused"},
	} {
		p := uploadtest.Simulate(t, 5, 60)
		chain := newFakeChain(t, p.Cutoff, p.Balance)
		chain.attempts = map[string]int{}
		chain.failures = map[string][]error{"Servicing:AddReportRows/1": {failure}}
		var waits []int
		w := retryingWorkflow(t, chain, &waits)
		if _, err := w.Tape(TapeRequest{Pool: "POOL-1", File: csvFile(t, p.Loans)}); err != nil {
			t.Fatal(err)
		}
		chain.seal()
		_, err := w.Report(ReportRequest{Deal: "DEAL-1", File: csvFile(t, p.Rows), ChunkSize: 7}) // in order
		var ce *ChunkError
		if !errors.As(err, &ce) || ce.Index != 1 || chain.attempts["Servicing:AddReportRows/1"] != 1 || len(waits) != 0 {
			t.Fatalf("%s: error %v after %d attempts, waits %v", failure.Kind, err, chain.attempts["Servicing:AddReportRows/1"], waits)
		}
	}
}

func TestRetryBackoffDoubles(t *testing.T) {
	if retryBackoff(1) != time.Second || retryBackoff(2) != 2*time.Second {
		t.Fatalf("backoff %v, %v", retryBackoff(1), retryBackoff(2))
	}
}
