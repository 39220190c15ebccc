// Package alerts carries the gateway's operational alerts (a scheduler
// step past its date: a report late, a fixing missing, a refusal) to the
// clients watching the live event stream (GET /v1/events/stream, as
// `event: alert`). An alert is not a ledger event: it has no block and no
// cursor, and is not kept (the scheduler's schedule view and its metric
// keep it); a client connected when it is raised sees it.
//
// It imports only the standard library.
package alerts

import (
	"sync"
	"time"
)

// EventName is the name the event stream gives alerts: a stream filtered
// on ?name= carries them only for this name or no name.
const EventName = "SchedulerAlert"

// Alert is one alert as the event stream sends it.
type Alert struct {
	Name   string    `json:"name"`   // EventName
	Source string    `json:"source"` // what raised it: "scheduler"
	Deal   string    `json:"deal"`
	Period int       `json:"period"`
	Step   string    `json:"step"`
	Due    time.Time `json:"due,omitzero"`
	// Missing says what the step waits for, e.g. "report for period 2 is
	// not submitted", "fixing SOFR30A: …".
	Missing []string  `json:"missing"`
	Raised  time.Time `json:"raised"` // the raiser's clock
}

// subscriberBuffer bounds the alerts waiting for one slow client; more
// are dropped for it (the schedule view still lists them).
const subscriberBuffer = 64

// Hub fans alerts out to the subscribed streams. The zero value is not
// usable; a nil *Hub publishes nothing and has no subscribers.
type Hub struct {
	mu   sync.Mutex
	subs map[chan Alert]struct{}
}

// NewHub returns a hub without subscribers.
func NewHub() *Hub { return &Hub{subs: map[chan Alert]struct{}{}} }

// Publish sends a to every subscriber without waiting for any.
func (h *Hub) Publish(a Alert) {
	if h == nil {
		return
	}
	if a.Name == "" {
		a.Name = EventName
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.subs {
		select {
		case c <- a:
		default: // a client that does not read loses alerts, never blocks the scheduler
		}
	}
}

// Subscribe returns the alerts published from now on, and the function
// that ends the subscription (it must be called).
func (h *Hub) Subscribe() (<-chan Alert, func()) {
	if h == nil {
		return nil, func() {}
	}
	c := make(chan Alert, subscriberBuffer)
	h.mu.Lock()
	h.subs[c] = struct{}{}
	h.mu.Unlock()
	return c, func() {
		h.mu.Lock()
		delete(h.subs, c)
		h.mu.Unlock()
	}
}
