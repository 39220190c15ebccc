package amendment

import (
	"fmt"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/consent"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/keypolicy"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/ledger/waterfalls"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Execute applies a passed amendment (the trustee) and records it as the
// deal's next version. Coupon, maturity and transfer-rule changes are
// written into the affected tranches' terms; a servicer replacement
// makes the backup servicer the pool's servicer. A trigger-threshold,
// waterfall or coupon change writes the deal's next waterfall version
// (for a coupon, the affected classes' new coupon) and puts it in force
// (package ledger/waterfalls), so the next certification runs it. A trustee succession or principal change is recorded as the
// authority for the step the trustee then takes (Admin:ProposeConfig).
// The change applies from the first period certified after it.
func (c *Contract) Execute(ctx *txn.Context, dealID, amendmentID string) error {
	caller, err := ctx.Require(roles.Trustee)
	if err != nil {
		return err
	}
	a, key, err := readAmendment(ctx, dealID, amendmentID)
	if err != nil {
		return err
	}
	if a.Status != schema.AmendmentOpen {
		return errs.New(errs.WrongState, "amendment %s is %s; only an open amendment that passed is executed", a.ID, a.Status)
	}
	now, err := ctx.Now()
	if err != nil {
		return err
	}
	expiry, err := parseTime("expiry", a.Expiry)
	if err != nil {
		return err
	}
	if outcome := consent.Decide(a.Requirement, a.Tally, now, expiry); outcome != consent.Passed {
		return errs.New(errs.WrongState, "amendment %s has not passed (%s): it needs %s of %s %v",
			a.ID, outcome, a.Requirement.Threshold, a.Requirement.Basis, a.Requirement.Classes)
	}
	d, tranches, err := readDeal(ctx, a.Deal)
	if err != nil {
		return err
	}
	cfg, err := ctx.Config()
	if err != nil {
		return err
	}
	if err := apply(ctx, cfg, a, d, tranches); err != nil {
		return err
	}
	if changesWaterfall(a.Kind) {
		cur, next, recoupon, set, err := nextWaterfall(ctx, d.ID, a.Affected, a.Change)
		if err != nil {
			return errs.Wrap(err, "amendment %s", a.ID)
		}
		if set {
			if _, err := waterfalls.Amend(ctx, cur, next, recoupon, a.ID, caller.Identity.Key()); err != nil {
				return err
			}
		}
	}
	version := 1
	err = ctx.Range(schema.TypeDealVersion, []string{d.ID}, func(string, []byte) error { version++; return nil })
	if err != nil {
		return err
	}
	v := schema.DealVersion{Deal: d.ID, Version: version, Amendment: a.ID, Kind: a.Kind, Affected: a.Affected, Change: a.Change,
		EffectiveFrom: "the first period certified after " + now.Format(time.RFC3339), ExecutedTx: ctx.TxID(), ExecutedAt: now.Format(time.RFC3339)}
	vkey, err := ctx.Key(schema.TypeDealVersion, d.ID, fmt.Sprintf("%06d", version))
	if err != nil {
		return err
	}
	if err := ctx.Put(vkey, v); err != nil {
		return err
	}
	if err := keypolicy.Govern(ctx.GetStub(), cfg, vkey); err != nil {
		return err
	}
	a.Status, a.Outcome, a.ExecutedTx, a.Version = schema.AmendmentExecuted, consent.Passed, ctx.TxID(), version
	if err := ctx.Put(key, a); err != nil {
		return err
	}
	return ctx.Emit("AmendmentExecuted", amendmentEvent{Deal: a.Deal, Amendment: a.ID, Kind: a.Kind, Status: a.Status,
		Outcome: a.Outcome, Version: version})
}

// apply writes the change into the terms it names.
func apply(ctx *txn.Context, cfg roles.OrgConfig, a schema.Amendment, d schema.Deal, tranches map[string]schema.Tranche) error {
	switch a.Kind {
	case consent.CouponChange, consent.MaturityExtension, consent.TransferRuleChange:
		for _, tid := range a.Affected {
			t := tranches[tid]
			switch {
			case a.Change.Coupon != nil:
				c := *a.Change.Coupon
				if c.DayCount == "" && t.Coupon != nil {
					c.DayCount = t.Coupon.DayCount // the class keeps its day count unless the change names one
				}
				t.Coupon = &c
			case a.Change.LegalFinalDate != nil:
				t.LegalFinalDate = *a.Change.LegalFinalDate
			case a.Change.Rules != nil:
				t.Rules = *a.Change.Rules
			}
			if err := ctx.Put(ctx.MustKey(schema.TypeTranche, tid), t); err != nil {
				return err
			}
		}
	case consent.ServicerReplacement:
		if o, ok := cfg.Org(a.Change.Successor); !ok || !o.Roles.Has(roles.Servicer) {
			return errs.New(errs.WrongState, "the backup servicer %s may no longer hold role servicer", a.Change.Successor)
		}
		pkey := ctx.MustKey(schema.TypePool, d.Pool)
		var p schema.Pool
		if found, err := ctx.Get(pkey, &p); err != nil {
			return err
		} else if !found {
			return errs.New(errs.Internal, "deal %s names pool %s, which is not stored", d.ID, d.Pool)
		}
		p.Servicer = a.Change.Successor
		return ctx.Put(pkey, p)
	}
	return nil
}
