package settlement

import (
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// Status is where a settlement is in its life cycle (see the package
// documentation for the transitions).
type Status string

const (
	// PendingDeliver: only the seller's deliver instruction is in.
	PendingDeliver Status = "pending-deliver"
	// PendingReceive: only the buyer's receive instruction is in.
	PendingReceive Status = "pending-receive"
	// Matched: both instructions are in and their hashes are equal.
	Matched Status = "matched"
	// Failed: matched, and the last settlement attempt was refused (rule,
	// balance); Record.Failure says why. It may be retried until expiry.
	Failed Status = "failed"
	// Settled: units and cash moved in one transaction. Final.
	Settled Status = "settled"
	// AwaitingPayment (RTGS): units locked on hold until the seller's bank
	// confirms payment or the deadline passes.
	AwaitingPayment Status = "awaiting-payment"
	// Released (RTGS): payment confirmed, units delivered. Final.
	Released Status = "released"
	// Returned (RTGS): the deadline passed unpaid; the hold is released to
	// the seller. Final.
	Returned Status = "returned"
	// Cancelled: withdrawn by the instructing side (unmatched) or by both
	// sides (matched); holds released. Final.
	Cancelled Status = "cancelled"
	// Expired: not settled before expiry; holds released. Final.
	Expired Status = "expired"
)

// Statuses lists every status in life-cycle order.
func Statuses() []Status {
	return []Status{PendingDeliver, PendingReceive, Matched, Failed, Settled,
		AwaitingPayment, Released, Returned, Cancelled, Expired}
}

// Final reports whether no event can change the status any more. A final
// settlement holds nothing.
func (s Status) Final() bool {
	switch s {
	case Settled, Released, Returned, Cancelled, Expired:
		return true
	}
	return false
}

// Side is one bank's part of a settlement.
type Side string

const (
	Deliver Side = "deliver" // the seller's bank: delivers units, receives cash
	Receive Side = "receive" // the buyer's bank: receives units, pays cash
)

// ParseSide reads "deliver" or "receive".
func ParseSide(s string) (Side, error) {
	switch Side(s) {
	case Deliver, Receive:
		return Side(s), nil
	}
	return "", errs.Field("side", "unknown side %q (want %s or %s)", s, Deliver, Receive)
}

// Other returns the counterparty's side.
func (s Side) Other() Side {
	if s == Deliver {
		return Receive
	}
	return Deliver
}

// Record is the public status of one settlement: what every channel member
// may see. It names the two banks, the tranche, the payment mode, the
// deadlines, the hashes of the instructions and the history of steps with
// their times and transaction IDs, and never the parties, units or cash.
type Record struct {
	TradeRef        string      `json:"tradeRef"`
	Kind            Kind        `json:"kind"`
	Tranche         string      `json:"tranche"`
	SellerBank      string      `json:"sellerBank"`
	BuyerBank       string      `json:"buyerBank"`
	Payment         PaymentMode `json:"payment"`
	Expiry          time.Time   `json:"expiry"`
	PaymentDeadline time.Time   `json:"paymentDeadline,omitzero"`
	Status          Status      `json:"status"`
	Deliver         *Leg        `json:"deliver,omitempty"`
	Receive         *Leg        `json:"receive,omitempty"`
	Failure         *Failure    `json:"failure,omitempty"`
	History         []Step      `json:"history"`
}

// Leg is one side's instruction as the public sees it.
type Leg struct {
	// Hash is the lower-case hex SHA-256 of the canonical terms, equal to
	// the private data hash of the instruction in the bank's implicit
	// collection.
	Hash string `json:"hash"`
	// Held: the side's asset is reserved for this settlement (the seller's
	// units, or the buyer's cash), so it cannot be used twice.
	Held            bool      `json:"held"`
	CancelRequested bool      `json:"cancelRequested,omitempty"`
	InstructedAt    time.Time `json:"instructedAt"`
	TxID            string    `json:"txId"`
}

// Failure is why the last settlement attempt was refused: the code (and
// transfer-rule number) only, since messages carry amounts and holdings.
type Failure struct {
	Code     errs.Code `json:"code"`
	Rule     int       `json:"rule,omitempty"`
	Attempts int       `json:"attempts"` // failed attempts so far
	At       time.Time `json:"at"`
	TxID     string    `json:"txId"`
}

// Step is one entry of a settlement's history: the event, the side that
// caused it (if any) and the status after it.
type Step struct {
	Event  EventType `json:"event"`
	Side   Side      `json:"side,omitempty"`
	Status Status    `json:"status"`
	At     time.Time `json:"at"`
	TxID   string    `json:"txId"`
}

// Leg returns the record's leg of side s, or nil.
func (r *Record) Leg(s Side) *Leg {
	if s == Deliver {
		return r.Deliver
	}
	return r.Receive
}

// Bank returns the MSP of side s.
func (r *Record) Bank(s Side) string {
	if s == Deliver {
		return r.SellerBank
	}
	return r.BuyerBank
}

// deadline is the instant after which the current status can only expire:
// the payment deadline while awaiting payment, the expiry before.
func (r *Record) deadline() time.Time {
	if r.Status == AwaitingPayment {
		return r.PaymentDeadline
	}
	return r.Expiry
}

// Holds reports whether anything is still reserved for the settlement.
func (r *Record) Holds() bool {
	return r.Deliver != nil && r.Deliver.Held || r.Receive != nil && r.Receive.Held
}

// clone deep-copies the record so that Apply never changes its input.
func (r Record) clone() Record {
	if r.Deliver != nil {
		d := *r.Deliver
		r.Deliver = &d
	}
	if r.Receive != nil {
		v := *r.Receive
		r.Receive = &v
	}
	if r.Failure != nil {
		f := *r.Failure
		r.Failure = &f
	}
	r.History = append([]Step(nil), r.History...)
	return r
}
