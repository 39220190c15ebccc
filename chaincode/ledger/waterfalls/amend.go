package waterfalls

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// WithTrigger returns the definition with one trigger's threshold
// schedule replaced, as the next version. The result is not validated:
// Check does that.
func WithTrigger(def waterfall.Definition, change schema.TriggerThreshold) (waterfall.Definition, error) {
	next := def
	next.Triggers = append([]waterfall.Trigger(nil), def.Triggers...)
	for i, t := range next.Triggers {
		if t.Name == change.Name {
			next.Triggers[i].Schedule = change.Schedule
			next.Version = def.Version + 1
			return next, nil
		}
	}
	return def, errs.Field("change.trigger.name", "the waterfall in force (version %d) has no trigger %q", def.Version, change.Name)
}

// Check validates next as the version that follows cur: the waterfall
// package's own rules (as SetWaterfall applies them), the next version
// number, the same initial pool, and the same classes, fees and reserves
// with the same terms, so the class → tranche map, the fee payees and
// the deal's accounts carry over and the state the deal carries runs
// under it. A class's coupon or principal is changed by its own
// amendment, never through the waterfall: recoupon names the classes
// whose coupon (and day count) that amendment, a coupon-change the
// classes' holders consented to, changes; their other terms stay.
func Check(cur InForce, next waterfall.Definition, recoupon []string) error {
	if err := next.Validate(); err != nil {
		return errs.Field("definition", "%v", err)
	}
	if want := cur.Servicing.WaterfallVersion + 1; next.Version != want {
		return errs.Field("definition.version", "want %d (the next version of deal %s's waterfall), got %d", want, cur.Waterfall.Deal, next.Version)
	}
	old := cur.Definition
	if next.InitialPoolBalance != old.InitialPoolBalance {
		return errs.Field("definition.initialPoolBalance", "%s != %s, the pool the deal was issued on", next.InitialPoolBalance, old.InitialPoolBalance)
	}
	if len(next.Classes) != len(old.Classes) {
		return errs.Field("definition.classes", "want the %d classes of the deal, got %d", len(old.Classes), len(next.Classes))
	}
	for i := range old.Classes {
		a, b := old.Classes[i], next.Classes[i]
		if slices.Contains(recoupon, a.Name) && a.Name == b.Name {
			a.Coupon, a.DayCount = b.Coupon, b.DayCount
		}
		if err := same(fmt.Sprintf("definition.classes[%d]", i), a, b); err != nil {
			return err
		}
	}
	if len(next.Fees) != len(old.Fees) {
		return errs.Field("definition.fees", "want the %d fees of the deal, got %d", len(old.Fees), len(next.Fees))
	}
	for i := range old.Fees {
		if next.Fees[i].Name != old.Fees[i].Name {
			return errs.Field(fmt.Sprintf("definition.fees[%d].name", i), "want %q: the fee payees carry over", old.Fees[i].Name)
		}
	}
	if len(next.Reserves) != len(old.Reserves) {
		return errs.Field("definition.reserves", "want the %d reserves of the deal, got %d", len(old.Reserves), len(next.Reserves))
	}
	for i := range old.Reserves {
		if next.Reserves[i].Name != old.Reserves[i].Name {
			return errs.Field(fmt.Sprintf("definition.reserves[%d].name", i), "want %q: the reserve accounts carry over", old.Reserves[i].Name)
		}
	}
	if err := next.CheckState(cur.Servicing.State); err != nil {
		return errs.Field("definition", "the deal's state after period %d does not run under it: %v", cur.Servicing.Period, err)
	}
	return nil
}

// same refuses a class whose terms differ between versions.
func same(field string, a, b waterfall.Class) error {
	ja, err := canon.Marshal(a)
	if err != nil {
		return err
	}
	jb, err := canon.Marshal(b)
	if err != nil {
		return err
	}
	if string(ja) != string(jb) {
		return errs.Field(field, "class %s's terms differ from the version in force: a coupon or principal is changed by its own amendment", a.Name)
	}
	return nil
}

// ParseNext decodes a proposed definition; Check validates it.
func ParseNext(raw json.RawMessage) (waterfall.Definition, error) {
	var def waterfall.Definition
	if err := json.Unmarshal(raw, &def); err != nil {
		return def, errs.Field("change.waterfall", "%v", err)
	}
	return def, nil
}

// Amend checks next against the version in force and puts it in force:
// the next certification runs it. amendment names the executed amendment,
// by the identity key of the trustee who executed it.
// recoupon is as for Check.
func Amend(ctx *txn.Context, cur InForce, next waterfall.Definition, recoupon []string, amendment, by string) (schema.Waterfall, error) {
	if err := Check(cur, next, recoupon); err != nil {
		return schema.Waterfall{}, err
	}
	prev := cur.Waterfall
	wf, err := Put(ctx, schema.Waterfall{Deal: prev.Deal, Classes: prev.Classes, PaymentDay: prev.PaymentDay,
		FeePayees: prev.FeePayees, Fixings: prev.Fixings, SetBy: by, SetTx: ctx.TxID(), Amendment: amendment}, next)
	if err != nil {
		return wf, err
	}
	svc := cur.Servicing
	svc.WaterfallVersion = next.Version
	return wf, ctx.Put(ctx.MustKey(schema.TypeDealServicing, prev.Deal), svc)
}
