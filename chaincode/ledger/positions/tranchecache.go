package positions

import (
	"slices"

	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// tranches caches decoded tranche records (txn.Cached): every movement
// reads its tranche's terms and rules, few transactions change them.
var tranches = txn.NewCached(cloneTranche)

// cloneTranche copies every slice and pointer of a tranche record, so a
// register that changes its copy (a pause, a mint) never changes the
// cached one. TestCloneTrancheCopiesEveryReference fails when a field
// that shares memory is added to schema.Tranche without a copy here.
func cloneTranche(t schema.Tranche) schema.Tranche {
	if t.Coupon != nil {
		c := *t.Coupon
		c.Fixed, c.Floor, c.Cap = clonePtr(c.Fixed), clonePtr(c.Floor), clonePtr(c.Cap)
		t.Coupon = &c
	}
	r := &t.Rules
	r.EligibleInvestorTypes = slices.Clone(r.EligibleInvestorTypes)
	r.AllowedJurisdictions = slices.Clone(r.AllowedJurisdictions)
	r.BlockedJurisdictions = slices.Clone(r.BlockedJurisdictions)
	r.ConsortiumMSPs = slices.Clone(r.ConsortiumMSPs)
	return t
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
