package store

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"go.etcd.io/bbolt"
)

// Idempotency keeps the API's answers to writes sent with an
// Idempotency-Key, per scope (user and key). Each call is its own
// transaction.
type Idempotency interface {
	// Load returns the record of scope; found is false if there is none.
	Load(scope string) (rec IdempotencyRecord, found bool, err error)
	// Save stores the record of scope, replacing any.
	Save(scope string, rec IdempotencyRecord) error
	// Delete forgets scope.
	Delete(scope string) error
	// Sweep deletes every record for which expired answers true, and
	// returns how many it deleted.
	Sweep(expired func(IdempotencyRecord) bool) (int, error)
}

// IdempotencyRecord is one stored key: a request running ("pending") or
// its answer ("done").
type IdempotencyRecord struct {
	State       string      `json:"state"` // "pending" or "done"
	Fingerprint string      `json:"fingerprint"`
	Owner       string      `json:"owner"`
	Created     time.Time   `json:"created"`
	Status      int         `json:"status,omitempty"`
	Header      http.Header `json:"header,omitempty"`
	Body        []byte      `json:"body,omitempty"`
	// TxIDs are the transactions the request proposed, recorded before
	// each left the app: after a crash they tell from the ledger whether
	// the request was applied.
	TxIDs  []string  `json:"txIds,omitempty"`
	LastTx time.Time `json:"lastTx,omitzero"`
}

var bucketIdempotency = []byte("idempotency")

// Idempotency returns the idempotency records.
func (d *DB) Idempotency() Idempotency { return idempotency{d.db} }

type idempotency struct{ db *bbolt.DB }

func (s idempotency) Load(scope string) (rec IdempotencyRecord, found bool, err error) {
	err = s.db.View(func(tx *bbolt.Tx) error {
		found, err = getJSON(tx.Bucket(bucketIdempotency), []byte(scope), &rec)
		return err
	})
	return rec, found, err
}

func (s idempotency) Save(scope string, rec IdempotencyRecord) error {
	raw, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketIdempotency).Put([]byte(scope), raw)
	})
}

func (s idempotency) Delete(scope string) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketIdempotency).Delete([]byte(scope))
	})
}

func (s idempotency) Sweep(expired func(IdempotencyRecord) bool) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketIdempotency)
		var old [][]byte
		err := b.ForEach(func(k, v []byte) error {
			var rec IdempotencyRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return err
			}
			if expired(rec) {
				old = append(old, bytes.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range old {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(old)
		return nil
	})
	return n, err
}
