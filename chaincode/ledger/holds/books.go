// Package holds carries out a settlement's effects on the books: the
// hold records (schema.SettlementHold) in the parties' registries, the
// units and cash they reserve, the delivery of units through the
// tranche's register and the payment through the cash ledger. The
// settlement's life cycle and hold arithmetic are the pure core's
// (core/settlement); the Settlement contract drives it. It may import
// ledger/txn, ledger/positions, ledger/cash, chaincode/schema and
// chaincode/core.
package holds

import (
	"errors"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/ledger/cash"
	"github.com/tranchenet/tranchenet/chaincode/ledger/positions"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// unitRegister is what a settlement needs of a tranche's register of
// holders (positions.Register): read a position, set the units pending
// settlements hold, and check or make a movement under the transfer
// rules. The register remembers what it wrote, so a hold released earlier
// in the transaction is seen by the movement that follows.
type unitRegister interface {
	Position(holder roles.Identity) (schema.Position, error)
	SetHeld(holder roles.Identity, units int64) error
	Check(m positions.Movement) error
	Move(m positions.Movement) error
	RedactFor(viewer roles.Grants, m positions.Movement, err error) error
}

// cashLedger is what a settlement needs of the cash token (cash.Ledger).
type cashLedger interface {
	Account(holder roles.Identity) (schema.CashAccount, error)
	SetHeld(holder roles.Identity, amount money.Amount) error
	Transfer(from, to roles.Identity, amount money.Amount) error
}

// Books carries out a transition's effects (core.Effect) for one
// settlement: holds and their releases on the tranche register and the
// cash ledger, the delivery of units and the payment. The transaction has
// one cash ledger, which the register also pays the parties' accrued
// distributions through when it delivers, so the payment of the price and
// the accruals see each other. Ledger and register are opened on first
// use; opening the ledger reads nothing, so a step that moves no cash
// does not read any cash record. Amounts of a hold come from the terms
// when it is placed and from the hold record (schema.SettlementHold) when
// it is released, so Expire can release without the terms.
type Books struct {
	ctx   *txn.Context
	rec   core.Record // the settlement: its reference and banks
	terms *core.Terms // nil when the caller gave none (Expire)

	units unitRegister
	cash  *cash.Ledger
}

func Open(ctx *txn.Context, rec core.Record, terms *core.Terms) *Books {
	return &Books{ctx: ctx, rec: rec, terms: terms}
}

func (b *Books) register(trancheID string) (unitRegister, error) {
	if b.units == nil {
		l, err := b.openLedger()
		if err != nil {
			return nil, err
		}
		r, err := positions.Open(b.ctx, trancheID, l)
		if err != nil {
			return nil, err
		}
		b.units = r
	}
	return b.units, nil
}

func (b *Books) ledger() (cashLedger, error) {
	return b.openLedger()
}

func (b *Books) openLedger() (*cash.Ledger, error) {
	if b.cash == nil {
		l, err := cash.Open(b.ctx)
		if err != nil {
			return nil, err
		}
		b.cash = l
	}
	return b.cash, nil
}

// Apply carries out effects in order.
func (b *Books) Apply(effects []core.Effect) error {
	for _, e := range effects {
		var err error
		switch e {
		case core.HoldUnits:
			err = b.holdUnits()
		case core.HoldCash:
			err = b.holdCash()
		case core.ReleaseUnits:
			_, err = b.release(core.Deliver)
		case core.ReleaseCash:
			_, err = b.release(core.Receive)
		case core.DeliverUnits:
			err = b.deliver()
		case core.PayCash:
			err = b.pay()
		default:
			err = errs.New(errs.Internal, "unknown settlement effect %q", e)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Settle carries out a ledger-payment settlement (effects: releases of
// its own holds, then deliver-units and pay-cash). The delivery and the
// payment are both checked before either is written, with the holds
// already released so that they do not stand in their own way; on a
// refusal the holds are put back and nothing has changed.
func (b *Books) Settle(effects []core.Effect) error {
	var undo []func() error
	var moves []core.Effect
	for _, e := range effects {
		var side core.Side
		switch e {
		case core.ReleaseUnits:
			side = core.Deliver
		case core.ReleaseCash:
			side = core.Receive
		default:
			moves = append(moves, e)
			continue
		}
		u, err := b.release(side)
		if err != nil {
			return err
		}
		undo = append(undo, u)
	}
	if err := b.checkDelivery(); err != nil {
		return undoAll(undo, err)
	}
	if err := b.checkPayment(); err != nil {
		return undoAll(undo, err)
	}
	if err := b.Apply(moves); err != nil {
		return appliedPartly{err}
	}
	return nil
}

// appliedPartly is an error raised while a checked delivery and payment
// were being written: some writes are made (an accrual paid, units
// moved), so it must fail the transaction and never be recorded as a
// refused attempt, which would commit them. Only an overflow of a cash
// balance can cause one.
type appliedPartly struct{ error }

func (e appliedPartly) Unwrap() error { return e.error }

// Lock carries out an RTGS settlement: the delivery must pass the
// transfer rules now, and the units go on hold (unless the deliver
// instruction holds them already) until payment is confirmed.
func (b *Books) Lock(effects []core.Effect) error {
	if len(effects) > 0 { // hold-units
		if err := b.checkDelivery(); err != nil {
			return err
		}
		return b.Apply(effects)
	}
	// Held already: check the delivery as if the hold were released.
	undo, err := b.release(core.Deliver)
	if err != nil {
		return err
	}
	err = b.checkDelivery()
	if uerr := undo(); uerr != nil {
		return uerr
	}
	return err
}

// undoAll runs undo functions in reverse order and returns cause.
func undoAll(undo []func() error, cause error) error {
	for i := len(undo) - 1; i >= 0; i-- {
		if err := undo[i](); err != nil {
			return err
		}
	}
	return cause
}

func (b *Books) needTerms(e core.Effect) (core.Terms, error) {
	if b.terms == nil {
		return core.Terms{}, errs.New(errs.Internal, "settlement %s: effect %s needs the terms", b.rec.TradeRef, e)
	}
	return *b.terms, nil
}

// holdUnits reserves the seller's units for this settlement.
func (b *Books) holdUnits() error {
	t, err := b.needTerms(core.HoldUnits)
	if err != nil {
		return err
	}
	seller, err := roles.ParseKey(t.Seller)
	if err != nil {
		return errs.New(errs.Internal, "settlement %s: only a trade's seller can hold units: %v", t.TradeRef, err)
	}
	if _, err := b.setUnitsHeld(t.Tranche, seller, t.Units, +1); err != nil {
		return err
	}
	return b.putHold(core.Deliver, seller.MSP, schema.SettlementHold{Holder: t.Seller, Tranche: t.Tranche, Units: t.Units})
}

// holdCash reserves the buyer's cash for this settlement.
func (b *Books) holdCash() error {
	t, err := b.needTerms(core.HoldCash)
	if err != nil {
		return err
	}
	buyer, err := roles.ParseKey(t.Buyer)
	if err != nil {
		return errs.New(errs.Internal, "settlement %s: buyer: %v", t.TradeRef, err)
	}
	if _, err := b.setCashHeld(buyer, t.Cash, +1); err != nil {
		return err
	}
	return b.putHold(core.Receive, buyer.MSP, schema.SettlementHold{Holder: t.Buyer, Cash: t.Cash})
}

// release un-reserves what side's hold record says and deletes the
// record. The returned undo puts both back exactly as they were.
func (b *Books) release(side core.Side) (undo func() error, err error) {
	h, registry, key, err := b.hold(side)
	if err != nil {
		return nil, err
	}
	holder, err := roles.ParseKey(h.Holder)
	if err != nil {
		return nil, errs.New(errs.Internal, "settlement %s: %s hold: %v", b.rec.TradeRef, side, err)
	}
	var restoreHeld func() error
	if side == core.Deliver {
		restoreHeld, err = b.setUnitsHeld(h.Tranche, holder, h.Units, -1)
	} else {
		restoreHeld, err = b.setCashHeld(holder, h.Cash, -1)
	}
	if err != nil {
		return nil, err
	}
	if err := b.ctx.Apply(txn.Write{Collection: registry, Key: key, Delete: true}); err != nil {
		return nil, errs.New(errs.Internal, "settlement %s: delete the %s hold: %v", b.rec.TradeRef, side, err)
	}
	return func() error {
		if err := restoreHeld(); err != nil {
			return err
		}
		return b.ctx.Apply(txn.Write{Collection: registry, Key: key, Value: h})
	}, nil
}

// setUnitsHeld adds (sign +1) or removes (−1) a hold of n units, with the
// core's arithmetic: a hold needs free units, a release needs held ones.
// The returned undo sets the holding's held units back to what they were.
func (b *Books) setUnitsHeld(trancheID string, holder roles.Identity, n int64, sign int) (undo func() error, err error) {
	reg, err := b.register(trancheID)
	if err != nil {
		return nil, err
	}
	p, err := reg.Position(holder)
	if err != nil {
		return nil, err
	}
	h := core.UnitHolding{Units: p.Units, Frozen: p.FrozenUnits, Held: p.HeldUnits}
	if sign > 0 {
		h, err = h.Hold(n)
	} else {
		h, err = h.Release(n)
	}
	if err != nil {
		return nil, errs.Wrap(err, "settlement %s: units of tranche %s of %s", b.rec.TradeRef, trancheID, holder.Short())
	}
	if err := reg.SetHeld(holder, h.Held); err != nil {
		return nil, err
	}
	return func() error { return reg.SetHeld(holder, p.HeldUnits) }, nil
}

func (b *Books) setCashHeld(holder roles.Identity, a money.Amount, sign int) (undo func() error, err error) {
	l, err := b.ledger()
	if err != nil {
		return nil, err
	}
	acct, err := l.Account(holder)
	if err != nil {
		return nil, err
	}
	c := core.CashBalance{Balance: acct.Balance, Held: acct.Held}
	if sign > 0 {
		c, err = c.Hold(a)
	} else {
		c, err = c.Release(a)
	}
	if err != nil {
		return nil, errs.Wrap(err, "settlement %s: cash of %s", b.rec.TradeRef, holder.Short())
	}
	if err := l.SetHeld(holder, c.Held); err != nil {
		return nil, err
	}
	return func() error { return l.SetHeld(holder, acct.Held) }, nil
}

// hold reads side's hold record from the holder's registry.
func (b *Books) hold(side core.Side) (schema.SettlementHold, string, string, error) {
	registry := roles.RegistryCollection(b.rec.Bank(side))
	key, err := holdKey(b.ctx, b.rec.TradeRef, side)
	if err != nil {
		return schema.SettlementHold{}, "", "", err
	}
	var h schema.SettlementHold
	found, err := b.ctx.GetPrivate(registry, key, &h)
	if err != nil {
		return schema.SettlementHold{}, "", "", err
	}
	if !found {
		return schema.SettlementHold{}, "", "", errs.New(errs.Internal, "settlement %s: the record says the %s side holds, but %s has no hold record",
			b.rec.TradeRef, side, registry)
	}
	return h, registry, key, nil
}

func (b *Books) putHold(side core.Side, msp string, h schema.SettlementHold) error {
	key, err := holdKey(b.ctx, b.rec.TradeRef, side)
	if err != nil {
		return err
	}
	return b.ctx.Apply(txn.Write{Collection: roles.RegistryCollection(msp), Key: key, Value: h})
}

// movement is the delivery of the settlement's units.
func (b *Books) movement() (positions.Movement, error) {
	t, err := b.needTerms(core.DeliverUnits)
	if err != nil {
		return positions.Movement{}, err
	}
	m := positions.Movement{Kind: rules.KindTransfer, Units: t.Units}
	if t.Kind == core.KindIssuance {
		m.Kind = rules.KindIssue
	} else if m.From, err = roles.ParseKey(t.Seller); err != nil {
		return m, errs.New(errs.Internal, "settlement %s: seller: %v", t.TradeRef, err)
	}
	if m.To, err = roles.ParseKey(t.Buyer); err != nil {
		return m, errs.New(errs.Internal, "settlement %s: buyer: %v", t.TradeRef, err)
	}
	return m, nil
}

// checkDelivery runs the transfer rules and balance checks of the
// delivery without writing.
func (b *Books) checkDelivery() error {
	m, err := b.movement()
	if err != nil {
		return err
	}
	reg, err := b.register(b.terms.Tranche)
	if err != nil {
		return err
	}
	return reg.Check(m)
}

// checkPayment checks the buyer can pay from cash no other settlement
// holds, without writing.
func (b *Books) checkPayment() error {
	t, err := b.needTerms(core.PayCash)
	if err != nil {
		return err
	}
	buyer, err := roles.ParseKey(t.Buyer)
	if err != nil {
		return errs.New(errs.Internal, "settlement %s: buyer: %v", t.TradeRef, err)
	}
	l, err := b.ledger()
	if err != nil {
		return err
	}
	acct, err := l.Account(buyer)
	if err != nil {
		return err
	}
	if _, err := (core.CashBalance{Balance: acct.Balance, Held: acct.Held}).Debit(t.Cash); err != nil {
		return errs.Wrap(err, "settlement %s: the buyer cannot pay", t.TradeRef)
	}
	return nil
}

func (b *Books) deliver() error {
	m, err := b.movement()
	if err != nil {
		return err
	}
	reg, err := b.register(b.terms.Tranche)
	if err != nil {
		return err
	}
	return reg.Move(m)
}

func (b *Books) pay() error {
	t, err := b.needTerms(core.PayCash)
	if err != nil {
		return err
	}
	buyer, err := roles.ParseKey(t.Buyer)
	if err != nil {
		return errs.New(errs.Internal, "settlement %s: buyer: %v", t.TradeRef, err)
	}
	payee, err := roles.ParseKey(t.Payee())
	if err != nil {
		return errs.New(errs.Internal, "settlement %s: payee: %v", t.TradeRef, err)
	}
	l, err := b.ledger()
	if err != nil {
		return err
	}
	return l.Transfer(buyer, payee, t.Cash)
}

// Redact hides, from viewer, details of a refusal that describe a party
// it may not see (the Token contract's rule).
func (b *Books) Redact(viewer roles.Grants, err error) error {
	if b.units == nil || b.terms == nil {
		return err
	}
	m, merr := b.movement()
	if merr != nil {
		return err
	}
	return b.units.RedactFor(viewer, m, err)
}

// Refusal reports whether err is the trade's own failure (a transfer rule,
// a balance) rather than a malformed request or a fault: a refusal is
// recorded as a failed attempt, anything else fails the transaction.
func Refusal(err error) (code errs.Code, rule int, ok bool) {
	var partly appliedPartly
	if errors.As(err, &partly) {
		return "", 0, false
	}
	var e *errs.Error
	if !errors.As(err, &e) {
		return "", 0, false
	}
	if e.Rule > 0 || e.Code == errs.InsufficientBalance || e.Code == errs.Overflow {
		return e.Code, e.Rule, true
	}
	return "", 0, false
}

// holdKey is where side's hold record of a settlement lives, in the
// holder's bank's registry collection.
func holdKey(ctx *txn.Context, tradeRef string, side core.Side) (string, error) {
	return ctx.Key(schema.TypeSettlementHold, tradeRef, string(side))
}
