package projections

import (
	"bytes"
	"encoding/json"

	"go.etcd.io/bbolt"

	"github.com/tranchenet/tranchenet/gateway-app/internal/events"
	"github.com/tranchenet/tranchenet/gateway-app/internal/readmodel"
)

// Buckets of the holdings projection.
const (
	bucketPositions  = "rm.positions"         // holder 0 tranche → Holding
	bucketByTranche  = "rm.positions.tranche" // tranche 0 holder → nil
	bucketHoldingLog = "rm.holdings.history"  // holder 0 tranche 0 position → HoldingEntry
)

// Holding is a client's current position in a tranche, as last read.
type Holding struct {
	Holder      string `json:"holder"`
	Tranche     string `json:"tranche"`
	Units       int64  `json:"units"`
	FrozenUnits int64  `json:"frozenUnits"`
	HeldUnits   int64  `json:"heldUnits"`
	Free        int64  `json:"free"`
	// AsOf is the event after which it was read.
	AsOf Stamp `json:"asOf"`
}

// HoldingEntry is one change of a client's position.
type HoldingEntry struct {
	Stamp
	Holder      string `json:"holder"`
	Tranche     string `json:"tranche"`
	Units       int64  `json:"units" doc:"units after the event"`
	Change      int64  `json:"change" doc:"units after − units before"`
	FrozenUnits int64  `json:"frozenUnits"`
	HeldUnits   int64  `json:"heldUnits"`
	Detail      string `json:"detail,omitempty" doc:"the settlement, or the reason of a forced transfer"`
}

func (p *Projector) applyHoldings(tx *bbolt.Tx, ev events.Event) error {
	f := factsOf(ev)
	if f == nil {
		return nil
	}
	pl, _ := decode(ev)
	return putPositions(tx, ev, f, pl.Reason)
}

// putPositions records the positions of the facts: the snapshot, the
// tranche index and a history entry.
func putPositions(tx *bbolt.Tx, ev events.Event, f *Facts, detail string) error {
	snaps, err := readmodel.Bucket(tx, bucketPositions)
	if err != nil {
		return err
	}
	index, err := readmodel.Bucket(tx, bucketByTranche)
	if err != nil {
		return err
	}
	history, err := readmodel.Bucket(tx, bucketHoldingLog)
	if err != nil {
		return err
	}
	for _, pf := range f.Positions {
		if pf.Position == nil {
			continue // refused: the read model keeps the last readable state
		}
		var before Holding
		if _, err := readmodel.GetJSON(snaps, key(pf.Holder, pf.Tranche), &before); err != nil {
			return err
		}
		now := Holding{Holder: pf.Holder, Tranche: pf.Tranche, Units: pf.Position.Units, FrozenUnits: pf.Position.FrozenUnits,
			HeldUnits: pf.Position.HeldUnits, Free: pf.Position.Free, AsOf: stampOf(ev)}
		if err := readmodel.PutJSON(snaps, key(pf.Holder, pf.Tranche), now); err != nil {
			return err
		}
		if err := index.Put(key(pf.Tranche, pf.Holder), nil); err != nil {
			return err
		}
		entry := HoldingEntry{Stamp: stampOf(ev), Holder: pf.Holder, Tranche: pf.Tranche, Units: now.Units,
			Change: now.Units - before.Units, FrozenUnits: now.FrozenUnits, HeldUnits: now.HeldUnits, Detail: detail}
		if err := readmodel.PutJSON(history, append(key(pf.Holder, pf.Tranche, ""), posKey(ev)...), entry); err != nil {
			return err
		}
	}
	return nil
}

// Holdings lists the current positions, of one holder when holder is not
// empty, of one tranche when tranche is not empty, in (holder, tranche)
// order.
func Holdings(tx *bbolt.Tx, holder, tranche string) ([]Holding, error) {
	out := []Holding{}
	b := tx.Bucket([]byte(bucketPositions))
	if b == nil {
		return out, nil
	}
	c := b.Cursor()
	prefix := []byte(nil)
	if holder != "" {
		prefix = key(holder, "")
	}
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var h Holding
		if err := json.Unmarshal(v, &h); err != nil {
			return nil, err
		}
		if tranche == "" || h.Tranche == tranche {
			out = append(out, h)
		}
	}
	return out, nil
}

// HoldersOf lists the clients of this bank known to hold (or to have
// held) a tranche, in key order.
func HoldersOf(tx *bbolt.Tx, tranche string) []string {
	var out []string
	b := tx.Bucket([]byte(bucketByTranche))
	if b == nil {
		return out
	}
	prefix := key(tranche, "")
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, string(k[len(prefix):]))
	}
	return out
}

// HoldingHistory lists a client's position changes in a tranche, oldest
// first.
func HoldingHistory(tx *bbolt.Tx, holder, tranche string) ([]HoldingEntry, error) {
	out := []HoldingEntry{}
	err := scanPrefix(tx, bucketHoldingLog, key(holder, tranche, ""), func(v []byte) error {
		var e HoldingEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	return out, err
}
