package amendment

import (
	"github.com/tranchenet/tranchenet/chaincode/core/consent"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/ledger/waterfalls"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// changesWaterfall says whether an amendment of this kind writes the
// deal's next waterfall version when executed.
func changesWaterfall(k consent.Kind) bool {
	return k == consent.TriggerThresholdChange || k == consent.WaterfallChange
}

// nextWaterfall reads the deal's waterfall in force and builds, and
// checks, the version the change makes of it: the in-force definition
// with the trigger's new schedule, or the new definition itself. Propose
// runs it so holders vote on a change that applies; Execute runs it again
// against the version then in force.
func nextWaterfall(ctx *txn.Context, deal string, change schema.AmendmentChange) (waterfalls.InForce, waterfall.Definition, error) {
	cur, err := waterfalls.Current(ctx, deal)
	if err != nil {
		return cur, waterfall.Definition{}, err
	}
	var next waterfall.Definition
	if change.Trigger != nil {
		next, err = waterfalls.WithTrigger(cur.Definition, *change.Trigger)
	} else {
		next, err = waterfalls.ParseNext(change.Waterfall)
	}
	if err != nil {
		return cur, next, err
	}
	return cur, next, waterfalls.Check(cur, next)
}
