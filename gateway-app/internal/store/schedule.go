package store

import (
	"bytes"

	"go.etcd.io/bbolt"
)

// ScheduleBook keeps the payment-date scheduler's progress (package
// scheduler): one JSON record per key, the scheduler naming its keys
// (deal/period/step/holder). Each call is its own transaction, and a Put
// is durable when it returns, so a restarted gateway sees every step it
// recorded done.
type ScheduleBook interface {
	// Get decodes the record under key into v; found is false if none.
	Get(key string, v any) (found bool, err error)
	// Put stores v as JSON under key, replacing any.
	Put(key string, v any) error
	// Keys lists the keys that start with prefix, in order.
	Keys(prefix string) ([]string, error)
}

var bucketSchedule = "scheduler"

// Schedule returns the scheduler's progress records.
func (d *DB) Schedule() ScheduleBook { return schedule{d.db} }

type schedule struct{ db *bbolt.DB }

func (s schedule) Get(key string, v any) (found bool, err error) {
	err = s.db.View(func(tx *bbolt.Tx) error {
		b, err := bucket(tx, bucketSchedule)
		if err != nil {
			return err
		}
		found, err = getJSON(b, []byte(key), v)
		return err
	})
	return found, err
}

// Put goes through bbolt's Batch: the claims a payment date runs in
// parallel share one commit (one fsync) instead of one each, and each Put
// still returns only once its write is durable.
func (s schedule) Put(key string, v any) error {
	return s.db.Batch(func(tx *bbolt.Tx) error {
		b, err := bucket(tx, bucketSchedule)
		if err != nil {
			return err
		}
		return putJSON(b, []byte(key), v)
	})
}

func (s schedule) Keys(prefix string) ([]string, error) {
	var out []string
	err := s.db.View(func(tx *bbolt.Tx) error {
		b, err := bucket(tx, bucketSchedule)
		if err != nil || b == nil {
			return err
		}
		c := b.Cursor()
		p := []byte(prefix)
		for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
			out = append(out, string(k))
		}
		return nil
	})
	return out, err
}
