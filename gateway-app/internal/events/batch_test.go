package events

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// readySource has every event of its chain ready at once, as a stream
// that fell behind by a few blocks has.
type readySource struct{ chain []RawEvent }

func (s readySource) Events(ctx context.Context, cp store.Checkpoint) (<-chan RawEvent, error) {
	out := make(chan RawEvent, len(s.chain))
	for _, ev := range s.chain {
		if !seen(cp, ev.Block, ev.TxID) {
			out <- ev
		}
	}
	return out, nil
}

// Events the stream has ready together are enriched in one call and
// applied in one transaction, each exactly once, with its own facts.
func TestReadyEventsAreEnrichedAndAppliedTogether(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	chain := testChain()
	var (
		mu      sync.Mutex
		batches []int
	)
	l := New(db, readySource{chain: chain}, testOptions())
	l.SetBatchEnricher(func(ctx context.Context, evs []Event) error {
		mu.Lock()
		defer mu.Unlock()
		batches = append(batches, len(evs))
		for i := range evs {
			evs[i].Facts = fmt.Sprintf("facts of %s/%d", evs[i].TxID, evs[i].Index)
		}
		return nil
	})
	l.RegisterAll(countingProjection)
	l.RegisterAll(func(w store.Writer, ev Event) error {
		if want := fmt.Sprintf("facts of %s/%d", ev.TxID, ev.Index); ev.Facts != want {
			return fmt.Errorf("facts %v, want %q", ev.Facts, want)
		}
		return nil
	})
	runUntil(t, l, func() bool { return appliedEvents(l) == uint64(len(chain)) })
	checkExactlyOnce(t, db, chain)
	mu.Lock()
	defer mu.Unlock()
	if len(batches) != 1 || batches[0] != len(expectedKeys(t, chain)) {
		t.Fatalf("batches of %v events, want one of %d", batches, len(expectedKeys(t, chain)))
	}
}
