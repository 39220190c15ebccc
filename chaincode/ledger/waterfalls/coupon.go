package waterfalls

import (
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// WithCoupon returns the definition with the coupon of the classes the
// tranches pay replaced by c, as the next version: the waterfall pays
// what the tranche terms say, so a coupon-change amendment changes both.
// A coupon that names a day count other than the definition's becomes
// the class's own. The result is not validated: Check does that, with
// the returned classes as its recoupon.
func WithCoupon(in InForce, tranches []string, c schema.Coupon) (waterfall.Definition, []string, error) {
	def := in.Definition
	next := def
	next.Classes = append([]waterfall.Class(nil), def.Classes...)
	next.Version = def.Version + 1
	var classes []string
	for _, tr := range tranches {
		name, ok := ClassOf(in.Waterfall, tr)
		if !ok {
			return def, nil, errs.Field("affected", "tranche %s pays no class of deal %s's waterfall (version %d)", tr, in.Waterfall.Deal, def.Version)
		}
		for i, cl := range next.Classes {
			if cl.Name != name {
				continue
			}
			if cl.Residual {
				return def, nil, errs.Field("affected", "class %s is the residual class and pays no coupon", name)
			}
			next.Classes[i].Coupon = &waterfall.Coupon{Fixed: c.Fixed, Index: c.Index, Margin: c.Margin, Floor: c.Floor, Cap: c.Cap}
			switch {
			case c.DayCount == "":
			case c.DayCount == def.DayCount:
				next.Classes[i].DayCount = ""
			default:
				next.Classes[i].DayCount = c.DayCount
			}
		}
		classes = append(classes, name)
	}
	return next, classes, nil
}

// ClassOf names the waterfall class a tranche pays.
func ClassOf(wf schema.Waterfall, tranche string) (string, bool) {
	for _, ct := range wf.Classes {
		if ct.Tranche == tranche {
			return ct.Class, true
		}
	}
	return "", false
}

// Find reads the version of deal's waterfall in force, if the arranger
// has set one.
func Find(ctx *txn.Context, deal string) (InForce, bool, error) {
	var svc schema.DealServicing
	found, err := ctx.Get(ctx.MustKey(schema.TypeDealServicing, deal), &svc)
	if err != nil || !found {
		return InForce{}, false, err
	}
	in, err := Current(ctx, deal)
	return in, err == nil, err
}
