package config

import (
	"fmt"
	"time"
)

// Scheduler runs each configured deal's payment date by itself (package
// scheduler of the app). On the trustee's gateway (Identity set, an
// identity holding the trustee role) it certifies each period on its
// determination date once the report is complete and reconciled and every
// fixing resolves, then on the payment date claims for every holder with
// something accrued (ClaimFor) and pays the fees. On any bank's gateway it
// claims, on the payment date, for the clients listed in OptIn.
type Scheduler struct {
	// Identity is the trustee identity the trustee's steps run as; empty
	// on a bank that is not the trustee.
	Identity string `yaml:"identity,omitempty"`
	// Interval is how often the scheduler looks at its deals. Default 1m.
	Interval Duration `yaml:"interval,omitempty"`
	// Concurrency bounds the claims in flight on a payment date: enough to
	// keep the trustee's peer busy, not to saturate it. Default 32: measured
	// (README, "A payment date for many holders"), 32 paid 2.3× as fast as 8 for the
	// same CPU per payment, the trustee's peer at about half a core.
	Concurrency int `yaml:"concurrency,omitempty"`
	// Now overrides the scheduler's clock (RFC 3339): tests and demos drive
	// dates with it (or with PUT /v1/scheduler/clock) instead of waiting.
	// The chaincode still stamps transactions with the real time.
	Now string `yaml:"now,omitempty"`
	// Deals are the deals it runs.
	Deals []ScheduledDeal `yaml:"deals"`
}

// ScheduledDeal is one deal the scheduler runs. Its dates come from the
// deal: the payment date of each period from the waterfall terms and the
// period's report, the determination date DeterminationDays before it.
type ScheduledDeal struct {
	Deal string `yaml:"deal"`
	// DeterminationDays: the trustee certifies this many days before the
	// payment date (0 to 28). Default 0: on the payment date itself.
	DeterminationDays int `yaml:"determinationDays,omitempty"`
	// OptIn names this bank's identities (configured identities holding
	// the investor role) whose distributions the gateway claims for them on
	// each payment date.
	OptIn []string `yaml:"optIn,omitempty"`
}

// SchedulerNow is the configured clock override, if any.
func (s *Scheduler) SchedulerNow() (time.Time, bool, error) {
	if s == nil || s.Now == "" {
		return time.Time{}, false, nil
	}
	t, err := time.Parse(time.RFC3339, s.Now)
	return t, err == nil, err
}

func (c *Config) validateScheduler(v *validator) {
	s := c.Scheduler
	if s == nil {
		return
	}
	if s.Identity != "" {
		if _, ok := c.Identity(s.Identity); !ok {
			v.add("scheduler.identity", "%q is not one of identities", s.Identity)
		}
	}
	if s.Concurrency < 0 || s.Concurrency > 256 {
		v.add("scheduler.concurrency", "must be 1 to 256, got %d", s.Concurrency)
	}
	if _, _, err := s.SchedulerNow(); err != nil {
		v.add("scheduler.now", "want an RFC 3339 time (2026-05-15T09:00:00Z): %v", err)
	}
	seen := map[string]bool{}
	for i, d := range s.Deals {
		field := fmt.Sprintf("scheduler.deals[%d]", i)
		if d.Deal == "" {
			v.add(field+".deal", "required")
		}
		if seen[d.Deal] {
			v.add(field+".deal", "deal %s is listed twice", d.Deal)
		}
		seen[d.Deal] = true
		if d.DeterminationDays < 0 || d.DeterminationDays > 28 {
			v.add(field+".determinationDays", "must be 0 to 28, got %d", d.DeterminationDays)
		}
		for j, id := range d.OptIn {
			if _, ok := c.Identity(id); !ok {
				v.add(fmt.Sprintf("%s.optIn[%d]", field, j), "%q is not one of identities", id)
			}
		}
	}
}

func (s *Scheduler) setDefaults() {
	if s == nil {
		return
	}
	setDurationIfZero(&s.Interval, time.Minute)
	if s.Concurrency == 0 {
		s.Concurrency = 32
	}
}
