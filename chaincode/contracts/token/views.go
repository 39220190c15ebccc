package token

import (
	"math"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// PositionView is a holder's position as queries return it.
type PositionView struct {
	Tranche     string `json:"tranche"`
	Holder      string `json:"holder"`
	Units       int64  `json:"units"`
	FrozenUnits int64  `json:"frozenUnits"` // 9223372036854775807: all, now and later
	HeldUnits   int64  `json:"heldUnits"`
	// Free is what the holder could move now: units neither frozen nor
	// held by a pending settlement.
	Free int64 `json:"free"`
}

func positionView(trancheID string, holder roles.Identity, p schema.Position) PositionView {
	free := p.Units - min(max(p.FrozenUnits, 0), p.Units) - p.HeldUnits
	return PositionView{Tranche: trancheID, Holder: holder.Key(), Units: p.Units,
		FrozenUnits: p.FrozenUnits, HeldUnits: p.HeldUnits, Free: max(free, 0)}
}

// HolderList is Holders' answer.
type HolderList struct {
	Tranche string         `json:"tranche"`
	Holders []PositionView `json:"holders"` // registries in configuration order, holders in key order
	Units   int64          `json:"units"`   // Σ units of the listed holders
}

// Holders lists every position with units, ranging over every custodian
// registry in configuration order. It needs a peer holding every
// registry (the trustee's) and, as a private range query, a transaction
// that writes nothing.
func (r *Register) Holders() (HolderList, error) {
	out := HolderList{Tranche: r.Tranche.ID, Holders: []PositionView{}}
	for _, custodian := range r.cfg.Custodians() {
		registry := roles.RegistryCollection(custodian)
		err := r.ctx.RangePrivate(registry, schema.TypePosition, []string{r.Tranche.ID}, func(key string, value []byte) error {
			_, attrs, err := r.ctx.GetStub().SplitCompositeKey(key)
			if err != nil || len(attrs) != 2 {
				return txnCorrupt(key)
			}
			holder, err := roles.ParseKey(attrs[1])
			if err != nil {
				return txnCorrupt(key)
			}
			var p schema.Position
			if err := txn.Decode(key, value, &p); err != nil {
				return err
			}
			if p.Units > 0 {
				out.Holders = append(out.Holders, positionView(r.Tranche.ID, holder, p))
				out.Units += p.Units
			}
			return nil
		})
		if err != nil {
			return HolderList{}, err
		}
	}
	return out, nil
}

// SupplyView is the tranche's public supply.
type SupplyView struct {
	Tranche     string       `json:"tranche"`
	Issued      int64        `json:"issued"`
	Redeemed    int64        `json:"redeemed"`
	Outstanding int64        `json:"outstanding"` // issued − redeemed
	IssuerUnits int64        `json:"issuerUnits"` // minted, not yet placed with investors
	Placed      int64        `json:"placed"`      // outstanding − issuerUnits: Σ of every holder's units
	Holders     int          `json:"holders"`
	MaxUnits    int64        `json:"maxUnits"` // what the original face allows
	UnitFace    money.Amount `json:"unitFace"`
	// OutstandingFace is outstanding × unit face (original face terms; the
	// servicing contract applies the factor).
	OutstandingFace money.Amount `json:"outstandingFace"`
	Paused          bool         `json:"paused"`
}

// Supply returns the public supply record.
func (r *Register) Supply() SupplyView {
	out := r.Outstanding()
	face := money.Amount(math.MaxInt64)
	if r.Tranche.UnitFace == 0 || out <= int64(money.MaxAmount/r.Tranche.UnitFace) {
		face = money.Amount(out) * r.Tranche.UnitFace
	}
	return SupplyView{
		Tranche: r.Tranche.ID, Issued: r.Tranche.Issued, Redeemed: r.Book.Redeemed, Outstanding: out,
		IssuerUnits: r.Book.IssuerUnits, Placed: out - r.Book.IssuerUnits, Holders: r.Book.Holders,
		MaxUnits: r.Tranche.MaxUnits(), UnitFace: r.Tranche.UnitFace, OutstandingFace: face, Paused: r.Tranche.Rules.Paused,
	}
}
