package store

import (
	"encoding/json"
	"time"

	"go.etcd.io/bbolt"
)

// RegisteredDeal is a deal registered with the payment-date scheduler at
// run time (PUT /v1/scheduler/deals/{deal}), besides those its
// configuration lists.
type RegisteredDeal struct {
	Deal              string    `json:"deal"`
	DeterminationDays int       `json:"determinationDays"`
	OptIn             []string  `json:"optIn"`
	Registered        time.Time `json:"registered"`
	// By is the user who registered it.
	By string `json:"by,omitempty"`
}

// RegisteredDeals keeps the deals registered with the scheduler, one
// record per deal, so a restarted gateway runs the same deals. Each call is
// its own transaction, durable when it returns.
type RegisteredDeals interface {
	// List returns every registered deal, in deal order.
	List() ([]RegisteredDeal, error)
	// Get returns one deal's registration; found is false if none.
	Get(deal string) (d RegisteredDeal, found bool, err error)
	// Put registers d, replacing any registration of d.Deal.
	Put(d RegisteredDeal) error
	// Delete removes deal's registration; found is false if there was none.
	Delete(deal string) (found bool, err error)
}

var bucketScheduledDeals = "scheduler-deals"

// ScheduledDeals returns the deals registered with the scheduler.
func (d *DB) ScheduledDeals() RegisteredDeals { return scheduledDeals{d.db} }

type scheduledDeals struct{ db *bbolt.DB }

func (s scheduledDeals) List() ([]RegisteredDeal, error) {
	out := []RegisteredDeal{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		b, err := bucket(tx, bucketScheduledDeals)
		if err != nil || b == nil {
			return err
		}
		return b.ForEach(func(_, raw []byte) error {
			var d RegisteredDeal
			if err := json.Unmarshal(raw, &d); err != nil {
				return err
			}
			out = append(out, d)
			return nil
		})
	})
	return out, err
}

func (s scheduledDeals) Get(deal string) (d RegisteredDeal, found bool, err error) {
	err = s.db.View(func(tx *bbolt.Tx) error {
		b, err := bucket(tx, bucketScheduledDeals)
		if err != nil {
			return err
		}
		found, err = getJSON(b, []byte(deal), &d)
		return err
	})
	return d, found, err
}

func (s scheduledDeals) Put(d RegisteredDeal) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		b, err := bucket(tx, bucketScheduledDeals)
		if err != nil {
			return err
		}
		return putJSON(b, []byte(d.Deal), d)
	})
}

func (s scheduledDeals) Delete(deal string) (found bool, err error) {
	err = s.db.Update(func(tx *bbolt.Tx) error {
		b, err := bucket(tx, bucketScheduledDeals)
		if err != nil {
			return err
		}
		found = b.Get([]byte(deal)) != nil
		return b.Delete([]byte(deal))
	})
	return found, err
}
