package scheduler

import (
	"sync"
	"time"
)

// Clock tells the scheduler the time.
type Clock interface{ Now() time.Time }

// Settable is the wall clock unless a time was set: then that time,
// advancing with the wall clock from the moment it was set, so a demo
// moved to a payment date stays on it while the run takes its minutes.
type Settable struct {
	mu     sync.Mutex
	offset time.Duration
	set    bool
	wall   func() time.Time
}

// NewSettable returns the wall clock, set to now when ok.
func NewSettable(now time.Time, ok bool) *Settable {
	c := &Settable{wall: time.Now}
	if ok {
		c.Set(now)
	}
	return c
}

// Now is the scheduler's time.
func (c *Settable) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wall().Add(c.offset).UTC()
}

// Set moves the clock to t.
func (c *Settable) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset, c.set = t.Sub(c.wall()), true
}

// Overridden reports whether the clock was set.
func (c *Settable) Overridden() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.set
}
