package settlement

import (
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/ledger/holds"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Contract is the Settlement contract.
type Contract struct {
	txn.Base
}

// New returns the contract under its public name "Settlement".
func New() *Contract {
	return &Contract{Base: txn.NewBase("Settlement",
		"delivery versus payment: deliver and receive instructions matched by hash, holds, settlement, RTGS payment confirmation, cancellation, expiry, per-bank history")}
}

// InstructDeliver records the seller's side of a settlement: the terms
// (transient field "terms") go into the seller's bank's implicit
// collection, their hash onto the public record. With hold, the seller's
// units are reserved until the settlement ends. Sent by the seller (role
// investor) or, for an issuance, by an arranger of the issuer. Like every
// submitted function of the contract it returns the step's outcome, a
// schema.SettlementStep (the record, with its transaction IDs, is read with Get).
func (c *Contract) InstructDeliver(ctx *txn.Context, hold bool) (string, error) {
	return c.instruct(ctx, core.Deliver, hold)
}

// InstructReceive records the buyer's side; with hold, the buyer's cash
// is reserved (ledger payment only). Sent by the buyer (role investor).
func (c *Contract) InstructReceive(ctx *txn.Context, hold bool) (string, error) {
	return c.instruct(ctx, core.Receive, hold)
}

func (c *Contract) instruct(ctx *txn.Context, side core.Side, hold bool) (string, error) {
	caller, err := ctx.Caller()
	if err != nil {
		return "", err
	}
	t, err := transientTerms(ctx)
	if err != nil {
		return "", err
	}
	if err := actsFor(caller, t, side); err != nil {
		return "", err
	}
	if err := checkTranche(ctx, t); err != nil {
		return "", err
	}
	e, err := event(ctx, core.EventInstruct)
	if err != nil {
		return "", err
	}
	e.Side, e.Hold = side, hold
	if e.Hash, err = t.HashHex(); err != nil {
		return "", err
	}
	rec, found, err := loadRecord(ctx, t.TradeRef)
	if err != nil {
		return "", err
	}
	var next core.Record
	var effects []core.Effect
	if !found {
		next, effects, err = core.Open(t, e)
	} else {
		if rec.Leg(side.Other()) != nil && rec.Leg(side) == nil {
			if _, err := instructedHash(ctx, rec, side.Other()); err != nil {
				return "", err
			}
		}
		next, effects, err = core.Apply(rec, e)
	}
	if err != nil {
		return "", err
	}
	if err := holds.Open(ctx, next, &t).Apply(effects); err != nil {
		return "", err
	}
	if err := storeTerms(ctx, t, side); err != nil {
		return "", err
	}
	return finish(ctx, e, next, !found)
}

// Hold reserves side's asset for a settlement it instructed without a
// hold (transient field "terms", proved against the instructions' hashes):
// the seller's units (deliver) or the buyer's cash (receive, ledger
// payment), until the settlement ends. Sent by the side's party.
//
// It is the second step of an instruction with a hold. The instruction
// that creates the public record needs the trustee and a majority, and
// with four or more banks that majority names a bank whose peer is not a
// member of the holder's registry and so cannot read it; the hold reads
// and writes only that registry and the record, both kept by the trustee,
// whose peer endorses it alone. The gateway's instruct route sends both
// steps.
func (c *Contract) Hold(ctx *txn.Context, tradeRef, side string) (string, error) {
	return sideStep(ctx, core.EventHold, tradeRef, side)
}

// sideStep runs an event one side's party sends with the terms (Hold,
// Cancel): the terms proved by the instructions' hashes, the caller acting
// for the side, the state machine, the effects on the books.
func sideStep(ctx *txn.Context, typ core.EventType, tradeRef, side string) (string, error) {
	caller, err := ctx.Caller()
	if err != nil {
		return "", err
	}
	s, err := core.ParseSide(side)
	if err != nil {
		return "", err
	}
	t, rec, err := readTerms(ctx, tradeRef)
	if err != nil {
		return "", err
	}
	if err := actsFor(caller, t, s); err != nil {
		return "", err
	}
	e, err := event(ctx, typ)
	if err != nil {
		return "", err
	}
	e.Side = s
	next, effects, err := core.Apply(rec, e)
	if err != nil {
		return "", err
	}
	if err := holds.Open(ctx, rec, &t).Apply(effects); err != nil {
		return "", err
	}
	return finish(ctx, e, next, false)
}

// checkTranche refuses terms for a tranche that does not exist and, for
// an issuance, an issuer that is not the deal's arranger. It reads the
// public terms only, not the tranche's book, so that an instruction does
// not conflict with every movement of the tranche.
func checkTranche(ctx *txn.Context, t core.Terms) error {
	key, err := ctx.Key(schema.TypeTranche, t.Tranche)
	if err != nil {
		return err
	}
	var tr schema.Tranche
	found, err := ctx.Get(key, &tr)
	if err != nil {
		return err
	}
	if !found {
		return errs.New(errs.NotFound, "tranche %s not found", t.Tranche)
	}
	if t.Kind != core.KindIssuance {
		return nil
	}
	if key, err = ctx.Key(schema.TypeDeal, tr.Deal); err != nil {
		return err
	}
	var d schema.Deal
	if found, err = ctx.Get(key, &d); err != nil {
		return err
	}
	if !found {
		return errs.New(errs.Internal, "tranche %s names deal %s, which does not exist", t.Tranche, tr.Deal)
	}
	if d.Arranger != t.Issuer {
		return errs.New(errs.Forbidden, "issuance %s: deal %s is arranged by %s, not by the issuer %s", t.TradeRef, d.ID, d.Arranger, t.Issuer)
	}
	return nil
}

// Settle settles a matched settlement (transient field "terms": the terms
// both banks instructed, proved by their hashes). With ledger payment the
// buyer's cash moves to the seller and the seller's units to the buyer in
// this transaction, or nothing moves; with RTGS payment the units are
// locked until ConfirmPayment. A refusal by a transfer rule or a balance
// is recorded as status failed with its code (the transaction commits, and
// Settle may be retried until expiry): call CheckSettle for the message.
// Sent by either side or the trustee.
func (c *Contract) Settle(ctx *txn.Context, tradeRef string) (string, error) {
	caller, err := ctx.Caller()
	if err != nil {
		return "", err
	}
	t, rec, err := readTerms(ctx, tradeRef)
	if err != nil {
		return "", err
	}
	if err := maySettle(caller, t); err != nil {
		return "", err
	}
	e, next, _, err := attempt(ctx, t, rec)
	if err == nil {
		return finish(ctx, e, next, false)
	}
	code, rule, isRefusal := holds.Refusal(err)
	if !isRefusal {
		return "", err
	}
	failed := e
	failed.Type, failed.Code, failed.Rule = core.EventSettleFailed, code, rule
	if next, _, err = core.Apply(rec, failed); err != nil {
		return "", err
	}
	return finish(ctx, failed, next, false)
}

// attempt runs a settlement attempt: the state machine, the intended
// settlement date, then the books. On a refusal by the books it has put
// back any hold it released, so the ledger is as before; the caller
// records the failure or, for CheckSettle, reports it.
func attempt(ctx *txn.Context, t core.Terms, rec core.Record) (core.Event, core.Record, *holds.Books, error) {
	b := holds.Open(ctx, rec, &t)
	e, err := event(ctx, core.EventSettle)
	if err != nil {
		return e, rec, b, err
	}
	next, effects, err := core.Apply(rec, e)
	if err != nil {
		return e, rec, b, err
	}
	if err := t.SettleableAt(e.At); err != nil {
		return e, rec, b, err
	}
	if rec.Payment == core.PaymentRTGS {
		err = b.Lock(effects)
	} else {
		err = b.Settle(effects)
	}
	return e, next, b, err
}

// ConfirmPayment releases the units of an RTGS settlement awaiting
// payment to the buyer (transient field "terms"): the seller's bank
// confirms it has received the cash. Sent by the seller; a confirmation by
// any other bank is refused. A transfer rule that refuses the delivery now
// fails the transaction; the units stay locked until the deadline.
func (c *Contract) ConfirmPayment(ctx *txn.Context, tradeRef string) (string, error) {
	caller, err := ctx.Caller()
	if err != nil {
		return "", err
	}
	t, rec, err := readTerms(ctx, tradeRef)
	if err != nil {
		return "", err
	}
	if err := mayConfirmPayment(caller, t); err != nil {
		return "", err
	}
	e, err := event(ctx, core.EventConfirmPayment)
	if err != nil {
		return "", err
	}
	next, effects, err := core.Apply(rec, e)
	if err != nil {
		return "", err
	}
	b := holds.Open(ctx, rec, &t)
	if err := b.Apply(effects); err != nil {
		return "", b.Redact(caller.Grants, err)
	}
	return finish(ctx, e, next, false)
}

// Cancel withdraws side's instruction (transient field "terms"). A
// pending instruction is cancelled at once; a matched settlement (also a
// failed one, or one awaiting RTGS payment) when both sides have asked.
// Cancelling releases every hold. Sent by the side's party.
func (c *Contract) Cancel(ctx *txn.Context, tradeRef, side string) (string, error) {
	return sideStep(ctx, core.EventCancel, tradeRef, side)
}

// Expire closes a settlement whose expiry has passed (expired), or whose
// RTGS payment deadline has passed unconfirmed (returned), and releases
// its holds. Any member may send it, without the terms: the holds are
// released from the hold records the instructions left in the registries.
func (c *Contract) Expire(ctx *txn.Context, tradeRef string) (string, error) {
	if _, err := ctx.Caller(); err != nil {
		return "", err
	}
	ref, err := parseTradeRef(tradeRef)
	if err != nil {
		return "", err
	}
	rec, err := mustLoadRecord(ctx, ref)
	if err != nil {
		return "", err
	}
	e, err := event(ctx, core.EventExpire)
	if err != nil {
		return "", err
	}
	next, effects, err := core.Apply(rec, e)
	if err != nil {
		return "", err
	}
	if err := holds.Open(ctx, rec, nil).Apply(effects); err != nil {
		return "", err
	}
	return finish(ctx, e, next, false)
}

// event starts an event at the transaction's time and ID.
func event(ctx *txn.Context, typ core.EventType) (core.Event, error) {
	now, err := ctx.Now()
	if err != nil {
		return core.Event{}, err
	}
	return core.Event{Type: typ, At: now, TxID: ctx.TxID()}, nil
}

// finish writes the record, emits the step's events and returns the
// step's outcome (schema.SettlementStep) as canonical JSON. The outcome depends on
// nothing but the transaction's input and state, so every endorser
// returns the same bytes; the record, with its transaction IDs, is read
// with Get.
func finish(ctx *txn.Context, e core.Event, r core.Record, created bool) (string, error) {
	if err := saveRecord(ctx, r, created); err != nil {
		return "", err
	}
	if err := emitStep(ctx, e, r); err != nil {
		return "", err
	}
	return marshal(outcome(e, r))
}

// marshal renders a result as canonical JSON.
func marshal(v any) (string, error) {
	b, err := canon.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
