package events

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

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

// batchSizes records the size of each batch a listener enriches.
type batchSizes struct {
	mu    sync.Mutex
	sizes []int
}

// enricher records each batch's size, then runs also (if not nil).
func (b *batchSizes) enricher(also func(evs []Event)) BatchEnricher {
	return func(ctx context.Context, evs []Event) error {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.sizes = append(b.sizes, len(evs))
		if also != nil {
			also(evs)
		}
		return nil
	}
}

func (b *batchSizes) all() []int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.sizes)
}

// Events the stream has ready together are enriched in one call and
// applied in one transaction, each exactly once, with its own facts.
func TestReadyEventsAreEnrichedAndAppliedTogether(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	chain := testChain()
	l := New(db, readySource{chain: chain}, testOptions())
	var sizes batchSizes
	l.SetBatchEnricher(sizes.enricher(func(evs []Event) {
		for i := range evs {
			evs[i].Facts = fmt.Sprintf("facts of %s/%d", evs[i].TxID, evs[i].Index)
		}
	}))
	l.RegisterAll(countingProjection)
	l.RegisterAll(func(w store.Writer, ev Event) error {
		if want := fmt.Sprintf("facts of %s/%d", ev.TxID, ev.Index); ev.Facts != want {
			return fmt.Errorf("facts %v, want %q", ev.Facts, want)
		}
		return nil
	})
	runUntil(t, l, func() bool { return appliedEvents(l) == uint64(len(chain)) })
	checkExactlyOnce(t, db, chain)
	if batches := sizes.all(); len(batches) != 1 || batches[0] != len(expectedKeys(t, chain)) {
		t.Fatalf("batches of %v events, want one of %d", batches, len(expectedKeys(t, chain)))
	}
}

// trickleSource sends its chain one event at a time, gap apart, as a live
// stream sends blocks as they are cut.
type trickleSource struct {
	chain []RawEvent
	gap   time.Duration
}

func (s trickleSource) Events(ctx context.Context, cp store.Checkpoint) (<-chan RawEvent, error) {
	out := make(chan RawEvent)
	go func() {
		defer close(out)
		for _, ev := range s.chain {
			if seen(cp, ev.Block, ev.TxID) {
				continue
			}
			select {
			case <-time.After(s.gap):
			case <-ctx.Done():
				return
			}
			select {
			case out <- ev:
			case <-ctx.Done():
				return
			}
		}
		<-ctx.Done()
	}()
	return out, nil
}

// With a batch window, events arriving one by one within it are enriched
// and applied as one batch, each exactly once; without one, each is
// applied as it arrives.
func TestBatchWindowGathersEventsArrivingWithinIt(t *testing.T) {
	for _, tc := range []struct {
		name        string
		window      time.Duration
		wantBatches func(n int) bool
		want        string
	}{
		{"no window", 0, func(n int) bool { return n > 1 }, "more than one"},
		{"a window longer than the stream", time.Second, func(n int) bool { return n == 1 }, "one"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openDB(t, t.TempDir())
			defer db.Close()
			chain := testChain()
			opts := testOptions()
			opts.BatchWindow = tc.window
			l := New(db, trickleSource{chain: chain, gap: 20 * time.Millisecond}, opts)
			var sizes batchSizes
			l.SetBatchEnricher(sizes.enricher(nil))
			l.RegisterAll(countingProjection)
			runUntil(t, l, func() bool { return appliedEvents(l) == uint64(len(chain)) })
			checkExactlyOnce(t, db, chain)
			if batches := sizes.all(); !tc.wantBatches(len(batches)) {
				t.Fatalf("batches of %v events, want %s batch", batches, tc.want)
			}
		})
	}
}
