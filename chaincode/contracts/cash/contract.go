// Package cash is the Cash contract: the settlement asset, tokenized
// deposits that the settlement agent mints and burns against reserves it
// attests. Minted cash sits in the float (kept by the trustee) until the
// agent pays it to a holder; holders' balances live in their custodian's
// registry<MSP> collection, like their units, and holders return cash to
// the float for burning.
//
// Minting and burning change the public supply and need a majority that
// includes the trustee; payments, transfers and returns touch only
// registries and the float and are endorsed by the trustee alone.
//
// Events carry public supply figures, and for movements between holders
// only their keys: balances are private.
package cash

import (
	"github.com/tranchenet/tranchenet/chaincode/contracts/internal/args"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	cashbook "github.com/tranchenet/tranchenet/chaincode/ledger/cash"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Contract is the Cash contract.
type Contract struct {
	txn.Base
}

// New returns the contract under its public name "Cash".
func New() *Contract {
	return &Contract{Base: txn.NewBase("Cash", "settlement asset: reserves, mint, pay, transfer, return, burn")}
}

// AttestReserves records the reserves backing the tokens (settlement
// agent): an amount and the evidence, a hash or reference of the
// statement (1 to 256 characters).
func (c *Contract) AttestReserves(ctx *txn.Context, amount, evidence string) error {
	if _, err := ctx.Require(roles.Settlement); err != nil {
		return err
	}
	reserves, err := args.ParseNonNegativeAmount("amount", amount)
	if err != nil {
		return err
	}
	ev, err := schema.ParseText("evidence", evidence, 256)
	if err != nil {
		return err
	}
	now, err := ctx.Now()
	if err != nil {
		return err
	}
	l, err := cashbook.Open(ctx)
	if err != nil {
		return err
	}
	if err := l.AttestReserves(reserves, ev, now); err != nil {
		return err
	}
	return ctx.Emit("ReservesAttested", reservesEvent{Reserves: reserves.String(), Evidence: ev})
}

// Mint creates cash in the float (settlement agent), refused with
// LIMIT_EXCEEDED when the tokens outstanding would exceed the attested
// reserves.
func (c *Contract) Mint(ctx *txn.Context, amount string) error {
	return c.supplyChange(ctx, amount, "CashMinted", (*cashbook.Ledger).Mint)
}

// Burn destroys cash held in the float (settlement agent).
func (c *Contract) Burn(ctx *txn.Context, amount string) error {
	return c.supplyChange(ctx, amount, "CashBurned", (*cashbook.Ledger).Burn)
}

func (c *Contract) supplyChange(ctx *txn.Context, amount, event string, change func(*cashbook.Ledger, money.Amount) error) error {
	if _, err := ctx.Require(roles.Settlement); err != nil {
		return err
	}
	a, err := args.ParseAmount("amount", amount)
	if err != nil {
		return err
	}
	l, err := cashbook.Open(ctx)
	if err != nil {
		return err
	}
	if err := change(l, a); err != nil {
		return err
	}
	return ctx.Emit(event, supplyEvent{Amount: a.String()})
}

// Pay moves cash from the float to a holder (settlement agent).
func (c *Contract) Pay(ctx *txn.Context, toKey, amount string) error {
	if _, err := ctx.Require(roles.Settlement); err != nil {
		return err
	}
	to, err := schema.ParseIdentityKey("toKey", toKey)
	if err != nil {
		return err
	}
	a, err := args.ParseAmount("amount", amount)
	if err != nil {
		return err
	}
	l, err := cashbook.Open(ctx)
	if err != nil {
		return err
	}
	if err := l.Pay(to, a); err != nil {
		return err
	}
	return ctx.Emit("CashPaid", movedEvent{To: to.Key()})
}

// Transfer moves cash from the caller (an investor) to another holder.
func (c *Contract) Transfer(ctx *txn.Context, toKey, amount string) error {
	caller, err := ctx.Require(roles.Investor)
	if err != nil {
		return err
	}
	to, err := schema.ParseIdentityKey("toKey", toKey)
	if err != nil {
		return err
	}
	a, err := args.ParseAmount("amount", amount)
	if err != nil {
		return err
	}
	l, err := cashbook.Open(ctx)
	if err != nil {
		return err
	}
	if err := l.Transfer(caller.Identity, to, a); err != nil {
		return err
	}
	return ctx.Emit("CashTransferred", movedEvent{From: caller.Identity.Key(), To: to.Key()})
}

// Return moves cash from the caller (an investor) back to the float, for
// the settlement agent to burn (redeeming the deposit off ledger).
func (c *Contract) Return(ctx *txn.Context, amount string) error {
	caller, err := ctx.Require(roles.Investor)
	if err != nil {
		return err
	}
	a, err := args.ParseAmount("amount", amount)
	if err != nil {
		return err
	}
	l, err := cashbook.Open(ctx)
	if err != nil {
		return err
	}
	if err := l.Return(caller.Identity, a); err != nil {
		return err
	}
	return ctx.Emit("CashReturned", movedEvent{From: caller.Identity.Key()})
}

// Balance returns a holder's cash: to the holder, the trustee, and its own
// bank's compliance officers and admins.
func (c *Contract) Balance(ctx *txn.Context, holderKey string) (string, error) {
	caller, err := ctx.Require(schema.AnyRole()...)
	if err != nil {
		return "", err
	}
	l, err := cashbook.Open(ctx)
	if err != nil {
		return "", err
	}
	b, err := balance(l, caller, holderKey)
	if err != nil {
		return "", err
	}
	return marshal(b)
}

// Balances answers Cash:Balance for many holders in one call (at most
// schema.MaxBatchQuery), each with its balance or the refusal Cash:Balance
// would give (see Token:Positions). The argument is a JSON list of
// identity keys.
func (c *Contract) Balances(ctx *txn.Context, holdersJSON string) (string, error) {
	caller, err := ctx.Require(schema.AnyRole()...)
	if err != nil {
		return "", err
	}
	var holders []string
	if err := canon.Unmarshal([]byte(holdersJSON), &holders); err != nil {
		return "", errs.Field("holders", "want a JSON list of identity keys: %v", err)
	}
	if len(holders) > schema.MaxBatchQuery {
		return "", errs.Field("holders", "%d items, at most %d per call", len(holders), schema.MaxBatchQuery)
	}
	l, err := cashbook.Open(ctx)
	if err != nil {
		return "", err
	}
	out := make([]schema.BalanceAnswer, len(holders))
	for i, h := range holders {
		out[i].Holder = h
		b, err := balance(l, caller, h)
		switch {
		case err == nil:
			out[i].Balance = &b
		case errs.CodeOf(err) == errs.Internal:
			return "", err
		default:
			out[i].Refusal = err.Error()
		}
	}
	return marshal(out)
}

// balance is one holder's cash as the caller may see it.
func balance(l *cashbook.Ledger, caller *txn.Caller, holderKey string) (schema.CashBalance, error) {
	holder, err := schema.ParseIdentityKey("holderKey", holderKey)
	if err != nil {
		return schema.CashBalance{}, err
	}
	if !schema.MaySee(caller.Grants, holder) {
		return schema.CashBalance{}, errs.New(errs.Forbidden, "%s may not see the cash of %s: only the holder, the trustee and its own bank's compliance officers and admins may",
			caller.Identity.Short(), holder.Short())
	}
	a, err := l.Account(holder)
	if err != nil {
		return schema.CashBalance{}, err
	}
	return schema.CashBalance{Holder: holder.Key(), Balance: a.Balance, Held: a.Held, Available: a.Balance - a.Held}, nil
}

// Supply returns the public supply (any consortium member).
func (c *Contract) Supply(ctx *txn.Context) (string, error) {
	if _, err := ctx.Caller(); err != nil {
		return "", err
	}
	l, err := cashbook.Open(ctx)
	if err != nil {
		return "", err
	}
	s, err := l.Supply()
	if err != nil {
		return "", err
	}
	b, err := l.Book()
	if err != nil {
		return "", err
	}
	out := s.Minted - s.Burned
	return marshal(schema.CashSupplyView{Minted: s.Minted, Burned: s.Burned, Outstanding: out, Float: b.Float, Reserves: s.Reserves,
		Covered: s.Reserves >= out, ReservesAttestedAt: s.ReservesAttestedAt, ReservesEvidence: s.ReservesEvidence})
}

func marshal(v any) (string, error) {
	b, err := canon.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
