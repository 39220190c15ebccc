// Package events is the gateway app's chaincode event listener. It reads
// the chaincode's events from the Fabric Gateway starting at its
// checkpoint (from the channel's blocks with the private data the bank's
// peer holds, BlockSource, or from the chaincode event stream,
// ChaincodeEventSource), hands each event to the registered projections
// and advances the checkpoint in the same store transaction, so a gateway
// killed at any moment resumes where it stopped: no event is lost and none
// is applied twice. When the stream ends (the Fabric client closes it
// silently on any error) the listener reconnects from the checkpoint with
// exponential backoff.
//
// Imports: the store (checkpoint and the projections' transaction), the
// chaincode's event envelope (core/events), metrics and the Fabric Gateway
// client; never the API or the projections.
package events

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	envelope "github.com/tranchenet/tranchenet/chaincode/core/events"
)

// RawEvent is a chaincode event as the Fabric Gateway delivers it. Fabric
// lets a transaction set at most one chaincode event, so (Block, TxID)
// identifies it.
type RawEvent struct {
	Block     uint64
	TxID      string
	Chaincode string
	Name      string // the chaincode event name
	Payload   []byte
	// Private is the transaction's private data in the chaincode's
	// namespace as the source has it: a BlockSource gives it, a
	// ChaincodeEventSource does not (nil).
	Private *PrivateData
}

// PrivateData is what a bank's peer sent of a transaction's private
// writes: those of the collections the bank is a member of, once the peer
// holds them.
type PrivateData struct {
	// Writes are the keys written (or deleted), values as the chaincode
	// wrote them.
	Writes []PrivateWrite
	// Missing are the collections the transaction wrote (its public
	// hashed read-write set says so) whose writes did not come: the bank
	// is not a member, or its peer has not received them yet. A
	// collection neither here nor in Writes was not written at all.
	Missing []string
}

// Wrote reports what the transaction did to key in collection: known is
// false when the writes of the collection did not come (or the source
// gives none), so only a read can tell; otherwise w is the write, or
// written is false when the transaction left the key as it was.
func (pd *PrivateData) Wrote(collection, key string) (w PrivateWrite, written, known bool) {
	if pd == nil || slices.Contains(pd.Missing, collection) {
		return PrivateWrite{}, false, false
	}
	for _, w := range pd.Writes {
		if w.Collection == collection && w.Key == key {
			return w, true, true
		}
	}
	return PrivateWrite{}, false, true
}

// PrivateWrite is one key a transaction wrote (or deleted) in a private
// data collection.
type PrivateWrite struct {
	Collection string
	Key        string
	Value      []byte
	Deleted    bool
}

// Event is one state change handed to projections. A tranchenet chaincode
// event carries an envelope of several typed events (see EnvelopeSchema);
// the listener unpacks it into one Event per entry, in order. Any other
// chaincode event becomes a single Event named after the chaincode event.
type Event struct {
	Block uint64
	// TxSeq is the transaction's position among this chaincode's events in
	// the block (0-based), and Index the event's position in its
	// transaction's envelope: together with Block they order every event.
	TxSeq uint32
	Index uint32
	TxID  string
	// Chaincode and ChaincodeEvent name the Fabric chaincode event.
	Chaincode      string
	ChaincodeEvent string
	// Name is the event type, e.g. "TokenTransferred".
	Name string
	// Schema is the envelope schema, "" for a plain chaincode event.
	Schema string
	// Time is the transaction timestamp carried by the envelope; zero when
	// the event does not carry one.
	Time time.Time
	// Data is the event's JSON data (envelope entries) or the raw payload.
	Data []byte
	// Facts are what the listener's Enricher fetched for the event (nil
	// without one): values the public event does not carry.
	Facts any
	// Private is the private data of the event's transaction
	// (RawEvent.Private), shared by its events: an Enricher takes what it
	// can from it before it asks the ledger.
	Private *PrivateData
}

// EnvelopeSchema is the one envelope schema this gateway understands
// (package chaincode/core/events, shared with the chaincode). The chaincode
// versions its events; an envelope of another tranchenet schema stops the
// listener (without advancing the checkpoint) rather than being misread,
// so an upgraded chaincode is noticed and the gateway upgraded.
const EnvelopeSchema = envelope.Schema

// Unpack turns a raw chaincode event into the events projections see.
// txSeq is the transaction's position in its block.
func Unpack(raw RawEvent, txSeq uint32) ([]Event, error) {
	base := Event{Block: raw.Block, TxSeq: txSeq, TxID: raw.TxID, Chaincode: raw.Chaincode, ChaincodeEvent: raw.Name, Private: raw.Private}
	var env envelope.Envelope
	if !looksLikeEnvelope(raw.Payload) || json.Unmarshal(raw.Payload, &env) != nil || !strings.HasPrefix(env.Schema, envelope.SchemaPrefix) {
		ev := base
		ev.Name, ev.Data = raw.Name, raw.Payload
		return []Event{ev}, nil
	}
	if env.Schema != EnvelopeSchema {
		return nil, fmt.Errorf("block %d tx %s: event schema %q is not supported by this gateway (it reads %s): upgrade the gateway app", raw.Block, raw.TxID, env.Schema, EnvelopeSchema)
	}
	if env.TxID != "" && env.TxID != raw.TxID {
		return nil, fmt.Errorf("block %d tx %s: envelope names transaction %s", raw.Block, raw.TxID, env.TxID)
	}
	var at time.Time
	if env.Time != "" {
		t, err := time.Parse(time.RFC3339Nano, env.Time)
		if err != nil {
			return nil, fmt.Errorf("block %d tx %s: envelope time: %v", raw.Block, raw.TxID, err)
		}
		at = t.UTC()
	}
	out := make([]Event, 0, len(env.Events))
	for i, e := range env.Events {
		if e.Type == "" {
			return nil, fmt.Errorf("block %d tx %s: envelope event %d has no type", raw.Block, raw.TxID, i)
		}
		ev := base
		ev.Index, ev.Name, ev.Schema, ev.Time, ev.Data = uint32(i), e.Type, env.Schema, at, e.Data
		out = append(out, ev)
	}
	return out, nil
}

func looksLikeEnvelope(p []byte) bool {
	p = bytes.TrimLeft(p, " \t\r\n")
	return len(p) > 0 && p[0] == '{' && bytes.Contains(p, []byte(envelope.SchemaPrefix))
}
