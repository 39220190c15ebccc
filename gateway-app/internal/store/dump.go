package store

import (
	"bufio"
	"encoding/json"
	"io"
	"slices"
	"strconv"

	"go.etcd.io/bbolt"
)

// DumpLine is one key of the read model in a canonical dump: its bucket,
// its key (Go-quoted, so separators and position bytes stay readable) and
// its value (the stored JSON, or a quoted string when it is not JSON).
type DumpLine struct {
	Bucket string          `json:"bucket"`
	Key    string          `json:"key"`
	Value  json.RawMessage `json:"value"`
}

// What a rebuild from the chain must reproduce. The listener derives every
// bucket below from chaincode events alone, except where the projections
// read amounts from the ledger when the event is applied (package
// projections): a rebuild reads today's amounts for past events, because
// Fabric keeps no history of private data. So:
//   - rebuiltExactly: every key and value (the event log and its indexes,
//     the checkpoint, the current holdings and cash, reports,
//     distributions);
//   - rebuiltWithoutAmounts: every key, and each value without the amounts
//     read at the time (the holding and cash histories);
//   - statement lines are left out: which holders a certified period pays
//     is decided from the holdings as read at certification, which a
//     replay cannot see.
//
// The API's idempotency records, the loan book of this gateway's uploads
// and the scheduler's state are not the listener's and are not dumped.
var (
	rebuiltExactly = []string{bucketEvents, indexByName, indexByTx, indexByTime, string(bucketListener),
		bucketPositions, bucketByTranche, bucketCash, bucketReports, bucketDistributions}
	rebuiltWithoutAmounts = map[string][]string{
		bucketHoldingLog: {"units", "change", "frozenUnits", "heldUnits"},
		bucketCashLog:    {"balance", "change", "held"},
	}
)

// DumpReadModel writes the part of the read model that a rebuild from the
// chain reproduces (see rebuiltExactly), one JSON DumpLine a line, bucket
// by bucket in name order and in key order within a bucket: two databases
// whose listeners applied the same events dump the same bytes.
func (d *DB) DumpReadModel(w io.Writer) error {
	names := append([]string(nil), rebuiltExactly...)
	for name := range rebuiltWithoutAmounts {
		names = append(names, name)
	}
	slices.Sort(names)
	out := bufio.NewWriter(w)
	enc := json.NewEncoder(out)
	err := d.db.View(func(tx *bbolt.Tx) error {
		for _, name := range names {
			b := tx.Bucket([]byte(name))
			if b == nil {
				continue
			}
			drop := rebuiltWithoutAmounts[name]
			if err := b.ForEach(func(k, v []byte) error {
				value, err := canonicalValue(v, drop)
				if err != nil {
					return err
				}
				return enc.Encode(DumpLine{Bucket: name, Key: strconv.Quote(string(k)), Value: value})
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return out.Flush()
}

// canonicalValue is a stored value as dump JSON: a JSON object without
// the drop fields, other JSON as stored, anything else as a string.
func canonicalValue(v []byte, drop []string) (json.RawMessage, error) {
	if !json.Valid(v) {
		return json.Marshal(string(v))
	}
	if len(drop) == 0 {
		return json.RawMessage(append([]byte(nil), v...)), nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(v, &fields); err != nil {
		return json.RawMessage(append([]byte(nil), v...)), nil // not an object
	}
	for _, f := range drop {
		delete(fields, f)
	}
	return json.Marshal(fields) // a map marshals in key order
}
