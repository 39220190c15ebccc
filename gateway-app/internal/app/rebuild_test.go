package app

import (
	"context"
	"testing"

	"github.com/tranchenet/tranchenet/gateway-app/internal/events"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// chainSource streams fixed events from the checkpoint's block on, as a
// peer would: the events of cp.Block after cp.TxID, then later blocks.
type chainSource []events.RawEvent

func (s chainSource) Events(ctx context.Context, cp store.Checkpoint) (<-chan events.RawEvent, error) {
	out := make(chan events.RawEvent, len(s))
	skipping := cp.TxID != ""
	for _, ev := range s {
		if ev.Block < cp.Block {
			continue
		}
		if skipping && ev.Block == cp.Block {
			if ev.TxID == cp.TxID {
				skipping = false
			}
			continue
		}
		out <- ev
	}
	close(out)
	return out, nil
}

func received(t *testing.T, src events.Source, cp store.Checkpoint) []string {
	t.Helper()
	ch, err := src.Events(context.Background(), cp)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for ev := range ch {
		ids = append(ids, ev.TxID)
	}
	return ids
}

// A rebuild stops exactly at the checkpoint it reproduces, even where the
// stream has more of the same block ready.
func TestUntilSourceEndsTheStreamAtTheLastTransaction(t *testing.T) {
	chain := chainSource{{Block: 3, TxID: "a"}, {Block: 5, TxID: "b"}, {Block: 5, TxID: "c"}, {Block: 5, TxID: "d"}, {Block: 6, TxID: "e"}}
	last := store.Checkpoint{Block: 5, TxID: "c", Applied: []string{"b", "c"}}
	src := untilSource{Source: chain, last: last}
	if got := received(t, src, store.Checkpoint{}); len(got) != 3 || got[2] != "c" {
		t.Fatalf("from the start: %v, want a b c", got)
	}
	if got := received(t, src, store.Checkpoint{Block: 5, TxID: "b", Applied: []string{"b"}}); len(got) != 1 || got[0] != "c" {
		t.Fatalf("resumed after b: %v, want c", got)
	}
	if got := received(t, src, last); len(got) != 0 {
		t.Fatalf("at the checkpoint: %v, want nothing", got)
	}
	// The chain lost its last transaction (it never does): the stream ends
	// at the next block rather than running past.
	short := untilSource{Source: chainSource{{Block: 3, TxID: "a"}, {Block: 6, TxID: "e"}}, last: last}
	if got := received(t, short, store.Checkpoint{}); len(got) != 1 {
		t.Fatalf("past the checkpoint's block: %v, want a", got)
	}
}
