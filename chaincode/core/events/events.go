// Package events is the versioned envelope of tranchenet chaincode events,
// shared by the chaincode, which emits it, and every client that reads the
// event stream (the gateway app's listener), so the two can never drift
// apart. It is pure: encoding/json only, no Fabric.
//
// A tranchenet transaction sets one chaincode event, named Name, whose
// payload is an Envelope: every state change of the transaction, in order.
// Events are public to every channel member, so they never carry private
// values (balances, prices, loan data), only public facts and the identity
// keys involved.
package events

import "encoding/json"

// Name is the name of the one chaincode event a tranchenet transaction
// emits.
const Name = "tranchenet"

// Schema versions the Envelope. A consumer must check it and refuse a
// schema it does not know rather than misread it; SchemaPrefix marks any
// version of it.
const (
	Schema       = "tranchenet.events/v1"
	SchemaPrefix = "tranchenet.events/"
)

// Envelope carries every state change of one transaction.
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
