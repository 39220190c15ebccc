package txn

import (
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/events"
)

// EventName is the name of the one chaincode event a tranchenet transaction
// emits; its payload is an Envelope (package core/events, shared with the
// clients that read the stream).
const EventName = events.Name

// EventSchema versions the Envelope.
const EventSchema = events.Schema

// Envelope carries every state change of one transaction.
type Envelope = events.Envelope

// Event is one state change: a type such as "TokenTransferred" and its data.
type Event = events.Event

// Emit records an event; it is sent when the transaction succeeds.
func (c *Context) Emit(eventType string, data any) error {
	b, err := canon.Marshal(data)
	if err != nil {
		return errs.New(errs.Internal, "encode event %s: %v", eventType, err)
	}
	c.events = append(c.events, Event{Type: eventType, Data: b})
	return nil
}

// flush sets the transaction's chaincode event from the recorded events.
func (c *Context) flush() error {
	if len(c.events) == 0 {
		return nil
	}
	now, err := c.Now()
	if err != nil {
		return err
	}
	b, err := canon.Marshal(Envelope{Schema: EventSchema, TxID: c.TxID(), Time: now.Format(time.RFC3339Nano), Events: c.events})
	if err != nil {
		return errs.New(errs.Internal, "encode events: %v", err)
	}
	return c.GetStub().SetEvent(EventName, b)
}
