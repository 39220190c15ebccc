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
// read the ledger when the event is applied (package projections): a
// rebuild reads today's state for past events, because Fabric keeps no
// history of private data. So the dump holds every key and value of:
//   - the event log and its indexes, and the listener's checkpoint;
//   - the current holdings and cash (each as read after the last event
//     that touched it: today's state, live or rebuilt, unless an event
//     that moved it was missed);
//   - the deals' reports and certified distributions;
//
// and leaves out what records the ledger as read at the time:
//   - the holding and cash histories (their amounts, and whether a
//     settlement's side was instructed yet when its first side was);
//   - the statement lines (which holders a certified period pays, from
//     the holdings as read at certification).
//
// The API's idempotency records, the loan book of this gateway's uploads
// and the scheduler's state are not the listener's and are not dumped.
var rebuiltExactly = []string{bucketEvents, indexByName, indexByTx, indexByTime, string(bucketListener),
	bucketPositions, bucketByTranche, bucketCash, bucketReports, bucketDistributions}

// DumpReadModel writes the part of the read model that a rebuild from the
// chain reproduces (see rebuiltExactly), one JSON DumpLine a line, bucket
// by bucket in name order and in key order within a bucket: two databases
// whose listeners applied the same events dump the same bytes.
func (d *DB) DumpReadModel(w io.Writer) error {
	names := slices.Sorted(slices.Values(rebuiltExactly))
	out := bufio.NewWriter(w)
	enc := json.NewEncoder(out)
	err := d.db.View(func(tx *bbolt.Tx) error {
		for _, name := range names {
			b := tx.Bucket([]byte(name))
			if b == nil {
				continue
			}
			if err := b.ForEach(func(k, v []byte) error {
				value := json.RawMessage(append([]byte(nil), v...))
				if !json.Valid(v) {
					value, _ = json.Marshal(string(v))
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
