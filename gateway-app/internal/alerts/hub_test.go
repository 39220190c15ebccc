package alerts

import (
	"testing"
)

// Every subscriber gets each alert published while it is subscribed, in
// order; a subscriber that stopped gets nothing more, and one that does
// not read never blocks Publish.
func TestHubFansOutAndNeverBlocks(t *testing.T) {
	h := NewHub()
	a, stopA := h.Subscribe()
	b, stopB := h.Subscribe()
	h.Publish(Alert{Deal: "AUTO-1", Step: "certify", Period: 2})
	h.Publish(Alert{Deal: "AUTO-1", Step: "pay-holders", Period: 2})
	for _, c := range []<-chan Alert{a, b} {
		if x, y := <-c, <-c; x.Step != "certify" || y.Step != "pay-holders" || x.Name != EventName {
			t.Fatalf("got %+v then %+v", x, y)
		}
	}
	stopB()
	for i := 0; i < subscriberBuffer+10; i++ { // b is gone, a is full after subscriberBuffer
		h.Publish(Alert{Deal: "AUTO-1", Step: "certify", Period: 3 + i})
	}
	if len(a) != subscriberBuffer || len(b) != 0 {
		t.Fatalf("a holds %d (want %d), b holds %d (want 0)", len(a), subscriberBuffer, len(b))
	}
	stopA()
	var nilHub *Hub
	nilHub.Publish(Alert{})
	if c, stop := nilHub.Subscribe(); c != nil {
		t.Fatal("a nil hub has a subscription")
	} else {
		stop()
	}
}
