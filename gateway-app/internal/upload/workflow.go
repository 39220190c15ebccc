package upload

import (
	"errors"
	"fmt"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// Submitter is what the workflow needs of the ledger, as the user who
// uploads: the records it reads before deciding, and the submission of
// each transaction (endorsed as the endorsement table says). The API's
// handlers implement it over their call; tests fake it.
type Submitter interface {
	// Pool reads a pool's public record and how far its tape has come (Pool:Get).
	Pool(id string) (schema.Pool, TapeProgress, error)
	// DealPool reads the pool of a deal (Deal:Get, then Pool:Get).
	DealPool(deal string) (schema.Pool, error)
	// Servicing reads a deal's servicing state (Servicing:GetStatus).
	Servicing(deal string) (schema.DealServicing, error)
	// Report reads a period's report; found is false when there is none
	// (Servicing:GetReport).
	Report(deal string, period int) (rep *schema.Report, found bool, err error)
	// Submit submits tx and waits for its commit; party is as ledger.Tx.Party.
	Submit(tx ledger.Tx, party string) (ledger.Result, error)
}

// TapeProgress is how far a pool's tape has come on the ledger.
type TapeProgress struct {
	NextChunk    int
	LoansAdded   int
	BalanceSoFar money.Amount
	// Chunks are the chunks on the ledger of a tape whose chunks went in
	// concurrently (empty for one added in order).
	Chunks []schema.TapeChunkSummary
}

// Chaincode limits of rows per transaction. A power-of-two chunk size
// (up to 1,024) sends the chunks concurrently; any other size sends them
// in order, up to the older limits (1,000 loans, 2,000 rows).
const (
	MaxTapeChunk   = 1024 // Pool:AddLoans
	MaxReportChunk = 2000 // Servicing:AddReportRows
	// MaxOrderedTapeChunk is the largest chunk of a tape sent in order.
	MaxOrderedTapeChunk = 1000
	// MaxSizedReportChunk is the largest power-of-two report chunk.
	MaxSizedReportChunk = 1024
)

// Default chunk sizes, chosen by measurement (README, "Loan data onto the
// ledger"): powers of two, so the chunks go in concurrently.
const (
	DefaultTapeChunk   = 512
	DefaultReportChunk = 1024
)

// Workflow uploads loan tapes and servicer reports for one user: check
// the whole file, then submit it chunk by chunk, resuming after the
// chunks an earlier upload of the same file left on the ledger, and keep
// the loan book (store.LoanBookWriter) in step with what was submitted.
type Workflow struct {
	// Ledger reads and submits as the uploading user.
	Ledger Submitter
	// Book is the store holding the loan book.
	Book store.Store
	// MSP is this bank's MSP ID: the servicer a report must come from,
	// and the party whose peers endorse the chunks with the trustee.
	MSP string
	// InFlight is how many chunks of a power-of-two chunk size are
	// submitted at once (0: DefaultInFlight; 1: one after another).
	InFlight int
	// Attempts is how many times a chunk is submitted before the upload
	// stops on it (0: DefaultAttempts; 1: no retry).
	Attempts int
	// RetryWait is the pause before attempt n+1 (nil: retryBackoff).
	RetryWait func(n int) time.Duration
}

// DefaultAttempts is how many times a chunk is submitted before the
// upload stops on it and asks for the file again. Only a failure that
// left nothing on the ledger and that a retry may settle is retried
// (ledger.Error.Retryable: a peer or orderer unreachable, a collection's
// private data not disseminated in time, an MVCC conflict): on an
// overloaded network one such failure used to stop a 10,000-row report.
// Anything else (a refusal, an unknown outcome) stops the upload at once.
const DefaultAttempts = 3

// retryBackoff waits 1 s before the second attempt, 2 s before the third.
func retryBackoff(n int) time.Duration { return time.Duration(1<<(n-1)) * time.Second }

// submitChunk submits one chunk's transaction as this bank, retrying as
// Attempts and RetryWait say.
func (w Workflow) submitChunk(tx ledger.Tx) (ledger.Result, error) {
	attempts, wait := w.Attempts, w.RetryWait
	if attempts <= 0 {
		attempts = DefaultAttempts
	}
	if wait == nil {
		wait = retryBackoff
	}
	for n := 1; ; n++ {
		res, err := w.Ledger.Submit(tx, w.MSP)
		var le *ledger.Error
		if err == nil || n >= attempts || !errors.As(err, &le) || !le.Retryable {
			return res, err
		}
		time.Sleep(wait(n))
	}
}

// File is an uploaded file: how to open it again for each pass, and its format.
type File struct {
	Open   Opener
	Format Format
}

// ChunkError is a chunk the ledger refused or that could not be
// submitted. Committed chunks stay on the ledger (in order: those before
// Index; concurrently: Committed of them, any index): the same file
// uploaded again resumes, submitting only the chunks still missing.
type ChunkError struct {
	Index     int
	Committed int
	Err       error
}

func (e *ChunkError) Error() string {
	return fmt.Sprintf("chunk %d: %v (chunks of this file on the ledger: %d)", e.Index, e.Err, e.Committed)
}

func (e *ChunkError) Unwrap() error { return e.Err }

// chunkFailed marks an error of one chunk's submission inside a pass.
type chunkFailed struct {
	index int
	err   error
}

func (f chunkFailed) Error() string { return fmt.Sprintf("chunk %d: %v", f.index, f.err) }

// passError maps an error of the submission pass: a failed chunk becomes
// a *ChunkError counting the chunks committed before it.
func passError(firstChunk, submitted int, err error) error {
	if cf, ok := err.(chunkFailed); ok {
		return &ChunkError{Index: cf.index, Committed: firstChunk + submitted, Err: cf.err}
	}
	return err
}
