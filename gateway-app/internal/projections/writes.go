package projections

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/events"
)

// txWrites is the private data of one event's transaction. A key it
// wrote holds the state right after the transaction, which is what a read
// just after it would answer; a key of a collection it came with but did
// not write is as the read model last recorded it. Facts taken from them
// cost the peer nothing, and stay exact when the chain is replayed (a read
// then answers today's state). Only a key whose collection's writes did
// not come (the peer did not have them yet, or the source gives none) is
// read as before.
type txWrites struct{ pd *events.PrivateData }

func writesOf(ev events.Event) txWrites { return txWrites{ev.Private} }

// outcome is what the transaction's private data says of one key.
type outcome int

const (
	unknown   outcome = iota // the writes did not come: read the key
	unchanged                // the transaction did not write the key
	written                  // the value is the key's state after it
)

// value decodes the transaction's write of key in collection into v
// (decodeWrite). A deleted key leaves v at its zero value, as a read of it
// would; a value this gateway cannot decode is unknown (read, and the
// read's answer decides).
func (w txWrites) value(collection, key string, v any) outcome {
	pw, wrote, known := w.pd.Wrote(collection, key)
	switch {
	case !known:
		return unknown
	case !wrote:
		return unchanged
	case decodeWrite(pw, v):
		return written
	}
	return unknown
}

func decodeWrite(pw events.PrivateWrite, v any) bool {
	return pw.Deleted || json.Unmarshal(pw.Value, v) == nil
}

// position is the holder's position the transaction wrote in its bank's
// registry, as Token:Position would answer it.
func (w txWrites) position(tranche, holder string) (*Position, outcome) {
	id, err := roles.ParseKey(holder)
	if err != nil {
		return nil, unknown
	}
	var p schema.Position
	if o := w.value(roles.RegistryCollection(id.MSP), compositeKey(schema.TypePosition, tranche, holder), &p); o != written {
		return nil, o
	}
	return positionView(tranche, holder, p), written
}

func positionView(tranche, holder string, p schema.Position) *Position {
	v := schema.NewPositionView(tranche, holder, p)
	return &Position{Units: v.Units, FrozenUnits: v.FrozenUnits, HeldUnits: v.HeldUnits, Free: v.Free}
}

// balance is the holder's cash account the transaction wrote, as
// Cash:Balance would answer it.
func (w txWrites) balance(holder string) (*Balance, outcome) {
	id, err := roles.ParseKey(holder)
	if err != nil {
		return nil, unknown
	}
	var a schema.CashAccount
	if o := w.value(roles.RegistryCollection(id.MSP), compositeKey(schema.TypeCash, holder), &a); o != written {
		return nil, o
	}
	return balanceView(a), written
}

func balanceView(a schema.CashAccount) *Balance {
	return &Balance{Balance: a.Balance, Held: a.Held, Available: a.Balance - a.Held}
}

// terms are one side's settlement terms, if the transaction is the
// instruction that wrote them into that bank's implicit collection.
func (w txWrites) terms(tradeRef, side, msp string) (settlement.Terms, bool) {
	var t settlement.Terms
	o := w.value(roles.ImplicitCollection(msp), compositeKey(schema.TypeSettlementTerms, tradeRef, side), &t)
	return t, o == written && t.Tranche != ""
}

// settlementFacts are the facts of a settlement step at bank msp when its
// transaction's writes to the bank's registry came: the positions in
// tranche and the cash accounts it wrote there, which are exactly this
// bank's clients the step moved. No terms are needed to name them (a step
// of a settlement whose other side instructed first would ask for terms
// this bank does not have yet). ok is false when the writes did not come.
func (w txWrites) settlementFacts(msp, tranche string) (f Facts, ok bool) {
	registry := roles.RegistryCollection(msp)
	positions := compositeKey(schema.TypePosition, tranche) // + holder + U+0000
	cash := compositeKey(schema.TypeCash)
	if w.pd == nil || slices.Contains(w.pd.Missing, registry) {
		return Facts{}, false
	}
	for _, pw := range w.pd.Writes {
		if pw.Collection != registry {
			continue
		}
		if holder, ok := lastAttribute(pw.Key, positions); ok {
			var p schema.Position
			if decodeWrite(pw, &p) {
				f.Positions = append(f.Positions, PositionFact{Tranche: tranche, Holder: holder, Position: positionView(tranche, holder, p)})
			}
		} else if holder, ok := lastAttribute(pw.Key, cash); ok {
			var a schema.CashAccount
			if decodeWrite(pw, &a) {
				f.Balances = append(f.Balances, BalanceFact{Holder: holder, Balance: balanceView(a)})
			}
		}
	}
	return f, true
}

// compositeKey is Fabric's composite key (shim.CreateCompositeKey, which
// the tests check it against): the object type and each attribute, each
// followed by U+0000, after a U+0000. Not shim's own: importing the
// chaincode runtime into the gateway registers its command-line flags.
func compositeKey(objectType string, attrs ...string) string {
	var b strings.Builder
	b.WriteString("\x00" + objectType + "\x00")
	for _, a := range attrs {
		b.WriteString(a + "\x00")
	}
	return b.String()
}

// lastAttribute is the one attribute key has after the composite key
// prefix (its type and leading attributes).
func lastAttribute(key, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(key, prefix)
	attr, ok2 := strings.CutSuffix(rest, "\x00")
	return attr, ok && ok2 && attr != "" && !strings.Contains(attr, "\x00")
}

// withWrites answers from the transaction's private data what it holds
// and asks get for the rest, holder by holder so the facts keep their
// order. A holder whose key the transaction did not write gets no fact:
// the read model keeps what it recorded.
func withWrites(w txWrites, get factFetcher) factFetcher {
	if w.pd == nil {
		return get
	}
	return factFetcher{
		positions: func(ctx context.Context, f *Facts, tranche string, holders []string) error {
			for _, h := range holders {
				switch pos, o := w.position(tranche, h); o {
				case written:
					f.Positions = append(f.Positions, PositionFact{Tranche: tranche, Holder: h, Position: pos})
				case unknown:
					if err := get.positions(ctx, f, tranche, []string{h}); err != nil {
						return err
					}
				}
			}
			return nil
		},
		balances: func(ctx context.Context, f *Facts, holders []string) error {
			for _, h := range holders {
				switch bal, o := w.balance(h); o {
				case written:
					f.Balances = append(f.Balances, BalanceFact{Holder: h, Balance: bal})
				case unknown:
					if err := get.balances(ctx, f, []string{h}); err != nil {
						return err
					}
				}
			}
			return nil
		},
	}
}
