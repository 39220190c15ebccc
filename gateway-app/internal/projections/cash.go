package projections

import (
	"encoding/json"

	"go.etcd.io/bbolt"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/gateway-app/internal/events"
	"github.com/tranchenet/tranchenet/gateway-app/internal/readmodel"
)

// Buckets of the cash projection.
const (
	bucketCash    = "rm.cash"         // holder → CashHolding
	bucketCashLog = "rm.cash.history" // holder 0 position → CashEntry
)

// CashHolding is a client's cash, as last read.
type CashHolding struct {
	Holder    string       `json:"holder"`
	Balance   money.Amount `json:"balance"`
	Held      money.Amount `json:"held"`
	Available money.Amount `json:"available"`
	AsOf      Stamp        `json:"asOf"`
}

// CashEntry is one change of a client's cash.
type CashEntry struct {
	Stamp
	Holder  string       `json:"holder"`
	Balance money.Amount `json:"balance" doc:"balance after the event"`
	Change  money.Amount `json:"change" doc:"balance after − balance before: what a claim paid, a payment brought"`
	Held    money.Amount `json:"held"`
	Detail  string       `json:"detail,omitempty"`
}

func (p *Projector) applyCash(tx *bbolt.Tx, ev events.Event) error {
	f := factsOf(ev)
	if f == nil {
		return nil
	}
	pl, _ := decode(ev)
	detail := pl.Tranche
	if ev.Name == "FeeClaimed" {
		detail = pl.Deal + " fee"
	}
	return putBalances(tx, ev, f, detail)
}

func (p *Projector) applySettlement(tx *bbolt.Tx, ev events.Event) error {
	f := factsOf(ev)
	if f == nil {
		return nil
	}
	if err := putPositions(tx, ev, f, f.TradeRef); err != nil {
		return err
	}
	return putBalances(tx, ev, f, f.TradeRef)
}

func putBalances(tx *bbolt.Tx, ev events.Event, f *Facts, detail string) error {
	snaps, err := readmodel.Bucket(tx, bucketCash)
	if err != nil {
		return err
	}
	history, err := readmodel.Bucket(tx, bucketCashLog)
	if err != nil {
		return err
	}
	for _, bf := range f.Balances {
		if bf.Balance == nil {
			continue
		}
		var before CashHolding
		if _, err := readmodel.GetJSON(snaps, []byte(bf.Holder), &before); err != nil {
			return err
		}
		now := CashHolding{Holder: bf.Holder, Balance: bf.Balance.Balance, Held: bf.Balance.Held, Available: bf.Balance.Available, AsOf: stampOf(ev)}
		if err := readmodel.PutJSON(snaps, []byte(bf.Holder), now); err != nil {
			return err
		}
		change, err := now.Balance.Sub(before.Balance)
		if err != nil {
			return err
		}
		entry := CashEntry{Stamp: stampOf(ev), Holder: bf.Holder, Balance: now.Balance, Change: change, Held: now.Held, Detail: detail}
		if err := readmodel.PutJSON(history, append(key(bf.Holder, ""), posKey(ev)...), entry); err != nil {
			return err
		}
	}
	return nil
}

// Cash returns a client's cash as last read.
func Cash(tx *bbolt.Tx, holder string) (CashHolding, bool, error) {
	var c CashHolding
	found, err := readmodel.GetJSON(tx.Bucket([]byte(bucketCash)), []byte(holder), &c)
	return c, found, err
}

// CashHistory lists a client's cash changes, oldest first.
func CashHistory(tx *bbolt.Tx, holder string) ([]CashEntry, error) {
	out := []CashEntry{}
	err := scanPrefix(tx, bucketCashLog, key(holder, ""), func(v []byte) error {
		var e CashEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	return out, err
}
