package servicing

import (
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// DeclareEventOfDefault records an event of default the servicer's data
// cannot show (servicer insolvency, a breach of a covenant), with its
// reason. Transfers of every tranche of the deal stop at once; the next
// certification runs the acceleration priority of payments, and every
// later one too. Only the trustee may. (A trigger with effect
// eventOfDefault has the same effect from the period it breaches.)
func (c *Contract) DeclareEventOfDefault(ctx *txn.Context, dealID, reason string) error {
	caller, err := ctx.Require(roles.Trustee)
	if err != nil {
		return err
	}
	why, err := schema.ParseText("reason", reason, 500)
	if err != nil {
		return err
	}
	f, err := loadDeal(ctx, dealID, true)
	if err != nil {
		return err
	}
	if err := refuseLiquidated(f); err != nil {
		return err
	}
	switch {
	case f.svc.EventOfDefault:
		return errs.New(errs.WrongState, "deal %s is already in an event of default", f.deal.ID)
	case len(f.def.AccelerationSteps) == 0:
		return errs.New(errs.WrongState, "deal %s's waterfall (version %d) has no acceleration steps to pay after an event of default", f.deal.ID, f.wf.Version)
	case f.svc.State.CleanUpCalled:
		return errs.New(errs.WrongState, "deal %s ended with the clean-up call", f.deal.ID)
	}
	svc := f.svc
	svc.EventOfDefault = true
	svc.Declared = &schema.EventOfDefaultDeclaration{Reason: why, DeclaredBy: caller.Identity.Key(), DeclaredTx: ctx.TxID(), AfterPeriod: f.svc.Period}
	if err := stopTransfers(ctx, f); err != nil {
		return err
	}
	if err := ctx.Put(servicingKey(ctx, f.deal.ID), svc); err != nil {
		return err
	}
	return ctx.Emit("EventOfDefaultDeclared", map[string]any{"deal": f.deal.ID, "afterPeriod": f.svc.Period, "reason": why})
}

// GetStatus returns the deal's servicing record: the waterfall version in
// force, the last certified period, the waterfall state and the event of
// default status.
func (c *Contract) GetStatus(ctx *txn.Context, dealID string) (string, error) {
	if _, err := ctx.Require(schema.AnyRole()...); err != nil {
		return "", err
	}
	f, err := loadDeal(ctx, dealID, false)
	if err != nil {
		return "", err
	}
	if !f.svcFound {
		return "", errs.New(errs.NotFound, "deal %s has no waterfall yet", f.deal.ID)
	}
	return jsonString(f.svc)
}
