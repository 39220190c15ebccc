package upload

import (
	"errors"
	"sync"
)

// Chunks in flight (issue 17). A tape or report cut into chunks of a
// power-of-two size goes onto the ledger with several chunks endorsed,
// ordered and committed at once: the chaincode gives each chunk its own
// records, so none waits for another's commit, and the final step
// (Pool:Seal, Servicing:CompleteReport) checks that every chunk is in
// exactly once. The file is still read once, in order, and a chunk is
// read only when a slot is free, so the gateway holds at most InFlight
// chunks whatever the file's size.

// DefaultInFlight is how many chunks an upload has in flight at once
// unless told otherwise. Measured on the test network (README, "Loan data
// onto the ledger"): with 512-loan tape chunks 12 beat 6 on a quieter box
// (1.24× and 1.49×), but on the 2-core box under load twelve 1,024-row
// report chunks at once made each endorsement last over 60 s. The peers'
// gRPC keepalive enforcement then cut the peer-to-peer calls (its
// minInterval equalled the client's ping interval, 60 s; network/core.yaml
// now sets 30 s), but calls that long are a sign of a saturated peer, not
// of more work done. 6 is the default that passed everywhere; a servicer
// on a quiet network may ask for 12 (inFlight=12) for tapes.
const DefaultInFlight = 6

// MaxInFlight bounds the chunks a request may have in flight.
const MaxInFlight = 16

// errStopped ends the reading pass once a chunk has failed.
var errStopped = errors.New("upload: a chunk failed; no more are submitted")

// flight runs chunk submissions, at most n at once.
type flight struct {
	slots chan struct{}
	wg    sync.WaitGroup

	mu        sync.Mutex
	failed    *chunkFailed // the failure of the lowest chunk
	txs       map[int]string
	submitted int
}

func newFlight(n int) *flight {
	if n <= 0 {
		n = DefaultInFlight
	}
	return &flight{slots: make(chan struct{}, n), txs: map[int]string{}}
}

// submit waits for a free slot, then runs the chunk's submission in the
// background; it returns errStopped instead once a chunk has failed.
func (f *flight) submit(index int, run func() (txID string, err error)) error {
	f.slots <- struct{}{}
	if f.stopped() {
		<-f.slots
		return errStopped
	}
	f.wg.Add(1)
	go func() {
		defer func() { <-f.slots; f.wg.Done() }()
		txID, err := run()
		f.mu.Lock()
		defer f.mu.Unlock()
		if err != nil {
			if f.failed == nil || index < f.failed.index {
				f.failed = &chunkFailed{index: index, err: err}
			}
			return
		}
		if txID != "" {
			f.txs[index] = txID
			f.submitted++
		}
	}()
	return nil
}

func (f *flight) stopped() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failed != nil
}

// wait waits for every chunk in flight and returns the first chunk's
// failure (a chunkFailed), or nil.
func (f *flight) wait() error {
	f.wg.Wait()
	if f.failed != nil {
		return *f.failed
	}
	return nil
}

// transactions returns the submitted chunks' transaction IDs in chunk
// order.
func (f *flight) transactions(chunks int) []string {
	out := make([]string, 0, len(f.txs))
	for i := 0; i < chunks; i++ {
		if tx, ok := f.txs[i]; ok {
			out = append(out, tx)
		}
	}
	return out
}
