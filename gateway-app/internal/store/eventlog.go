package store

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// EventRecord is one stored event, as GET /v1/events lists it.
type EventRecord struct {
	Block uint64 `json:"block" doc:"block that committed the transaction"`
	TxSeq uint32 `json:"txSeq" doc:"position of the transaction among the chaincode's events in the block"`
	Index uint32 `json:"index" doc:"position of the event in its transaction"`
	TxID  string `json:"txId"`
	Name  string `json:"name" doc:"event type, e.g. TokenTransferred"`
	// Schema is the envelope schema ("" for a plain chaincode event).
	Schema string `json:"schema,omitempty" doc:"event envelope schema, e.g. tranchenet.events/v1"`
	// ChaincodeEvent is the Fabric chaincode event name.
	ChaincodeEvent string     `json:"chaincodeEvent"`
	Time           *time.Time `json:"time,omitempty" doc:"transaction timestamp, when the event carries one"`
	// Data is the event's JSON data; Payload holds a payload that is not JSON.
	Data    json.RawMessage `json:"data,omitempty" doc:"event data (JSON)"`
	Payload []byte          `json:"payload,omitempty" doc:"raw payload of a non-JSON chaincode event, base64"`
}

// The event log's buckets: the records by position, and three indexes whose
// keys end with the record's position key.
var (
	bucketEvents = "events"
	indexByName  = "events.byName" // name 0x00 position
	indexByTx    = "events.byTx"   // txId 0x00 position
	indexByTime  = "events.byTime" // unix nanoseconds (8 bytes) position
)

// Position places an event in the chain: block, transaction in block,
// event in transaction. Histories are kept in this order.
type Position struct {
	Block uint64
	TxSeq uint32
	Index uint32
}

// key orders positions: 16 big-endian bytes.
func (p Position) key() []byte {
	k := binary.BigEndian.AppendUint64(make([]byte, 0, positionKeyLen), p.Block)
	k = binary.BigEndian.AppendUint32(k, p.TxSeq)
	return binary.BigEndian.AppendUint32(k, p.Index)
}

const positionKeyLen = 16

// Cursor is the cursor that lists the events after rec (as EventPage.Next
// would): a live tail resumes from the last event it sent.
func (rec EventRecord) Cursor() string {
	return base64.RawURLEncoding.EncodeToString(Position{rec.Block, rec.TxSeq, rec.Index}.key())
}

// timeKey is the index prefix of a time; times before 1970 sort first.
func timeKey(t time.Time) []byte {
	n := t.UnixNano()
	if n < 0 {
		n = 0
	}
	return u64(uint64(n))
}

// AppendEvent stores one event in the event log, with its indexes by
// type, transaction and time. Storing the same position again replaces it.
func (t txn) AppendEvent(rec EventRecord) error {
	tx := t.tx
	pos := Position{Block: rec.Block, TxSeq: rec.TxSeq, Index: rec.Index}.key()
	main, err := bucket(tx, bucketEvents)
	if err != nil {
		return err
	}
	if err := putJSON(main, pos, rec); err != nil {
		return err
	}
	for _, ix := range []struct {
		bucket string
		key    []byte
	}{
		{indexByName, joinKey([]byte(rec.Name), sep, pos)},
		{indexByTx, joinKey([]byte(rec.TxID), sep, pos)},
	} {
		b, err := bucket(tx, ix.bucket)
		if err != nil {
			return err
		}
		if err := b.Put(ix.key, nil); err != nil {
			return err
		}
	}
	if rec.Time != nil {
		b, err := bucket(tx, indexByTime)
		if err != nil {
			return err
		}
		return b.Put(joinKey(timeKey(*rec.Time), pos), nil)
	}
	return nil
}

// EventQuery selects events. Every set field must match.
type EventQuery struct {
	Name string    // event type
	TxID string    // transaction
	From time.Time // transaction time >= From (events without a time never match a time filter)
	To   time.Time // transaction time < To
	// After is the cursor of the previous page (EventPage.Next).
	After string
	// Limit is the page size: default 50, at most 500.
	Limit int
	// Desc lists newest first.
	Desc bool
}

// Page sizes.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// EventPage is one page of results; Next is the cursor of the next page, ""
// on the last one.
type EventPage struct {
	Events []EventRecord `json:"events"`
	Next   string        `json:"next,omitempty" doc:"cursor of the next page (pass as ?after=); absent on the last page"`
}

// ErrBadCursor reports a cursor that this event log did not issue.
var ErrBadCursor = fmt.Errorf("not a cursor returned by this endpoint")

// Events returns one page of events in position order (block, transaction,
// event), using the most selective index for the query.
func (t txn) Events(q EventQuery) (EventPage, error) {
	tx := t.tx
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultPageSize
	}
	limit = min(limit, MaxPageSize)
	var after []byte // position key of the cursor
	if q.After != "" {
		raw, err := base64.RawURLEncoding.DecodeString(q.After)
		if err != nil || len(raw) != positionKeyLen {
			return EventPage{}, ErrBadCursor
		}
		after = raw
	}
	main, err := bucket(tx, bucketEvents)
	if err != nil {
		return EventPage{}, err
	}

	// Choose the index, its range, and how a position key maps into it.
	var (
		index   *bbolt.Bucket
		r       keyRange
		indexOf func(pos []byte) ([]byte, error)
	)
	prefixed := func(name string, prefix []byte) {
		index, err = bucket(tx, name)
		r = prefixRange(prefix)
		indexOf = func(pos []byte) ([]byte, error) { return joinKey(prefix, pos), nil }
	}
	timed := !q.From.IsZero() || !q.To.IsZero()
	switch {
	case q.TxID != "":
		prefixed(indexByTx, joinKey([]byte(q.TxID), sep))
	case q.Name != "":
		prefixed(indexByName, joinKey([]byte(q.Name), sep))
	case timed:
		index, err = bucket(tx, indexByTime)
		if !q.From.IsZero() {
			r.Lower = timeKey(q.From)
		}
		if !q.To.IsZero() {
			r.Upper = timeKey(q.To)
		}
		indexOf = func(pos []byte) ([]byte, error) {
			var rec EventRecord
			found, err := getJSON(main, pos, &rec)
			if err != nil || !found || rec.Time == nil {
				return nil, ErrBadCursor
			}
			return joinKey(timeKey(*rec.Time), pos), nil
		}
	default:
		index = main
		indexOf = func(pos []byte) ([]byte, error) { return pos, nil }
	}
	if err != nil {
		return EventPage{}, err
	}
	var start []byte
	if after != nil {
		if start, err = indexOf(after); err != nil {
			return EventPage{}, err
		}
	}

	page := EventPage{Events: []EventRecord{}}
	var last []byte
	err = scan(index, r, start, q.Desc, func(k, v []byte) (bool, error) {
		pos := k[len(k)-positionKeyLen:]
		var rec EventRecord
		if index == main {
			if err := json.Unmarshal(v, &rec); err != nil {
				return false, err
			}
		} else if found, err := getJSON(main, pos, &rec); err != nil || !found {
			return false, fmt.Errorf("event log index points at a missing event (block %d): %v", binary.BigEndian.Uint64(pos), err)
		}
		if !q.matches(rec) {
			return true, nil
		}
		if len(page.Events) == limit {
			// Another match exists: the page is full and has a successor.
			page.Next = base64.RawURLEncoding.EncodeToString(last)
			return false, nil
		}
		page.Events = append(page.Events, rec)
		last = bytes.Clone(pos)
		return true, nil
	})
	return page, err
}

func (q EventQuery) matches(rec EventRecord) bool {
	if q.Name != "" && rec.Name != q.Name || q.TxID != "" && rec.TxID != q.TxID {
		return false
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		if rec.Time == nil || !q.From.IsZero() && rec.Time.Before(q.From) || !q.To.IsZero() && !rec.Time.Before(q.To) {
			return false
		}
	}
	return true
}
