package txn

import (
	"encoding/json"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// EventName is the name of the one chaincode event a tranchenet transaction
// emits; its payload is an Envelope.
const EventName = "tranchenet"

// EventSchema versions the Envelope. A consumer must check it and refuse a
// schema it does not know rather than misread it.
const EventSchema = "tranchenet.events/v1"

// Envelope carries every state change of one transaction. Events are public
// to every channel member: they never carry private values (balances,
// prices, loan data), only what is public and the identity keys involved.
type Envelope struct {
	Schema string  `json:"schema"`
	TxID   string  `json:"txId"`
	Time   string  `json:"time"` // RFC 3339, the transaction timestamp
	Events []Event `json:"events"`
}

// Event is one state change: a type such as "TokenTransferred" and its data.
type Event struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

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
