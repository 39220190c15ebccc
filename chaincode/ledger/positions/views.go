package positions

import (
	"math"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Holders lists every position with units, ranging over every custodian
// registry in configuration order. It needs a peer holding every
// registry (the trustee's) and, as a private range query, a transaction
// that writes nothing.
func (r *Register) Holders() (schema.HolderList, error) {
	out := schema.HolderList{Tranche: r.Tranche.ID, Holders: []schema.PositionView{}}
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
				out.Holders = append(out.Holders, schema.NewPositionView(r.Tranche.ID, holder.Key(), p))
				out.Units += p.Units
			}
			return nil
		})
		if err != nil {
			return schema.HolderList{}, err
		}
	}
	return out, nil
}

// Supply returns the public supply record, the holder count read from
// every shard.
func (r *Register) Supply() (schema.TrancheSupply, error) {
	holders, err := r.HolderCount()
	if err != nil {
		return schema.TrancheSupply{}, err
	}
	book, err := r.Book()
	if err != nil {
		return schema.TrancheSupply{}, err
	}
	out := r.Tranche.Issued - book.Redeemed
	face := money.Amount(math.MaxInt64)
	if r.Tranche.UnitFace == 0 || out <= int64(money.MaxAmount/r.Tranche.UnitFace) {
		face = money.Amount(out) * r.Tranche.UnitFace
	}
	return schema.TrancheSupply{
		Tranche: r.Tranche.ID, Issued: r.Tranche.Issued, Redeemed: book.Redeemed, Outstanding: out,
		IssuerUnits: book.IssuerUnits, Placed: out - book.IssuerUnits, Holders: holders,
		MaxUnits: r.Tranche.MaxUnits(), UnitFace: r.Tranche.UnitFace, OutstandingFace: face, Paused: r.Tranche.Rules.Paused,
	}, nil
}
