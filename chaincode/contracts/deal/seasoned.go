package deal

import (
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// seasonedFactors are, for a deal moved onto the ledger mid-life, each
// tranche's class balance over its original face as the certificate the
// trustee opened it from shows (Servicing:OpenAt): the mint gate counts an
// issued unit at that factor, since its sealed tape is the pool of today,
// not the pool at closing. Nil for a deal on the ledger since closing.
type seasonedFactors map[string]money.Amount

// readSeasonedFactors reads the deal's servicing record and, for a seasoned
// deal, the class balances of its current state by tranche (nil for any
// other deal); it refuses a
// seasoned deal not opened yet, whose factors are not known.
func readSeasonedFactors(ctx *txn.Context, d schema.Deal) (seasonedFactors, error) {
	key, err := ctx.Key(schema.TypeDealServicing, d.ID)
	if err != nil {
		return nil, err
	}
	var svc schema.DealServicing
	if found, err := ctx.Get(key, &svc); err != nil || !found || !svc.Seasoned {
		return nil, err
	}
	if svc.OpenedAt == 0 {
		return nil, errs.New(errs.WrongState, "deal %s is seasoned: its units are issued once the trustee has opened it from its latest certificate (Servicing:OpenAt)", d.ID)
	}
	wfKey, err := ctx.Key(schema.TypeWaterfall, d.ID, schema.PeriodKey(svc.WaterfallVersion))
	if err != nil {
		return nil, err
	}
	var wf schema.Waterfall
	found, err := ctx.Get(wfKey, &wf)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errs.New(errs.Internal, "deal %s: waterfall version %d is missing", d.ID, svc.WaterfallVersion)
	}
	out := seasonedFactors{}
	for _, ct := range wf.Classes {
		for _, cs := range svc.State.Classes {
			if cs.Class == ct.Class {
				out[ct.Tranche] = cs.Balance
			}
		}
	}
	return out, nil
}

// face is the face the mint gate counts for units of tranche t: units ×
// unit face, at the certificate's factor for a seasoned deal (rounded up,
// so the gate never lets through more than the collateral covers).
func (s seasonedFactors) face(t schema.Tranche, units int64) (money.Amount, error) {
	face := money.Amount(units) * t.UnitFace // ≤ OriginalFace ≤ MaxAmount: no overflow
	balance, ok := s[t.ID]
	if !ok || t.OriginalFace <= 0 {
		return face, nil
	}
	scaled := face.Decimal().Mul(balance.Decimal()).Div(t.OriginalFace.Decimal()).RoundCeil(2)
	return money.FromDecimalExact(scaled)
}
