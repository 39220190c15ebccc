package waterfall

// checkPoolSale verifies a pool-sale period: only an accelerated deal (an
// event of default certified before, or declared for this period) sells
// its pool, never together with the clean-up call, and proceeds come with
// a sale only.
func (d *Definition) checkPoolSale(p *problems, s State, pr Period) {
	if !pr.PoolSale {
		if pr.PoolSaleProceeds != 0 {
			p.add("period.poolSaleProceeds", "must be zero unless the pool was sold (poolSale)")
		}
		return
	}
	if !s.Accelerated && !pr.DeclareEventOfDefault {
		p.add("period.poolSale", "the pool is sold only after an event of default, under the acceleration priority")
	}
	if pr.CleanUpCall {
		p.add("period.poolSale", "a period ends the deal by the clean-up call or by a sale of the pool, not both")
	}
}

// writeOffAtSale ends the deal after its pool was sold: the priority of
// payments has paid what the proceeds and the period's collections
// allowed, and every class's principal still outstanding is written down
// (added to its principal deficiency ledger), so the loss is on the
// record and every balance ends at zero.
func (r *run) writeOffAtSale() {
	for i := range r.classes {
		l := &r.classes[i]
		if l.balance <= 0 {
			continue
		}
		l.writeDown += l.balance
		l.writtenOff += l.balance
		l.balance = 0
	}
}
