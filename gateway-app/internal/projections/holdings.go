package projections

import (
	"github.com/tranchenet/tranchenet/gateway-app/internal/events"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

func (p *Projector) applyHoldings(w store.Writer, ev events.Event) error {
	f := factsOf(ev)
	if f == nil {
		return nil
	}
	pl, _ := decode(ev)
	return putPositions(w, ev, f, pl.Reason)
}

// putPositions records the positions of the facts: the snapshot, the
// tranche index and a history entry.
func putPositions(w store.Writer, ev events.Event, f *Facts, detail string) error {
	for _, pf := range f.Positions {
		if pf.Position == nil {
			continue // refused: the read model keeps the last readable state
		}
		before, _, err := w.Holding(pf.Holder, pf.Tranche)
		if err != nil {
			return err
		}
		now := store.Holding{Holder: pf.Holder, Tranche: pf.Tranche, Units: pf.Position.Units, FrozenUnits: pf.Position.FrozenUnits,
			HeldUnits: pf.Position.HeldUnits, Free: pf.Position.Free, AsOf: stampOf(ev)}
		entry := store.HoldingEntry{Stamp: stampOf(ev), Holder: pf.Holder, Tranche: pf.Tranche, Units: now.Units,
			Change: now.Units - before.Units, FrozenUnits: now.FrozenUnits, HeldUnits: now.HeldUnits, Detail: detail}
		if err := w.PutHolding(now, entry, position(ev)); err != nil {
			return err
		}
	}
	return nil
}
