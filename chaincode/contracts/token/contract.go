// Package token is the Token contract: the registers of holders of every
// tranche. Positions live in the registry<MSP> collection of the holder's
// custodian bank, which the trustee keeps as registrar, so transfers,
// freezes, forced transfers and redemptions touch only registries and the
// books the trustee keeps (the tranche book, and the class book whose
// distribution account pays the accruals a movement settles) and are
// endorsed by the trustee alone; pausing changes the public tranche terms
// and needs a majority.
//
// Before a holder's units change, the holder is paid the distributions
// its units accrued (package ledger/accruals), so units earn exactly what was
// distributed while they were held: a seller keeps its share of past
// distributions, a buyer earns from the next one.
//
// The movement logic (positions.Register) is exported: the Deal contract places
// units with it, the Settlement contract delivers units with it and the
// Servicing contract pays claims with it.
//
// Events name the tranche and the identity keys involved, never units:
// holdings are private to the holder, its bank and the trustee.
package token

import (
	"errors"
	"math"

	"github.com/tranchenet/tranchenet/chaincode/ledger/positions"

	"github.com/tranchenet/tranchenet/chaincode/contracts/internal/args"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/ledger/cash"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Contract is the Token contract.
type Contract struct {
	txn.Base
}

// New returns the contract under its public name "Token".
func New() *Contract {
	return &Contract{Base: txn.NewBase("Token", "tranche registers: transfers, transfer checks, freezes, forced transfers, pause, redemption, holders and supply")}
}

// Transfer moves units of a tranche from the caller (an investor) to the
// holder toKey, if every transfer rule passes.
func (c *Contract) Transfer(ctx *txn.Context, trancheID, toKey, units string) error {
	caller, err := ctx.RequireCertified(roles.Investor)
	if err != nil {
		return err
	}
	m, err := parseMovement(rules.KindTransfer, trancheID, caller.Identity.Key(), toKey, units)
	if err != nil {
		return err
	}
	r, err := openForMoves(ctx, trancheID)
	if err != nil {
		return err
	}
	if err := r.Move(m); err != nil {
		// What a refusal may reveal depends on every role the caller
		// holds, its on-chain grants included.
		full, cerr := ctx.Caller()
		if cerr != nil {
			return cerr
		}
		return r.RedactFor(full.Grants, m, err)
	}
	if err := ctx.Emit("TokenTransferred", movedEvent{Tranche: trancheID, From: m.From.Key(), To: m.To.Key()}); err != nil {
		return err
	}
	return r.EmitAccrualsPaid()
}

// CanTransfer answers, without writing, whether fromKey could transfer
// units of the tranche to toKey now: {"allowed":true} or the refusal's
// code, rule and message, e.g.
//
//	{"allowed":false,"code":"RULE_KYC_EXPIRED","message":"transfer refused: ...","rule":6}
//
// Any identity with a role may ask; details of a party the caller may not
// see are withheld (RedactFor). Evaluate it on the trustee's peer, the
// only one holding both parties' registries.
func (c *Contract) CanTransfer(ctx *txn.Context, trancheID, fromKey, toKey, units string) (string, error) {
	caller, err := ctx.Require(schema.AnyRole()...)
	if err != nil {
		return "", err
	}
	m, err := parseMovement(rules.KindTransfer, trancheID, fromKey, toKey, units)
	if err != nil {
		return "", err
	}
	r, err := positions.Open(ctx, trancheID, nil)
	if err != nil {
		return "", err
	}
	err = r.RedactFor(caller.Grants, m, r.Check(m))
	switch errs.CodeOf(err) {
	case "", errs.InsufficientBalance, errs.Overflow:
	default:
		var e *errs.Error
		if !errors.As(err, &e) || e.Rule == 0 {
			// A malformed question or a failure to look, not an answer.
			return "", err
		}
	}
	return marshal(rules.VerdictOf(err))
}

// Freeze freezes units of a holder's position (trustee only): a count, or
// "all" for the whole position now and whatever it receives later. The
// count replaces any earlier freeze of the position; frozen units cannot
// be transferred or redeemed, except by a forced transfer.
func (c *Contract) Freeze(ctx *txn.Context, trancheID, holderKey, units string) error {
	if _, err := ctx.Require(roles.Trustee); err != nil {
		return err
	}
	if _, err := schema.ParseID("trancheID", trancheID); err != nil {
		return err
	}
	holder, err := schema.ParseIdentityKey("holderKey", holderKey)
	if err != nil {
		return err
	}
	frozen := int64(math.MaxInt64)
	if units != "all" {
		if frozen, err = args.ParseUnits("units", units); err != nil {
			return errs.Field("units", `%.40q is neither a positive count of units nor "all"`, units)
		}
	}
	r, err := positions.Open(ctx, trancheID, nil)
	if err != nil {
		return err
	}
	if err := r.SetFrozen(holder, frozen); err != nil {
		return err
	}
	return ctx.Emit("UnitsFrozen", frozenEvent{Tranche: trancheID, Holder: holder.Key(), All: frozen == math.MaxInt64})
}

// Unfreeze lifts the freeze of a holder's position (trustee only).
func (c *Contract) Unfreeze(ctx *txn.Context, trancheID, holderKey string) error {
	if _, err := ctx.Require(roles.Trustee); err != nil {
		return err
	}
	if _, err := schema.ParseID("trancheID", trancheID); err != nil {
		return err
	}
	holder, err := schema.ParseIdentityKey("holderKey", holderKey)
	if err != nil {
		return err
	}
	r, err := positions.Open(ctx, trancheID, nil)
	if err != nil {
		return err
	}
	p, err := r.Position(holder)
	if err != nil {
		return err
	}
	if p.FrozenUnits == 0 {
		return errs.New(errs.WrongState, "no units of tranche %s are frozen for %s", trancheID, holder.Short())
	}
	if err := r.SetFrozen(holder, 0); err != nil {
		return err
	}
	return ctx.Emit("UnitsUnfrozen", frozenEvent{Tranche: trancheID, Holder: holder.Key()})
}

// ForcedTransfer moves units from one holder to another on the trustee's
// authority (a court order, lost keys). It overrides the sender's side of
// the rules (pause, freeze, KYC, lock-up; see package rules) but not the
// receiver's. The reason is required and published in the event.
func (c *Contract) ForcedTransfer(ctx *txn.Context, trancheID, fromKey, toKey, units, reason string) error {
	if _, err := ctx.Require(roles.Trustee); err != nil {
		return err
	}
	m, err := parseMovement(rules.KindForced, trancheID, fromKey, toKey, units)
	if err != nil {
		return err
	}
	why, err := schema.ParseText("reason", reason, 500)
	if err != nil {
		return err
	}
	r, err := openForMoves(ctx, trancheID)
	if err != nil {
		return err
	}
	if err := r.Move(m); err != nil {
		return err
	}
	if err := ctx.Emit("ForcedTransfer", forcedEvent{Tranche: trancheID, From: m.From.Key(), To: m.To.Key(), Reason: why}); err != nil {
		return err
	}
	return r.EmitAccrualsPaid()
}

// Pause stops every movement of the tranche but forced transfers (trustee
// only). The flag is part of the public terms, so a majority endorses it.
func (c *Contract) Pause(ctx *txn.Context, trancheID string) error {
	return c.setPaused(ctx, trancheID, true)
}

// Resume lifts a pause (trustee only). It is refused with WRONG_STATE
// while the tranche's deal is in an event of default.
func (c *Contract) Resume(ctx *txn.Context, trancheID string) error {
	return c.setPaused(ctx, trancheID, false)
}

func (c *Contract) setPaused(ctx *txn.Context, trancheID string, paused bool) error {
	if _, err := ctx.Require(roles.Trustee); err != nil {
		return err
	}
	if _, err := schema.ParseID("trancheID", trancheID); err != nil {
		return err
	}
	r, err := positions.Open(ctx, trancheID, nil)
	if err != nil {
		return err
	}
	if err := r.SetPaused(paused); err != nil {
		return err
	}
	event := "TranchePaused"
	if !paused {
		event = "TrancheResumed"
	}
	return ctx.Emit(event, trancheEvent{Tranche: trancheID})
}

// Redeem cancels units of a holder (trustee only, as paying agent: ABS
// units are redeemed by principal payments and calls the trustee runs,
// not at the holder's request). The holder must still pass the redemption
// rules (membership, attestation, KYC, freeze, minimum holding).
func (c *Contract) Redeem(ctx *txn.Context, trancheID, holderKey, units string) error {
	if _, err := ctx.Require(roles.Trustee); err != nil {
		return err
	}
	m, err := parseMovement(rules.KindRedeem, trancheID, holderKey, "", units)
	if err != nil {
		return err
	}
	r, err := openForMoves(ctx, trancheID)
	if err != nil {
		return err
	}
	if err := r.Move(m); err != nil {
		return err
	}
	if err := ctx.Emit("UnitsRedeemed", movedEvent{Tranche: trancheID, From: m.From.Key()}); err != nil {
		return err
	}
	return r.EmitAccrualsPaid()
}

// Position returns a holder's position in the tranche: to the holder, the
// trustee, and its own bank's compliance officers and admins.
func (c *Contract) Position(ctx *txn.Context, trancheID, holderKey string) (string, error) {
	caller, err := ctx.Require(schema.AnyRole()...)
	if err != nil {
		return "", err
	}
	v, err := position(ctx, caller, map[string]*positions.Register{}, trancheID, holderKey)
	if err != nil {
		return "", err
	}
	return marshal(v)
}

// Positions answers Token:Position for many (tranche, holder) pairs in one
// call (at most schema.MaxBatchQuery), each with its position or the
// refusal Token:Position would give: what a bank's read model reads for a
// block's events in one proposal instead of one per event. A failure that
// is not a refusal fails the call.
func (c *Contract) Positions(ctx *txn.Context, queriesJSON string) (string, error) {
	caller, err := ctx.Require(schema.AnyRole()...)
	if err != nil {
		return "", err
	}
	var queries []schema.PositionQuery
	if err := canon.Unmarshal([]byte(queriesJSON), &queries); err != nil {
		return "", errs.Field("queries", "want a JSON list of {tranche, holder}: %v", err)
	}
	if len(queries) > schema.MaxBatchQuery {
		return "", errs.Field("queries", "%d items, at most %d per call", len(queries), schema.MaxBatchQuery)
	}
	registers := map[string]*positions.Register{}
	out := make([]schema.PositionAnswer, len(queries))
	for i, q := range queries {
		out[i] = schema.PositionAnswer{Tranche: q.Tranche, Holder: q.Holder}
		v, err := position(ctx, caller, registers, q.Tranche, q.Holder)
		switch {
		case err == nil:
			out[i].Position = &v
		case errs.CodeOf(err) == errs.Internal:
			return "", err
		default:
			out[i].Refusal = err.Error()
		}
	}
	return marshal(out)
}

// position is one holder's position as the caller may see it; registers
// keeps each tranche's register opened once per call.
func position(ctx *txn.Context, caller *txn.Caller, registers map[string]*positions.Register, trancheID, holderKey string) (schema.PositionView, error) {
	if _, err := schema.ParseID("trancheID", trancheID); err != nil {
		return schema.PositionView{}, err
	}
	holder, err := schema.ParseIdentityKey("holderKey", holderKey)
	if err != nil {
		return schema.PositionView{}, err
	}
	if !schema.MaySee(caller.Grants, holder) {
		return schema.PositionView{}, errs.New(errs.Forbidden, "%s may not see the position of %s: only the holder, the trustee and its own bank's compliance officers and admins may",
			caller.Identity.Short(), holder.Short())
	}
	r, ok := registers[trancheID]
	if !ok {
		if r, err = positions.Open(ctx, trancheID, nil); err != nil {
			return schema.PositionView{}, err
		}
		registers[trancheID] = r
	}
	p, err := r.Position(holder)
	if err != nil {
		return schema.PositionView{}, err
	}
	return schema.NewPositionView(trancheID, holder.Key(), p), nil
}

// Holders lists every holder of the tranche with its position (trustee
// only), ranging over every custodian's registry: evaluate it on the
// trustee's peer.
func (c *Contract) Holders(ctx *txn.Context, trancheID string) (string, error) {
	if _, err := ctx.Require(roles.Trustee); err != nil {
		return "", err
	}
	if _, err := schema.ParseID("trancheID", trancheID); err != nil {
		return "", err
	}
	r, err := positions.Open(ctx, trancheID, nil)
	if err != nil {
		return "", err
	}
	list, err := r.Holders()
	if err != nil {
		return "", err
	}
	return marshal(list)
}

// Supply returns the tranche's public supply: issued, redeemed,
// outstanding, units still in the issuance account, the number of holders.
func (c *Contract) Supply(ctx *txn.Context, trancheID string) (string, error) {
	if _, err := ctx.Caller(); err != nil {
		return "", err
	}
	if _, err := schema.ParseID("trancheID", trancheID); err != nil {
		return "", err
	}
	r, err := positions.Open(ctx, trancheID, nil)
	if err != nil {
		return "", err
	}
	supply, err := r.Supply()
	if err != nil {
		return "", err
	}
	return marshal(supply)
}

// openForMoves opens a register that moves units, with the
// transaction's cash ledger for the accrued distributions a movement pays.
func openForMoves(ctx *txn.Context, trancheID string) (*positions.Register, error) {
	l, err := cash.Open(ctx)
	if err != nil {
		return nil, err
	}
	return positions.Open(ctx, trancheID, l)
}

// parseMovement reads the arguments every movement shares. fromKey or
// toKey is "" for the side that is an account of the book.
func parseMovement(kind rules.Kind, trancheID, fromKey, toKey, units string) (positions.Movement, error) {
	m := positions.Movement{Kind: kind}
	var err error
	if _, err = schema.ParseID("trancheID", trancheID); err != nil {
		return m, err
	}
	if fromKey != "" || kind != rules.KindIssue {
		if m.From, err = schema.ParseIdentityKey(fromField(kind), fromKey); err != nil {
			return m, err
		}
	}
	if kind != rules.KindRedeem {
		if m.To, err = schema.ParseIdentityKey("toKey", toKey); err != nil {
			return m, err
		}
	}
	if m.Units, err = args.ParseUnits("units", units); err != nil {
		return m, err
	}
	return m, nil
}

func fromField(kind rules.Kind) string {
	if kind == rules.KindRedeem {
		return "holderKey"
	}
	return "fromKey"
}

// marshal renders a query result as canonical JSON.
func marshal(v any) (string, error) {
	b, err := canon.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
