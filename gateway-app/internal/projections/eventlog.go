package projections

import (
	"bytes"
	"encoding/json"

	"github.com/tranchenet/tranchenet/gateway-app/internal/events"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// EventLog is the projection that keeps every chaincode event, queryable
// by type, transaction and time (GET /v1/events); register it with
// Listener.RegisterAll.
func EventLog(w store.Writer, ev events.Event) error {
	rec := store.EventRecord{Block: ev.Block, TxSeq: ev.TxSeq, Index: ev.Index, TxID: ev.TxID, Name: ev.Name,
		Schema: ev.Schema, ChaincodeEvent: ev.ChaincodeEvent}
	if !ev.Time.IsZero() {
		t := ev.Time.UTC()
		rec.Time = &t
	}
	if json.Valid(ev.Data) {
		rec.Data = json.RawMessage(bytes.Clone(ev.Data))
	} else {
		rec.Payload = bytes.Clone(ev.Data)
	}
	return w.AppendEvent(rec)
}
