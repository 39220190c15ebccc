package settlement

import (
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// EventType is what happens to a settlement.
type EventType string

const (
	// EventInstruct: a bank instructs its side (Event.Side, Event.Hash,
	// Event.Hold).
	EventInstruct EventType = "instruct"
	// EventHold: a side that instructed without a hold reserves its asset
	// now (Event.Side). Placing the hold in its own step keeps the
	// instruction, which creates the public record, free of any registry
	// read, so its endorsers need not be members of the holder's registry.
	EventHold EventType = "hold"
	// EventSettle: a settlement attempt passed every check; the contract
	// moves (ledger) or locks (RTGS) as the effects say.
	EventSettle EventType = "settle"
	// EventSettleFailed: a settlement attempt was refused by a transfer
	// rule or a balance (Event.Code, Event.Rule); nothing moves.
	EventSettleFailed EventType = "settle-failed"
	// EventConfirmPayment (RTGS): the seller's bank confirms it received
	// the cash off-ledger.
	EventConfirmPayment EventType = "confirm-payment"
	// EventCancel: a side (Event.Side) withdraws or asks to withdraw.
	EventCancel EventType = "cancel"
	// EventExpire: anyone closes a settlement whose expiry (or RTGS
	// payment deadline) has passed.
	EventExpire EventType = "expire"
)

// Event is one input to the state machine. At is the transaction
// timestamp: the only clock.
type Event struct {
	Type EventType
	Side Side      // instruct, hold, cancel
	Hash string    // instruct: hex SHA-256 of the instructing side's canonical terms
	Hold bool      // instruct: reserve the side's asset (seller's units, buyer's cash)
	Code errs.Code // settle-failed
	Rule int       // settle-failed: transfer-rule number, if a rule refused
	At   time.Time
	TxID string
}

// Effect is a change of holdings the contract must make, in the order
// given, when it applies a transition. Amounts come from the terms (or,
// for a release, from the hold the contract recorded), never from the
// public record.
type Effect string

const (
	HoldUnits    Effect = "hold-units"    // reserve the seller's units
	ReleaseUnits Effect = "release-units" // un-reserve them
	HoldCash     Effect = "hold-cash"     // reserve the buyer's cash
	ReleaseCash  Effect = "release-cash"  // un-reserve it
	DeliverUnits Effect = "deliver-units" // seller (or issuance account) to buyer
	PayCash      Effect = "pay-cash"      // buyer to seller (or issuer)
)

// Open starts a settlement with its first instruction: terms t instructed
// by e.Side at e.At. The record's public fields come from t; the returned
// effects are the hold, if e.Hold asked for one.
func Open(t Terms, e Event) (Record, []Effect, error) {
	if err := checkEvent(e); err != nil {
		return Record{}, nil, err
	}
	if e.Type != EventInstruct {
		return Record{}, nil, errs.New(errs.NotFound, "settlement %s: no instruction yet; %s needs one", t.TradeRef, e.Type)
	}
	if err := t.Validate(); err != nil {
		return Record{}, nil, err
	}
	t = t.normalised()
	hash, err := t.HashHex()
	if err != nil {
		return Record{}, nil, err
	}
	if e.Hash != "" && e.Hash != hash {
		return Record{}, nil, errs.New(errs.Internal, "settlement %s: event hash %s is not the terms' hash %s", t.TradeRef, e.Hash, hash)
	}
	if !e.At.Before(t.Expiry) {
		return Record{}, nil, errs.Field("expiry", "%s is not after the transaction time %s", stamp(t.Expiry), stamp(e.At))
	}
	r := Record{
		TradeRef:        t.TradeRef,
		Kind:            t.Kind,
		Tranche:         t.Tranche,
		SellerBank:      t.SellerBank(),
		BuyerBank:       t.BuyerBank(),
		Payment:         t.Payment,
		Expiry:          t.Expiry,
		PaymentDeadline: t.PaymentDeadline,
	}
	if err := r.checkHold(e); err != nil {
		return Record{}, nil, err
	}
	e.Hash = hash
	effects := r.instruct(e)
	if e.Side == Deliver {
		r.Status = PendingDeliver
	} else {
		r.Status = PendingReceive
	}
	r.step(e)
	return r, effects, nil
}

// Apply computes the next record and the effects of event e, or refuses e
// with a coded error (WRONG_STATE, ALREADY_EXISTS, CONFLICT, BAD_INPUT)
// and changes nothing. It is a pure function: r is not modified.
//
// Every event but Expire is refused once the settlement's deadline has
// passed (the expiry, or the payment deadline while awaiting payment), so
// nothing settles late; Expire is refused before it.
func Apply(r Record, e Event) (Record, []Effect, error) {
	if err := checkEvent(e); err != nil {
		return r, nil, err
	}
	if r.Status.Final() {
		return r, nil, errs.New(errs.WrongState, "settlement %s is %s; nothing more can happen to it", r.TradeRef, r.Status)
	}
	if e.Type != EventExpire && !e.At.Before(r.deadline()) {
		return r, nil, errs.New(errs.WrongState, "settlement %s: %s passed at %s (transaction time %s); call Expire to release its holds",
			r.TradeRef, r.deadlineName(), stamp(r.deadline()), stamp(e.At))
	}
	n := r.clone()
	var effects []Effect
	switch e.Type {
	case EventInstruct:
		if err := n.match(e); err != nil {
			return r, nil, err
		}
		effects = n.instruct(e)
		n.Status = Matched
	case EventHold:
		if err := n.hold(e); err != nil {
			return r, nil, err
		}
		effects = holdEffect(e.Side)
	case EventSettle:
		if err := n.requireMatched(e); err != nil {
			return r, nil, err
		}
		if n.Payment == PaymentRTGS {
			if !n.Deliver.Held {
				n.Deliver.Held = true
				effects = append(effects, HoldUnits)
			}
			n.Status = AwaitingPayment
		} else {
			effects = append(n.releaseAll(), DeliverUnits, PayCash)
			n.Status = Settled
		}
	case EventSettleFailed:
		if err := n.requireMatched(e); err != nil {
			return r, nil, err
		}
		attempts := 1
		if n.Failure != nil {
			attempts = n.Failure.Attempts + 1
		}
		n.Failure = &Failure{Code: e.Code, Rule: e.Rule, Attempts: attempts, At: e.At, TxID: e.TxID}
		if n.Status == Failed {
			return n, nil, nil // a retry that failed again is not a new step
		}
		n.Status = Failed
	case EventConfirmPayment:
		if n.Status != AwaitingPayment {
			return r, nil, errs.New(errs.WrongState, "settlement %s is %s; only an rtgs settlement awaiting payment can be confirmed", r.TradeRef, r.Status)
		}
		effects = append(n.releaseAll(), DeliverUnits)
		n.Status = Released
	case EventCancel:
		var err error
		if effects, err = n.cancel(e); err != nil {
			return r, nil, err
		}
	case EventExpire:
		if e.At.Before(n.deadline()) {
			return r, nil, errs.New(errs.WrongState, "settlement %s is %s and its %s is %s (transaction time %s): it cannot expire yet",
				r.TradeRef, r.Status, r.deadlineName(), stamp(r.deadline()), stamp(e.At))
		}
		effects = n.releaseAll()
		if n.Status == AwaitingPayment {
			n.Status = Returned
		} else {
			n.Status = Expired
		}
	}
	n.step(e)
	return n, effects, nil
}

func checkEvent(e Event) error {
	switch e.Type {
	case EventInstruct, EventHold, EventCancel:
		if _, err := ParseSide(string(e.Side)); err != nil {
			return err
		}
	case EventSettleFailed:
		if e.Code == "" {
			return errs.New(errs.Internal, "settle-failed event without a code")
		}
	case EventSettle, EventConfirmPayment, EventExpire:
	default:
		return errs.New(errs.Internal, "unknown settlement event %q", e.Type)
	}
	if e.At.IsZero() {
		return errs.New(errs.Internal, "settlement event %s without a time", e.Type)
	}
	return nil
}

// checkHold refuses holds the settlement cannot keep: the issuance
// account has no hold (placements are checked when they settle), and an
// RTGS buyer's cash is not on the ledger.
func (r *Record) checkHold(e Event) error {
	if !e.Hold {
		return nil
	}
	return CheckHold(r.Kind, r.Payment, e.Side)
}

// CheckHold says whether side of a settlement of this kind and payment
// mode can hold its asset: not the issuer's side of an issuance, not the
// buyer's side of an rtgs settlement. A client asks it before it sends an
// instruction whose hold follows in a second transaction.
func CheckHold(kind Kind, payment PaymentMode, side Side) error {
	switch {
	case side == Deliver && kind == KindIssuance:
		return errs.Field("hold", "the SPV's issuance account keeps no holds; an issuance is checked against it when it settles")
	case side == Receive && payment == PaymentRTGS:
		return errs.Field("hold", "an rtgs buyer pays off-ledger; there is no cash to hold")
	}
	return nil
}

// instruct records side e.Side's leg and returns its hold effect.
func (r *Record) instruct(e Event) []Effect {
	leg := &Leg{Hash: e.Hash, Held: e.Hold, InstructedAt: e.At, TxID: e.TxID}
	if e.Side == Deliver {
		r.Deliver = leg
	} else {
		r.Receive = leg
	}
	if !e.Hold {
		return nil
	}
	return holdEffect(e.Side)
}

// holdEffect is the effect that reserves side's asset.
func holdEffect(side Side) []Effect {
	if side == Deliver {
		return []Effect{HoldUnits}
	}
	return []Effect{HoldCash}
}

// hold reserves the asset of a side that instructed without a hold: the
// side is in, holds nothing yet, has not asked to cancel, and the
// settlement is still waiting to settle (pending, matched or failed; an
// rtgs settlement awaiting payment holds the units already and its buyer
// pays off-ledger). The rules of checkHold apply as at instruction.
func (r *Record) hold(e Event) error {
	leg := r.Leg(e.Side)
	if leg == nil {
		return errs.New(errs.WrongState, "settlement %s is %s: the %s side has not instructed, so it has nothing to hold", r.TradeRef, r.Status, e.Side)
	}
	if leg.Held {
		return errs.New(errs.AlreadyExists, "settlement %s: the %s side holds already", r.TradeRef, e.Side)
	}
	switch r.Status {
	case PendingDeliver, PendingReceive, Matched, Failed:
	default:
		return errs.New(errs.WrongState, "settlement %s is %s; a hold can be placed only while it waits to settle (pending, matched or failed)", r.TradeRef, r.Status)
	}
	if leg.CancelRequested {
		return errs.New(errs.WrongState, "settlement %s: the %s side has asked to cancel; it cannot hold now", r.TradeRef, e.Side)
	}
	held := e
	held.Hold = true
	if err := r.checkHold(held); err != nil {
		return errs.Wrap(err, "settlement %s", r.TradeRef)
	}
	leg.Held = true
	return nil
}

// match accepts the second instruction: the other side is in, this one is
// not, and the terms' hashes are equal.
func (r *Record) match(e Event) error {
	if r.Leg(e.Side) != nil {
		return errs.New(errs.AlreadyExists, "settlement %s: the %s instruction is in already (status %s)", r.TradeRef, e.Side, r.Status)
	}
	other := r.Leg(e.Side.Other())
	if other == nil {
		return errs.New(errs.Internal, "settlement %s is %s without a %s instruction", r.TradeRef, r.Status, e.Side.Other())
	}
	if e.Hash != other.Hash {
		return errs.New(errs.Conflict, "settlement %s: the %s terms do not match the %s instruction (terms hash %s, instructed %s); check every field and the nonce with the counterparty",
			r.TradeRef, e.Side, e.Side.Other(), e.Hash, other.Hash)
	}
	return r.checkHold(e)
}

func (r *Record) requireMatched(e Event) error {
	if r.Status == Matched || r.Status == Failed {
		return nil
	}
	if r.Status == AwaitingPayment {
		return errs.New(errs.WrongState, "settlement %s is awaiting payment already; the seller's bank confirms it or it returns at the deadline", r.TradeRef)
	}
	return errs.New(errs.WrongState, "settlement %s is %s; both instructions must be in and match before it settles", r.TradeRef, r.Status)
}

// cancel withdraws an unmatched instruction at once; a matched settlement
// is a contract between two banks, so it is cancelled only when both sides
// have asked (as for matched instructions at a CSD).
func (r *Record) cancel(e Event) ([]Effect, error) {
	leg := r.Leg(e.Side)
	if leg == nil {
		return nil, errs.New(errs.WrongState, "settlement %s is %s: the %s side has not instructed, so it has nothing to cancel", r.TradeRef, r.Status, e.Side)
	}
	if r.Status == PendingDeliver || r.Status == PendingReceive {
		r.Status = Cancelled
		return r.releaseAll(), nil
	}
	if leg.CancelRequested {
		return nil, errs.New(errs.AlreadyExists, "settlement %s: the %s side has asked to cancel already; waiting for the %s side", r.TradeRef, e.Side, e.Side.Other())
	}
	leg.CancelRequested = true
	if !r.Leg(e.Side.Other()).CancelRequested {
		return nil, nil
	}
	r.Status = Cancelled
	return r.releaseAll(), nil
}

// releaseAll releases every hold, units first.
func (r *Record) releaseAll() []Effect {
	var effects []Effect
	if r.Deliver != nil && r.Deliver.Held {
		r.Deliver.Held = false
		effects = append(effects, ReleaseUnits)
	}
	if r.Receive != nil && r.Receive.Held {
		r.Receive.Held = false
		effects = append(effects, ReleaseCash)
	}
	return effects
}

func (r *Record) step(e Event) {
	s := Step{Event: e.Type, Status: r.Status, At: e.At, TxID: e.TxID}
	if e.Type == EventInstruct || e.Type == EventHold || e.Type == EventCancel {
		s.Side = e.Side
	}
	r.History = append(r.History, s)
}

func (r *Record) deadlineName() string {
	if r.Status == AwaitingPayment {
		return "payment deadline"
	}
	return "expiry"
}
