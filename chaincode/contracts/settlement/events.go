package settlement

import (
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Event types of the Settlement contract, one per step:
//
//	SettlementInstructed       a side's instruction is in (Side)
//	SettlementMatched          the second instruction matched the first
//	SettlementHeld             a side that instructed without a hold placed one (Side)
//	SettlementFailed           a settlement attempt was refused (Code, Rule)
//	SettlementSettled          units and cash moved
//	SettlementAwaitingPayment  RTGS: units locked until payment is confirmed
//	SettlementReleased         RTGS: payment confirmed, units delivered
//	SettlementReturned         RTGS: deadline passed, hold released to the seller
//	SettlementCancelRequested  a side asked to cancel a matched settlement (Side)
//	SettlementCancelled        cancelled; holds released
//	SettlementExpired          expired; holds released
//
// Every payload is a schema.SettlementStep: public facts only, like the record.
const (
	EventInstructed      = "SettlementInstructed"
	EventMatched         = "SettlementMatched"
	EventHeld            = "SettlementHeld"
	EventFailed          = "SettlementFailed"
	EventSettled         = "SettlementSettled"
	EventAwaitingPayment = "SettlementAwaitingPayment"
	EventReleased        = "SettlementReleased"
	EventReturned        = "SettlementReturned"
	EventCancelRequested = "SettlementCancelRequested"
	EventCancelled       = "SettlementCancelled"
	EventExpired         = "SettlementExpired"
)

// emitStep emits the events of one transition that led to r.
func emitStep(ctx *txn.Context, e core.Event, r core.Record) error {
	for _, typ := range eventTypes(e.Type, r.Status) {
		data := outcome(e, r)
		if typ == EventMatched {
			data.Side = ""
		}
		if err := ctx.Emit(typ, data); err != nil {
			return err
		}
	}
	return nil
}

// outcome is the public summary of the step e that led to r.
func outcome(e core.Event, r core.Record) schema.SettlementStep {
	o := schema.SettlementStep{TradeRef: r.TradeRef, Tranche: r.Tranche, SellerBank: r.SellerBank, BuyerBank: r.BuyerBank, Status: r.Status}
	switch e.Type {
	case core.EventInstruct, core.EventHold, core.EventCancel:
		o.Side = e.Side
	case core.EventSettleFailed:
		o.Code, o.Rule = e.Code, e.Rule
	}
	return o
}

// eventTypes names the events of an event that led to status.
func eventTypes(e core.EventType, status core.Status) []string {
	switch e {
	case core.EventInstruct:
		if status == core.Matched {
			return []string{EventInstructed, EventMatched}
		}
		return []string{EventInstructed}
	case core.EventHold:
		return []string{EventHeld}
	case core.EventSettle:
		if status == core.AwaitingPayment {
			return []string{EventAwaitingPayment}
		}
		return []string{EventSettled}
	case core.EventSettleFailed:
		return []string{EventFailed}
	case core.EventConfirmPayment:
		return []string{EventReleased}
	case core.EventCancel:
		if status == core.Cancelled {
			return []string{EventCancelled}
		}
		return []string{EventCancelRequested}
	case core.EventExpire:
		if status == core.Returned {
			return []string{EventReturned}
		}
		return []string{EventExpired}
	}
	return nil
}
