package projections

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/events"
)

// enrichBatch fetches the facts of a batch of events (events.BatchEnricher)
// in as few ledger calls as the batch allows: what the transactions'
// private writes hold is taken from them (withWrites), and for the rest
// each event first says which
// positions and balances of this bank's clients it needs (a settlement
// reads its terms for that, which name the parties), then one
// Token:Positions and one Cash:Balances call read all of them, each once.
// Reading per event, three gateways' listeners cost the network about a
// third of its write throughput (issue 17); per batch they ask a block's
// facts in one or two proposals. A chaincode without the batch reads is
// asked one item at a time, as before.
func (p *Projector) enrichBatch(ctx context.Context, evs []events.Event) error {
	b := &batchFetch{p: p, positions: map[positionKey]*PositionFact{}, balances: map[string]*BalanceFact{}}
	facts := make([]*Facts, len(evs))
	for i, ev := range evs {
		f, err := p.factsWith(ctx, b.plan(), ev)
		if err != nil {
			return err
		}
		facts[i] = f
	}
	if err := b.fetch(ctx); err != nil {
		return err
	}
	for i, f := range facts {
		if f == nil {
			continue
		}
		b.fill(f)
		evs[i].Facts = f
	}
	return nil
}

type positionKey struct{ tranche, holder string }

// batchFetch collects what a batch's events need, then reads it.
type batchFetch struct {
	p         *Projector
	positions map[positionKey]*PositionFact
	posOrder  []positionKey
	balances  map[string]*BalanceFact
	balOrder  []string
}

// plan is a factFetcher that records what to read: each fact's slot is
// filled in by fill once fetch has read them all.
func (b *batchFetch) plan() factFetcher {
	return factFetcher{
		positions: func(_ context.Context, f *Facts, tranche string, holders []string) error {
			for _, h := range holders {
				k := positionKey{tranche, h}
				if _, ok := b.positions[k]; !ok {
					b.positions[k] = &PositionFact{Tranche: tranche, Holder: h}
					b.posOrder = append(b.posOrder, k)
				}
				f.Positions = append(f.Positions, PositionFact{Tranche: tranche, Holder: h})
			}
			return nil
		},
		balances: func(_ context.Context, f *Facts, holders []string) error {
			for _, h := range holders {
				if _, ok := b.balances[h]; !ok {
					b.balances[h] = &BalanceFact{Holder: h}
					b.balOrder = append(b.balOrder, h)
				}
				f.Balances = append(f.Balances, BalanceFact{Holder: h})
			}
			return nil
		},
	}
}

// fill copies what fetch read into an event's facts: the slots plan
// left empty (those taken from the transaction's writes are filled).
func (b *batchFetch) fill(f *Facts) {
	for i, pf := range f.Positions {
		if pf.Position == nil && pf.Refusal == "" {
			f.Positions[i] = *b.positions[positionKey{pf.Tranche, pf.Holder}]
		}
	}
	for i, bf := range f.Balances {
		if bf.Balance == nil && bf.Refusal == "" {
			f.Balances[i] = *b.balances[bf.Holder]
		}
	}
}

// fetch reads every recorded position and balance, schema.MaxBatchQuery
// at a time.
func (b *batchFetch) fetch(ctx context.Context) error {
	for start := 0; start < len(b.posOrder); start += schema.MaxBatchQuery {
		keys := b.posOrder[start:min(start+schema.MaxBatchQuery, len(b.posOrder))]
		queries := make([]schema.PositionQuery, len(keys))
		for i, k := range keys {
			queries[i] = schema.PositionQuery{Tranche: k.tranche, Holder: k.holder}
		}
		arg, err := json.Marshal(queries)
		if err != nil {
			return err
		}
		raw, err := b.p.fetch(ctx, "Token:Positions", string(arg))
		if refused(err) {
			b.p.log.Warn("batch read refused; reading one at a time", "fn", "Token:Positions", "error", err.Error())
			if err := b.oneByOne(ctx, keys); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		var answers []schema.PositionAnswer
		if err := json.Unmarshal(raw, &answers); err != nil || len(answers) != len(keys) {
			return b.unreadableBatch("Token:Positions", err)
		}
		for i, a := range answers {
			pf := b.positions[keys[i]]
			if a.Position == nil {
				pf.Refusal = a.Refusal
				continue
			}
			pf.Position = &Position{Units: a.Position.Units, FrozenUnits: a.Position.FrozenUnits, HeldUnits: a.Position.HeldUnits, Free: a.Position.Free}
		}
	}
	for start := 0; start < len(b.balOrder); start += schema.MaxBatchQuery {
		holders := b.balOrder[start:min(start+schema.MaxBatchQuery, len(b.balOrder))]
		arg, err := json.Marshal(holders)
		if err != nil {
			return err
		}
		raw, err := b.p.fetch(ctx, "Cash:Balances", string(arg))
		if refused(err) {
			b.p.log.Warn("batch read refused; reading one at a time", "fn", "Cash:Balances", "error", err.Error())
			f := &Facts{}
			if err := b.p.fetchBalances(ctx, f, holders); err != nil {
				return err
			}
			for _, bf := range f.Balances {
				*b.balances[bf.Holder] = bf
			}
			continue
		}
		if err != nil {
			return err
		}
		var answers []schema.BalanceAnswer
		if err := json.Unmarshal(raw, &answers); err != nil || len(answers) != len(holders) {
			return b.unreadableBatch("Cash:Balances", err)
		}
		for i, a := range answers {
			bf := b.balances[holders[i]]
			if a.Balance == nil {
				bf.Refusal = a.Refusal
				continue
			}
			bf.Balance = &Balance{Balance: a.Balance.Balance, Held: a.Balance.Held, Available: a.Balance.Available}
		}
	}
	return nil
}

// oneByOne reads positions with Token:Position, for a chaincode that
// refuses the batch read.
func (b *batchFetch) oneByOne(ctx context.Context, keys []positionKey) error {
	for _, k := range keys {
		f := &Facts{}
		if err := b.p.fetchPositions(ctx, f, k.tranche, []string{k.holder}); err != nil {
			return err
		}
		*b.positions[k] = f.Positions[0]
	}
	return nil
}

// unreadableBatch is an answer this gateway cannot decode: unlike a single
// unreadable answer it cannot be placed on one event, so the batch stops
// (and is retried) rather than recording every event without its facts.
func (b *batchFetch) unreadableBatch(fn string, err error) error {
	if err == nil {
		err = errors.New("the answer does not have one item per question")
	}
	return errors.New(b.p.unreadable(fn, err))
}
