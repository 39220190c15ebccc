package amendment

import (
	"github.com/tranchenet/tranchenet/chaincode/core/consent"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/ledger/waterfalls"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// changesWaterfall says whether an amendment of this kind writes the
// deal's next waterfall version when executed. A coupon change does when
// the deal has a waterfall: the class's coupon is what the next
// certification pays. (A maturity extension does not: the waterfall
// carries no legal final date; the tranche terms do.)
func changesWaterfall(k consent.Kind) bool {
	return k == consent.TriggerThresholdChange || k == consent.WaterfallChange || k == consent.CouponChange
}

// nextWaterfall reads the deal's waterfall in force and builds, and
// checks, the version the change makes of it: the in-force definition
// with the trigger's new schedule or the affected classes' new coupon,
// or the new definition itself. Propose runs it so holders vote on a
// change that applies; Execute runs it again against the version then in
// force. It reports false when a coupon change meets a deal whose
// waterfall is not set yet: SetWaterfall then checks the classes against
// the amended tranche terms.
func nextWaterfall(ctx *txn.Context, deal string, affected []string, change schema.AmendmentChange) (waterfalls.InForce, waterfall.Definition, []string, bool, error) {
	var (
		cur      waterfalls.InForce
		next     waterfall.Definition
		recoupon []string
		err      error
	)
	if change.Coupon != nil {
		var found bool
		if cur, found, err = waterfalls.Find(ctx, deal); err != nil || !found {
			return cur, next, nil, false, err
		}
		next, recoupon, err = waterfalls.WithCoupon(cur, affected, *change.Coupon)
	} else {
		if cur, err = waterfalls.Current(ctx, deal); err != nil {
			return cur, next, nil, false, err
		}
		if change.Trigger != nil {
			next, err = waterfalls.WithTrigger(cur.Definition, *change.Trigger)
		} else {
			next, err = waterfalls.ParseNext(change.Waterfall)
		}
	}
	if err != nil {
		return cur, next, nil, false, err
	}
	return cur, next, recoupon, true, waterfalls.Check(cur, next, recoupon)
}
