package projections

import (
	"github.com/tranchenet/tranchenet/gateway-app/internal/events"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

func (p *Projector) applyCash(w store.Writer, ev events.Event) error {
	f := factsOf(ev)
	if f == nil {
		return nil
	}
	pl, _ := decode(ev)
	detail := pl.Tranche
	switch ev.Name {
	case "FeeClaimed":
		detail = pl.Deal + " fee"
	case "AdvancesClaimed":
		detail = pl.Deal + " advance reimbursements"
	}
	return putBalances(w, ev, f, detail)
}

func (p *Projector) applySettlement(w store.Writer, ev events.Event) error {
	f := factsOf(ev)
	if f == nil {
		return nil
	}
	if err := putPositions(w, ev, f, f.TradeRef); err != nil {
		return err
	}
	return putBalances(w, ev, f, f.TradeRef)
}

func putBalances(w store.Writer, ev events.Event, f *Facts, detail string) error {
	for _, bf := range f.Balances {
		if bf.Balance == nil {
			continue
		}
		before, _, err := w.Cash(bf.Holder)
		if err != nil {
			return err
		}
		now := store.CashHolding{Holder: bf.Holder, Balance: bf.Balance.Balance, Held: bf.Balance.Held, Available: bf.Balance.Available, AsOf: stampOf(ev)}
		change, err := now.Balance.Sub(before.Balance)
		if err != nil {
			return err
		}
		entry := store.CashEntry{Stamp: stampOf(ev), Holder: bf.Holder, Balance: now.Balance, Change: change, Held: now.Held, Detail: detail}
		if err := w.PutCash(now, entry, position(ev)); err != nil {
			return err
		}
	}
	return nil
}
